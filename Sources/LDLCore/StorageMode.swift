/// How a model holds its samples' features. Every mode predicts the same
/// way; they differ in memory, in speed, and (`float4` only) in the last
/// digits of the features.
public enum StorageMode: String, Sendable, Equatable, CaseIterable {
    /// Chosen by the data: sparse when at most 1 feature value in 8 is
    /// non-zero, dense otherwise. The choice follows the rows while they are
    /// loaded and is final at `Model.finishLoad()`.
    case auto
    /// Float64 rows, one after the other, as given.
    case dense
    /// Each row's non-zero values with their feature numbers (compressed
    /// sparse rows): scans never touch a zero. Predicts exactly what `dense` does.
    case sparse
    /// Float32 rows: half the memory and bandwidth of `dense`; features are
    /// rounded to float32 when stored, scores are accumulated in float64.
    case float4

    /// The mode's name in options and reports.
    public var name: String { rawValue }

    /// Parses a mode name, ignoring ASCII case.
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> StorageMode {
        guard let mode = StorageMode(rawValue: String(name).lowercased()) else {
            throw LDLError.invalid(
                "unknown storage \"\(name)\"",
                hint: "Valid storage modes are: \(allCases.map(\.name).joined(separator: ", ")).")
        }
        return mode
    }

    /// `auto`'s rule: sparse when `nonZero` is at most 1 in 8 of `total`
    /// values (`8 · nonZero <= total`, without the overflow).
    static func sparseSuits(nonZero: Int, total: Int) -> Bool {
        nonZero <= total / 8
    }
}
