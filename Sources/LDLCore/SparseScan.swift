/// Scans of the sparse layout. Cosines come out of `SparseKernel` equal to
/// the dense layout's bit for bit. Euclidean distances cannot be summed over
/// the row's non-zero values alone in the dense order (the query's non-zero
/// features interleave with the row's), so a Euclidean scan filters and refines:
///
/// - fast: `d̃ = (|q|² + |x|²) - 2 q·x` from the kernel's dot product and the
///   stored `|x|²`, with a bound `ε = 8 (nnz(q) + nnz(x) + 16) u (|q|² + |x|²)`
///   (`u = 2⁻⁵³`, plus as many units of `2⁻¹⁰⁷⁰` for subnormal results) on `|d̃ - D|`, `D` being the
///   dense layout's distance: both are within `γ_{nnz+12}`-relative errors of
///   the true distance (the dense sum has non-negative terms; the dot product
///   is bounded by `Σ|q_c x_c| <= (|q|² + |x|²)/2`), and `ε` doubles that;
/// - exact: a sample whose `d̃ - ε` does not exceed the current k-th distance
///   of the query gets its `D` computed exactly as the dense kernel does
///   (`SparseExact.squaredDistance`) and is offered with it.
///
/// A sample skipped has `D >= d̃ - ε >` the k-th distance at the time, which
/// only decreases, so it could not have entered; every sample kept carries its
/// dense `D`. The k nearest, their order and their ties (lowest key) are
/// therefore those of the dense layout, and so are AA-kNN's and kernel kNN's
/// predictions. Near-identical rows, where `d̃` cancels, are simply refined.
extension Model {
    /// Queries per pass of the sparse kernel: their feature-major copy
    /// (`n x 16` doubles) stays in L2 while the rows stream by.
    static let sparseQueriesPerPass = 16

    /// `scanScores` for the sparse layout, in passes of up to
    /// `sparseQueriesPerPass` queries (a single query: four rows at a time,
    /// `SparseKernel.dots4`): cosines for `.cosine`, bare dot products `q·x`
    /// for `.euclidean` (see `scanNearestSparse`).
    @inline(__always)
    static func scanSparse<V: ScanVisitor>(
        _ rows: SparseView, inverseNorms: UnsafePointer<Double>, sampleCount: Int, queries q: UnsafePointer<Double>,
        queryCount: Int, n: Int, metric: Metric, isCancelled: () -> Bool, visitor: inout V
    ) -> Bool {
        let n4 = n & ~3
        var first = 0
        while first < queryCount {
            let size = Swift.min(sparseQueriesPerPass, queryCount - first)
            let queries = first..<(first + size)
            let scores = UnsafeMutablePointer<Double>.allocate(capacity: 4 * ((size + 3) / 4))
            defer { scores.deallocate() }
            /// Finishes the cosines of sample `i` (`s`: its dot products) and visits it.
            @inline(__always) func emit(_ i: Int, _ s: UnsafeMutablePointer<Double>) {
                if metric == .cosine {
                    let inverseNorm = inverseNorms[i]
                    for b in 0..<size {
                        let c = s[b] * inverseNorm
                        if c.isNaN {
                            // Magnitudes that need the careful cosine.
                            let pair = SparseExact.Pair(
                                query: q + (first &+ b) &* n, queryColumns: rows.columns, queryNonZero: 0,
                                columns: rows.columns, values: rows.values, start: rows.rowStart[i],
                                end: rows.rowStart[i &+ 1])
                            s[b] = SparseExact.carefulCosine(pair)
                        } else {
                            s[b] = c
                        }
                    }
                }
                visitor.visit(i, s, queries)
            }
            if size == 1 {
                let pending = UnsafeMutablePointer<Int>.allocate(capacity: 4)
                let starts = UnsafeMutablePointer<Int>.allocate(capacity: 4)
                let ends = UnsafeMutablePointer<Int>.allocate(capacity: 4)
                let four = UnsafeMutablePointer<Double>.allocate(capacity: 4)
                let oneHot = SparseKernel.OneHot()
                defer {
                    pending.deallocate()
                    starts.deallocate()
                    ends.deallocate()
                    four.deallocate()
                    oneHot.deallocate()
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
                    guard count == 4 || (count > 0 && i == sampleCount) else { continue }
                    // A short last group repeats its last row (its scores are ignored).
                    for r in 0..<4 {
                        let row = pending[Swift.min(r, count &- 1)]
                        starts[r] = rows.rowStart[row]
                        ends[r] = rows.rowStart[row &+ 1]
                    }
                    SparseKernel.dots4(
                        columns: rows.columns, values: rows.values, start: starts, end: ends, n4: n4,
                        query: q + first &* n, oneHot: oneHot, out: four)
                    for r in 0..<count {
                        scores[0] = four[r]
                        emit(pending[r], scores)
                    }
                    count = 0
                }
            } else {
                let block = SparseKernel.Block(queries: q + first * n, count: size, n: n)
                let acc = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 4 * block.groups)
                acc.initialize(repeating: SIMD4(), count: 4 * block.groups)
                defer {
                    block.deallocate()
                    acc.deallocate()
                }
                for i in 0..<sampleCount {
                    if i % pollInterval == 0, isCancelled() { return false }
                    guard visitor.includes(i) else { continue }
                    SparseKernel.dots(
                        columns: rows.columns, values: rows.values, start: rows.rowStart[i], end: rows.rowStart[i &+ 1],
                        n4: n4, block: block, acc: acc, out: scores)
                    emit(i, scores)
                }
            }
            first += size
        }
        return true
    }

    /// The Euclidean k nearest of the sparse layout, into `sets` (one per
    /// query): filter by the fast distance, refine exactly (see above).
    /// Returns false when cancelled.
    static func scanNearestSparse(
        _ rows: SparseView, keys: UnsafePointer<Int64>, sampleCount: Int, queries q: UnsafePointer<Double>,
        queryCount: Int, n: Int, sets: inout [NearestSet], isCancelled: () -> Bool, filter: RowFilter
    ) -> Bool {
        // Each query's non-zero columns (for the exact distance), |q|² and count.
        var columns: [Int32] = []
        let firstColumn = UnsafeMutablePointer<Int>.allocate(capacity: queryCount + 1)
        let squaredNorm = UnsafeMutablePointer<Double>.allocate(capacity: queryCount)
        let terms = UnsafeMutablePointer<Double>.allocate(capacity: queryCount)
        let bounds = UnsafeMutablePointer<Double>.allocate(capacity: queryCount)
        defer {
            firstColumn.deallocate()
            squaredNorm.deallocate()
            terms.deallocate()
            bounds.deallocate()
        }
        firstColumn[0] = 0
        for b in 0..<queryCount {
            var sum = 0.0
            for c in 0..<n where q[b * n + c] != 0 {
                let v = q[b * n + c]
                columns.append(Int32(truncatingIfNeeded: c))
                sum += v * v
            }
            squaredNorm[b] = sum
            firstColumn[b + 1] = columns.count
            terms[b] = Double(columns.count - firstColumn[b] + 16)
            bounds[b] = sets[b].bound
        }
        let result = columns.withUnsafeBufferPointer { queryColumns in
            withUnsafePointer(to: Int32(0)) { noColumn in
                var visitor = SparseEuclideanVisitor(
                    rows: rows, keys: keys, queries: q, n: n, queryColumns: queryColumns.baseAddress ?? noColumn,
                    firstColumn: firstColumn, squaredNorm: squaredNorm, terms: terms, bounds: bounds, filter: filter,
                    sets: sets)
                let done = scanSparse(
                    rows, inverseNorms: rows.squaredNorms, sampleCount: sampleCount, queries: q, queryCount: queryCount,
                    n: n, metric: .euclidean, isCancelled: isCancelled, visitor: &visitor)
                return (done, visitor.sets)
            }
        }
        sets = result.1
        return result.0
    }
}

