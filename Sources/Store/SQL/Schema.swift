/// The schema versions every backend knows, oldest first. A database listing a migration not
/// here was written by a newer Pareidolia and is refused, not touched.
public enum Schema {
    public static let known = ["v1", "v2", "v3", "v4", "v5", "v6"]
}
