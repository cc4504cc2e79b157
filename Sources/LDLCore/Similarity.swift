/// The inner loops of every predictor: dot products and squared Euclidean
/// distances over contiguous `Double` storage.
///
/// They take raw pointers and a length because they run once per (query,
/// sample) pair: the callers guarantee every range holds `n` elements (the
/// model stores exactly `featureCount` values per sample and checks every
/// query's length before a scan).
///
/// Each query keeps one 4-wide accumulator, filled in the same order whether
/// it is scored alone (`dot`) or together with others (`dot4`), so a query
/// gets bit-for-bit the same score in a single prediction and in a batch
/// (tie-breaking, and so the predictions, must not depend on batching). The
/// multi-query kernels load each sample's values once for four queries: a
/// batch is bound by arithmetic, not by memory.
///
/// Cosines: the query is normalized once (`normalize`), each sample carries
/// `1/|x|` (`inverseNorm`), so `cos = dot(q̂, x) · 1/|x|`.
enum Similarity {
    @inline(__always)
    static func load4(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
    }

    /// `Σ a[i] * b[i]` over `n` elements.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD4<Double>()
        var i = 0
        while i &+ 4 <= n {
            acc += load4(a, i) * load4(b, i)
            i &+= 4
        }
        var s = acc.sum()
        while i < n {
            s += a[i] * b[i]
            i &+= 1
        }
        return s
    }

    /// `dot(q_k, row, n)` for four queries, each exactly as `dot` computes it.
    @inline(__always)
    static func dot4(
        _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>, _ q2: UnsafePointer<Double>,
        _ q3: UnsafePointer<Double>, _ row: UnsafePointer<Double>, _ n: Int
    ) -> SIMD4<Double> {
        var a0 = SIMD4<Double>()
        var a1 = SIMD4<Double>()
        var a2 = SIMD4<Double>()
        var a3 = SIMD4<Double>()
        var i = 0
        while i &+ 4 <= n {
            let x = load4(row, i)
            a0 += load4(q0, i) * x
            a1 += load4(q1, i) * x
            a2 += load4(q2, i) * x
            a3 += load4(q3, i) * x
            i &+= 4
        }
        var s = SIMD4(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while i < n {
            let x = row[i]
            s[0] += q0[i] * x
            s[1] += q1[i] * x
            s[2] += q2[i] * x
            s[3] += q3[i] * x
            i &+= 1
        }
        return s
    }

    /// `Σ (a[i] - b[i])²` over `n` elements. Never NaN for finite inputs: a
    /// difference that overflows gives `+inf`, which sorts last.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD4<Double>()
        var i = 0
        while i &+ 4 <= n {
            let d = load4(a, i) - load4(b, i)
            acc += d * d
            i &+= 4
        }
        var s = acc.sum()
        while i < n {
            let d = a[i] - b[i]
            s += d * d
            i &+= 1
        }
        return s
    }

    /// `squaredDistance(q_k, row, n)` for four queries, each exactly as
    /// `squaredDistance` computes it.
    @inline(__always)
    static func squaredDistance4(
        _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>, _ q2: UnsafePointer<Double>,
        _ q3: UnsafePointer<Double>, _ row: UnsafePointer<Double>, _ n: Int
    ) -> SIMD4<Double> {
        var a0 = SIMD4<Double>()
        var a1 = SIMD4<Double>()
        var a2 = SIMD4<Double>()
        var a3 = SIMD4<Double>()
        var i = 0
        while i &+ 4 <= n {
            let x = load4(row, i)
            let d0 = load4(q0, i) - x
            let d1 = load4(q1, i) - x
            let d2 = load4(q2, i) - x
            let d3 = load4(q3, i) - x
            a0 += d0 * d0
            a1 += d1 * d1
            a2 += d2 * d2
            a3 += d3 * d3
            i &+= 4
        }
        var s = SIMD4(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while i < n {
            let x = row[i]
            let d = SIMD4(q0[i] - x, q1[i] - x, q2[i] - x, q3[i] - x)
            s += d * d
            i &+= 1
        }
        return s
    }

    /// Magnitudes within which the fast cosine `q̂·x · 1/|x|` can neither
    /// overflow nor lose precision to underflow (`|q̂·x| <= |x|` for a unit `q̂`).
    static let safeMagnitudes = 0x1p-500...0x1p500

    /// `1/|x|` for the fast cosine; 0 when `x = 0` (the cosine is then 0);
    /// NaN when the largest magnitude is outside `safeMagnitudes`, which sends
    /// the sample to `carefulCosine` (the NaN makes the fast product NaN).
    static func inverseNorm(_ x: UnsafeBufferPointer<Double>) -> Double {
        var maxAbs = 0.0
        for v in x { maxAbs = Swift.max(maxAbs, v.magnitude) }
        guard maxAbs > 0 else { return 0 }
        guard safeMagnitudes.contains(maxAbs) else { return .nan }
        var sum = 0.0
        for v in x {
            let y = v / maxAbs
            sum += y * y
        }
        return 1 / (maxAbs * sum.squareRoot())
    }

    /// The cosine of a unit query with a sample of any finite magnitudes: the
    /// sample is scaled by its largest magnitude on the fly. Slow, and only
    /// used for samples `inverseNorm` marked.
    static func carefulCosine(_ unitQuery: UnsafePointer<Double>, _ row: UnsafePointer<Double>, _ n: Int) -> Double {
        var maxAbs = 0.0
        for i in 0..<n { maxAbs = Swift.max(maxAbs, row[i].magnitude) }
        guard maxAbs > 0, maxAbs.isFinite else { return 0 }
        var dot = 0.0
        var sum = 0.0
        for i in 0..<n {
            let y = row[i] / maxAbs
            dot += unitQuery[i] * y
            sum += y * y
        }
        let c = dot / sum.squareRoot()
        return c.isFinite ? c : 0
    }

    /// Writes `x / |x|` into `out` (same length), or zeros when `|x| = 0`, so
    /// that a query's cosine with a sample is `dot(q̂, x) · 1/|x|` and is 0
    /// when either norm is 0 (spec). The norm is computed on `x / max|x|`, so
    /// that finite values near `Double.greatestFiniteMagnitude` do not
    /// overflow to an infinite norm.
    static func normalize(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        let n = Swift.min(x.count, out.count)
        var maxAbs = 0.0
        for i in 0..<n { maxAbs = Swift.max(maxAbs, x[i].magnitude) }
        guard maxAbs > 0, maxAbs.isFinite else {
            for i in 0..<n { out[i] = 0 }
            return
        }
        var sum = 0.0
        for i in 0..<n {
            let y = x[i] / maxAbs
            sum += y * y
        }
        let norm = sum.squareRoot()
        for i in 0..<n { out[i] = (x[i] / maxAbs) / norm }
    }
}
