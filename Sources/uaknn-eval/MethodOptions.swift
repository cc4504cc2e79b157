import LDLCore

/// Turns `--method` and the predictor parameters of the command line into the
/// core's `Candidate` values (a `Method` and its `standardize`). The parameter names are the spec's, with dashes;
/// defaults are the core's (so the evaluator can never drift from the SQL
/// functions). A parameter that none of the chosen methods uses is an error:
/// `--k 10 --method uaknn` is far more likely a mistake than an intent.
enum MethodOptions {
    /// Valued parameter options, without `--`.
    static let valued: Set<String> = [
        "variance", "samples", "perturbation-ratio", "softmax-base", "temperature", "mode",
        "normalization", "k", "bandwidth", "l2", "standardize",
    ]
    /// Flag parameter options, without `--`.
    static let flags: Set<String> = ["no-prototypes", "no-perturbation"]

    /// Which base methods read each parameter (`seed` is handled by the caller,
    /// since `cv` uses it for the shuffle too).
    static let users: [String: Set<String>] = [
        "variance": ["uaknn"], "samples": ["uaknn"], "perturbation-ratio": ["uaknn"],
        "softmax-base": ["uaknn", "wuaknn"], "temperature": ["uaknn"], "mode": ["uaknn"],
        "normalization": ["uaknn"], "no-prototypes": ["uaknn"], "no-perturbation": ["uaknn"],
        "k": ["aaknn", "kernel"], "bandwidth": ["kernel"], "l2": ["maxent"],
        "standardize": ["uaknn", "wuaknn", "aaknn", "kernel"],
    ]

    static let allNames = ["uaknn", "wuaknn", "aaknn", "kernel", "prior", "maxent"]

    /// The method names of `--method`: one name, a comma-separated list, or
    /// `all` when `allowAll`. Aliases the core accepts (`aa-knn`, ...) are
    /// mapped to the canonical names.
    static func names(_ text: String, allowAll: Bool) throws -> [String] {
        if allowAll, text.lowercased() == "all" { return allNames }
        var result: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name: String
            do {
                name = try Method.parseName(part).name
            } catch {
                let valid = allNames.joined(separator: ", ") + (allowAll ? ", all" : "")
                throw EvalError.usage("unknown method \"\(part)\" (valid: \(valid))")
            }
            if !result.contains(name) { result.append(name) }
        }
        return result
    }

    /// The configured methods, in the order of `names`, each validated by the
    /// core, with the `--standardize` they apply under (`prior` and `maxent`
    /// do not depend on it: maxent z-scores with its training rows' statistics).
    static func methods(_ names: [String], arguments: Arguments, seed: UInt64) throws -> [(name: String, candidate: Candidate)] {
        for option in arguments.givenNames.sorted() {
            guard let users = users[option] else { continue }
            if users.isDisjoint(with: names) {
                throw EvalError.usage(
                    "option --\(option) does not apply to \(names.joined(separator: ", ")) "
                        + "(it is a parameter of \(users.sorted().joined(separator: ", ")))")
            }
        }
        var options = UAKNNOptions()
        options.seed = seed
        if let v = try arguments.double("variance") { options.variance = v }
        if let v = try arguments.int("samples", in: 1...Int.max) { options.samples = v }
        if let v = try arguments.double("perturbation-ratio") { options.perturbationRatio = v }
        if let v = try arguments.double("softmax-base") { options.softmaxBase = v }
        if let v = try arguments.double("temperature") { options.temperature = v }
        if let text = arguments.string("mode") {
            do { options.mode = try SamplingMode.parse(text) } catch { throw usage(error, "mode") }
        }
        if let text = arguments.string("normalization") {
            do { options.normalization = try Normalization.parse(text) } catch { throw usage(error, "normalization") }
        }
        if arguments.has("no-prototypes") { options.prototypes = false }
        if arguments.has("no-perturbation") { options.perturbation = false }
        let k = try arguments.int("k", in: 1...Int.max)
        let bandwidth = try arguments.double("bandwidth")
        let l2 = try arguments.double("l2") ?? MaxEntFit.defaultL2
        var standardize = StandardizeMode.none
        if let text = arguments.string("standardize") {
            do { standardize = try StandardizeMode.parse(text) } catch { throw usage(error, "standardize") }
        }

        var result: [(name: String, candidate: Candidate)] = []
        for name in names {
            let method: Method
            switch name {
            case "uaknn": method = .uaknn(options)
            case "wuaknn": method = .wuaknn(softmaxBase: options.softmaxBase)
            case "aaknn": method = k.map { .aaknn(k: $0) } ?? .aaknn()
            case "prior": method = .prior
            case "maxent": method = .maxent(l2: l2)
            default:
                // The core's default k, not a copy of it.
                var defaultK = 1
                if case .kernel(let d, _) = Method.kernel() { defaultK = d }
                method = .kernel(k: k ?? defaultK, bandwidth: bandwidth)
            }
            do { try method.validate() } catch { throw usage(error, nil) }
            let candidate = Candidate(method, standardize: standardize)
            result.append((name, Candidate(method, standardize: candidate.usesStandardization ? standardize : .none)))
        }
        return result
    }

    static func usage(_ error: LDLError, _ option: String?) -> EvalError {
        var text = error.message
        if let hint = error.hint { text += ". " + hint }
        return .usage(option.map { "option --\($0): " + text } ?? text)
    }
}
