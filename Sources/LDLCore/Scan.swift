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

    /// Scores the samples `0..<sampleCount` that `visitor.includes` against
    /// every query of a block and hands each to `visitor.visit`, in
    /// increasing order: the cosine for `.cosine` (unit queries), the squared
    /// distance for `.euclidean`. Polls `isCancelled` every `pollInterval`
    /// samples; returns false when cancelled. The sparse layout's Euclidean
    /// scans go through `scanNearestSparse` instead (this gives them dot
    /// products). Generic over the visitor, so that its code is inlined in
    /// the loop rather than called per sample.
    @inline(__always)
    static func scanScores<V: ScanVisitor>(
        _ store: Storage, sampleCount: Int, queries q: UnsafePointer<Double>, queryCount: Int, n: Int,
        metric: Metric, isCancelled: () -> Bool, visitor: inout V
    ) -> Bool {
        switch store.rows {
        case .dense(let x):
            return scanDense(
                x, inverseNorms: store.inverseNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                metric: metric, isCancelled: isCancelled, visitor: &visitor)
        case .float4(let x):
            return scanDense(
                x, inverseNorms: store.inverseNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                metric: metric, isCancelled: isCancelled, visitor: &visitor)
        case .sparse(let s):
            return scanSparse(
                s, inverseNorms: store.inverseNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                metric: metric, isCancelled: isCancelled, visitor: &visitor)
        }
    }

    /// `scanScores` for dense rows of float64 or float32, in groups of
    /// `Kernel.rowsPerGroup`.
    @inline(__always)
    static func scanDense<T: StoredScalar, V: ScanVisitor>(
        _ features: UnsafePointer<T>, inverseNorms: UnsafePointer<Double>, sampleCount: Int,
        queries q: UnsafePointer<Double>, queryCount: Int, n: Int, metric: Metric, isCancelled: () -> Bool,
        visitor: inout V
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
            if visitor.includes(i) {
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
                visitor.visit(pending[r], s, 0..<queryCount)
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
            let sampleCount = Swift.min(count, prototypes.memberStart.count - 1)
            prototypes.memberStart.withUnsafeBufferPointer { starts in
                prototypes.memberLabels.withUnsafeBufferPointer { members in
                    withStorage { store in
                        // Every member label is below L (Prototypes.append), so no address is invalid.
                        withUnsafePointer(to: Int32(0)) { noMember in
                            guard let sb = starts.baseAddress else { return }
                            var visitor = PrototypeVisitor(
                                keys: store.keys, starts: sb, members: members.baseAddress ?? noMember,
                                memberCount: members.count, labelCount: L, filter: filter, bestScore: bestScore,
                                bestKey: bestKey, bestIndex: bestIndex)
                            cancelled = !Self.scanScores(
                                store, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n,
                                metric: .cosine, isCancelled: isCancelled, visitor: &visitor)
                        }
                    }
                }
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
                let bounds = UnsafeMutablePointer<Double>.allocate(capacity: queryCount)
                defer { bounds.deallocate() }
                for b in 0..<queryCount { bounds[b] = sets[b].bound }
                var visitor = NearestVisitor(
                    keys: store.keys, negate: metric == .cosine, filter: filter, sets: sets, bounds: bounds)
                cancelled = !Self.scanScores(
                    store, sampleCount: sampleCount, queries: q, queryCount: queryCount, n: n, metric: metric,
                    isCancelled: isCancelled, visitor: &visitor)
                sets = visitor.sets
            }
        }
        if cancelled { throw LDLError.cancelled }
        return sets
    }
}
