#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Kernel kNN (nearest-neighbour Gaussian kernels): over the `k` nearest
/// samples by Euclidean distance,
/// `y = Σ_i d_i exp(-|x - x_i|² / 2s²) / Σ_i exp(-|x - x_i|² / 2s²)`.
extension Model {
    /// `neighbours` nearest first. `bandwidth` nil: `s²` is the squared
    /// distance to the farthest of them (the k-th neighbour, or the last
    /// sample when the model has fewer than `k`).
    ///
    /// The weights are `exp(-(d²_i - d²_min) / 2s²)`: the nearest weighs
    /// exactly 1, so the sum is >= 1 and never NaN. Edge cases, chosen so
    /// that no value is NaN:
    /// - `s² = 0` (every one of the k neighbours sits on the query): all have
    ///   `d² = d²_min`, so all weigh 1 — a plain mean of the equidistant points.
    /// - a squared distance that overflowed to infinity weighs 0, unless the
    ///   nearest one is infinite too, in which case all infinite ones weigh 1.
    func kernelFinish(neighbours: [Neighbour], bandwidth: Double?, into out: UnsafeMutableBufferPointer<Double>) {
        let L = Swift.min(labelCount, out.count)
        for k in 0..<L { out[k] = 0 }
        guard let nearest = neighbours.first, let farthest = neighbours.last else { return }
        let s2 = bandwidth.map { $0 * $0 } ?? farthest.distance
        let dMin = nearest.distance
        var total = 0.0
        for n in neighbours {
            let weight: Double
            if n.distance == dMin {
                weight = 1
            } else {
                let t = n.distance - dMin
                weight = t.isFinite ? exp(-t / (2 * s2)) : 0
            }
            guard weight > 0 else { continue }
            total += weight
            let base = n.index * labelCount
            for k in 0..<L { out[k] += weight * labels[base + k] }
        }
        for k in 0..<L { out[k] /= total }
    }
}
