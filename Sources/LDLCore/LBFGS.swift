/// Limited-memory BFGS for smooth, strictly convex objectives (the
/// maximum-entropy model's), run to a gradient max-norm tolerance.
///
/// Deterministic: no randomness, a fixed order of every sum. The line search
/// uses the directional derivative as much as the value: near the optimum
/// the decrease in the objective falls below its rounding (a gradient of
/// 1e-9 changes a loss of about 1 by 1e-18), while the derivative stays
/// accurate, so steps are accepted on the weak Wolfe conditions or, when
/// the values no longer tell, on Hager and Zhang's approximate Wolfe
/// conditions (for a convex function a negative derivative at the step
/// still means a decrease).
struct LBFGS {
    /// Correction pairs kept.
    var memory = 20
    /// Stop when every gradient component is at most this in magnitude.
    var gradientTolerance = 1e-9
    /// Iterations before giving up.
    var maximumIterations = 20_000

    /// Armijo constant and curvature constant of the Wolfe conditions.
    static let c1 = 1e-4
    static let c2 = 0.9
    /// Line-search trials before the search gives up.
    static let maximumTrials = 60

    struct Outcome {
        var value: Double
        var gradientNorm: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimizes from `x` (updated in place). `evaluate(x, g)` returns the
    /// value at `x` and writes the gradient into `g`. `isCancelled` is polled
    /// before every evaluation.
    func minimize(
        _ x: inout [Double], isCancelled: () -> Bool,
        evaluate: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws(LDLError) -> Double
    ) throws(LDLError) -> Outcome {
        let n = x.count
        var g = [Double](repeating: 0, count: n)
        func eval(_ point: [Double], _ grad: inout [Double]) throws(LDLError) -> Double {
            if isCancelled() { throw LDLError.cancelled }
            return try point.withUnsafeBufferPointer { (p) throws(LDLError) in
                try grad.withUnsafeMutableBufferPointer { (q) throws(LDLError) in try evaluate(p, q) }
            }
        }
        var f = try eval(x, &g)
        var gNorm = Self.maxNorm(g)
        guard f.isFinite, gNorm.isFinite else { return Outcome(value: f, gradientNorm: gNorm, iterations: 0, converged: false) }
        if gNorm <= gradientTolerance { return Outcome(value: f, gradientNorm: gNorm, iterations: 0, converged: true) }

        var s: [[Double]] = []
        var y: [[Double]] = []
        var rho: [Double] = []
        var alpha = [Double](repeating: 0, count: memory)
        var d = [Double](repeating: 0, count: n)
        var xNew = x
        var gNew = g
        var failedSearches = 0
        var iteration = 0
        while iteration < maximumIterations {
            iteration += 1
            // Two-loop recursion: d = -H g.
            for i in 0..<n { d[i] = -g[i] }
            if s.isEmpty {
                // No curvature yet: a first step of unit length.
                let scale = 1 / Self.euclideanNorm(g)
                for i in 0..<n { d[i] *= scale }
            } else {
                for j in stride(from: s.count - 1, through: 0, by: -1) {
                    alpha[j] = rho[j] * Self.dot(s[j], d)
                    Self.axpy(-alpha[j], y[j], &d)
                }
                let last = s.count - 1
                let gamma = Self.dot(s[last], y[last]) / Self.dot(y[last], y[last])
                for i in 0..<n { d[i] *= gamma }
                for j in 0..<s.count {
                    let beta = rho[j] * Self.dot(y[j], d)
                    Self.axpy(alpha[j] - beta, s[j], &d)
                }
            }
            var slope = Self.dot(g, d)
            if !(slope < 0) {
                // Rounding made the direction useless: restart from steepest descent.
                s.removeAll(); y.removeAll(); rho.removeAll()
                let scale = 1 / Self.euclideanNorm(g)
                for i in 0..<n { d[i] = -g[i] * scale }
                slope = Self.dot(g, d)
            }
            let found = try lineSearch(
                x: x, f: f, slope: slope, d: d, xNew: &xNew, gNew: &gNew, eval: eval)
            guard let fNew = found else {
                failedSearches += 1
                if failedSearches >= 2 || s.isEmpty { break }
                s.removeAll(); y.removeAll(); rho.removeAll()  // retry once from steepest descent
                continue
            }
            failedSearches = 0
            var sk = xNew
            var yk = gNew
            for i in 0..<n {
                sk[i] -= x[i]
                yk[i] -= g[i]
            }
            let sy = Self.dot(sk, yk)
            if sy > 0, sy.isFinite {
                if s.count == memory {
                    s.removeFirst(); y.removeFirst(); rho.removeFirst()
                }
                s.append(sk); y.append(yk); rho.append(1 / sy)
            }
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            gNorm = Self.maxNorm(g)
            if gNorm <= gradientTolerance {
                return Outcome(value: f, gradientNorm: gNorm, iterations: iteration, converged: true)
            }
        }
        return Outcome(value: f, gradientNorm: gNorm, iterations: iteration, converged: false)
    }

