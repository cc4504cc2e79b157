/// Values the neighbour family derives from a whole model version, kept
/// until the next `add` (which replaces the cache).
struct NeighbourCache {
    /// `d_med` by the k it was computed for (`MedianBandwidth.swift`).
    var medianDistance: [Int: Double] = [:]
    /// Per-label counts of `LabelSupport.swift`.
    var labelCounts: LabelCounts? = nil
    /// The last smoothed copy (`Smoothing.swift`), one at a time to bound memory.
    var smoothed: (lambda: Double, k: Int, model: Model)? = nil

    /// Bytes held beyond the model's own storage (the smoothed copy), for the cache report.
    var memoryBytes: Int { smoothed?.model.memoryBytes ?? 0 }
}
