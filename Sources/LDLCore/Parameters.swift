/// Every prediction parameter and model option, declared once: its name (SQL
/// argument, `options` key, and `--name` with dashes in uaknn-eval), SQL type,
/// the methods that read it, its range and its default (read off the core's
/// own types, so there is no second copy of a default anywhere).
///
/// The SQL functions' signatures and the README's parameter table are checked
/// against this list by tests (`uaknn_parameters()` in SQL); the C shim knows
/// no parameter by name: it passes a call's arguments by their SQL names.
public struct Parameter: Sendable {
    /// The SQL type of the argument (and the JSON type of the option).
    public enum SQLType: String, Sendable {
        case text, float8, integer, bigint, boolean, jsonb
        case float8Array = "float8[]"

        /// The JSON type an option of this SQL type takes.
        var jsonType: String {
            switch self {
            case .text: return "string"
            case .float8, .integer, .bigint: return "number"
            case .boolean: return "boolean"
            case .jsonb: return "array"
            case .float8Array: return "array"
            }
        }
    }

    /// Where the parameter is given.
    public enum Scope: String, Sendable {
        /// A named argument of the prediction functions, and a model option
        /// that is its default.
        case call
        /// A model option only: it changes what the model holds (its rows,
        /// their statistics), so one call cannot override it.
        case model
    }

    /// The values a parameter accepts, checked before any method sees them.
    public enum Range: Sendable {
        case any
        case finite
        case greater(Double)
        case atLeast(Double)
        case integers(ClosedRange<Int64>)
        case choices([String])
    }

    public let name: String
    public let type: SQLType
    public let scope: Scope
    /// The methods that read it (empty: every method, or the model itself).
    public let methods: [String]
    public let range: Range
    /// The default, as the documentation shows it.
    public let defaultText: String
    public let summary: String

    /// Whether the parameter describes the model's rows (how they are
    /// read, checked, weighted and stored): a model option that a
    /// cross-validation candidate cannot choose, unlike `standardize` and
    /// `l2`, with which each fold's model is fitted.
    public var describesRows: Bool {
        scope == .model && name != "standardize" && name != "l2"
    }

    /// The range as the documentation and messages say it.
    public var rangeText: String {
        switch range {
        case .any: return ""
        case .finite: return "finite"
        case .greater(let x): return "> \(Self.plain(x))"
        case .atLeast(let x): return ">= \(Self.plain(x))"
        case .integers(let r):
            return r == Int64.min...Int64.max ? "any bigint" : "\(r.lowerBound) … \(r.upperBound)"
        case .choices(let c): return c.joined(separator: ", ")
        }
    }

    static func plain(_ x: Double) -> String {
        x == x.rounded() && x.magnitude < 1e15 ? String(Int64(x)) : "\(x)"
    }
}

extension Parameter {
    /// The largest k: a batch keeps k candidates per query of a block, so k
    /// bounds the memory one call may take inside a backend.
    public static let maximumK: Int64 = 10_000

