#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics of a set of predictions (NEIGHBOURS.md G4, the paper's §4
/// discussions of entropy and "variance"): the state of the aggregate
/// `ldl_prediction_stats`. Per prediction p of L values:
/// `H = −Σ p_l ln p_l` (0 ln 0 = 0), `variance = (1/L) Σ (p_l − 1/L)²`,
/// `max = max_l p_l`. The state is sums, so partial states of a parallel
/// aggregate combine by addition (`combine`).
public struct PredictionStats: Sendable, Equatable {
    public var n: Int64 = 0
    public var entropySum = 0.0
    public var varianceSum = 0.0
    public var maxSum = 0.0

    public init() {}

    public init(n: Int64, entropySum: Double, varianceSum: Double, maxSum: Double) {
        self.n = n
        self.entropySum = entropySum
        self.varianceSum = varianceSum
        self.maxSum = maxSum
    }

    /// Adds one prediction.
    ///
    /// - Throws: `.arrayShape` for an empty vector, `.invalidParameter` for a
    ///   value that is not finite and >= 0 (sums are not checked, as in the metrics).
    public mutating func add(_ p: UnsafeBufferPointer<Double>) throws(LDLError) {
        guard !p.isEmpty else { throw LDLError(.arrayShape, "prediction must not be empty") }
        try Metrics.validateValues(p, name: "prediction")
        let L = Double(p.count)
        var h = 0.0
        var v = 0.0
        var largest = 0.0
        for x in p {
            if x > 0 { h -= x * log(x) }
            let d = x - 1 / L
            v += d * d
            largest = Swift.max(largest, x)
        }
        n += 1
        entropySum += h
        varianceSum += v / L
        maxSum += largest
    }

    /// Convenience for arrays.
    public mutating func add(_ p: [Double]) throws(LDLError) {
        try p.withUnsafeBufferPointer { (b) throws(LDLError) in try add(b) }
    }

    /// The state of both parts (a parallel aggregate's combine function).
    public func combined(with other: PredictionStats) -> PredictionStats {
        PredictionStats(
            n: n + other.n, entropySum: entropySum + other.entropySum, varianceSum: varianceSum + other.varianceSum,
            maxSum: maxSum + other.maxSum)
    }

    public mutating func combine(_ other: PredictionStats) { self = combined(with: other) }

    /// The means; nil for no predictions (SQL NULL).
    public var meanEntropy: Double? { n > 0 ? entropySum / Double(n) : nil }
    public var meanVariance: Double? { n > 0 ? varianceSum / Double(n) : nil }
    public var meanMax: Double? { n > 0 ? maxSum / Double(n) : nil }
}
