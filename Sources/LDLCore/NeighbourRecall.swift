/// Recall@K of top labels (NEIGHBOURS.md F2.5, the review's §3.1): a cheap
/// diagnostic of whether the feature space suits kNN at all. For each row
/// whose top label is the top label of at least one other row: a hit at K
/// when any of its K nearest other rows shares its top label.
public struct NeighbourRecallRow: Sendable, Equatable {
    public var k: Int
    /// hits / rows; nil when no row counts.
    public var recall: Double?
    /// Rows counted.
    public var rows: Int
    /// Rows whose top label no other row has.
    public var skipped: Int
}

extension Model {
    public static let defaultRecallKs = [1, 2, 4, 8]

    /// One row per K, in the order given. Ties to the lowest key; row weights
    /// play no part (the question is about the features).
    ///
    /// - Throws: `.invalidParameter` for no K or a K below 1; `.notReady` for an empty model; `.cancelled`.
    public func neighbourRecall(
        ks: [Int] = Model.defaultRecallKs, distance: DistanceKind = .euclidean, isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> [NeighbourRecallRow] {
        guard !ks.isEmpty else { throw LDLError.invalid("ks is empty, expected at least one k") }
        if let bad = ks.first(where: { $0 < 1 }) { throw LDLError.invalid("k is \(bad), expected at least 1") }
        guard count > 0 else { throw LDLError.emptyModel() }
        let L = labelCount
        let n = featureCount
        let top = (0..<count).map { i in labels.withUnsafeBufferPointer { Metrics.topLabel(UnsafeBufferPointer(rebasing: $0[(i * L)..<((i + 1) * L)])) } }
        var perLabel = [Int](repeating: 0, count: L)
        for t in top { perLabel[t] += 1 }
        let largest = Swift.min(ks.max() ?? 1, Swift.max(count - 1, 1))
        // firstHit[i]: the rank (1-based) of row i's first neighbour with its top label, if within `largest`.
        var firstHit = [Int?](repeating: nil, count: count)
        let metric: Metric = distance == .cosine ? .cosine : .euclidean
        let blockSize = neighbourBlockSize(perQuery: largest)
        var unit = [Double](repeating: 0, count: metric == .cosine ? Swift.min(blockSize, count) * n : 0)
        var start = 0
        while start < count {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, count - start)
            try storedRows(start, size) { (block) throws(LDLError) in
                var queries = block
                if metric == .cosine {
                    unit.withUnsafeMutableBufferPointer { u in
                        for b in 0..<size {
                            Similarity.normalize(
                                UnsafeBufferPointer(rebasing: block[(b * n)..<((b + 1) * n)]),
                                into: UnsafeMutableBufferPointer(rebasing: u[(b * n)..<((b + 1) * n)]))
                        }
                    }
                }
                let sets = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    if metric == .cosine { queries = UnsafeBufferPointer(rebasing: u[0..<(size * n)]) }
                    return try nearestRows(
                        queries: queries, queryCount: size, k: largest, metric: metric, weighted: false,
                        selves: Array(start..<(start + size)), isCancelled: isCancelled)
                }
                for b in 0..<size {
                    let i = start + b
                    if let r = sets[b].ascending().firstIndex(where: { top[$0.index] == top[i] }) { firstHit[i] = r + 1 }
                }
            }
            start += size
        }
        let counted = (0..<count).filter { perLabel[top[$0]] > 1 }
        return ks.map { k in
            let hits = counted.filter { (firstHit[$0] ?? .max) <= k }.count
            return NeighbourRecallRow(
                k: k, recall: counted.isEmpty ? nil : Double(hits) / Double(counted.count), rows: counted.count,
                skipped: count - counted.count)
        }
    }
}
