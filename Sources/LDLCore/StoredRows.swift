/// Read access to the stored rows for the code that derives things from
/// them (statistics, maxent fits, cross-validation folds, centroids, the
/// neighbour family's leave-one-out queries): the one place it touches the
/// storage layout.
extension Model {
    /// The features as stored (standardized when the model standardizes,
    /// float4 widened), row-major `count x featureCount`, in insertion order.
    /// A dense model lends its rows; the other layouts are expanded into a
    /// temporary dense copy for the duration of `body`.
    func withStoredFeatures<R, E: Error>(_ body: (UnsafeBufferPointer<Double>) throws(E) -> R) throws(E) -> R {
        if layout == .dense {
            return try rawFeatures.withUnsafeBufferPointer { (x) throws(E) in try body(x) }
        }
        return try storedFeatures(0, count).withUnsafeBufferPointer { (x) throws(E) in try body(x) }
    }

    /// Rows `start ..< start + size` as stored, row-major, in any layout.
    func storedFeatures(_ start: Int, _ size: Int) -> [Double] {
        let n = featureCount
        let lo = Swift.max(0, Swift.min(start, count))
        let hi = Swift.max(lo, Swift.min(start + size, count))
        if layout == .dense { return Array(rawFeatures[(lo * n)..<(hi * n)]) }
        var out = [Double](repeating: 0, count: (hi - lo) * n)
        out.withUnsafeMutableBufferPointer { o in
            for i in lo..<hi {
                let target = UnsafeMutableBufferPointer(rebasing: o[((i - lo) * n)..<((i - lo + 1) * n)])
                switch layout {
                case .sparse:
                    sparseRows.copyRow(i, into: target)
                case .float4:
                    for k in 0..<n { target[k] = Double(floatFeatures[i * n + k]) }
                default:
                    for k in 0..<n { target[k] = rawFeatures[i * n + k] }
                }
            }
        }
        return out
    }

    /// The label distributions as methods use them, row-major `count x labelCount`.
    func withStoredLabels<R, E: Error>(_ body: (UnsafeBufferPointer<Double>) throws(E) -> R) throws(E) -> R {
        try labels.withUnsafeBufferPointer { (d) throws(E) in try body(d) }
    }

    /// Storage indices in ascending key order: everything derived from rows
    /// is summed in this order, so it does not depend on arrival order.
    var keyOrder: [Int] {
        keys.indices.sorted { keys[$0] < keys[$1] }
    }
}
