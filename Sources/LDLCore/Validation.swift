/// Input checks shared by every entry point. Each throws an `LDLError` whose
/// message names the value and what was expected; none traps.
enum Validation {
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
