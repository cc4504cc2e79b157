/// One sparse row scored exactly as the dense layout scores it, term by term,
/// for the pairs the sparse fast paths do not settle: the Euclidean
/// candidates (see `SparseScan.swift`) and rows whose magnitudes need the
/// careful cosine.
enum SparseExact {
    /// A stored row and a query, as the exact scores read them.
    struct Pair {
        /// The query, dense (`n` values), and its non-zero columns, ascending.
        var query: UnsafePointer<Double>
        var queryColumns: UnsafePointer<Int32>
        var queryNonZero: Int
        /// The row: `columns[e]`, `values[e]` for `e` in `start ..< end`.
        var columns: UnsafePointer<Int32>
        var values: UnsafePointer<Double>
        var start: Int
        var end: Int
    }

    /// `Σ (q_c - x_c)²` exactly as `Kernel` computes it for the dense row:
    /// over the union of both vectors' non-zero columns (a zero difference
    /// adds `+0`, which changes nothing), `d = q - x` and lane `c % 4` takes
    /// `mac(lane, d, d)` below `n4`, the lanes are summed by `laneSum`, then
    /// `s += d * d` from `n4` on; all in increasing `c`.
    static func squaredDistance(_ p: Pair, n4: Int) -> Double {
        var lanes = SIMD4<Double>()
        var i = 0
        var e = p.start
        var s = 0.0
        var summed = false
        while true {
            let cq = i < p.queryNonZero ? Int(p.queryColumns[i]) : Int.max
            let cx = e < p.end ? Int(p.columns[e]) : Int.max
            let c = Swift.min(cq, cx)
            if !summed, c >= n4 {
                s = Kernel.laneSum(lanes)
                summed = true
            }
            if c == Int.max { break }
            var qv = 0.0
            var xv = 0.0
            if cq == c {
                qv = p.query[c]
                i &+= 1
            }
            if cx == c {
                xv = p.values[e]
                e &+= 1
            }
            let d = qv - xv
            if c < n4 {
                lanes[c & 3] = Kernel.mac(lanes[c & 3], d, d)
            } else {
                s += d * d
            }
        }
        return s
    }

    /// `Similarity.carefulCosine` of a unit query `q` (dense) and the row
    /// `columns[e]`, `values[e]` for `e` in `start ..< end`, over its non-zero
    /// values in increasing column order (a zero adds `±0` to sums that are
    /// never `-0`, so the dense loop gives the same result).
    static func carefulCosine(
        unitQuery q: UnsafePointer<Double>, columns: UnsafePointer<Int32>, values: UnsafePointer<Double>, start: Int,
        end: Int
    ) -> Double {
        var maxAbs = 0.0
        for e in start..<end { maxAbs = Swift.max(maxAbs, values[e].magnitude) }
        guard maxAbs > 0, maxAbs.isFinite else { return 0 }
        var dot = 0.0
        var sum = 0.0
        for e in start..<end {
            let y = values[e] / maxAbs
            dot += q[Int(columns[e])] * y
            sum += y * y
        }
        let c = dot / sum.squareRoot()
        return c.isFinite ? c : 0
    }
}
