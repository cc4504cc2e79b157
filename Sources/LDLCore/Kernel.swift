/// The scan's scoring kernel: a group of up to four sample rows against a
/// block of queries, register-blocked and tiled over the features.
///
/// Every (sample, query) pair owns one 4-wide accumulator that takes the
/// features in chunks of four, in increasing order, with fused multiply-adds
/// (`addingProduct`: FMA instructions when the target CPU has them, the same
/// correctly rounded result otherwise); then the four lanes are summed and the
/// last `n % 4` features are added one by one, again fused. That order depends
/// on the pair alone, not on which other rows or queries share the step, the
/// tile size or the block size, so a query gets bit-for-bit the same score
/// alone (`predict`) and in a batch (tie-breaking, and so the predictions,
/// must not depend on batching).
///
/// Speed: for cosines the innermost step loads four row chunks and three
/// query chunks and feeds them into twelve multiply-adds (twelve independent
/// accumulators, enough to hide the FMA latency, plus the seven loaded values:
/// the sixteen vector registers of AVX2). Squared distances need a register
/// for the difference, so they take queries two at a time (eight
/// accumulators). Features are taken in tiles short enough for the four
/// rows' slices to stay in L1 while every query of the block passes over
/// them; the accumulators are kept in memory between tiles. A single query
/// (4x1) is bound by memory bandwidth, not by the kernel.
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
                // Threes, then twos: a remainder of one query would run the
                // slower 4x1 kernel (four accumulators cannot hide the latency).
                let threes = queryCount % 3 == 1 && queryCount >= 4 ? queryCount / 3 - 1 : queryCount / 3
                while b < 3 &* threes {
                    dot4x3(r0, r1, r2, r3, q + b &* n, n, t, e, acc + 4 &* b)
                    b &+= 3
                }
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
            case .cosine: s = s.addingProduct(q[i], row[i])
            case .euclidean:
                let d = q[i] - row[i]
                s = s.addingProduct(d, d)
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
            a00 = a00.addingProduct(x0, y0)
            a01 = a01.addingProduct(x0, y1)
            let x1 = load4(r1, i)
            a10 = a10.addingProduct(x1, y0)
            a11 = a11.addingProduct(x1, y1)
            let x2 = load4(r2, i)
            a20 = a20.addingProduct(x2, y0)
            a21 = a21.addingProduct(x2, y1)
            let x3 = load4(r3, i)
            a30 = a30.addingProduct(x3, y0)
            a31 = a31.addingProduct(x3, y1)
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
    }

    /// Queries `q0`, `q0 + n`, `q0 + 2n`.
    @inline(__always)
    static func dot4x3(
        _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
        _ r3: UnsafePointer<Double>, _ q0: UnsafePointer<Double>, _ n: Int,
        _ from: Int, _ to: Int, _ acc: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        let q1 = q0 + n
        let q2 = q1 + n
        var a00 = acc[0], a10 = acc[1], a20 = acc[2], a30 = acc[3]
        var a01 = acc[4], a11 = acc[5], a21 = acc[6], a31 = acc[7]
        var a02 = acc[8], a12 = acc[9], a22 = acc[10], a32 = acc[11]
        var i = from
        while i < to {
            let y0 = load4(q0, i)
            let y1 = load4(q1, i)
            let y2 = load4(q2, i)
            let x0 = load4(r0, i)
            a00 = a00.addingProduct(x0, y0)
            a01 = a01.addingProduct(x0, y1)
            a02 = a02.addingProduct(x0, y2)
            let x1 = load4(r1, i)
            a10 = a10.addingProduct(x1, y0)
            a11 = a11.addingProduct(x1, y1)
            a12 = a12.addingProduct(x1, y2)
            let x2 = load4(r2, i)
            a20 = a20.addingProduct(x2, y0)
            a21 = a21.addingProduct(x2, y1)
            a22 = a22.addingProduct(x2, y2)
            let x3 = load4(r3, i)
            a30 = a30.addingProduct(x3, y0)
            a31 = a31.addingProduct(x3, y1)
            a32 = a32.addingProduct(x3, y2)
            i &+= 4
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30
        acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31
        acc[8] = a02; acc[9] = a12; acc[10] = a22; acc[11] = a32
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
            a0 = a0.addingProduct(load4(r0, i), y)
            a1 = a1.addingProduct(load4(r1, i), y)
            a2 = a2.addingProduct(load4(r2, i), y)
            a3 = a3.addingProduct(load4(r3, i), y)
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
            a00 = a00.addingProduct(d00, d00)
            a01 = a01.addingProduct(d01, d01)
            let x1 = load4(r1, i)
            let d10 = y0 - x1, d11 = y1 - x1
            a10 = a10.addingProduct(d10, d10)
            a11 = a11.addingProduct(d11, d11)
            let x2 = load4(r2, i)
            let d20 = y0 - x2, d21 = y1 - x2
            a20 = a20.addingProduct(d20, d20)
            a21 = a21.addingProduct(d21, d21)
            let x3 = load4(r3, i)
            let d30 = y0 - x3, d31 = y1 - x3
            a30 = a30.addingProduct(d30, d30)
            a31 = a31.addingProduct(d31, d31)
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
            a0 = a0.addingProduct(d0, d0)
            a1 = a1.addingProduct(d1, d1)
            a2 = a2.addingProduct(d2, d2)
            a3 = a3.addingProduct(d3, d3)
            i &+= 4
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }
}
