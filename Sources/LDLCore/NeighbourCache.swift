/// Values the neighbour family derives from a whole model version, kept
/// until the next `add` (which replaces the cache).
struct NeighbourCache {
    /// `d_med` by the k it was computed for (`MedianBandwidth.swift`).
    var medianDistance: [Int: Double] = [:]
    /// Per-label counts of `LabelSupport.swift`.
    var labelCounts: LabelCounts? = nil
    /// The last smoothed copy (`Smoothing.swift`), one at a time to bound memory.
    var smoothed: (lambda: Double, k: Int, model: Model)? = nil
    /// The last leave-one-out predictions (`LeaveOneOut.swift`), in storage
    /// order, and the method that made them: one set at a time (M x L values),
    /// so that a label-noise report followed by `WHERE`/`LIMIT` variants of it,
    /// or label support with `evaluate`, does not predict every row again.
    var leaveOneOut: (method: Method, predictions: [Double])? = nil

    /// Bytes held beyond the model's own storage (the smoothed copy, the
    /// leave-one-out predictions), for the cache report.
    var memoryBytes: Int {
        (smoothed?.model.memoryBytes ?? 0) + (leaveOneOut?.predictions.capacity ?? 0) * MemoryLayout<Double>.stride
    }
}
