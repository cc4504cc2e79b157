/// A stored sample near a query, as AA-kNN and kernel kNN see it.
public struct NearestSample: Sendable, Equatable {
    public var key: Int64
    /// `Σ (x_i - q_i)²` over the features as stored.
    public var squaredDistance: Double
}

extension Model {
    /// The `k` nearest samples of `query` by Euclidean distance (the
    /// neighbours of AA-kNN and kernel kNN), nearest first, ties to the lowest
    /// key; fewer when the model (or `filter`) has fewer. For reports and for
    /// comparing storage modes: which neighbours a prediction used.
    public func nearestSamples(_ query: [Double], k: Int, filter: RowFilter = RowFilter()) throws(LDLError)
        -> [NearestSample]
    {
        guard k >= 1 else { throw LDLError.invalid("k is \(k), expected at least 1") }
        guard count > 0 else { throw LDLError.emptyModel() }
        try query.withUnsafeBufferPointer { (q) throws(LDLError) in try checkQuery(q, row: nil) }
        let sets = try query.withUnsafeBufferPointer { (q) throws(LDLError) in
            try scanNearest(
                queries: q, queryCount: 1, k: k, metric: .euclidean, isCancelled: { false },
                filter: filter)
        }
        return (sets.first?.ascending() ?? []).map { NearestSample(key: $0.key, squaredDistance: $0.distance) }
    }
}
