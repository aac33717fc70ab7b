/// Errors the command line itself detects (the modules throw their own typed errors).
enum CLIError: Error, CustomStringConvertible {
    case invalidValue(option: String, value: String, expected: String)

    var description: String {
        switch self {
        case let .invalidValue(option, value, expected):
            return "invalid \(option) '\(value)': expected \(expected)"
        }
    }
}
