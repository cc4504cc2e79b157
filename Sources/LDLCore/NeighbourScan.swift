/// The nearest-rows scan of the neighbour family: `scanNearest` with the
/// rows of weight 0 left out (they are as good as deleted), an unbounded
/// `k`, and leave-one-out (each query a stored row that skips itself).
/// It is `scanNearest` with a row filter, so a pair's distance is bit-for-bit
/// what `predict` computes in every storage layout: a leave-one-out
/// prediction equals the prediction of the model without that row.
extension Model {
    /// The `k` nearest rows of each query of a block (`k = 0`: every row that
    /// qualifies), nearest first with ties to the lowest key.
    /// - `weighted`: only rows of positive weight qualify (kernel kNN, AA-kNN).
    /// - `selves`: query `b` is the stored row `selves[b]` and never its own
    ///   neighbour (leave-one-out); nil or a negative entry: no such row.
    /// - `extra`: keep this many more than `k` (influence needs the (k+1)-th).
    func nearestRows(
        queries: UnsafeBufferPointer<Double>, queryCount: Int, k: Int, metric: Metric, weighted: Bool,
        selves: [Int]? = nil, extra: Int = 0, isCancelled: () -> Bool
    ) throws(LDLError) -> [NearestSet] {
        let available = weighted ? eligibleCount : count
        let wanted = k == 0 ? available : Swift.min(k, available)
        let capacity = Swift.min(wanted &+ Swift.max(extra, 0), available)
        guard queryCount > 0, capacity > 0 else {
            return Array(repeating: NearestSet(capacity: 1), count: queryCount)
        }
        var include: ((Int) -> Bool)? = nil
        if weighted, let w = weights { include = { $0 < w.count && w[$0] > 0 } }
        let own = selves.flatMap { $0.count >= queryCount ? Array($0.prefix(queryCount)) : nil }
        return try scanNearest(
            queries: queries, queryCount: queryCount, k: capacity, metric: metric, isCancelled: isCancelled,
            filter: RowFilter(include: include, excludedPerQuery: own))
    }

    /// Queries per block when each keeps `perQuery` neighbours: the scan's
    /// block, smaller when the neighbour sets would pass about 48 MiB (an
    /// all-rows kernel over a big model), never below 1.
    func neighbourBlockSize(perQuery: Int) -> Int {
        let standard = Self.blockSize(featureCount: featureCount, labelCount: labelCount)
        let budget = (48 << 20) / MemoryLayout<Neighbour>.stride
        let kept = Swift.min(Swift.max(perQuery, 1), Swift.max(count, 1))  // a huge k keeps at most M
        return Swift.max(1, Swift.min(standard, budget / kept))
    }

    /// The stored rows `start ..< start + size` as a query block, in any layout.
    func storedRows(_ start: Int, _ size: Int, _ body: (UnsafeBufferPointer<Double>) throws(LDLError) -> Void)
        throws(LDLError)
    {
        guard start >= 0, size >= 0, start + size <= count else {
            throw LDLError(.internal, "rows \(start)..<\(start + size) out of the model's \(count)")
        }
        try storedFeatures(start, size).withUnsafeBufferPointer { (x) throws(LDLError) in try body(x) }
    }
}
