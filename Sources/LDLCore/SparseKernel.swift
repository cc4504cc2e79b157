/// The sparse layout's scoring kernel: the dot products of one stored row's
/// non-zero values with a block of queries, added in the dense kernel's order.
///
/// The dense kernel (`Kernel`) gives every (row, query) pair four lane
/// accumulators; feature `c < n4` (`n4 = n & ~3`) goes to lane `c % 4` with
/// `mac`, in increasing `c`; the lanes are summed by `laneSum`; the features
/// from `n4` on are added one by one. A zero feature adds `±0`, which leaves an
/// accumulator unchanged (an accumulator that starts at `+0` is never `-0`),
/// so applying the same steps to the non-zero values alone, in increasing
/// column order, gives the dense dot product bit for bit.
///
/// The block is feature-major (`Block`): for a row value `x_c`, the queries'
/// values at `c` are adjacent, four to a vector, and the kernel updates lane
/// `c % 4` of every query with vector `mac`s. A row is read once per block.
/// A single query takes four rows at once instead (`dots4`).
enum SparseKernel {
    /// A block of queries, feature-major: `values[c * groups + g]` holds
    /// feature `c` of queries `4g ..< 4g + 4` (zeros past the last query).
    struct Block {
        let groups: Int
        let values: UnsafeMutablePointer<SIMD4<Double>>

        /// Copies `count` row-major queries of `n` features.
        init(queries q: UnsafePointer<Double>, count: Int, n: Int) {
            groups = (count + 3) / 4
            values = .allocate(capacity: n * groups)
            values.initialize(repeating: SIMD4(), count: n * groups)
            for b in 0..<count {
                let g = b / 4
                let lane = b % 4
                let query = q + b * n
                for c in 0..<n { values[c * groups + g][lane] = query[c] }
            }
        }

        func deallocate() { values.deallocate() }
    }

    /// Dot products of the row stored at `start ..< end` with every query of
    /// `block`, into `out[0 ..< 4 * groups]` (query `b` at `out[b]`).
    /// `acc` holds `4 * groups` vectors, zero on entry and zero again on return.
    @inline(__always)
    static func dots(
        columns: UnsafePointer<Int32>, values: UnsafePointer<Double>, start: Int, end: Int, n4: Int,
        block: Block, acc: UnsafeMutablePointer<SIMD4<Double>>, out: UnsafeMutablePointer<Double>
    ) {
        let groups = block.groups
        let split = tailStart(columns, start, end, n4)
        var e = start
        while e < split {
            let c = Int(columns[e])
            let x = SIMD4<Double>(repeating: values[e])
            let a = acc + (c & 3) &* groups
            let q = block.values + c &* groups
            var g = 0
            while g < groups {
                a[g] = Kernel.mac(a[g], x, q[g])
                g &+= 1
            }
            e &+= 1
        }
        // laneSum of every query at once: ((lane 0 + lane 1) + lane 2) + lane 3.
        for g in 0..<groups {
            let s = ((acc[g] + acc[groups &+ g]) + acc[2 &* groups &+ g]) + acc[3 &* groups &+ g]
            UnsafeMutableRawPointer(out + 4 &* g).storeBytes(of: s, as: SIMD4<Double>.self)
            acc[g] = SIMD4()
            acc[groups &+ g] = SIMD4()
            acc[2 &* groups &+ g] = SIMD4()
            acc[3 &* groups &+ g] = SIMD4()
        }
        while e < end {
            let c = Int(columns[e])
            let x = SIMD4<Double>(repeating: values[e])
            let q = block.values + c &* groups
            for g in 0..<groups {
                let p = UnsafeMutableRawPointer(out + 4 &* g)
                // The dense kernel's `s += q[i] * x`: a product, then a sum.
                p.storeBytes(of: p.load(as: SIMD4<Double>.self) + q[g] * x, as: SIMD4<Double>.self)
            }
            e &+= 1
        }
    }

    /// The first value of row `start ..< end` whose feature is `n4` or more
    /// (at most three such end a row).
    @inline(__always)
    static func tailStart(_ columns: UnsafePointer<Int32>, _ start: Int, _ end: Int, _ n4: Int) -> Int {
        var split = end
        while split > start, Int(columns[split &- 1]) >= n4 { split &-= 1 }
        return split
    }

    /// Dot products of one query `q` (dense) with four rows, `start[r] ..<
    /// end[r]`, into `out[0 ..< 4]`, in the dense kernel's order. Each row's
    /// four lanes are one vector, and value `x_c` goes to lane `c % 4` as
    /// `mac(a, x_c · e_(c % 4), q_c)`: the other lanes take `mac(a_l, 0, q_c)`,
    /// which leaves them as they were. One row alone would wait on each `mac`'s
    /// latency; four independent rows keep the multiply-add units busy.
    /// `e_0 ... e_3` for `dots4`: `oneHot[l]` is 1 in lane `l`, 0 elsewhere.
    struct OneHot {
        let lanes: UnsafeMutablePointer<SIMD4<Double>>

        init() {
            lanes = .allocate(capacity: 4)
            for l in 0..<4 {
                var e = SIMD4<Double>()
                e[l] = 1
                lanes[l] = e
            }
        }

        func deallocate() { lanes.deallocate() }
    }

    @inline(__always)
    static func dots4(
        columns: UnsafePointer<Int32>, values: UnsafePointer<Double>, start: UnsafePointer<Int>,
        end: UnsafePointer<Int>, n4: Int, query q: UnsafePointer<Double>, oneHot: OneHot,
        out: UnsafeMutablePointer<Double>
    ) {
        @inline(__always) func term(_ e: Int) -> (SIMD4<Double>, SIMD4<Double>) {
            let c = Int(columns[e])
            // x_c in lane c % 4 (1 · x is x), ±0 in the others.
            return (oneHot.lanes[c & 3] * values[e], SIMD4(repeating: q[c]))
        }
        let s0 = start[0], s1 = start[1], s2 = start[2], s3 = start[3]
        let p0 = tailStart(columns, s0, end[0], n4), p1 = tailStart(columns, s1, end[1], n4)
        let p2 = tailStart(columns, s2, end[2], n4), p3 = tailStart(columns, s3, end[3], n4)
        let common = Swift.min(Swift.min(p0 &- s0, p1 &- s1), Swift.min(p2 &- s2, p3 &- s3))
        var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
        var t = 0
        while t < common {
            let (x0, y0) = term(s0 &+ t)
            let (x1, y1) = term(s1 &+ t)
            let (x2, y2) = term(s2 &+ t)
            let (x3, y3) = term(s3 &+ t)
            a0 = Kernel.mac(a0, x0, y0)
            a1 = Kernel.mac(a1, x1, y1)
            a2 = Kernel.mac(a2, x2, y2)
            a3 = Kernel.mac(a3, x3, y3)
            t &+= 1
        }
        @inline(__always) func rest(_ a: SIMD4<Double>, _ s: Int, _ p: Int, _ e: Int) -> Double {
            var a = a
            var i = s &+ common
            while i < p {
                let (x, y) = term(i)
                a = Kernel.mac(a, x, y)
                i &+= 1
            }
            var sum = Kernel.laneSum(a)
            while i < e {
                sum += q[Int(columns[i])] * values[i]
                i &+= 1
            }
            return sum
        }
        out[0] = rest(a0, s0, p0, end[0])
        out[1] = rest(a1, s1, p1, end[1])
        out[2] = rest(a2, s2, p2, end[2])
        out[3] = rest(a3, s3, p3, end[3])
    }
}
