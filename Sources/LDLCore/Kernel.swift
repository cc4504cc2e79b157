/// The scan's scoring kernel: a group of up to four sample rows against a
/// block of queries, register-blocked and tiled over the features.
///
/// Every (sample, query) pair owns one 4-wide accumulator that takes the
/// features in chunks of four, in increasing order (`mac`: `acc + x * y`);
/// then the four lanes are summed and the last `n % 4` features are added one
/// by one. That order depends on the pair alone, not on which other rows or
/// queries share the step, the tile size or the block size, so a query gets
/// bit-for-bit the same score alone (`predict`) and in a batch (tie-breaking,
/// and so the predictions, must not depend on batching).
///
/// Two builds, two kernels. With `UAKNN_FMA` (the Makefile defines it
/// together with `-target-cpu haswell`, on CPUs with AVX2 and FMA) `mac` is a
/// fused multiply-add (`addingProduct`, one rounding), and the cosine step is
/// 4 rows x 3 queries: twelve accumulators, three query chunks and one row
/// chunk fill the sixteen vector registers exactly (a fused multiply-add needs
/// no register for the product). Movie, batched: about 20% faster than the
/// unfused 4 x 2. Without it (the x86-64 baseline, the Docker image, and debug
/// builds) `addingProduct` would be a libm `fma()` call per lane, about 20
/// times slower, so `mac` multiplies and adds separately and the cosine step
/// is 4 rows x 2 queries (eight accumulators, the products take registers
/// too). The two builds' scores differ in the last bits; within one build,
/// every path (any step shape, including the leftover queries) applies the
/// same `mac` to each pair, so batch and one-by-one still agree exactly.
///
/// Euclidean steps are 4 x 2 in both builds, fused with `UAKNN_FMA` (about
/// 20% faster than unfused on Movie); a fused 4 x 3 would need seventeen
/// registers with the differences, and spilling made it slower than 4 x 2.
/// The last `n % 4` features (`finish`) multiply and add separately in both.
///
/// Features are taken in tiles short enough for the four rows' slices to stay
/// in L1 while every query of the block passes over them; the accumulators
/// are kept in memory between tiles. A single query (4 x 1) is bound by
/// memory: its steps take two chunks of each row at a time (still in order,
/// pair by pair), to keep more loads in flight.
///
/// Rows are float64 (`dense`) or float32 (`float4`, widened to float64 as
/// they are loaded, so every product and sum is float64); queries are always
/// float64. The sparse layout's kernel (`SparseKernel`) applies `mac` to the
/// same pairs in the same order and sums the lanes with the same `laneSum`.
enum Kernel {
    /// Features per tile (a multiple of 4): four rows' slices take 16 KiB.
    static let tile = 512

    /// Rows scored together.
    static let rowsPerGroup = 4

    @inline(__always)
    static func load4<T: StoredScalar>(_ p: UnsafePointer<T>, _ i: Int) -> SIMD4<Double> {
        T.load4(p, i)
    }

    /// The four lanes' sum, in lane order: `((a0 + a1) + a2) + a3`. Written
    /// out rather than `sum()`, so that the sparse kernel, which sums many
    /// pairs' lanes at once, provably adds in the same order.
    @inline(__always)
    static func laneSum(_ a: SIMD4<Double>) -> Double {
        ((a[0] + a[1]) + a[2]) + a[3]
    }

    #if UAKNN_FMA
    /// Whether `mac` is fused (this build defines `UAKNN_FMA`).
    static let fused = true

    /// `a + x * y`, rounded once.
    @inline(__always)
    static func mac(_ a: SIMD4<Double>, _ x: SIMD4<Double>, _ y: SIMD4<Double>) -> SIMD4<Double> {
        a.addingProduct(x, y)
    }

