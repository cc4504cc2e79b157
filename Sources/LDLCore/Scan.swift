/// The one pass over the samples that every predictor starts with.
///
/// A scan serves a block of queries at once: the samples' rows are loaded
/// from memory once per block, four at a time, and scored against every query
/// of the block (see `Kernel`; `SparseKernel` for the sparse layout), so a
/// batch reads the model once per block rather than once per query. A single
/// prediction is a block of one.
///
/// Every layout gives every (sample, query) pair the same score whatever the
/// block, so a query is scored alike alone and in a batch; the sparse layout
/// gives the dense layout's scores bit for bit.
extension Model {
    /// Queries scored together against each sample row: as many as fit in
    /// about 1 MiB with their per-label state (so they mostly stay in a
    /// core's L2 cache while the rows stream by; the kernel's feature tiles
    /// keep the hottest part in L1), at most 64, a multiple of 4 when 4 or
    /// more. More queries per block means fewer passes over the model's memory
    /// (Movie, 1869 features: 64 queries a pass measured about 4% faster than 32).
    static func blockSize(featureCount n: Int, labelCount l: Int) -> Int {
        let perQuery = MemoryLayout<Double>.stride * (Swift.max(n, 1) + 3 * Swift.max(l, 1))
        let fit = Swift.min(64, (1024 * 1024) / perQuery)
        return fit >= 4 ? fit / 4 * 4 : Swift.max(1, fit)
    }

    /// Samples between two polls of the cancel check.
    static let pollInterval = 1024

    /// How a scan scores a sample against a query.
    enum Metric {
        /// Cosine between a unit query and a sample (UAKNN, WUAKNN).
        case cosine
        /// Squared Euclidean distance over the features as given (AA-kNN, kernel kNN).
        case euclidean
    }

    /// Called for each scored sample `i` with `scores[b - queries.lowerBound]`
    /// its score against query `b`, for `b` in `queries`.
    typealias Visit = (_ i: Int, _ scores: UnsafeMutablePointer<Double>, _ queries: Range<Int>) -> Void

    /// The model's storage as pointers, for the duration of a scan.
    struct Storage {
        var keys: UnsafePointer<Int64>
        var inverseNorms: UnsafePointer<Double>
        var rows: Rows

        enum Rows {
            /// `count * featureCount` features, row after row.
            case dense(UnsafePointer<Double>)
            case float4(UnsafePointer<Float>)
            case sparse(SparseView)
        }
    }

    /// `SparseRows` as pointers.
    struct SparseView {
        var rowStart: UnsafePointer<Int>
        var columns: UnsafePointer<Int32>
        var values: UnsafePointer<Double>
        var squaredNorms: UnsafePointer<Double>
    }

    /// Calls `body` with pointers to the storage, or not at all when the
    /// model is empty or its arrays disagree with `count` (which `add` rules out).
    func withStorage(_ body: (Storage) -> Void) {
        let sampleCount = count
        let size = sampleCount * featureCount
        keys.withUnsafeBufferPointer { k in
            inverseNorms.withUnsafeBufferPointer { inv in
                guard let kb = k.baseAddress, let ib = inv.baseAddress, k.count >= sampleCount, inv.count >= sampleCount
                else { return }
                func run(_ rows: Storage.Rows) { body(Storage(keys: kb, inverseNorms: ib, rows: rows)) }
                switch layout {
                case .float4:
                    floatFeatures.withUnsafeBufferPointer { x in
                        guard let xb = x.baseAddress, x.count >= size else { return }
                        run(.float4(xb))
                    }
                case .sparse:
                    let s = sparseRows
                    s.rowStart.withUnsafeBufferPointer { starts in
                        s.columns.withUnsafeBufferPointer { columns in
                            s.values.withUnsafeBufferPointer { values in
                                s.squaredNorms.withUnsafeBufferPointer { norms in
                                    guard let sb = starts.baseAddress, let nb = norms.baseAddress,
                                        starts.count > sampleCount, norms.count >= sampleCount,
                                        starts[sampleCount] <= Swift.min(columns.count, values.count)
                                    else { return }
                                    // A model of zero vectors stores no value: any valid address will do.
                                    withUnsafePointer(to: Int32(0)) { noColumn in
                                        withUnsafePointer(to: 0.0) { noValue in
                                            run(
                                                .sparse(
                                                    SparseView(
                                                        rowStart: sb, columns: columns.baseAddress ?? noColumn,
                                                        values: values.baseAddress ?? noValue, squaredNorms: nb)))
                                        }
                                    }
                                }
                            }
                        }
                    }
                default:
                    rawFeatures.withUnsafeBufferPointer { x in
                        guard let xb = x.baseAddress, x.count >= size else { return }
                        run(.dense(xb))
                    }
                }
            }
        }
    }

