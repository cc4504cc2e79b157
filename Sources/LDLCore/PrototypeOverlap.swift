/// How UAKNN's prototypes overlap (NEIGHBOURS.md G11). The paper says the
/// prototype sizes sum to the training-set size, which holds only if every
/// row is in exactly one prototype; measured sums are 2.35× (SJAFFE) to
/// 8.90× (Yeast_alpha) M. A row is in none when no value exceeds 1/L
/// (an exactly uniform distribution, say).
public struct PrototypeOverlap: Sendable, Equatable {
    /// Rows in 0, 1, 2 and 3 or more prototypes.
    public var none = 0
    public var one = 0
    public var two = 0
    public var threeOrMore = 0
    /// Σ_j |P_j|.
    public var memberships = 0
    /// M.
    public var rows = 0

    /// `Σ_j |P_j| / M` (0 for an empty model).
    public var duplicationFactor: Double { rows > 0 ? Double(memberships) / Double(rows) : 0 }
}

extension Model {
    /// The number of prototypes row `key` belongs to; nil for an unknown key.
    public func prototypeMembershipCount(key: Int64) -> Int? {
        guard let i = indexOfKey[key], i + 1 < prototypes.memberStart.count else { return nil }
        return prototypes.memberStart[i + 1] - prototypes.memberStart[i]
    }

    /// Per-row membership counts, summarized.
    public func prototypeOverlap(isCancelled: () -> Bool = { false }) throws(LDLError) -> PrototypeOverlap {
        var o = PrototypeOverlap()
        let starts = prototypes.memberStart
        for i in 0..<Swift.min(count, starts.count - 1) {
            if i % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
            let c = starts[i + 1] - starts[i]
            switch c {
            case 0: o.none += 1
            case 1: o.one += 1
            case 2: o.two += 1
            default: o.threeOrMore += 1
            }
            o.memberships += c
            o.rows += 1
        }
        return o
    }
}
