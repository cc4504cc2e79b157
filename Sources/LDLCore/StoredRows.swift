/// Read access to the stored rows for the code that derives things from
/// them (statistics, maxent fits, cross-validation folds): the one place it
/// touches the storage layout.
extension Model {
    /// The features as stored (standardized when the model standardizes),
    /// row-major `count x featureCount`, in insertion order.
    func withStoredFeatures<R, E: Error>(_ body: (UnsafeBufferPointer<Double>) throws(E) -> R) throws(E) -> R {
        try rawFeatures.withUnsafeBufferPointer { (x) throws(E) in try body(x) }
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
