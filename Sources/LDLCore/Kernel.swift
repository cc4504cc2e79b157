/// The scan's scoring kernel: a group of up to four sample rows against a
/// block of queries, register-blocked and tiled over the features.
///
/// Every (sample, query) pair owns one 4-wide accumulator that takes the
/// features in chunks of four, in increasing order (`acc += x * q`, a
/// multiplication then an addition); then the four lanes are summed and the
/// last `n % 4` features are added one by one. That order depends on the pair
/// alone, not on which other rows or queries share the step, the tile size or
/// the block size, so a query gets bit-for-bit the same score alone
/// (`predict`) and in a batch (tie-breaking, and so the predictions, must not
/// depend on batching).
///
/// Speed: the innermost step loads four row chunks and two query chunks and
/// feeds them into eight multiply-adds (eight independent accumulators, enough
/// to hide the addition latency, in the sixteen vector registers of AVX2).
/// Features are taken in tiles short enough for the four rows' slices to stay
/// in L1 while every query of the block passes over them; the accumulators
/// are kept in memory between tiles. A single query (4x1) is bound by memory
/// bandwidth, not by the kernel.
///
/// Why not fused multiply-adds (`addingProduct`): they take about 20% less time
/// with `-target-cpu haswell` (4 rows x 3 queries, twelve accumulators, fit
/// only when the product needs no register of its own), but the x86-64
/// baseline build (`SWIFT_CPU=`, the Docker image) has no FMA instruction and
/// calls `fma()` per lane: about 20 times slower. Swift cannot tell at compile
/// time which target it builds for, and the two builds must compute the same
/// scores, so both multiply and add separately.
enum Kernel {
    /// Features per tile (a multiple of 4): four rows' slices take 16 KiB.
    static let tile = 512

    /// Rows scored together.
    static let rowsPerGroup = 4

    @inline(__always)
    static func load4(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
    }

    /// Scores rows `r0...r3` against `queryCount` queries (`q`, row-major,
    /// `n` values each) into `scores[r * queryCount + b]`: dot products for
    /// `.cosine` (the caller scales them), squared distances for `.euclidean`.
    /// `acc` has room for `4 * queryCount` vectors. Callers guarantee every
    /// pointer covers `n` values; a group of fewer than four rows repeats one.
    @inline(__always)
    static func scoreGroup(
        _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
        _ r3: UnsafePointer<Double>, queries q: UnsafePointer<Double>, queryCount: Int, n: Int,
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
    static func finish(
        _ a: SIMD4<Double>, _ q: UnsafePointer<Double>, _ row: UnsafePointer<Double>, _ n4: Int, _ n: Int,
        _ metric: Model.Metric
    ) -> Double {
        var s = a.sum()
        var i = n4
        while i < n {
            switch metric {
            case .cosine: s += q[i] * row[i]
            case .euclidean:
                let d = q[i] - row[i]
                s += d * d
            }
            i &+= 1
        }
        return s
    }

    @inline(__always)
    static func dot4x2(
        _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
        _ r3: UnsafePointer<Double>, _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a00 = acc[0], a10 = acc[1], a20 = acc[2], a30 = acc[3]
        var a01 = acc[4], a11 = acc[5], a21 = acc[6], a31 = acc[7]
        var i = from
        while i < to {
            let y0 = load4(q0, i)
            let y1 = load4(q1, i)
            let x0 = load4(r0, i)
            a00 += x0 * y0
            a01 += x0 * y1
            let x1 = load4(r1, i)
            a10 += x1 * y0
            a11 += x1 * y1
            let x2 = load4(r2, i)
            a20 += x2 * y0
            a21 += x2 * y1
            let x3 = load4(r3, i)
            a30 += x3 * y0
            a31 += x3 * y1
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
    }

    @inline(__always)
    static func dot4x1(
        _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
        _ r3: UnsafePointer<Double>, _ q0: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        var i = from
        while i < to {
            let y = load4(q0, i)
            a0 += load4(r0, i) * y
            a1 += load4(r1, i) * y
            a2 += load4(r2, i) * y
            a3 += load4(r3, i) * y
            i &+= 4
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }

    @inline(__always)
    static func distance4x2(
        _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
        _ r3: UnsafePointer<Double>, _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>,
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
            a00 += d00 * d00
            a01 += d01 * d01
            let x1 = load4(r1, i)
            let d10 = y0 - x1, d11 = y1 - x1
            a10 += d10 * d10
            a11 += d11 * d11
            let x2 = load4(r2, i)
            let d20 = y0 - x2, d21 = y1 - x2
            a20 += d20 * d20
            a21 += d21 * d21
            let x3 = load4(r3, i)
            let d30 = y0 - x3, d31 = y1 - x3
            a30 += d30 * d30
            a31 += d31 * d31
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
    }

    @inline(__always)
    static func distance4x1(
        _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
        _ r3: UnsafePointer<Double>, _ q0: UnsafePointer<Double>,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        var i = from
        while i < to {
            let y = load4(q0, i)
            let d0 = y - load4(r0, i), d1 = y - load4(r1, i)
            let d2 = y - load4(r2, i), d3 = y - load4(r3, i)
            a0 += d0 * d0
            a1 += d1 * d1
            a2 += d2 * d2
            a3 += d3 * d3
            i &+= 4
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }
}
