#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The maximum-entropy objective (TUNING.md) over a fixed set of training
/// rows, and its gradient:
///
///     f(W) = −(1/M) Σ_i Σ_l d_il ln softmax(Wᵀ u_i)_l + λ Σ W²,   u_i = [z_i; 1]
///     ∂f/∂W_fl = (1/M) Σ_i u_if (σ_i p_il − d_il) + 2λ W_fl,     σ_i = Σ_l d_il
///
/// `W` is `(N + 1) x L`, row-major, its last row the bias. Rows are read
/// in a fixed order and every sum runs in that order, so a fit is
/// deterministic. Two layouts of the rows:
/// - dense: standardized rows `z`, read four at a time against each label's
///   weights (a transposed copy of `W` per evaluation, so both the scores and
///   the gradient are long contiguous SIMD loops);
/// - sparse: the rows as given in compressed form with the statistics
///   `(mean, sd)` kept apart, using `Σ_f z_f W_fl = Σ_f x_f W_fl/sd_f −
///   Σ_f mean_f W_fl/sd_f`, so an evaluation costs the non-zeros, not
///   `M x N` (Movie's features are 99% zeros, which standardizing would
///   turn into a dense matrix).
/// Nothing is allocated per evaluation.
final class MaxEntObjective {
    enum Rows {
        /// `rowCount x N` standardized values.
        case dense(z: [Double])
        /// Compressed rows as given: row i's entries are
        /// `column[start[i] ..< start[i + 1]]`, `value[...]`.
        case sparse(start: [Int], column: [Int32], value: [Double], mean: [Double], sd: [Double])
    }

    let n: Int
    let l: Int
    let rowCount: Int
    let rows: Rows
    /// `rowCount x L` distributions and their sums.
    let labels: [Double]
    let labelSums: [Double]
    let lambda: Double

    // Scratch, sized once.
    private var transposed: [Double]
    private var gradientT: [Double]
    private var scores: [Double]
    private var residual: [Double]

    init(featureCount n: Int, labelCount l: Int, rows: Rows, labels: [Double], lambda: Double) {
        self.n = n
        self.l = l
        self.rowCount = labels.count / l
        self.rows = rows
        self.labels = labels
        self.lambda = lambda
        var sums = [Double](repeating: 0, count: labels.count / l)
        for i in 0..<sums.count {
            for j in 0..<l { sums[i] += labels[i * l + j] }
        }
        self.labelSums = sums
        self.transposed = [Double](repeating: 0, count: (n + 1) * l)
        self.gradientT = [Double](repeating: 0, count: (n + 1) * l)
        self.scores = [Double](repeating: 0, count: 4 * l)
        self.residual = [Double](repeating: 0, count: 4 * l)
    }

    var parameterCount: Int { (n + 1) * l }

    /// The value at `w` and its gradient into `g` (both `(N + 1) x L`).
    func evaluate(_ w: UnsafeBufferPointer<Double>, _ g: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool)
        throws(LDLError) -> Double
    {
        let loss = try labels.withUnsafeBufferPointer { (lb) throws(LDLError) -> Double in
            switch rows {
            case .dense(let z):
                return try z.withUnsafeBufferPointer { (zb) throws(LDLError) in
                    try evaluateDense(zb, w, g, labelBase: lb.baseAddress, isCancelled: isCancelled)
                }
            case .sparse(let start, let column, let value, let mean, let sd):
                return try evaluateSparse(
                    start, column, value, mean, sd, w, g, labelBase: lb.baseAddress, isCancelled: isCancelled)
            }
        }
        var penalty = 0.0
        for k in 0..<parameterCount {
            penalty += w[k] * w[k]
            g[k] += 2 * lambda * w[k]
        }
        return loss + lambda * penalty
    }