    /// `mac` on one lane.
    @inline(__always)
    static func mac(_ a: Double, _ x: Double, _ y: Double) -> Double {
        a.addingProduct(x, y)
    }
    #else
    /// Whether `mac` is fused (this build defines `UAKNN_FMA`).
    static let fused = false

    /// `a + x * y`: a multiplication, then an addition.
    @inline(__always)
    static func mac(_ a: SIMD4<Double>, _ x: SIMD4<Double>, _ y: SIMD4<Double>) -> SIMD4<Double> {
        a + x * y
    }

    /// `mac` on one lane.
    @inline(__always)
    static func mac(_ a: Double, _ x: Double, _ y: Double) -> Double {
        a + x * y
    }
    #endif

    /// Scores rows `r0...r3` against `queryCount` queries (`q`, row-major,
    /// `n` values each) into `scores[r * queryCount + b]`: dot products for
    /// `.cosine` (the caller scales them), squared distances for `.euclidean`.
    /// `acc` has room for `4 * queryCount` vectors. Callers guarantee every
    /// pointer covers `n` values; a group of fewer than four rows repeats one.
    @inline(__always)
    static func scoreGroup<T: StoredScalar>(
        _ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
        _ r3: UnsafePointer<T>, queries q: UnsafePointer<Double>, queryCount: Int, n: Int,
        metric: Model.Metric, acc: UnsafeMutablePointer<SIMD4<Double>>, into scores: UnsafeMutablePointer<Double>
    ) {
        let slots = 4 &* queryCount
        var k = 0
        while k < slots {
            acc[k] = SIMD4()
            k &+= 1
        }
        let n4 = n & ~3
        var t = 0
        while t < n4 {
            let e = Swift.min(t &+ tile, n4)
            var b = 0
            switch metric {
            case .cosine:
                #if UAKNN_FMA
                while T.threeQueryCosineStep, b &+ 3 <= queryCount {
                    dot4x3(r0, r1, r2, r3, q + b &* n, q + (b &+ 1) &* n, q + (b &+ 2) &* n, t, e, acc + 4 &* b)
                    b &+= 3
                }
                #endif
                while b &+ 2 <= queryCount {
                    dot4x2(r0, r1, r2, r3, q + b &* n, q + (b &+ 1) &* n, t, e, acc + 4 &* b)
                    b &+= 2
                }
                if b < queryCount { dot4x1(r0, r1, r2, r3, q + b &* n, t, e, acc + 4 &* b) }
            case .euclidean:
                while b &+ 2 <= queryCount {
                    distance4x2(r0, r1, r2, r3, q + b &* n, q + (b &+ 1) &* n, t, e, acc + 4 &* b)
                    b &+= 2
                }
                if b < queryCount { distance4x1(r0, r1, r2, r3, q + b &* n, t, e, acc + 4 &* b) }
            }
            t = e
        }
        for b in 0..<queryCount {
            let qb = q + b &* n
            scores[b] = finish(acc[4 &* b], qb, r0, n4, n, metric)
            scores[queryCount &+ b] = finish(acc[4 &* b &+ 1], qb, r1, n4, n, metric)
            scores[2 &* queryCount &+ b] = finish(acc[4 &* b &+ 2], qb, r2, n4, n, metric)
            scores[3 &* queryCount &+ b] = finish(acc[4 &* b &+ 3], qb, r3, n4, n, metric)
        }
    }

    /// The lanes' sum plus the features past the last full chunk.
    @inline(__always)
    static func finish<T: StoredScalar>(
        _ a: SIMD4<Double>, _ q: UnsafePointer<Double>, _ row: UnsafePointer<T>, _ n4: Int, _ n: Int,
        _ metric: Model.Metric
    ) -> Double {
        var s = laneSum(a)
        var i = n4
        while i < n {
            let x = row[i].widened
            switch metric {
            case .cosine: s += q[i] * x
            case .euclidean:
                let d = q[i] - x
                s += d * d
            }
            i &+= 1
        }
        return s
    }

