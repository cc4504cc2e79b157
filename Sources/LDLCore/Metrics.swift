#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The metrics of the spec, computed between a true distribution `a` (first
/// argument) and a predicted one `b`.
///
/// Clipped variants use `ac`, `bc`: each value clipped to `[eps, 1]` with
/// `eps = Double.ulpOfOne`, so that logarithms and ratios stay finite.
public enum Metrics {
    public static let eps = Double.ulpOfOne

    /// Checks that two vectors can be compared: same, non-zero length, every
    /// value finite and non-negative. Sums are not checked, so that stored
    /// predictions of other tools (rounded, say) can be scored as they are.
    public static func validate(
        truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>
    ) throws(LDLError) {
        guard a.count == b.count else {
            throw LDLError.invalid(
                "truth and prediction have different lengths",
                detail: "truth has length \(a.count), prediction has length \(b.count).")
        }
        guard a.count > 0 else {
            throw LDLError(.arrayShape, "label distributions must not be empty")
        }
        try validateValues(a, name: "truth")
        try validateValues(b, name: "prediction")
    }

    static func validateValues(_ v: UnsafeBufferPointer<Double>, name: String) throws(LDLError) {
        for (i, x) in v.enumerated() where !(x.isFinite && x >= 0) {
            let what = x.isNaN ? "NaN" : x.isFinite ? "negative (\(x))" : "infinite"
            throw LDLError.invalid(
                "\(name) element \(i + 1) is \(what)",
                detail: "A label distribution holds finite, non-negative values.")
        }
    }

    /// One metric of a validated pair.
    public static func value(
        _ kind: MetricKind, truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>
    ) -> Double {
        let n = min(a.count, b.count)
        @inline(__always) func clip(_ x: Double) -> Double { Swift.min(Swift.max(x, eps), 1) }
        var s = 0.0
        switch kind {
        case .chebyshev:
            for j in 0..<n { s = Swift.max(s, abs(a[j] - b[j])) }
            return s
        case .clark:
            for j in 0..<n {
                let (x, y) = (clip(a[j]), clip(b[j]))
                let r = (x - y) / (x + y)
                s += r * r
            }
            return s.squareRoot()
        case .canberra:
            for j in 0..<n {
                let (x, y) = (clip(a[j]), clip(b[j]))
                s += abs(x - y) / (x + y)
            }
            return s
        case .kl:
            for j in 0..<n {
                let (x, y) = (clip(a[j]), clip(b[j]))
                s += x * (log(x) - log(y))
            }
            return s
        case .cosine:
            var (ab, aa, bb) = (0.0, 0.0, 0.0)
            for j in 0..<n {
                ab += a[j] * b[j]
                aa += a[j] * a[j]
                bb += b[j] * b[j]
            }
            let norms = aa.squareRoot() * bb.squareRoot()
            return norms > 0 ? ab / norms : 0
        case .intersection:
            for j in 0..<n { s += Swift.min(a[j], b[j]) }
            return s
        case .euclidean:
            for j in 0..<n {
                let d = a[j] - b[j]
                s += d * d
            }
            return s.squareRoot()
        case .sorensen:
            var total = 0.0
            for j in 0..<n {
                s += abs(a[j] - b[j])
                total += a[j] + b[j]
            }
            return total > 0 ? s / total : 0
        case .squaredChi2:
            for j in 0..<n {
                let (x, y) = (clip(a[j]), clip(b[j]))
                let d = x - y
                s += d * d / (x + y)
            }
            return s
        case .fidelity:
            for j in 0..<n { s += (a[j] * b[j]).squareRoot() }
            return s
        case .js:
            for j in 0..<n {
                let (x, y) = (clip(a[j]), clip(b[j]))
                let m = (x + y) / 2
                let lm = log(m)
                s += 0.5 * x * (log(x) - lm) + 0.5 * y * (log(y) - lm)
            }
            return s
        case .top1:
            return topLabel(UnsafeBufferPointer(rebasing: a[0..<n])) == topLabel(UnsafeBufferPointer(rebasing: b[0..<n]))
                ? 1 : 0
        }
    }

    /// The argmax of a vector, ties to the lowest index (the spec's rule); 0 for an empty one.
    public static func topLabel(_ v: UnsafeBufferPointer<Double>) -> Int {
        var best = 0
        for j in 0..<v.count where v[j] > v[best] { best = j }
        return best
    }

    /// Convenience for arrays.
    public static func topLabel(_ v: [Double]) -> Int {
        v.withUnsafeBufferPointer { topLabel($0) }
    }

    /// Validates the pair, then computes one metric.
    public static func checkedValue(
        _ kind: MetricKind, truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>
    ) throws(LDLError) -> Double {
        try validate(truth: a, prediction: b)
        return value(kind, truth: a, prediction: b)
    }

    /// Validates the pair, then writes the six standard metrics
    /// (`MetricKind.standard`, in that order) into `out`.
    public static func standard(
        truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>,
        into out: UnsafeMutableBufferPointer<Double>
    ) throws(LDLError) {
        try validate(truth: a, prediction: b)
        for (i, kind) in MetricKind.standard.enumerated() where i < out.count {
            out[i] = value(kind, truth: a, prediction: b)
        }
    }

    /// Convenience for arrays.
    public static func value(_ kind: MetricKind, truth: [Double], prediction: [Double]) throws(LDLError) -> Double {
        try truth.withUnsafeBufferPointer { (a) throws(LDLError) in
            try prediction.withUnsafeBufferPointer { (b) throws(LDLError) in
                try checkedValue(kind, truth: a, prediction: b)
            }
        }
    }
}