    /// Row `r`'s loss term `−Σ_l d_l ln p_l` from its scores, writing the
    /// residuals `σ p_l − d_l / M`-scaled by `scale` into `res`.
    @inline(__always)
    private func finishRow(
        _ d: UnsafePointer<Double>, sigma: Double, _ s: UnsafeMutablePointer<Double>,
        _ res: UnsafeMutablePointer<Double>, scale: Double
    ) -> Double {
        var top = -Double.infinity
        for j in 0..<l { top = Swift.max(top, s[j]) }
        var total = 0.0
        for j in 0..<l {
            let e = exp(s[j] - top)
            res[j] = e
            total += e
        }
        let lse = top + log(total)
        var loss = 0.0
        for j in 0..<l {
            if d[j] != 0 { loss -= d[j] * (s[j] - lse) }
            res[j] = (sigma * (res[j] / total) - d[j]) * scale
        }
        return loss
    }

    private func evaluateDense(
        _ z: UnsafeBufferPointer<Double>, _ w: UnsafeBufferPointer<Double>, _ g: UnsafeMutableBufferPointer<Double>,
        labelBase: UnsafePointer<Double>?, isCancelled: () -> Bool
    ) throws(LDLError) -> Double {
        let n = self.n, l = self.l, stride = n + 1
        let scale = 1 / Double(rowCount)
        var loss = 0.0
        transposed.withUnsafeMutableBufferPointer { wt in
            for f in 0...n { for j in 0..<l { wt[j * stride + f] = w[f * l + j] } }
        }
        for k in 0..<gradientT.count { gradientT[k] = 0 }
        guard let zb = z.baseAddress else { return 0 }
        var cancelled = false
        transposed.withUnsafeMutableBufferPointer { wtb in
            gradientT.withUnsafeMutableBufferPointer { gtb in
                scores.withUnsafeMutableBufferPointer { sb in
                    residual.withUnsafeMutableBufferPointer { rb in
                        guard let wt = wtb.baseAddress, let gt = gtb.baseAddress, let s = sb.baseAddress,
                            let res = rb.baseAddress, let d = labelBase
                        else { return }
                        let n4 = n & ~3
                        var i = 0
                        while i < rowCount {
                            if i % Model.pollInterval == 0, isCancelled() {
                                cancelled = true
                                return
                            }
                            let count = Swift.min(4, rowCount - i)
                            // A short last group repeats its last row; its results are ignored.
                            let z0 = zb + i * n
                            let z1 = zb + (i + Swift.min(1, count - 1)) * n
                            let z2 = zb + (i + Swift.min(2, count - 1)) * n
                            let z3 = zb + (i + Swift.min(3, count - 1)) * n
                            for j in 0..<l {
                                let wj = wt + j * stride
                                var a0 = SIMD4<Double>(), a1 = SIMD4<Double>()
                                var a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
                                var f = 0
                                while f < n4 {
                                    let v = Kernel.load4(wj, f)
                                    a0 += Kernel.load4(z0, f) * v
                                    a1 += Kernel.load4(z1, f) * v
                                    a2 += Kernel.load4(z2, f) * v
                                    a3 += Kernel.load4(z3, f) * v
                                    f += 4
                                }
                                var t0 = a0.sum(), t1 = a1.sum(), t2 = a2.sum(), t3 = a3.sum()
                                while f < n {
                                    t0 += z0[f] * wj[f]
                                    t1 += z1[f] * wj[f]
                                    t2 += z2[f] * wj[f]
                                    t3 += z3[f] * wj[f]
                                    f += 1
                                }
                                let bias = wj[n]
                                s[j] = t0 + bias
                                s[l + j] = t1 + bias
                                s[2 * l + j] = t2 + bias
                                s[3 * l + j] = t3 + bias
                            }
                            for r in 0..<4 {
                                if r < count {
                                    loss += finishRow(d + (i + r) * l, sigma: labelSums[i + r], s + r * l, res + r * l, scale: scale)
                                } else {
                                    for j in 0..<l { res[r * l + j] = 0 }
                                }
                            }
                            for j in 0..<l {
                                let gj = gt + j * stride
                                let r0 = res[j], r1 = res[l + j], r2 = res[2 * l + j], r3 = res[3 * l + j]
                                let v0 = SIMD4(repeating: r0), v1 = SIMD4(repeating: r1)
                                let v2 = SIMD4(repeating: r2), v3 = SIMD4(repeating: r3)
                                var f = 0
                                while f < n4 {
                                    var acc = Kernel.load4(gj, f)
                                    acc += Kernel.load4(z0, f) * v0 + Kernel.load4(z1, f) * v1
                                    acc += Kernel.load4(z2, f) * v2 + Kernel.load4(z3, f) * v3
                                    UnsafeMutableRawPointer(gj + f).storeBytes(of: acc, as: SIMD4<Double>.self)
                                    f += 4
                                }
                                while f < n {
                                    gj[f] += z0[f] * r0 + z1[f] * r1 + z2[f] * r2 + z3[f] * r3
                                    f += 1
                                }
                                gj[n] += r0 + r1 + r2 + r3
                            }
                            i += 4
                        }
                    }
                }
            }
        }
        if cancelled { throw LDLError.cancelled }
        gradientT.withUnsafeBufferPointer { gt in
            for f in 0...n { for j in 0..<l { g[f * l + j] = gt[j * stride + f] } }
        }
        return loss * scale
    }