    #if UAKNN_FMA
    @inline(__always)
    static func dot4x3<T: StoredScalar>(
        _ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
        _ r3: UnsafePointer<T>, _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>,
        _ q2: UnsafePointer<Double>, _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a00 = acc[0], a10 = acc[1], a20 = acc[2], a30 = acc[3]
        var a01 = acc[4], a11 = acc[5], a21 = acc[6], a31 = acc[7]
        var a02 = acc[8], a12 = acc[9], a22 = acc[10], a32 = acc[11]
        var i = from
        while i < to {
            let y0 = load4(q0, i)
            let y1 = load4(q1, i)
            let y2 = load4(q2, i)
            let x0 = load4(r0, i)
            a00 = mac(a00, x0, y0)
            a01 = mac(a01, x0, y1)
            a02 = mac(a02, x0, y2)
            let x1 = load4(r1, i)
            a10 = mac(a10, x1, y0)
            a11 = mac(a11, x1, y1)
            a12 = mac(a12, x1, y2)
            let x2 = load4(r2, i)
            a20 = mac(a20, x2, y0)
            a21 = mac(a21, x2, y1)
            a22 = mac(a22, x2, y2)
            let x3 = load4(r3, i)
            a30 = mac(a30, x3, y0)
            a31 = mac(a31, x3, y1)
            a32 = mac(a32, x3, y2)
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
        acc[8] = a02; acc[9] = a12; acc[10] = a22; acc[11] = a32
    }
    #endif

    @inline(__always)
    static func dot4x2<T: StoredScalar>(
        _ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
        _ r3: UnsafePointer<T>, _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a00 = acc[0], a10 = acc[1], a20 = acc[2], a30 = acc[3]
        var a01 = acc[4], a11 = acc[5], a21 = acc[6], a31 = acc[7]
        var i = from
        while i < to {
            let y0 = load4(q0, i)
            let y1 = load4(q1, i)
            let x0 = load4(r0, i)
            a00 = mac(a00, x0, y0)
            a01 = mac(a01, x0, y1)
            let x1 = load4(r1, i)
            a10 = mac(a10, x1, y0)
            a11 = mac(a11, x1, y1)
            let x2 = load4(r2, i)
            a20 = mac(a20, x2, y0)
            a21 = mac(a21, x2, y1)
            let x3 = load4(r3, i)
            a30 = mac(a30, x3, y0)
            a31 = mac(a31, x3, y1)
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
    }

    @inline(__always)
    static func dot4x1<T: StoredScalar>(
        _ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
        _ r3: UnsafePointer<T>, _ q0: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        var i = from
        // Two chunks a step, each accumulator taking them in order (so the
        // sums are those of one chunk a step): more loads in flight for a
        // single query, which waits on memory. 300,000 x 64 rows: float4
        // 9.0 -> 6.8 ms, dense 20.6 -> 15.3 ms.
        while i &+ 8 <= to {
            let y = load4(q0, i), z = load4(q0, i &+ 4)
            let x0 = load4(r0, i), w0 = load4(r0, i &+ 4), x1 = load4(r1, i), w1 = load4(r1, i &+ 4)
            let x2 = load4(r2, i), w2 = load4(r2, i &+ 4), x3 = load4(r3, i), w3 = load4(r3, i &+ 4)
            a0 = mac(mac(a0, x0, y), w0, z)
            a1 = mac(mac(a1, x1, y), w1, z)
            a2 = mac(mac(a2, x2, y), w2, z)
            a3 = mac(mac(a3, x3, y), w3, z)
            i &+= 8
        }
        while i < to {
            let y = load4(q0, i)
            a0 = mac(a0, load4(r0, i), y)
            a1 = mac(a1, load4(r1, i), y)
            a2 = mac(a2, load4(r2, i), y)
            a3 = mac(a3, load4(r3, i), y)
            i &+= 4
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }

    @inline(__always)
    static func distance4x2<T: StoredScalar>(
        _ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
        _ r3: UnsafePointer<T>, _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a00 = acc[0], a10 = acc[1], a20 = acc[2], a30 = acc[3]
        var a01 = acc[4], a11 = acc[5], a21 = acc[6], a31 = acc[7]
        var i = from
        while i < to {
            let y0 = load4(q0, i)
            let y1 = load4(q1, i)
            let x0 = load4(r0, i)
            let d00 = y0 - x0, d01 = y1 - x0
            a00 = mac(a00, d00, d00)
            a01 = mac(a01, d01, d01)
            let x1 = load4(r1, i)
            let d10 = y0 - x1, d11 = y1 - x1
            a10 = mac(a10, d10, d10)
            a11 = mac(a11, d11, d11)
            let x2 = load4(r2, i)
            let d20 = y0 - x2, d21 = y1 - x2
            a20 = mac(a20, d20, d20)
            a21 = mac(a21, d21, d21)
            let x3 = load4(r3, i)
            let d30 = y0 - x3, d31 = y1 - x3
            a30 = mac(a30, d30, d30)
            a31 = mac(a31, d31, d31)
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
    }

    @inline(__always)
    static func distance4x1<T: StoredScalar>(
        _ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
        _ r3: UnsafePointer<T>, _ q0: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        var i = from
        // As in `dot4x1`: two chunks a step, in order, the rows loaded before
        // the query (300,000 x 64: float4 24 -> 14 -> 5.5 ms, dense 15 -> 10.5 ms).
        while i &+ 8 <= to {
            let x0 = load4(r0, i), w0 = load4(r0, i &+ 4), x1 = load4(r1, i), w1 = load4(r1, i &+ 4)
            let x2 = load4(r2, i), w2 = load4(r2, i &+ 4), x3 = load4(r3, i), w3 = load4(r3, i &+ 4)
            let y = load4(q0, i), z = load4(q0, i &+ 4)
            let d0 = y - x0, e0 = z - w0, d1 = y - x1, e1 = z - w1
            let d2 = y - x2, e2 = z - w2, d3 = y - x3, e3 = z - w3
            a0 = mac(mac(a0, d0, d0), e0, e0)
            a1 = mac(mac(a1, d1, d1), e1, e1)
            a2 = mac(mac(a2, d2, d2), e2, e2)
            a3 = mac(mac(a3, d3, d3), e3, e3)
            i &+= 8
        }
        while i < to {
            let x0 = load4(r0, i), x1 = load4(r1, i), x2 = load4(r2, i), x3 = load4(r3, i)
            let y = load4(q0, i)
            let d0 = y - x0, d1 = y - x1
            let d2 = y - x2, d3 = y - x3
            a0 = mac(a0, d0, d0)
            a1 = mac(a1, d1, d1)
            a2 = mac(a2, d2, d2)
            a3 = mac(a3, d3, d3)
            i &+= 4
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }
}

/// A stored feature value: `Double` (`dense`) or `Float` (`float4`), loaded
/// as float64 by the kernel.
protocol StoredScalar {
    /// Four values from `p + i`, as float64.
    static func load4(_ p: UnsafePointer<Self>, _ i: Int) -> SIMD4<Double>
    var widened: Double { get }
    /// Whether the fused cosine step takes 3 queries (else 2): converting
    /// float32 needs registers the 4 x 3 step has not got.
    static var threeQueryCosineStep: Bool { get }
}

extension Double: StoredScalar {
    @inline(__always)
    static func load4(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always) var widened: Double { self }

    static var threeQueryCosineStep: Bool { true }
}

extension Float: StoredScalar {
    @inline(__always)
    static func load4(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD4<Double> {
        SIMD4<Double>(UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Float>.self))
    }

    @inline(__always) var widened: Double { Double(self) }

    static var threeQueryCosineStep: Bool { false }
}
