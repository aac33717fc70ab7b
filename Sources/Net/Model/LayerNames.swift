extension String {
    /// `block_07`-style layer names.
    init(format2 index: Int) {
        self = index < 10 ? "block_0\(index)" : "block_\(index)"
    }
}
