/// Mixtures (TUNING.md "Mixtures"; the paper's ensemble, section 6): the
/// weighted mean of the members' predictions. Each member runs as its own
/// batch over the same queries, so a member is computed exactly as it would
/// be alone, and a one-member mix equals its member.
extension Model {
    func mixBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, members: [Method], weights: [Double]?,
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool, filter: RowFilter = RowFilter()
    ) throws(LDLError) {
        let total = count * labelCount
        for i in 0..<total { out[i] = 0 }
        let shares = Self.mixShares(members: members.count, weights: weights)
        var scratch = [Double](repeating: 0, count: total)
        for (member, share) in zip(members, shares) where share > 0 {
            try scratch.withUnsafeMutableBufferPointer { (s) throws(LDLError) in
                try runBatch(queries, count: count, method: member, into: s, isCancelled: isCancelled, filter: filter)
            }
            for i in 0..<total { out[i] += share * scratch[i] }
        }
    }

    /// Each member's share of a mix: the weights divided by their sum, or
    /// equal shares (validated before: one finite weight >= 0 per member,
    /// positive sum).
    static func mixShares(members: Int, weights: [Double]?) -> [Double] {
        guard let weights, weights.count == members else {
            return Array(repeating: 1 / Double(Swift.max(members, 1)), count: members)
        }
        let sum = weights.reduce(0, +)
        return weights.map { $0 / sum }
    }
}
