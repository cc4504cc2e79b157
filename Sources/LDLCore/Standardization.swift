/// The `zscore` standardization (TUNING.md "Standardization"): every feature
/// vector, stored or queried, becomes `z = (x - mean) / sd` per feature, with
/// the mean and population standard deviation over a set of rows, `sd = 1`
/// where it is 0.
///
/// The statistics are fixed values: computed once (`fit`), stored with the
/// model's definition as two flat arrays (`mean`, `sd`), and given back to
/// `init(mean:sd:)`, so that every backend standardizes the same way however
/// many rows have been added since.
public struct Standardization: Sendable, Equatable {
    /// Per-feature mean.
    public let mean: [Double]
    /// Per-feature population standard deviation, 1 where it is 0.
    public let sd: [Double]

    public var featureCount: Int { mean.count }

    /// Statistics restored from storage: one finite mean and one finite
    /// `sd > 0` per feature.
    public init(mean: [Double], sd: [Double]) throws(LDLError) {
        guard !mean.isEmpty else { throw LDLError(.arrayShape, "standardization mean is empty") }
        guard mean.count == sd.count else {
            throw LDLError.invalid(
                "standardization has \(mean.count) means and \(sd.count) standard deviations, expected one of each per feature")
        }
        if let i = mean.firstIndex(where: { !$0.isFinite }) {
            throw LDLError.invalid("standardization mean \(i + 1) is \(mean[i]), expected a finite number")
        }
        if let i = sd.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw LDLError.invalid(
                "standardization sd \(i + 1) is \(sd[i]), expected a finite number greater than 0")
        }
        self.mean = mean
        self.sd = sd
    }

    /// The statistics of the rows `rows` (indices into the row-major
    /// `features`, `featureCount` values a row; nil: every row), summed in
    /// the order given: pass rows in key order for a result that does not
    /// depend on the order they arrived in. Two passes (mean, then squared
    /// deviations), so a large common offset costs no precision. A feature
    /// whose values are all equal gets exactly that mean and `sd = 1` (a
    /// rounding residue must not become a huge scale).
    public static func fit(
        features: UnsafeBufferPointer<Double>, featureCount n: Int, rows: [Int]? = nil,
        isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> Standardization {
        guard n >= 1 else { throw LDLError.invalid("feature count is \(n), expected at least 1") }
        let available = features.count / n
        let count = rows?.count ?? available
        guard count >= 1 else { throw LDLError(.notReady, "no rows to standardize", hint: "Add samples first.") }
        if let rows, let bad = rows.first(where: { $0 < 0 || $0 >= available }) {
            throw LDLError(.internal, "row \(bad) is out of range 0..<\(available)")
        }
        func row(_ r: Int) -> Int { rows?[r] ?? r }
        var sum = [Double](repeating: 0, count: n)
        var low = [Double](repeating: .infinity, count: n)
        var high = [Double](repeating: -.infinity, count: n)
        for r in 0..<count {
            if r % Model.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
            let base = row(r) * n
            for f in 0..<n {
                let x = features[base + f]
                guard x.isFinite else {
                    throw LDLError.invalid("row \(row(r) + 1) feature \(f + 1) is \(x), expected a finite number")
                }
                sum[f] += x
                low[f] = Swift.min(low[f], x)
                high[f] = Swift.max(high[f], x)
            }
        }
        let m = Double(count)
        var mean = sum.map { $0 / m }
        var squares = [Double](repeating: 0, count: n)
        for r in 0..<count {
            if r % Model.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
            let base = row(r) * n
            for f in 0..<n {
                let d = features[base + f] - mean[f]
                squares[f] += d * d
            }
        }
        var sd = squares.map { ($0 / m).squareRoot() }
        for f in 0..<n {
            if low[f] == high[f] {
                mean[f] = low[f]
                sd[f] = 1
            } else if sd[f] == 0 {
                sd[f] = 1  // differences so small their squares underflow
            }
            guard mean[f].isFinite, sd[f].isFinite else {
                throw LDLError.invalid(
                    "feature \(f + 1) has values too large to standardize (mean \(mean[f]), sd \(sd[f]))",
                    hint: "Scale the feature down.")
            }
        }
        return try Standardization(mean: mean, sd: sd)
    }

    /// `(x - mean) / sd` into `out`; false when a value is not finite (a
    /// feature far outside the range the statistics came from).
    @discardableResult
    public func apply(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let n = Swift.min(x.count, out.count, mean.count)
        var finite = true
        for f in 0..<n {
            let z = (x[f] - mean[f]) / sd[f]
            out[f] = z
            finite = finite && z.isFinite
        }
        return finite
    }

    /// `apply`, for arrays; throws when a result is not finite.
    public func apply(_ x: [Double]) throws(LDLError) -> [Double] {
        guard x.count == featureCount else {
            throw LDLError.invalid("feature vector has \(x.count) elements, standardization expects \(featureCount)")
        }
        var out = x
        let finite = x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { apply(xb, into: $0) } }
        guard finite else { throw LDLError.notStandardizable(row: nil) }
        return out
    }
}

