#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `E[clip(G, 0, 1)]` for `G ~ Normal(m, s²)`: the weights `S_j` and `c_j` of
/// UAKNN (spec steps 2-4).
enum ClippedNormal {
    /// Standard normal CDF. `erfc` keeps full relative precision in the lower tail.
    @inline(__always)
    static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Standard normal density.
    @inline(__always)
    static func pdf(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }

    /// The closed form of the spec, with `a = -m/s`, `b = (1-m)/s`:
    /// `m (Φ(b) - Φ(a)) + s (φ(a) - φ(b)) + (1 - Φ(b))`.
    /// `s > 0` finite and `m` finite (the callers validate). The result is
    /// clamped to [0, 1], the range of the clipped variable, to absorb rounding.
    static func expectation(mean m: Double, sd s: Double) -> Double {
        let a = (0 - m) / s
        let b = (1 - m) / s
        let phiB = cdf(b)
        let e = m * (phiB - cdf(a)) + s * (pdf(a) - pdf(b)) + 0.5 * erfc(b / 2.0.squareRoot())
        guard e.isFinite else { return m < 0.5 ? 0 : 1 }
        return Swift.min(Swift.max(e, 0), 1)
    }

    /// The mean of `n` draws of `clip(m + s Z, 0, 1)` (the paper's sampling).
    static func sampledMean(mean m: Double, sd s: Double, count n: Int, normals: inout NormalGenerator) -> Double {
        guard n > 0 else { return 0 }
        var sum = 0.0
        for _ in 0..<n {
            let g = m + s * normals.next()
            sum += Swift.min(Swift.max(g, 0), 1)
        }
        return sum / Double(n)
    }
}
