#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax with the maximum subtracted first: every exponent is <= 0, so
/// nothing overflows, the largest term is exactly 1 and the sum is >= 1 —
/// the result is never NaN for finite inputs.
enum Softmax {
    /// `exp(scale * v_k) / Σ_l exp(scale * v_l)`, in place. `scale > 0`:
    /// `1/τ` for step 1, `ln β` for the paper's Softmax* (`β^v_k / Σ β^v_l`).
    static func apply(_ v: UnsafeMutableBufferPointer<Double>, scale: Double) {
        guard v.count > 0 else { return }
        var top = -Double.infinity
        for x in v { top = Swift.max(top, x) }
        var sum = 0.0
        for i in 0..<v.count {
            let t = v[i] - top
            // t == 0 for the largest term: exactly 1, even when scale is infinite
            // (1/τ for a subnormal τ), where 0 * inf would be NaN.
            let e = t == 0 ? 1 : exp(t * scale)
            v[i] = e
            sum += e
        }
        for i in 0..<v.count { v[i] /= sum }
    }

    static func apply(_ v: inout [Double], scale: Double) {
        v.withUnsafeMutableBufferPointer { apply($0, scale: scale) }
    }

    /// Softmax* of base `base` (> 1), in place.
    static func applyBase(_ v: UnsafeMutableBufferPointer<Double>, base: Double) {
        apply(v, scale: log(base))
    }
}
