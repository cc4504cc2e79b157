/// The sparse layout's scans: the kernel (`SparseKernel`) over the stored
/// rows for a block of queries, in passes of a few queries, with the cosines
/// finished as the dense scan finishes them. Cosines come out equal to the
/// dense layout's bit for bit; Euclidean scans take the dot products to
/// filter and refine (`SparseEuclidean.swift`).
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
                            s[b] = SparseExact.carefulCosine(
                                unitQuery: q + (first &+ b) &* n, columns: rows.columns, values: rows.values,
                                start: rows.rowStart[i], end: rows.rowStart[i &+ 1])
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
}