    /// Scores the samples `0..<sampleCount` for which `include` holds
    /// against every query of a block and calls `visit` for each, in
    /// increasing order: the cosine for `.cosine` (unit queries), the squared
    /// distance for `.euclidean`. Polls `isCancelled` every `pollInterval`
    /// samples; returns false when cancelled. The sparse layout's Euclidean
    /// scans go through `scanNearestSparse` instead (this gives them dot products).
    @inline(__always)
    static func scanScores(
        _ store: Storage, sampleCount: Int, queries q: UnsafePointer<Double>, queryCount: Int, n: Int,
        metric: Metric, isCancelled: () -> Bool, include: (Int) -> Bool, visit: Visit
    ) -> Bool {
        switch store.rows {
        case .dense(let x):
            return scanDense(
                x, inverseNorms: store.inverseNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                metric: metric, isCancelled: isCancelled, include: include, visit: visit)
        case .float4(let x):
            return scanDense(
                x, inverseNorms: store.inverseNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                metric: metric, isCancelled: isCancelled, include: include, visit: visit)
        case .sparse(let s):
            return scanSparse(
                s, inverseNorms: store.inverseNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                metric: metric, isCancelled: isCancelled, include: include, visit: visit)
        }
    }

    /// `scanScores` for dense rows of float64 or float32, in groups of
    /// `Kernel.rowsPerGroup`.
    @inline(__always)
    static func scanDense<T: StoredScalar>(
        _ features: UnsafePointer<T>, inverseNorms: UnsafePointer<Double>, sampleCount: Int,
        queries q: UnsafePointer<Double>, queryCount: Int, n: Int, metric: Metric, isCancelled: () -> Bool,
        include: (Int) -> Bool, visit: Visit
    ) -> Bool {
        let group = Kernel.rowsPerGroup
        let scores = UnsafeMutablePointer<Double>.allocate(capacity: group * queryCount)
        let acc = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: group * queryCount)
        let pending = UnsafeMutablePointer<Int>.allocate(capacity: group)
        defer {
            scores.deallocate()
            acc.deallocate()
            pending.deallocate()
        }
        var count = 0
        var i = 0
        while i < sampleCount {
            if i % pollInterval == 0, isCancelled() { return false }
            if include(i) {
                pending[count] = i
                count &+= 1
            }
            i &+= 1
            guard count == group || (count > 0 && i == sampleCount) else { continue }
            // A short last group repeats its last row (its scores are ignored).
            func row(_ r: Int) -> UnsafePointer<T> { features + pending[Swift.min(r, count &- 1)] &* n }
            Kernel.scoreGroup(
                row(0), row(1), row(2), row(3), queries: q, queryCount: queryCount, n: n, metric: metric, acc: acc,
                into: scores)
            for r in 0..<count {
                let s = scores + r &* queryCount
                if metric == .cosine {
                    for b in 0..<queryCount {
                        let c = s[b] * inverseNorms[pending[r]]
                        // A NaN inverse norm marks magnitudes that need the careful cosine.
                        s[b] = c.isNaN ? Similarity.carefulCosine(q + b &* n, row(r), n) : c
                    }
                }
                visit(pending[r], s, 0..<queryCount)
            }
            count = 0
        }
        return true
    }

    /// Spec step 2 for a block of queries given as unit vectors (row-major,
    /// `queryCount x featureCount`): each sample is scored once per query and
    /// offered to every prototype it belongs to; the best member of each
    /// prototype wins, ties to the lowest key. Samples in no prototype are not
    /// even scored, nor are those `filter` leaves out.
    func scanPrototypes(
        unitQueries: UnsafeBufferPointer<Double>, queryCount: Int, isCancelled: () -> Bool,
        filter: RowFilter = RowFilter()
    ) throws(LDLError) -> [PrototypeMatches] {
        try filter.check(queryCount: queryCount)
        let n = featureCount
        let L = labelCount
        let slots = queryCount * L
        // Scratch for the hot loop: the best score, key and index per (query, label).
        let bestScore = UnsafeMutableBufferPointer<Double>.allocate(capacity: slots)
        let bestKey = UnsafeMutableBufferPointer<Int64>.allocate(capacity: slots)
        let bestIndex = UnsafeMutableBufferPointer<Int>.allocate(capacity: slots)
        defer {
            bestScore.deallocate()
            bestKey.deallocate()
            bestIndex.deallocate()
        }
        bestScore.initialize(repeating: -.infinity)
        bestKey.initialize(repeating: .max)
        bestIndex.initialize(repeating: -1)
        var cancelled = false
        if queryCount > 0, unitQueries.count >= queryCount * n, let q = unitQueries.baseAddress {
            let starts = prototypes.memberStart
            let members = prototypes.memberLabels
            let sampleCount = Swift.min(count, starts.count - 1)
            withStorage { store in
                let done = Self.scanScores(
                    store, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n, metric: .cosine,
                    isCancelled: isCancelled, include: { starts[$0] < starts[$0 + 1] && filter.includes($0) }
                ) { i, scores, queries in
                    let key = store.keys[i]
                    for m in starts[i]..<starts[i + 1] {
                        let j = Int(members[m])
                        guard j >= 0, j < L else { continue }
                        for b in queries where !filter.excludes(i, query: b) {
                            let slot = b * L + j
                            let s = scores[b - queries.lowerBound]
                            let best = bestScore[slot]
                            if s > best || (s == best && key < bestKey[slot]) {
                                bestScore[slot] = s
                                bestKey[slot] = key
                                bestIndex[slot] = i
                            }
                        }
                    }
                }
                cancelled = !done
            }
        }
        if cancelled { throw LDLError.cancelled }
        var result: [PrototypeMatches] = []
        result.reserveCapacity(queryCount)
        for b in 0..<queryCount {
            let range = (b * L)..<((b + 1) * L)
            result.append(
                PrototypeMatches(
                    score: Array(bestScore[range]), key: Array(bestKey[range]), index: Array(bestIndex[range])))
        }
        return result
    }

    /// The `k` nearest samples of each query of a block (`k` is clamped to the
    /// model size) among those `filter` lets through. Cosine scans take unit
    /// queries and rank by `-cos`; Euclidean scans take the queries as given.
    func scanNearest(
        queries: UnsafeBufferPointer<Double>, queryCount: Int, k: Int, metric: Metric,
        isCancelled: () -> Bool, filter: RowFilter = RowFilter()
    ) throws(LDLError) -> [NearestSet] {
        try filter.check(queryCount: queryCount)
        let n = featureCount
        var sets = Array(repeating: NearestSet(capacity: Swift.min(k, count)), count: queryCount)
        var cancelled = false
        if queryCount > 0, queries.count >= queryCount * n, let q = queries.baseAddress {
            let sampleCount = count
            withStorage { store in
                if metric == .euclidean, case .sparse(let rows) = store.rows {
                    cancelled = !Self.scanNearestSparse(
                        rows, keys: store.keys, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                        sets: &sets, isCancelled: isCancelled, filter: filter)
                    return
                }
                let done = Self.scanScores(
                    store, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n, metric: metric,
                    isCancelled: isCancelled, include: { filter.includes($0) }
                ) { i, scores, queries in
                    let key = store.keys[i]
                    for b in queries where !filter.excludes(i, query: b) {
                        let s = scores[b - queries.lowerBound]
                        let d = metric == .cosine ? -s : s
                        if d <= sets[b].bound {
                            sets[b].offer(Neighbour(distance: d, key: key, index: i))
                        }
                    }
                }
                cancelled = !done
            }
        }
        if cancelled { throw LDLError.cancelled }
        return sets
    }
}
