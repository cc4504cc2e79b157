/// The distances and similarities between two label distributions that LDL
/// papers report (Geng 2016), with the PyLDL toolkit's conventions.
public enum MetricKind: String, CaseIterable, Sendable {
    case chebyshev, clark, canberra, kl, cosine, intersection
    case euclidean, sorensen
    case squaredChi2 = "squared_chi2"
    case fidelity, js
    /// 1 when the top labels agree (argmax, ties to the lowest label), else 0:
    /// its mean is top-label accuracy (NEIGHBOURS.md F4.2). Last, so the
    /// earlier kinds keep their indices.
    case top1

    /// The six metrics LDL papers report, in the order they report them.
    public static let standard: [MetricKind] = [.chebyshev, .clark, .canberra, .kl, .cosine, .intersection]

    /// The kind's SQL and command-line name.
    public var name: String { rawValue }

    /// Whether a larger value means a better prediction (similarities) rather
    /// than a smaller one (distances).
    public var higherIsBetter: Bool {
        switch self {
        case .cosine, .intersection, .fidelity, .top1: return true
        default: return false
        }
    }

    /// Looks a kind up by name, ignoring ASCII case.
    public init?(name: some StringProtocol) {
        let lowered = String(name).lowercased()
        guard let kind = MetricKind(rawValue: lowered) else { return nil }
        self = kind
    }

    /// Parses a name or throws an error listing the valid names.
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> MetricKind {
        guard let kind = MetricKind(name: name) else {
            throw LDLError.invalid(
                "unknown metric kind \"\(name)\"",
                hint: "Valid kinds are: \(allCases.map(\.name).joined(separator: ", ")).")
        }
        return kind
    }
}
