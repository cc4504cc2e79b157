/// Which stored samples a scan (and so a prediction) may use, by storage
/// index: the 0-based insertion order, the index of `keys`.
///
/// For cross-validation (`include`: the training rows of a model that holds
/// every row) and leave-one-out (`excludedPerQuery`: each query's own row),
/// in every storage mode. A sample left out is as if it were not stored:
/// it is neither a neighbour nor a prototype's match.
public struct RowFilter {
    /// Samples for which this is false are left out for every query; nil: none is.
    public var include: ((Int) -> Bool)?
    /// `excludedPerQuery[b]` is a sample query `b` must not use (any value
    /// that is not a storage index, such as -1: none). One entry per query of
    /// the call; nil: no query leaves out a sample of its own.
    public var excludedPerQuery: [Int]?

    public init(include: ((Int) -> Bool)? = nil, excludedPerQuery: [Int]? = nil) {
        self.include = include
        self.excludedPerQuery = excludedPerQuery
    }

    /// Only the samples whose storage index is in `indices`.
    public init(only indices: Set<Int>) {
        self.init(include: { indices.contains($0) })
    }

    /// Every sample except those in `indices`.
    public init(excluding indices: Set<Int>) {
        self.init(include: { !indices.contains($0) })
    }

    /// Whether the filter lets every sample through.
    var isTrivial: Bool { include == nil && excludedPerQuery == nil }

    /// Whether sample `i` takes part for every query.
    @inline(__always)
    func includes(_ i: Int) -> Bool { include?(i) ?? true }

    /// Whether query `b` (of this filter's queries) must skip sample `i`.
    @inline(__always)
    func excludes(_ i: Int, query b: Int) -> Bool {
        guard let e = excludedPerQuery, b >= 0, b < e.count else { return false }
        return e[b] == i
    }

    /// The filter of queries `start ..< start + count` (a block of a batch).
    func block(from start: Int, count: Int) -> RowFilter {
        guard let e = excludedPerQuery else { return self }
        let lo = Swift.min(Swift.max(start, 0), e.count)
        let hi = Swift.min(Swift.max(start + count, lo), e.count)
        return RowFilter(include: include, excludedPerQuery: Array(e[lo..<hi]))
    }

    /// A filter for `queryCount` queries: `excludedPerQuery`, when given, has
    /// one entry per query.
    func check(queryCount: Int) throws(LDLError) {
        if let e = excludedPerQuery, e.count != queryCount {
            throw LDLError.invalid(
                "row filter excludes samples for \(e.count) queries, expected one entry per query (\(queryCount))")
        }
    }
}

extension LDLError {
    /// A row filter left a query without any sample to use.
    static func nothingPassesTheFilter() -> LDLError {
        LDLError(
            .notReady, "no sample passes the row filter for a query",
            hint: "Keep at least one sample (one prototype member for uaknn and wuaknn) for every query.")
    }
}
