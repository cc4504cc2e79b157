/// Rows of mostly-zero features, as their non-zero values only (compressed
/// sparse rows): row `i` is `columns[e]`, `values[e]` for `e` in
/// `rowStart[i] ..< rowStart[i + 1]`, columns ascending. `±0` is not stored.
///
/// Rows rather than columns, because a scan then reads the model once for a
/// whole block of queries, exactly like the dense kernel, and a row added
/// later is one append (no per-column index to rebuild). The order of the
/// stored values is the dense row's, so a scan can add the products in the
/// very order the dense kernel does (see `SparseKernel`): the scores, and so
/// every prediction, are bit-for-bit those of `dense`.
struct SparseRows {
    var rowStart: [Int] = [0]
    var columns: [Int32] = []
    var values: [Double] = []
    /// `Σ x²` per row, for the bound that lets Euclidean scans skip most rows.
    var squaredNorms: [Double] = []

    var count: Int { rowStart.count - 1 }

    var memoryBytes: Int {
        rowStart.capacity * MemoryLayout<Int>.stride + columns.capacity * MemoryLayout<Int32>.stride
            + values.capacity * MemoryLayout<Double>.stride + squaredNorms.capacity * MemoryLayout<Double>.stride
    }

    /// The non-zero values of `row`.
    static func nonZeroCount(_ row: UnsafeBufferPointer<Double>) -> Int {
        var k = 0
        for v in row where v != 0 { k &+= 1 }
        return k
    }

    /// Appends a dense row (finite values, validated by the caller).
    mutating func append(_ row: UnsafeBufferPointer<Double>) {
        var sum = 0.0
        for (c, v) in row.enumerated() where v != 0 {
            columns.append(Int32(truncatingIfNeeded: c))
            values.append(v)
            sum += v * v
        }
        squaredNorms.append(sum)
        rowStart.append(values.count)
    }

    /// Writes row `i` as a dense row of `n` values into `out`.
    func copyRow(_ i: Int, into out: UnsafeMutableBufferPointer<Double>) {
        for k in out.indices { out[k] = 0 }
        guard i >= 0, i < count else { return }
        for e in rowStart[i]..<rowStart[i + 1] {
            let c = Int(columns[e])
            if c < out.count { out[c] = values[e] }
        }
    }

    /// Room for `rows` rows in all; the values' room is estimated from the
    /// rows so far (their mean length), since a row's length is not known in advance.
    mutating func reserveCapacity(rows: Int) {
        rowStart.reserveCapacityGrowing(to: rows + 1)
        squaredNorms.reserveCapacityGrowing(to: rows)
        guard count > 0 else { return }
        let (estimate, overflow) = (values.count / count + 1).multipliedReportingOverflow(by: rows)
        guard !overflow else { return }
        columns.reserveCapacityGrowing(to: estimate)
        values.reserveCapacityGrowing(to: estimate)
    }

    /// Drops unused capacity (after a load).
    mutating func trim() {
        rowStart.trimCapacity()
        columns.trimCapacity()
        values.trimCapacity()
        squaredNorms.trimCapacity()
    }

    /// The rows of a dense row-major matrix, `count` rows of `n`.
    init(dense: UnsafeBufferPointer<Double>, count rows: Int, n: Int) {
        var nonZero = 0
        for v in dense where v != 0 { nonZero &+= 1 }
        rowStart.reserveCapacity(rows + 1)
        columns.reserveCapacity(nonZero)
        values.reserveCapacity(nonZero)
        squaredNorms.reserveCapacity(rows)
        for r in 0..<rows {
            append(UnsafeBufferPointer(rebasing: dense[(r * n)..<((r + 1) * n)]))
        }
    }

    init() {}

    /// The rows as a dense row-major matrix of `n` columns.
    func dense(n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count * n)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<count {
                for e in rowStart[i]..<rowStart[i + 1] {
                    let at = i * n + Int(columns[e])
                    if at < o.count { o[at] = values[e] }
                }
            }
        }
        return out
    }
}
