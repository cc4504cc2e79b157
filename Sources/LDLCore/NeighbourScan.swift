/// The nearest-rows scan of the neighbour family: `scanNearest` with the
/// rows of weight 0 left out (they are as good as deleted), an unbounded
/// `k`, and leave-one-out (each query a stored row that skips itself).
/// Scores come from the same `scanScores`, so a pair's distance is bit-for-bit
/// what `predict` computes: a leave-one-out prediction equals the prediction
/// of the model without that row.
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
        let n = featureCount
        let available = weighted ? eligibleCount : count
        let wanted = k == 0 ? available : Swift.min(k, available)
        let capacity = Swift.min(wanted &+ Swift.max(extra, 0), available)
        var sets = Array(repeating: NearestSet(capacity: capacity), count: queryCount)
        guard queryCount > 0, available > 0, queries.count >= queryCount * n, let q = queries.baseAddress else {
            return sets
        }
        let sampleCount = count
        let w = weighted ? weights : nil
        let own = selves ?? []
        let skipSelf = own.count >= queryCount
        var cancelled = false
        withStorage { store in
            func visit(_ i: Int, _ scores: UnsafeMutablePointer<Double>) {
                let key = store.keys[i]
                for b in 0..<queryCount where !skipSelf || own[b] != i {
                    let d = metric == .cosine ? -scores[b] : scores[b]
                    if d <= sets[b].bound { sets[b].offer(Neighbour(distance: d, key: key, index: i)) }
                }
            }
            let done: Bool
            if let w {
                done = Self.scanScores(
                    store, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n, metric: metric,
                    isCancelled: isCancelled, include: { $0 < w.count && w[$0] > 0 }, visit: visit)
            } else {
                done = Self.scanScores(
                    store, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n, metric: metric,
                    isCancelled: isCancelled, include: { _ in true }, visit: visit)
            }
            cancelled = !done
        }
        if cancelled { throw LDLError.cancelled }
        return sets
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

    /// The stored rows `start ..< start + size` as a query block (they are contiguous).
    func storedRows(_ start: Int, _ size: Int, _ body: (UnsafeBufferPointer<Double>) throws(LDLError) -> Void)
        throws(LDLError)
    {
        let n = featureCount
        let range = (start * n)..<((start + size) * n)
        guard start >= 0, size >= 0, range.upperBound <= rawFeatures.count else {
            throw LDLError(.internal, "rows \(start)..<\(start + size) out of the model's \(count)")
        }
        try rawFeatures.withUnsafeBufferPointer { (x) throws(LDLError) in
            try body(UnsafeBufferPointer(rebasing: x[range]))
        }
    }
}
