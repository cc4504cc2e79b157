/// The one pass over the samples that every predictor starts with.
///
/// A scan serves a block of queries at once: each sample's row is loaded from
/// memory once and scored against every query of the block while it sits in
/// cache, so a batch reads the model once per block rather than once per
/// query. A single prediction is a block of one.
extension Model {
    /// Queries scored together against each sample row.
    static let blockSize = 8
    /// Samples between two polls of the cancel check.
    static let pollInterval = 1024

    /// Spec step 2 for a block of queries given as unit vectors (row-major,
    /// `queryCount x featureCount`): each sample is scored once per query and
    /// offered to every prototype it belongs to. Samples in no prototype are
    /// not even scored.
    func scanPrototypes(
        unitQueries: UnsafeBufferPointer<Double>, queryCount: Int, isCancelled: () -> Bool
    ) throws(LDLError) -> [PrototypeMatches] {
        let n = featureCount
        let labelsPerQuery = labelCount
        var matches = Array(repeating: PrototypeMatches(labelCount: labelsPerQuery), count: queryCount)
        guard queryCount > 0, count > 0, unitQueries.count >= queryCount * n,
            let q = unitQueries.baseAddress
        else { return matches }
        let starts = prototypes.memberStart
        let members = prototypes.memberLabels
        var scores = [Double](repeating: 0, count: queryCount)
        var cancelled = false
        unitFeatures.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress, x.count >= count * n else { return }
            for i in 0..<count {
                if i % Self.pollInterval == 0, isCancelled() {
                    cancelled = true
                    return
                }
                let lo = starts[i]
                let hi = starts[i + 1]
                if lo == hi { continue }
                let row = base + i * n
                for b in 0..<queryCount {
                    scores[b] = Similarity.dot(q + b * n, row, n)
                }
                let key = keys[i]
                for m in lo..<hi {
                    let j = Int(members[m])
                    for b in 0..<queryCount {
                        let s = scores[b]
                        let best = matches[b].score[j]
                        if s > best || (s == best && key < matches[b].key[j]) {
                            matches[b].score[j] = s
                            matches[b].key[j] = key
                            matches[b].index[j] = i
                        }
                    }
                }
            }
        }
        if cancelled { throw LDLError.cancelled }
        return matches
    }

    /// How a nearest-neighbour scan measures distance.
    enum Metric {
        /// `-cos` over unit vectors (UAKNN without prototypes).
        case cosine
        /// Squared Euclidean distance over the features as given (AA-kNN, kernel kNN).
        case euclidean
    }

    /// The `k` nearest samples of each query of a block (`k` is clamped to the
    /// model size). Cosine scans take unit queries, Euclidean scans raw ones.
    func scanNearest(
        queries: UnsafeBufferPointer<Double>, queryCount: Int, k: Int, metric: Metric,
        isCancelled: () -> Bool
    ) throws(LDLError) -> [NearestSet] {
        let n = featureCount
        var sets = Array(repeating: NearestSet(capacity: Swift.min(k, count)), count: queryCount)
        guard queryCount > 0, count > 0, queries.count >= queryCount * n, let q = queries.baseAddress
        else { return sets }
        var cancelled = false
        let storage = metric == .cosine ? unitFeatures : rawFeatures
        storage.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress, x.count >= count * n else { return }
            for i in 0..<count {
                if i % Self.pollInterval == 0, isCancelled() {
                    cancelled = true
                    return
                }
                let row = base + i * n
                let key = keys[i]
                for b in 0..<queryCount {
                    let d: Double
                    switch metric {
                    case .cosine: d = -Similarity.dot(q + b * n, row, n)
                    case .euclidean: d = Similarity.squaredDistance(q + b * n, row, n)
                    }
                    if d <= sets[b].bound {
                        sets[b].offer(Neighbour(distance: d, key: key, index: i))
                    }
                }
            }
        }
        if cancelled { throw LDLError.cancelled }
        return sets
    }
}
