/// Errors the command line itself detects (the modules throw their own typed errors).
enum CLIError: Error, CustomStringConvertible {
    case invalidValue(option: String, value: String, expected: String)
    /// A run that has nothing to show for the request yet.
    case noFront(run: String, reason: String, fix: String)

    var description: String {
        switch self {
        case let .invalidValue(option, value, expected):
            return "invalid \(option) '\(value)': expected \(expected)"
        case let .noFront(run, reason, fix):
            return "run \(run) has no Pareto front to show: \(reason); \(fix)"
        }
    }
}
