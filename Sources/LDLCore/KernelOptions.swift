/// The parameters of kernel kNN (NEIGHBOURS.md F2.1, F2.2).
///
/// `p(x) = Σ_{i∈N} w_i d_i exp(-(δ_i - δ_min)/2s²) / Σ_{i∈N} w_i exp(-(δ_i - δ_min)/2s²)`,
/// `N` the `k` nearest rows by Euclidean distance (all rows when `k = 0`),
/// `w_i` the model's row weights (1 without weights), `s` from `rule`.
public struct KernelOptions: Sendable, Equatable {
    /// The default neighbourhood (the review's working k).
    public static let defaultK = 32
    /// `s = scale · d_med` for the median rule (measured best of {0.5, 0.71, 1, 1.41}).
    public static let defaultScale = 0.5

    /// Neighbours per query; 0 means every row (Nadaraya–Watson), which
    /// only a global bandwidth (`fixed`, `median`) allows.
    public var k: Int
    /// `s` of the `fixed` rule. Giving it implies `fixed` when `rule` is nil.
    public var bandwidth: Double?
    /// nil: `fixed` when `bandwidth` is given, otherwise the caller's default
    /// (`kth` for predictions, `median` for `confidence`).
    public var rule: BandwidthRule?
    /// The factor of the `median` rule, > 0.
    public var scale: Double
    /// eq. 14: blend with this method by the gate `g(x)`; `.none` is the plain kernel.
    public var fallback: KernelFallback

    public init(
        k: Int = defaultK, bandwidth: Double? = nil, rule: BandwidthRule? = nil, scale: Double = defaultScale,
        fallback: KernelFallback = .none
    ) {
        self.k = k
        self.bandwidth = bandwidth
        self.rule = rule
        self.scale = scale
        self.fallback = fallback
    }

    /// The rule in force: the given one, else `fixed` when a bandwidth is
    /// given, else `defaultRule`.
    public func resolvedRule(default defaultRule: BandwidthRule = .kth) -> BandwidthRule {
        if let rule { return rule }
        return bandwidth != nil ? .fixed : defaultRule
    }

    /// Throws `.invalidParameter` naming the first parameter out of its domain
    /// (or two that contradict each other).
    public func validate(defaultRule: BandwidthRule = .kth) throws(LDLError) {
        let rule = resolvedRule(default: defaultRule)
        guard k >= 0 else { throw LDLError.invalid("k is \(k), expected at least 0 (0: all rows)") }
        if let h = bandwidth, !(h.isFinite && h > 0) {
            throw LDLError.invalid("bandwidth is \(h), expected a finite number greater than 0")
        }
        guard scale.isFinite, scale > 0 else {
            throw LDLError.invalid("bandwidth_scale is \(scale), expected a finite number greater than 0")
        }
        switch rule {
        case .fixed:
            guard bandwidth != nil else {
                throw LDLError.invalid("bandwidth_rule fixed has no bandwidth, expected a bandwidth")
            }
        case .kth, .median:
            // A bandwidth only means something to `fixed`; silently dropping it hides a mistake.
            if let h = bandwidth {
                throw LDLError.invalid(
                    "bandwidth is \(h) with bandwidth_rule \(rule.rawValue), expected no bandwidth",
                    hint: "A bandwidth implies bandwidth_rule fixed.")
            }
        }
        if k == 0, rule == .kth {
            throw LDLError.invalid(
                "k is 0 (all rows) with bandwidth_rule kth, expected bandwidth_rule fixed or median")
        }
        if fallback != .none, rule == .kth {
            // With s = the k-th distance every kernel value is >= e^{-1/2}: the gate would say nothing.
            throw LDLError.invalid(
                "fallback \(fallback.name) with bandwidth_rule kth, expected bandwidth_rule fixed or median",
                detail: "With the k-th-neighbour bandwidth the gate is at least 0.607 for every query.")
        }
        if let m = fallback.method {
            do {
                try m.validate()
            } catch {
                var e = error
                e.message = "fallback: " + e.message
                throw e
            }
        }
    }
}

/// How kernel kNN chooses its bandwidth `s`.
public enum BandwidthRule: String, CaseIterable, Sendable {
    /// Per query: `s²` = the squared distance to the query's k-th neighbour (the project's default).
    case kth
    /// `s` = the given bandwidth (eq. 5).
    case fixed
    /// Global per model version: `s = scale · d_med`, `d_med` the lower median
    /// of the rows' distances to their k-th nearest other row.
    case median

    /// Parses a name, ignoring ASCII case.
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> BandwidthRule {
        guard let rule = BandwidthRule(rawValue: String(name).lowercased()) else {
            throw LDLError.invalid(
                "unknown bandwidth_rule \"\(name)\"", hint: "Valid rules are: kth, fixed, median.")
        }
        return rule
    }
}

/// What a gated kernel prediction falls back to far from the stored rows
/// (eq. 14): `p = g·p_kernel + (1 − g)·p_fallback`.
public enum KernelFallback: Sendable, Equatable {
    case none
    /// The mean distribution of the model's rows.
    case prior
    case aaknn(k: Int = 5)
    case uaknn(UAKNNOptions = UAKNNOptions())
    case wuaknn(softmaxBase: Double = 2)

    /// The fallback of a name, with default parameters (the caller fills in
    /// the model's options for that method).
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> KernelFallback {
        switch String(name).lowercased() {
        case "none": return .none
        case "prior": return .prior
        case "aaknn", "aa-knn", "aa_knn": return .aaknn()
        case "uaknn": return .uaknn()
        case "wuaknn": return .wuaknn()
        default:
            throw LDLError.invalid(
                "unknown fallback \"\(name)\"", hint: "Valid fallbacks are: none, prior, aaknn, uaknn, wuaknn.")
        }
    }

    public var name: String {
        switch self {
        case .none: return "none"
        case .prior: return "prior"
        case .aaknn: return "aaknn"
        case .uaknn: return "uaknn"
        case .wuaknn: return "wuaknn"
        }
    }

    /// The method that computes the fallback; nil for `.none`.
    public var method: Method? {
        switch self {
        case .none: return nil
        case .prior: return .prior
        case .aaknn(let k): return .aaknn(k: k)
        case .uaknn(let o): return .uaknn(o)
        case .wuaknn(let b): return .wuaknn(softmaxBase: b)
        }
    }
}
