/// The sparse layout's Euclidean k nearest, equal to the dense layout's.
///
/// The dense distance cannot be summed over the row's non-zero values alone
/// in the dense order (the query's non-zero features interleave with the
/// row's), so the scan filters and refines:
///
/// - fast: `d̃ = (|q|² + |x|²) - 2 q·x` from the kernel's dot product and the
///   stored `|x|²`, with `ε = 8 (m + 16) u s`, `s = |q|² + |x|²`,
///   `m = nnz(q) + nnz(x)`, `u = 2⁻⁵³` (plus `(m + 16) 2⁻¹⁰⁷⁰` for subnormal
///   results), a bound on `|d̃ - D|`, `D` being the dense layout's distance.
///   The dense sum has non-negative terms, each rounded at most 3 times,
///   in chains of at most `m + 6` additions: `|D - t| <= (2m + 18) u s` for
///   the true distance `t <= 2s`. The fast one's dot product is bounded by
///   `Σ|q_c x_c| <= s/2`: `|d̃ - t| <= (2m + 10) u s`. `ε` exceeds twice their
///   sum, fused multiply-adds or not;
/// - exact: a sample whose `d̃ - ε` does not exceed the current k-th distance
///   of the query gets its `D` computed exactly as the dense kernel does
///   (`SparseExact.squaredDistance`) and is offered with it.
///
/// A sample skipped has `D >= d̃ - ε >` the k-th distance at the time, which
/// only decreases, so it could not have entered; every sample kept carries its
/// dense `D`. The k nearest, their order and their ties (lowest key) are
/// therefore those of the dense layout, and so are AA-kNN's and kernel kNN's
/// predictions. Near-identical rows, where `d̃` cancels, are simply refined,
/// and so is every row whose `d̃` overflowed (IEEE overflow is outside the
/// error bound).
extension Model {
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
                // A Euclidean scan reads no inverse norm: any valid address will do.
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
            let approx = s - 2 * dots[b &- queryRange.lowerBound]
            // NaN and infinity (overflow) are refined.
            if approx - slack > bound, approx < .infinity { continue }
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