/// How a candidate configuration treats features (model option `standardize`).
public enum StandardizeMode: String, Sendable, Equatable, CaseIterable {
    case none
    case zscore

    /// Parses `none` or `zscore`, ignoring ASCII case.
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> StandardizeMode {
        guard let mode = StandardizeMode(rawValue: String(name).lowercased()) else {
            throw LDLError.invalid("unknown standardize \"\(name)\"", hint: "Valid values are: none, zscore.")
        }
        return mode
    }
}

extension LDLError {
    /// A feature vector whose standardized values overflow.
    static func notStandardizable(row: Int?) -> LDLError {
        let what = row.map { "query \($0 + 1): feature vector" } ?? "feature vector"
        return LDLError.invalid(
            "\(what) standardizes to a value that is not finite",
            hint: "A feature is far outside the range of the rows the statistics were computed from.")
    }
}

extension Model {
    /// Calls `body` with `count` checked queries in the model's feature
    /// space: as given, or standardized with the model's statistics, so that
    /// every method compares standardized queries with standardized rows.
    func withModelSpaceQueries<R>(
        _ queries: UnsafeBufferPointer<Double>, count: Int,
        _ body: (UnsafeBufferPointer<Double>) throws(LDLError) -> R
    ) throws(LDLError) -> R {
        guard let standardization else { return try body(queries) }
        let n = featureCount
        var z = [Double](repeating: 0, count: count * n)
        for r in 0..<count {
            let ok = z.withUnsafeMutableBufferPointer { out in
                standardization.apply(
                    UnsafeBufferPointer(rebasing: queries[(r * n)..<((r + 1) * n)]),
                    into: UnsafeMutableBufferPointer(rebasing: out[(r * n)..<((r + 1) * n)]))
            }
            guard ok else { throw LDLError.notStandardizable(row: count > 1 ? r : nil) }
        }
        return try z.withUnsafeBufferPointer { (q) throws(LDLError) in try body(q) }
    }

    /// The statistics of this model's rows (in key order), for a model that
    /// stores its rows as given; a standardized model's rows are already
    /// standardized, so it is refused.
    public func fitStandardization(isCancelled: () -> Bool = { false }) throws(LDLError) -> Standardization {
        guard standardization == nil else {
            throw LDLError.invalid(
                "model rows are already standardized",
                hint: "Compute the statistics from the rows as stored, in a model without standardization.")
        }
        guard count > 0 else { throw LDLError.emptyModel() }
        let order = keyOrder
        return try withStoredFeatures { (x) throws(LDLError) in
            try Standardization.fit(features: x, featureCount: featureCount, rows: order, isCancelled: isCancelled)
        }
    }
}
