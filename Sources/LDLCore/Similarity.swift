/// Dot products and norms over contiguous `Double` storage. The scan's
/// scoring kernel, which every prediction goes through, is `Kernel`.
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

    /// Magnitudes within which the fast cosine `q̂·x · 1/|x|` can neither
    /// overflow nor lose precision to underflow (`|q̂·x| <= |x|` for a unit `q̂`).
    static let safeMagnitudes = 0x1p-500...0x1p500

    /// `1/|x|` for the fast cosine; 0 when `x = 0` (the cosine is then 0);
    /// NaN when the largest magnitude is outside `safeMagnitudes`, which sends
    /// the sample to `carefulCosine` (the NaN makes the fast product NaN).
    static func inverseNorm<T: StoredScalar>(_ x: UnsafeBufferPointer<T>) -> Double {
        var maxAbs = 0.0
        for v in x { maxAbs = Swift.max(maxAbs, v.widened.magnitude) }
        guard maxAbs > 0 else { return 0 }
        guard safeMagnitudes.contains(maxAbs) else { return .nan }
        var sum = 0.0
        for v in x {
            let y = v.widened / maxAbs
            sum += y * y
        }
        return 1 / (maxAbs * sum.squareRoot())
    }

    /// The cosine of a unit query with a sample of any finite magnitudes: the
    /// sample is scaled by its largest magnitude on the fly. Slow, and only
    /// used for samples `inverseNorm` marked.
    static func carefulCosine<T: StoredScalar>(_ unitQuery: UnsafePointer<Double>, _ row: UnsafePointer<T>, _ n: Int)
        -> Double
    {
        var maxAbs = 0.0
        for i in 0..<n { maxAbs = Swift.max(maxAbs, row[i].widened.magnitude) }
        guard maxAbs > 0, maxAbs.isFinite else { return 0 }
        var dot = 0.0
        var sum = 0.0
        for i in 0..<n {
            let y = row[i].widened / maxAbs
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
