#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// AA-kNN and kernel kNN over a neighbour set with row weights (F2.1, eq. 7).
/// With every weight 1 both give bit-for-bit what the unweighted
/// `aaknnFinish` / `kernelFinish` give, so "no weights ≡ all weights 1" holds exactly.
extension Model {
    /// `Σ w_i d_i / Σ w_i` over `neighbours` (nearest first). The weights are
    /// divided by their largest first, so neither sum can overflow.
    func aaknnWeightedFinish(neighbours: [Neighbour], into out: UnsafeMutableBufferPointer<Double>) throws(LDLError) {
        let L = Swift.min(labelCount, out.count)
        for k in 0..<L { out[k] = 0 }
        let largest = neighbours.reduce(0.0) { Swift.max($0, rowWeight($1.index)) }
        guard largest > 0 else { throw LDLError.allWeightsZero() }
        var total = 0.0
        for n in neighbours {
            let w = rowWeight(n.index) / largest
            guard w > 0 else { continue }
            total += w
            let base = n.index * labelCount
            for k in 0..<L { out[k] += w * labels[base + k] }
        }
        for k in 0..<L { out[k] /= total }
    }

    /// The kernel prediction from `neighbours` (nearest first): `bandwidth`
    /// nil is the `kth` rule (`s²` = the farthest one's squared distance).
    /// Without weights this is `kernelFinish`; with them each term is taken as
    /// `exp(ln w_i − (δ_i − δ_min)/2s² − max)`, so that neither tiny nor huge
    /// weights can make the sums 0 or infinite (the largest term is exactly 1).
    func kernelValue(neighbours: [Neighbour], bandwidth: Double?, into out: UnsafeMutableBufferPointer<Double>)
        throws(LDLError)
    {
        guard let nearest = neighbours.first, let farthest = neighbours.last else {
            throw count == 0 ? LDLError.emptyModel() : LDLError.allWeightsZero()
        }
        guard hasWeights else {
            kernelFinish(neighbours: neighbours, bandwidth: bandwidth, into: out)
            return
        }
        let L = Swift.min(labelCount, out.count)
        for k in 0..<L { out[k] = 0 }
        let s2 = bandwidth.map { $0 * $0 } ?? farthest.distance
        let dMin = nearest.distance
        var exponents = [Double](repeating: -.infinity, count: neighbours.count)
        var largest = -Double.infinity
        for (r, n) in neighbours.enumerated() {
            let w = rowWeight(n.index)
            guard w > 0 else { continue }
            var e = log(w)
            if n.distance != dMin {
                let t = n.distance - dMin
                e += t.isFinite ? -t / (2 * s2) : -.infinity
            }
            exponents[r] = e
            largest = Swift.max(largest, e)
        }
        guard largest.isFinite else { throw LDLError.allWeightsZero() }
        var total = 0.0
        for (r, n) in neighbours.enumerated() {
            let weight = exp(exponents[r] - largest)
            guard weight > 0 else { continue }
            total += weight
            let base = n.index * labelCount
            for k in 0..<L { out[k] += weight * labels[base + k] }
        }
        for k in 0..<L { out[k] /= total }
    }
}
