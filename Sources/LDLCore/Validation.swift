/// Input checks shared by every entry point. Each throws an `LDLError` whose
/// message names the value and what was expected; none traps.
enum Validation {
    /// How far from 1 the sum of a label distribution may be (spec: 1e-6).
    static let distributionTolerance = 1e-6

    /// The length of a vector. (Positions in messages are 1-based, as in SQL arrays.)
    static func checkLength(_ count: Int, expected: Int, what: String) throws(LDLError) {
        guard count == expected else {
            throw LDLError.invalid("\(what) has \(count) elements, model expects \(expected)")
        }
    }

    /// Every value finite.
    static func checkFinite(_ v: UnsafeBufferPointer<Double>, what: String) throws(LDLError) {
        for i in 0..<v.count where !v[i].isFinite {
            let x = v[i]
            throw LDLError.invalid(
                "\(what) element \(i + 1) is \(x.isNaN ? "NaN" : "infinite"), expected a finite number")
        }
    }

    /// Every value representable as a finite float32 (storage `float4`).
    static func checkFloat32Range(_ v: UnsafeBufferPointer<Double>, what: String) throws(LDLError) {
        for i in 0..<v.count where !Float(v[i]).isFinite {
            throw LDLError.invalid(
                "\(what) element \(i + 1) is \(v[i]), beyond the float32 range of storage float4",
                hint: "Use storage dense for values beyond ±3.4e38.")
        }
    }

    /// A label distribution: values in [0, 1] summing to 1 within 1e-6.
    static func checkDistribution(_ v: UnsafeBufferPointer<Double>, what: String) throws(LDLError) {
        try checkFinite(v, what: what)
        var sum = 0.0
        for i in 0..<v.count {
            let x = v[i]
            guard x >= 0, x <= 1 else {
                throw LDLError.invalid("\(what) element \(i + 1) is \(x), expected a value in [0, 1]")
            }
            sum += x
        }
        guard (sum - 1).magnitude <= distributionTolerance else {
            throw LDLError.invalid(
                "\(what) sums to \(sum), expected 1 within \(distributionTolerance)",
                hint: "A label distribution's values sum to 1.")
        }
    }

    /// `a * b` or an error if it overflows `Int` (sizes of flat buffers).
    static func product(_ a: Int, _ b: Int, what: String) throws(LDLError) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, p >= 0 else {
            throw LDLError.invalid("\(what) is too large: \(a) x \(b) values")
        }
        return p
    }
}

extension LDLError {
    /// The model cannot predict because it holds no samples.
    static func emptyModel() -> LDLError {
        LDLError(.notReady, "model has no samples", hint: "Add samples before predicting.")
    }
}
