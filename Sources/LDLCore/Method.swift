/// A predictor and its parameters.
public enum Method: Sendable, Equatable {
    /// UAKNN (spec "UAKNN").
    case uaknn(UAKNNOptions = UAKNNOptions())
    /// The paper's baseline without uncertainty: `w = softmax_β(μ)`, prediction `Σ w_j D_j`.
    case wuaknn(softmaxBase: Double = 2)
    /// The mean of the label distributions of the `k` nearest samples (Euclidean).
    case aaknn(k: Int = Method.defaultK.aaknn)
    /// Gaussian-kernel weighted mean over the `k` nearest samples (Euclidean),
    /// with the bandwidth rules, row weights and gate of `KernelOptions`.
    case kernel(KernelOptions)
    /// The mean of the model's label distributions, whatever the query
    /// (TUNING.md "Prior"): the baseline every comparison shows.
    case prior
    /// The maximum-entropy model (TUNING.md), predicted from the fit the
    /// model holds (`Model.maxEntFit`), which must have been made with this
    /// `l2` (the penalty λ, > 0).
    case maxent(l2: Double = MaxEntFit.defaultL2)
    /// The weighted mean of the members' predictions (TUNING.md "Mixtures";
    /// the paper's ensemble, section 6, is an equal-weight mix). `weights`
    /// nil: equal; otherwise one finite weight >= 0 per member, with a
    /// positive sum, divided by that sum.
    case mix([Method], weights: [Double]? = nil)

    /// Kernel kNN with the k-th-neighbour bandwidth (`bandwidth` nil) or a
    /// fixed one: the form every caller used before `KernelOptions`.
    public static func kernel(k: Int = KernelOptions.defaultK, bandwidth: Double? = nil) -> Method {
        .kernel(KernelOptions(k: k, bandwidth: bandwidth))
    }

    /// The deepest nesting of mixtures accepted (recursion is bounded).
    public static let maximumMixDepth = 8

    /// The method a model uses when nothing names one.
    public static let defaultMethod = Method.uaknn()

    /// The default k of the neighbour methods.
    public static let defaultK = (aaknn: 5, kernel: KernelOptions.defaultK)

    /// The names `parseName` accepts (besides aliases).
    public static let names = ["uaknn", "wuaknn", "aaknn", "kernel", "prior", "maxent", "mix"]

    /// The paper's ensemble (section 6, its Fig. 2 grid), a mix's members when
    /// none are given: UAKNN with these variances, equal weights.
    public static let paperEnsembleVariances: [Double] = [0.1, 0.3, 0.5, 0.7, 0.9]

    /// The method of a name, with default parameters: `uaknn`, `wuaknn`,
    /// `aaknn`, `kernel`, `prior`, `maxent` (ASCII case ignored; `aa-knn`, `aa_knn` and
    /// `kernel_knn`, `kernelknn` are accepted too).
    public static func parseName(_ name: some StringProtocol) throws(LDLError) -> Method {
        let key = String(name).lowercased()
        switch key {
        case "uaknn": return .uaknn()
        case "wuaknn": return .wuaknn()
        case "aaknn", "aa-knn", "aa_knn": return .aaknn()
        case "kernel", "kernel_knn", "kernelknn", "kernel-knn": return .kernel()
        case "prior": return .prior
        case "mix": return .mix(paperEnsembleVariances.map { .uaknn(UAKNNOptions(variance: $0)) })
        case "maxent": return .maxent()
        default:
            throw LDLError.invalid(
                "unknown method \"\(name)\"", hint: "Valid methods are: \(names.joined(separator: ", ")).")
        }
    }

    /// The method's name.
    public var name: String {
        switch self {
        case .uaknn: return "uaknn"
        case .wuaknn: return "wuaknn"
        case .aaknn: return "aaknn"
        case .kernel: return "kernel"
        case .prior: return "prior"
        case .maxent: return "maxent"
        case .mix: return "mix"
        }
    }

    /// Throws `.invalidParameter` naming the first parameter out of its domain.
    public func validate() throws(LDLError) {
        try validate(depth: 0)
    }

    private func validate(depth: Int) throws(LDLError) {
        switch self {
        case .uaknn(let options):
            try options.validate()
        case .wuaknn(let base):
            try UAKNNOptions.validateSoftmaxBase(base)
        case .aaknn(let k):
            guard k >= 1 else {
                throw LDLError.invalid("k is \(k), expected an integer from 1 to \(Parameter.maximumK)")
            }
        case .kernel(let options):
            try options.validate()
        case .prior:
            break
        case .maxent(let l2):
            try MaxEntFit.validateL2(l2)
        case .mix(let members, let weights):
            guard !members.isEmpty else {
                throw LDLError.invalid("mix has no members, expected at least 1")
            }
            guard depth < Self.maximumMixDepth else {
                throw LDLError.invalid("mix is nested more than \(Self.maximumMixDepth) levels deep")
            }
            if let weights {
                guard weights.count == members.count else {
                    throw LDLError.invalid("mix has \(members.count) members and \(weights.count) weights, expected one weight per member")
                }
                if let i = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                    throw LDLError.invalid("mix weight \(i + 1) is \(weights[i]), expected a finite number of at least 0")
                }
                guard weights.reduce(0, +) > 0 else {
                    throw LDLError.invalid("mix weights sum to 0, expected a positive sum")
                }
            }
            for (i, m) in members.enumerated() {
                do {
                    try m.validate(depth: depth + 1)
                } catch {
                    var e = error
                    e.message = "mix member \(i + 1): " + e.message
                    throw e
                }
            }
        }
    }
}