    /// Every parameter, in the order of the SQL functions' arguments after
    /// `(model, features)` (call scope), then the model-only options.
    public static let all: [Parameter] = {
        let uaknn = UAKNNOptions()
        let k = Method.defaultK
        return [
            Parameter(
                name: "method", type: .text, scope: .call, methods: [],
                range: .choices(Method.names + ["auto"]), defaultText: Method.defaultMethod.name,
                summary: "the predictor; auto: the configuration uaknn_tune() chose"),
            Parameter(
                name: "variance", type: .float8, scope: .call, methods: ["uaknn"], range: .greater(0),
                defaultText: plain(uaknn.variance), summary: "σ² of the clipped normals"),
            Parameter(
                name: "samples", type: .integer, scope: .call, methods: ["uaknn"],
                range: .integers(1...Int64(UAKNNOptions.maximumSamples)), defaultText: "\(uaknn.samples)",
                summary: "draws per prototype with mode => 'sampled'"),
            Parameter(
                name: "perturbation_ratio", type: .float8, scope: .call, methods: ["uaknn"], range: .finite,
                defaultText: plain(uaknn.perturbationRatio), summary: "ρ, the perturbation's mean is ρ·m_j"),
            Parameter(
                name: "softmax_base", type: .float8, scope: .call, methods: ["uaknn", "wuaknn"], range: .greater(1),
                defaultText: plain(uaknn.softmaxBase), summary: "β of Softmax*"),
            Parameter(
                name: "temperature", type: .float8, scope: .call, methods: ["uaknn"], range: .greater(0),
                defaultText: plain(uaknn.temperature), summary: "τ of step 1's softmax"),
            Parameter(
                name: "mode", type: .text, scope: .call, methods: ["uaknn"],
                range: .choices(UAKNNOptions.SamplingMode.allCases.map(\.rawValue)), defaultText: uaknn.mode.rawValue,
                summary: "expected: closed form; sampled: the paper's Monte Carlo"),
            Parameter(
                name: "seed", type: .bigint, scope: .call, methods: ["uaknn"], range: .integers(Int64.min...Int64.max),
                defaultText: "\(uaknn.seed)", summary: "the draws' seed with mode => 'sampled'"),
            Parameter(
                name: "normalization", type: .text, scope: .call, methods: ["uaknn"],
                range: .choices(UAKNNOptions.Normalization.allCases.map(\.rawValue)),
                defaultText: uaknn.normalization.rawValue, summary: "softmax (base β) or linear"),
            Parameter(
                name: "prototypes", type: .boolean, scope: .call, methods: ["uaknn"], range: .any,
                defaultText: "\(uaknn.prototypes)", summary: "false: the ablation matching the L nearest samples"),
            Parameter(
                name: "perturbation", type: .boolean, scope: .call, methods: ["uaknn"], range: .any,
                defaultText: "\(uaknn.perturbation)", summary: "false: the ablation with every c_j = 0"),
            Parameter(
                name: "k", type: .integer, scope: .call, methods: ["aaknn", "kernel"],
                range: .integers(0...maximumK), defaultText: "\(k.aaknn) (aaknn), \(k.kernel) (kernel)",
                summary: "neighbours; kernel with k => 0: every row"),
            Parameter(
                name: "bandwidth", type: .float8, scope: .call, methods: ["kernel"], range: .greater(0),
                defaultText: "none", summary: "the Gaussian kernel's s; implies bandwidth_rule => 'fixed'"),
            Parameter(
                name: "bandwidth_rule", type: .text, scope: .call, methods: ["kernel"],
                range: .choices(BandwidthRule.allCases.map(\.rawValue)), defaultText: BandwidthRule.kth.rawValue,
                summary: "kth: s² is the squared distance to the query's k-th neighbour; fixed: s = bandwidth; "
                    + "median: s = bandwidth_scale × the median distance of rows to their k-th neighbour"),
            Parameter(
                name: "bandwidth_scale", type: .float8, scope: .call, methods: ["kernel"], range: .greater(0),
                defaultText: plain(KernelOptions.defaultScale), summary: "the factor of the median rule"),
            Parameter(
                name: "fallback", type: .text, scope: .call, methods: ["kernel"],
                range: .choices(["none", "prior", "aaknn", "uaknn", "wuaknn"]), defaultText: "none",
                summary: "blend the kernel toward this method by the confidence g (not with kth)"),
            Parameter(
                name: "members", type: .jsonb, scope: .call, methods: ["mix"], range: .any,
                defaultText: "uaknn with variance " + Method.paperEnsembleVariances.map(plain).joined(separator: ", "),
                summary: "a JSON array of option objects, each a member run as if alone"),
            Parameter(
                name: "weights", type: .float8Array, scope: .call, methods: ["mix"], range: .any,
                defaultText: "equal", summary: "one weight >= 0 per member, divided by their sum"),
            // Model options: they change what the model holds or its fitted statistics.
            Parameter(
                name: "l2", type: .float8, scope: .model, methods: ["maxent"], range: .greater(0),
                defaultText: plain(MaxEntFit.defaultL2), summary: "λ, the maximum-entropy model's L2 penalty"),
            Parameter(
                name: "standardize", type: .text, scope: .model, methods: ["uaknn", "wuaknn", "aaknn", "kernel"],
                range: .choices(StandardizeMode.allCases.map(\.rawValue)), defaultText: StandardizeMode.none.rawValue,
                summary: "zscore: features standardized by statistics stored with the model"),
            Parameter(
                name: "normalize_labels", type: .boolean, scope: .model, methods: [], range: .any,
                defaultText: "\(LabelPolicy().normalize)",
                summary: "accept any label row with a positive sum (counts, truncated rows), divided by its sum"),
            Parameter(
                name: "label_tolerance", type: .float8, scope: .model, methods: [], range: .atLeast(0),
                defaultText: plain(LabelPolicy.defaultTolerance), summary: "how far from 1 a label row's sum may be"),
            Parameter(
                name: "storage", type: .text, scope: .model, methods: [],
                range: .choices(StorageMode.allCases.map(\.name)), defaultText: StorageMode.auto.name,
                summary: "how the cache holds features: auto (sparse when at most 1 value in 8 is non-zero, "
                    + "else dense), dense, sparse, float4 (float32 rows, half the memory)"),
            Parameter(
                name: "weight_column", type: .text, scope: .model, methods: ["aaknn", "kernel"], range: .any,
                defaultText: "none",
                summary: "a numeric column of the model's table weighting each row (finite, >= 0; "
                    + "a row of weight 0 never serves as a neighbour)"),
        ]
    }()

    /// The parameter of a name (ASCII case ignored), or nil.
    public static func named(_ name: some StringProtocol) -> Parameter? {
        let key = String(name).lowercased()
        return all.first { $0.name == key }
    }

    /// The names in declaration order, for hints.
    static var namesList: String { all.map(\.name).joined(separator: ", ") }
}