/// The sparse Euclidean scan's visitor: the fast distance from the kernel's
/// dot products, the exact one for the samples the bound cannot rule out.
/// Per-query state is in buffers the scan owns.
struct SparseEuclideanVisitor: ScanVisitor {
    let rows: Model.SparseView
    let keys: UnsafePointer<Int64>
    /// The queries, dense, row-major.
    let queries: UnsafePointer<Double>
    let n: Int
    /// Query `b`'s non-zero columns are `queryColumns[firstColumn[b] ..< firstColumn[b + 1]]`.
    let queryColumns: UnsafePointer<Int32>
    let firstColumn: UnsafePointer<Int>
    /// `|q|²` per query.
    let squaredNorm: UnsafePointer<Double>
    /// `nnz(q) + 16` per query: the bound's terms, with the row's `nnz(x)`.
    let terms: UnsafePointer<Double>
    /// `sets[b].bound`, kept beside it.
    let bounds: UnsafeMutablePointer<Double>
    let filter: RowFilter
    var sets: [NearestSet]

    @inline(__always)
    func includes(_ i: Int) -> Bool { filter.includes(i) }

    @inline(__always)
    mutating func visit(_ i: Int, _ dots: UnsafeMutablePointer<Double>, _ queryRange: Range<Int>) {
        let start = rows.rowStart[i]
        let end = rows.rowStart[i &+ 1]
        let xx = rows.squaredNorms[i]
        let rowTerms = Double(end &- start)
        for b in queryRange {
            let s = squaredNorm[b] + xx
            // ε = 8 (nnz(q) + nnz(x) + 16) u s, plus as many subnormal units.
            let slack = (terms[b] + rowTerms) * (0x1p-50 * s + 0x1p-1070)
            let bound = bounds[b]
            // NaN (overflowed norms) compares false: refined.
            if (s - 2 * dots[b &- queryRange.lowerBound]) - slack > bound { continue }
            if filter.excludedPerQuery != nil, filter.excludes(i, query: b) { continue }
            let pair = SparseExact.Pair(
                query: queries + b &* n, queryColumns: queryColumns + firstColumn[b],
                queryNonZero: firstColumn[b &+ 1] &- firstColumn[b], columns: rows.columns, values: rows.values,
                start: start, end: end)
            let d = SparseExact.squaredDistance(pair, n4: n & ~3)
            if d <= bound {
                sets[b].offer(Neighbour(distance: d, key: keys[i], index: i))
                bounds[b] = sets[b].bound
            }
        }
    }
}