    /// Finds a step along `d` from `x` satisfying the (approximate) Wolfe
    /// conditions; writes the point and its gradient, returns its value, or
    /// nil when no step is found. `slope` is `g·d < 0`. The directional
    /// derivative of a convex function increases with the step, so the
    /// search brackets its sign change and interpolates it (secant).
    private func lineSearch(
        x: [Double], f: Double, slope: Double, d: [Double], xNew: inout [Double], gNew: inout [Double],
        eval: ([Double], inout [Double]) throws(LDLError) -> Double
    ) throws(LDLError) -> Double? {
        let n = x.count
        var step = 1.0
        var low = 0.0, lowSlope = slope
        var high = Double.infinity, highSlope = 0.0
        let slack = 1e-10 * Swift.max(f.magnitude, 1)
        for _ in 0..<Self.maximumTrials {
            for i in 0..<n { xNew[i] = x[i] + step * d[i] }
            let value = try eval(xNew, &gNew)
            let derivative = Self.dot(gNew, d)
            if value.isFinite, derivative.isFinite {
                let curvature = derivative >= Self.c2 * slope
                let armijo = value <= f + Self.c1 * step * slope
                let approximate = value <= f + slack && derivative <= (2 * Self.c1 - 1) * slope
                if curvature, armijo || approximate { return value }
                if !armijo && !approximate || derivative > 0 {
                    high = step
                    highSlope = derivative
                } else {
                    low = step
                    lowSlope = derivative
                }
            } else {
                high = step
                highSlope = .infinity
            }
            if high == .infinity {
                step *= 4
            } else {
                // Secant on the derivative, kept inside the bracket's middle 80%.
                var next = (low + high) / 2
                if highSlope.isFinite, highSlope > lowSlope {
                    next = low - lowSlope * (high - low) / (highSlope - lowSlope)
                }
                let margin = 0.1 * (high - low)
                step = Swift.min(Swift.max(next, low + margin), high - margin)
            }
            if !(step > 0) || step == low { return nil }
        }
        return nil
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
                return Similarity.dot(x, y, Swift.min(pa.count, pb.count))
            }
        }
    }

    static func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        for i in 0..<Swift.min(x.count, y.count) { y[i] += a * x[i] }
    }

    static func maxNorm(_ v: [Double]) -> Double {
        var m = 0.0
        for x in v {
            if x.isNaN { return .nan }
            m = Swift.max(m, x.magnitude)
        }
        return m
    }

    static func euclideanNorm(_ v: [Double]) -> Double {
        let m = maxNorm(v)
        guard m > 0, m.isFinite else { return 1 }
        var s = 0.0
        for x in v {
            let t = x / m
            s += t * t
        }
        return m * s.squareRoot()
    }
}
