/// Which label rows a model accepts and the distribution every method uses
/// for a row (TUNING.md "Label rows as users have them").
///
/// Published data is rounded (sums of 1 ± a few 1e-6), some sets store
/// truncated distributions, crowd data arrives as vote counts. A row is valid
/// when every value is finite and >= 0, the sum is > 0 and, unless
/// `normalize`, `|sum - 1| <= tolerance`. Methods use the row divided by its
/// sum, except when `|sum - 1| <= 1e-9`: then the row is used as given, so
/// that values sitting exactly at `1/L` stay there and do not cross the
/// prototype threshold by a rounding.
public struct LabelPolicy: Sendable, Equatable {
    /// How far from 1 a row's sum may be (model option `label_tolerance`).
    public var tolerance: Double
    /// Accept any row with a positive sum (model option `normalize_labels`).
    public var normalize: Bool

    /// The spec's default tolerance.
    public static let defaultTolerance = 0.01
    /// Within this of 1, a row is used exactly as given.
    public static let exactSumTolerance = 1e-9

    public init(tolerance: Double = LabelPolicy.defaultTolerance, normalize: Bool = false) {
        self.tolerance = tolerance
        self.normalize = normalize
    }

    /// Throws when `tolerance` is not a finite number >= 0.
    public func validate() throws(LDLError) {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw LDLError.invalid("label_tolerance is \(tolerance), expected a finite number of at least 0")
        }
    }

    /// Checks a row and returns its sum. `key` is named in the message when given.
    @discardableResult
    public func check(_ row: UnsafeBufferPointer<Double>, key: Int64? = nil) throws(LDLError) -> Double {
        try validate()
        let what = key.map { "label vector of key \($0)" } ?? "label vector"
        try Validation.checkFinite(row, what: what)
        var sum = 0.0
        for i in 0..<row.count {
            guard row[i] >= 0 else {
                throw LDLError.invalid("\(what) element \(i + 1) is \(row[i]), expected a value of at least 0")
            }
            sum += row[i]
        }
        guard sum > 0 else {
            throw LDLError.invalid(
                "\(what) sums to 0, expected a positive sum", hint: "A label row needs at least one positive value.")
        }
        guard sum.isFinite else {
            throw LDLError.invalid("\(what) sums to \(sum), expected a finite sum", hint: "Scale the counts down.")
        }
        if !normalize, (sum - 1).magnitude > tolerance {
            throw LDLError.invalid(
                "\(what) sums to \(sum), expected 1 within \(tolerance) (label_tolerance; normalize_labels accepts any positive sum)",
                hint: "Set the model option normalize_labels to true to accept counts or truncated distributions, "
                    + "or raise label_tolerance to accept rows rounded more coarsely.")
        }
        return sum
    }

    /// Writes the distribution methods use for a checked row with sum `sum`
    /// into `out` (same length): the row divided by its sum, or as given.
    public static func distribution(
        of row: UnsafeBufferPointer<Double>, sum: Double, into out: UnsafeMutableBufferPointer<Double>
    ) {
        let n = Swift.min(row.count, out.count)
        let divide = (sum - 1).magnitude > exactSumTolerance
        for i in 0..<n { out[i] = divide ? row[i] / sum : row[i] }
    }

    /// Checks a row and returns the distribution methods use.
    public func distribution(_ row: [Double], key: Int64? = nil) throws(LDLError) -> [Double] {
        var out = row
        try row.withUnsafeBufferPointer { (r) throws(LDLError) in
            let sum = try check(r, key: key)
            out.withUnsafeMutableBufferPointer { Self.distribution(of: r, sum: sum, into: $0) }
        }
        return out
    }
}
