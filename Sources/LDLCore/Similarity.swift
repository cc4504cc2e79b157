/// The inner loops of every predictor: dot products and squared Euclidean
/// distances over contiguous `Double` storage.
///
/// They take raw pointers and a length because they run once per (query,
/// sample) pair: the callers guarantee both ranges hold `n` elements (the model
/// stores exactly `featureCount` values per sample and checks every query's
/// length before a scan). Eight-wide SIMD with two accumulators keeps the
/// floating-point units busy while the loop waits on memory.
enum Similarity {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD8<Double> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Double>.self)
    }

    /// `Σ a[i] * b[i]` over `n` elements.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc0 = SIMD8<Double>()
        var acc1 = SIMD8<Double>()
        var i = 0
        while i &+ 16 <= n {
            acc0 += load8(a, i) * load8(b, i)
            acc1 += load8(a, i &+ 8) * load8(b, i &+ 8)
            i &+= 16
        }
        if i &+ 8 <= n {
            acc0 += load8(a, i) * load8(b, i)
            i &+= 8
        }
        var s = (acc0 + acc1).sum()
        while i < n {
            s += a[i] * b[i]
            i &+= 1
        }
        return s
    }

    /// `Σ (a[i] - b[i])²` over `n` elements. Never NaN for finite inputs: a
    /// difference that overflows gives `+inf`, which sorts last.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc0 = SIMD8<Double>()
        var acc1 = SIMD8<Double>()
        var i = 0
        while i &+ 16 <= n {
            let d0 = load8(a, i) - load8(b, i)
            let d1 = load8(a, i &+ 8) - load8(b, i &+ 8)
            acc0 += d0 * d0
            acc1 += d1 * d1
            i &+= 16
        }
        if i &+ 8 <= n {
            let d0 = load8(a, i) - load8(b, i)
            acc0 += d0 * d0
            i &+= 8
        }
        var s = (acc0 + acc1).sum()
        while i < n {
            let d = a[i] - b[i]
            s += d * d
            i &+= 1
        }
        return s
    }

    /// Writes `x / |x|` into `out` (same length), or zeros when `|x| = 0`, so
    /// that the cosine of two stored vectors is their dot product and is 0
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
