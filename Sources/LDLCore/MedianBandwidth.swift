/// The `median` bandwidth rule (NEIGHBOURS.md F2.1): `s = scale · d_med`.
///
/// `d_med`: for each row, the Euclidean distance to its k-th nearest *other*
/// row; the lower median of those values (sorted ascending, 0-based index
/// `⌊(M−1)/2⌋`). For `M > 2000` only the rows at positions `0, q, 2q, …` in key
/// order (`q = ⌈M/2000⌉`) have their k-th distance taken, against all rows, so
/// the cost stays one batched scan of at most 2000 queries. Rows of weight 0
/// take no part (as if deleted). Cached per (model version, k).
extension Model {
    /// The most rows whose k-th distance is taken.
    static let medianSampleLimit = 2000

    /// `d_med` for `k` (>= 1).
    ///
    /// - Throws: `.invalidParameter` when the model has no more than `k`
    ///   rows (of positive weight), `.cancelled`.
    public func medianNeighbourDistance(k: Int, isCancelled: () -> Bool = { false }) throws(LDLError) -> Double {
        guard k >= 1 else { throw LDLError.invalid("k is \(k), expected at least 1 for the median bandwidth") }
        if let cached = neighbourCache.medianDistance[k] { return cached }
        var rows = (0..<count).filter { isEligible($0) }
        let m = rows.count
        guard m > k else {
            let what = hasWeights ? "rows of positive weight" : "rows"
            throw LDLError.invalid(
                "model has \(m) \(what), expected more than k = \(k) for bandwidth_rule median",
                hint: "Use a smaller k, or bandwidth_rule fixed.")
        }
        rows.sort { keys[$0] < keys[$1] }
        let step = (m + Self.medianSampleLimit - 1) / Self.medianSampleLimit
        let sampled = stride(from: 0, to: m, by: step).map { rows[$0] }

        let n = featureCount
        let blockSize = neighbourBlockSize(perQuery: k)
        var distances: [Double] = []
        distances.reserveCapacity(sampled.count)
        var block = [Double](repeating: 0, count: Swift.min(blockSize, sampled.count) * n)
        var start = 0
        while start < sampled.count {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, sampled.count - start)
            let selves = Array(sampled[start..<(start + size)])
            for (b, i) in selves.enumerated() {
                let row = storedFeatures(i, 1)
                for f in 0..<n { block[b * n + f] = row[f] }
            }
            let sets = try block.withUnsafeBufferPointer { (q) throws(LDLError) in
                try nearestRows(
                    queries: UnsafeBufferPointer(rebasing: q[0..<(size * n)]), queryCount: size, k: k,
                    metric: .euclidean, weighted: true, selves: selves, isCancelled: isCancelled)
            }
            for set in sets {
                // The set holds exactly k others (m > k); its root is the farthest, the k-th.
                guard let kth = set.heap.first else { throw LDLError(.internal, "empty neighbour set") }
                distances.append(kth.distance.squareRoot())
            }
            start += size
        }
        distances.sort()
        let median = distances[(distances.count - 1) / 2]
        neighbourCache.medianDistance[k] = median
        return median
    }
}