    private func evaluateSparse(
        _ start: [Int], _ column: [Int32], _ value: [Double], _ mean: [Double], _ sd: [Double],
        _ w: UnsafeBufferPointer<Double>, _ g: UnsafeMutableBufferPointer<Double>, labelBase: UnsafePointer<Double>?,
        isCancelled: () -> Bool
    ) throws(LDLError) -> Double {
        let n = self.n, l = self.l
        let scale = 1 / Double(rowCount)
        // V = W / sd (feature rows), c = bias − Σ_f mean_f V_f; `transposed`
        // holds V in W's layout here, its last row c.
        var cancelled = false
        var loss = 0.0
        transposed.withUnsafeMutableBufferPointer { vb in
            gradientT.withUnsafeMutableBufferPointer { ab in
                scores.withUnsafeMutableBufferPointer { sb in
                    residual.withUnsafeMutableBufferPointer { rb in
                        guard let v = vb.baseAddress, let a = ab.baseAddress, let s = sb.baseAddress,
                            let res = rb.baseAddress, let d = labelBase
                        else { return }
                        for j in 0..<l { v[n * l + j] = w[n * l + j] }
                        for f in 0..<n {
                            let inv = 1 / sd[f]
                            for j in 0..<l {
                                let x = w[f * l + j] * inv
                                v[f * l + j] = x
                                v[n * l + j] -= mean[f] * x
                            }
                        }
                        for k in 0..<((n + 1) * l) { a[k] = 0 }
                        for i in 0..<rowCount {
                            if i % Model.pollInterval == 0, isCancelled() {
                                cancelled = true
                                return
                            }
                            for j in 0..<l { s[j] = v[n * l + j] }
                            let range = start[i]..<start[i + 1]
                            for e in range {
                                let f = Int(column[e])
                                let x = value[e]
                                let vf = v + f * l
                                for j in 0..<l { s[j] += x * vf[j] }
                            }
                            loss += finishRow(d + i * l, sigma: labelSums[i], s, res, scale: scale)
                            for e in range {
                                let f = Int(column[e])
                                let x = value[e]
                                let af = a + f * l
                                for j in 0..<l { af[j] += x * res[j] }
                            }
                            for j in 0..<l { a[n * l + j] += res[j] }
                        }
                        // ∂/∂W_fl = (Σ_i x_if r_il − mean_f Σ_i r_il) / sd_f (the 1/M is in r).
                        for f in 0..<n {
                            let inv = 1 / sd[f]
                            for j in 0..<l { g[f * l + j] = (a[f * l + j] - mean[f] * a[n * l + j]) * inv }
                        }
                        for j in 0..<l { g[n * l + j] = a[n * l + j] }
                    }
                }
            }
        }
        if cancelled { throw LDLError.cancelled }
        return loss * scale
    }
}
