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

    /// The options object that describes the candidate, as a model's
    /// options are written (`Method.options`, plus `standardize` when not none):
    /// `{"method": "kernel", "k": 64, "standardize": "zscore"}`.
    public var options: JSONValue {
        guard standardize != .none, case .object(var members) = method.options else { return method.options }
        members.append(("standardize", .string(standardize.rawValue)))
        return .object(members)
    }

    /// `options` as JSON text.
    public var json: String { options.text }

    static func describe(_ method: Method) -> String {
        switch method {
        case .mix(let members, let weights):
            let shares = weights.map { _ in Model.mixShares(members: members.count, weights: weights) }
            let parts = members.enumerated().map { i, m in
                (shares.map { Parameter.plain($0[i]) + " " } ?? "") + describe(m)
            }
            return "mix(" + parts.joined(separator: ", ") + ")"
        default:
            guard case .object(let fields) = method.options else { return method.name }
            return ([method.name] + fields.dropFirst().map { "\($0.key)=\($0.value.text)" }).joined(separator: " ")
        }
    }
}
