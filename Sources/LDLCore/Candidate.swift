/// A configuration that cross-validation and tuning evaluate (TUNING.md
/// "Tuning"): a method with its parameters and how features are treated.
/// For a mixture, `standardize` applies to its neighbour members; `prior`
/// and `maxent` do not depend on it (maxent z-scores with the training
/// rows' statistics either way).
public struct Candidate: Sendable, Equatable, CustomStringConvertible {
    public var method: Method
    public var standardize: StandardizeMode

    public init(_ method: Method, standardize: StandardizeMode = .none) {
        self.method = method
        self.standardize = standardize
    }

    /// Whether `standardize` changes the method's predictions (it does for
    /// every method that measures distances between feature vectors).
    public var usesStandardization: Bool { Self.usesStandardization(method) }

    static func usesStandardization(_ method: Method) -> Bool {
        switch method {
        case .prior, .maxent: return false
        case .uaknn, .wuaknn, .aaknn, .kernel: return true
        case .mix(let members, _): return members.contains { usesStandardization($0) }
        }
    }

    /// Short and readable: `kernel k=64, zscore`, `mix(0.75 kernel k=64, 0.25 maxent)`.
    public var description: String {
        let text = Self.describe(method)
        return standardize == .none ? text : text + ", " + standardize.rawValue
    }

    /// The options as a JSON object, as a model's options are written:
    /// `{"method":"kernel","k":64,"standardize":"zscore"}`; parameters at
    /// their defaults are left out; a mixture lists its members (objects
    /// of the same form, without `standardize`) and weights.
    public var json: String {
        var fields = Self.jsonFields(method)
        if standardize != .none { fields.append(("standardize", "\"\(standardize.rawValue)\"")) }
        return Self.object(fields)
    }

    static func describe(_ method: Method) -> String {
        let fields = parameterFields(method)
        switch method {
        case .mix(let members, let weights):
            let shares = weights.map { _ in Model.mixShares(members: members.count, weights: weights) }
            let parts = members.enumerated().map { i, m in
                (shares.map { number($0[i]) + " " } ?? "") + describe(m)
            }
            return "mix(" + parts.joined(separator: ", ") + ")"
        default:
            return ([method.name] + fields.map { "\($0.0)=\($0.1)" }).joined(separator: " ")
        }
    }

    static func jsonFields(_ method: Method) -> [(String, String)] {
        var fields: [(String, String)] = [("method", "\"\(method.name)\"")]
        switch method {
        case .mix(let members, let weights):
            fields.append(("members", "[" + members.map { object(jsonFields($0)) }.joined(separator: ",") + "]"))
            if let weights { fields.append(("weights", "[" + weights.map(number).joined(separator: ",") + "]")) }
        default:
            for (name, value) in parameterFields(method) {
                let quoted = Double(value) == nil && Int(value) == nil && value != "true" && value != "false"
                fields.append((name, quoted ? "\"\(value)\"" : value))
            }
        }
        return fields
    }

    /// The parameters that differ from the method's defaults, by their spec names.
    static func parameterFields(_ method: Method) -> [(String, String)] {
        switch method {
        case .uaknn(let o):
            let d = UAKNNOptions()
            var f: [(String, String)] = []
            if o.variance != d.variance { f.append(("variance", number(o.variance))) }
            if o.samples != d.samples { f.append(("samples", String(o.samples))) }
            if o.perturbationRatio != d.perturbationRatio { f.append(("perturbation_ratio", number(o.perturbationRatio))) }
            if o.softmaxBase != d.softmaxBase { f.append(("softmax_base", number(o.softmaxBase))) }
            if o.temperature != d.temperature { f.append(("temperature", number(o.temperature))) }
            if o.mode != d.mode { f.append(("mode", o.mode.rawValue)) }
            if o.seed != d.seed { f.append(("seed", String(o.seed))) }
            if o.normalization != d.normalization { f.append(("normalization", o.normalization.rawValue)) }
            if o.prototypes != d.prototypes { f.append(("prototypes", String(o.prototypes))) }
            if o.perturbation != d.perturbation { f.append(("perturbation", String(o.perturbation))) }
            return f
        case .wuaknn(let base):
            return base == 2 ? [] : [("softmax_base", number(base))]
        case .aaknn(let k):
            return [("k", String(k))]
        case .kernel(let k, let bandwidth):
            return [("k", String(k))] + (bandwidth.map { [("bandwidth", number($0))] } ?? [])
        case .prior, .mix:
            return []
        case .maxent(let l2):
            return l2 == MaxEntFit.defaultL2 ? [] : [("l2", number(l2))]
        }
    }

    /// The shortest text that reads back as the same double (`1` for 1.0).
    static func number(_ x: Double) -> String {
        if x == x.rounded(), x.magnitude < 1e15 { return String(Int64(x)) }
        return x.description
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
