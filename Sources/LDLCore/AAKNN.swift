/// AA-kNN (Geng 2016): the mean of the label distributions of the `k` nearest
/// samples by Euclidean distance on the features as given. With fewer than
/// `k` samples, all of them.
extension Model {
    func aaknnFinish(neighbours: [Neighbour], into out: UnsafeMutableBufferPointer<Double>) {
        let L = Swift.min(labelCount, out.count)
        for k in 0..<L { out[k] = 0 }
        guard !neighbours.isEmpty else { return }
        // Summed nearest first (ties by key), so the result does not depend on insertion order.
        for n in neighbours {
            let base = n.index * labelCount
            for k in 0..<L { out[k] += labels[base + k] }
        }
        let count = Double(neighbours.count)
        for k in 0..<L { out[k] /= count }
    }
}
