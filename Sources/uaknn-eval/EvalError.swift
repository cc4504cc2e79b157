import LDLCore

/// A failure the evaluator reports to the user: one line on stderr and a
/// non-zero exit status, never a trap. `usage` errors (a bad command line) get
/// exit status 2 and a pointer to `--help`; everything else (files, data, the
/// core refusing an input) exits with 1.
struct EvalError: Error, CustomStringConvertible {
    enum Kind { case usage, data }

    var kind: Kind
    var message: String

    static func usage(_ message: String) -> EvalError { EvalError(kind: .usage, message: message) }
    static func data(_ message: String) -> EvalError { EvalError(kind: .data, message: message) }

    /// The core's error, prefixed with where it happened (its hint appended, since
    /// the core's hints name the valid choices).
    static func core(_ error: LDLError, context: String? = nil) -> EvalError {
        var text = error.description
        if let hint = error.hint { text += ". " + hint }
        if let context { text = context + ": " + text }
        return .data(text)
    }

    var description: String { message }
}
