/// WUAKNN, the paper's baseline without uncertainty (spec "WUAKNN"):
/// steps 1-2 of UAKNN, then `w = softmax_β(μ)` and prediction `Σ_j w_j D_j`.
extension Model {
    func wuaknnFinish(matches: [Match], softmaxBase: Double, into out: UnsafeMutableBufferPointer<Double>)
        throws(LDLError)
    {
        guard !matches.isEmpty else { throw LDLError.allPrototypesEmpty() }
        let L = labelCount
        var w = matches.map(\.mu)
        w.withUnsafeMutableBufferPointer { Softmax.applyBase($0, base: softmaxBase) }
        for k in 0..<Swift.min(L, out.count) { out[k] = 0 }
        for j in 0..<matches.count {
            let base = matches[j].index * L
            for k in 0..<Swift.min(L, out.count) { out[k] += w[j] * labels[base + k] }
        }
    }
}
