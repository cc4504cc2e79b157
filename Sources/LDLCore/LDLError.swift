/// Every failure the core reports. None of the core traps on bad input: it
/// throws one of these, and the bridge hands it to C as a status.
public struct LDLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, in the classes a caller maps to its own error codes
    /// (the PostgreSQL shim maps them to SQLSTATEs).
    public enum Kind: Sendable, Equatable {
        /// A value or parameter out of its domain, or lengths that disagree (22023).
        case invalidParameter
        /// An array of the wrong shape: empty, or not one-dimensional (2202E).
        case arrayShape
        /// A missing value where one is required (22004).
        case nullValue
        /// A named thing that does not exist (42704).
        case undefinedObject
        /// The object cannot serve the request in its current state,
        /// for example a model with no samples (55000).
        case notReady
        /// The caller's interrupt check asked the computation to stop.
        case cancelled
        /// The work would take more memory than the caller allows (54000).
        case programLimit
        /// A bug: an invariant of the core itself does not hold.
        case `internal`
    }

    public var kind: Kind
    /// Lower-case, names the value and what was expected.
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(_ kind: Kind, _ message: String, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public static func invalid(_ message: String, detail: String? = nil, hint: String? = nil) -> LDLError {
        LDLError(.invalidParameter, message, detail: detail, hint: hint)
    }

    public static let cancelled = LDLError(.cancelled, "canceling statement due to user request")

    public var description: String {
        var text = message
        if let detail { text += " (\(detail))" }
        return text
    }
}
