import LDLCore

/// Turns `--method` and the predictor parameters of the command line into the
/// core's `Method` values. The parameter names are the spec's, with dashes;
/// defaults are the core's (so the evaluator can never drift from the SQL
/// functions). A parameter that none of the chosen methods uses is an error:
/// `--k 10 --method uaknn` is far more likely a mistake than an intent.
enum MethodOptions {
    /// Valued parameter options, without `--`.
    static let valued: Set<String> = [
        "variance", "samples", "perturbation-ratio", "softmax-base", "temperature", "mode",
        "normalization", "k", "bandwidth", "bandwidth-rule", "bandwidth-scale", "fallback",
    ]
    /// Flag parameter options, without `--`.
    static let flags: Set<String> = ["no-prototypes", "no-perturbation"]

    /// Which base methods read each parameter (`seed` is handled by the caller,
    /// since `cv` uses it for the shuffle too).
    static let users: [String: Set<String>] = [
        "variance": ["uaknn"], "samples": ["uaknn"], "perturbation-ratio": ["uaknn"],
        "softmax-base": ["uaknn", "wuaknn"], "temperature": ["uaknn"], "mode": ["uaknn"],
        "normalization": ["uaknn"], "no-prototypes": ["uaknn"], "no-perturbation": ["uaknn"],
        "k": ["aaknn", "kernel"], "bandwidth": ["kernel"], "bandwidth-rule": ["kernel"],
        "bandwidth-scale": ["kernel"], "fallback": ["kernel"],
    ]

    static let allNames = ["uaknn", "wuaknn", "aaknn", "kernel"]

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

    /// The configured methods, in the order of `names`, each validated by the core.
    static func methods(_ names: [String], arguments: Arguments, seed: UInt64) throws -> [(name: String, method: Method)] {
        // A kernel's fallback runs with the parameters given for that method.
        var fallback = KernelFallback.none
        if let text = arguments.string("fallback") {
            do { fallback = try KernelFallback.parse(text) } catch { throw usage(error, "fallback") }
        }
        var applies = Set(names)
        if names.contains("kernel"), fallback != .none { applies.insert(fallback.name) }
        for option in arguments.givenNames.sorted() {
            guard let users = users[option] else { continue }
            if users.isDisjoint(with: applies) {
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
        let k = try arguments.int("k", in: names.contains("kernel") ? 0...Int.max : 1...Int.max)
        let bandwidth = try arguments.double("bandwidth")
        var kernel = KernelOptions(bandwidth: bandwidth)
        if let k { kernel.k = k }
        if let text = arguments.string("bandwidth-rule") {
            do { kernel.rule = try BandwidthRule.parse(text) } catch { throw usage(error, "bandwidth-rule") }
        }
        if let v = try arguments.double("bandwidth-scale") { kernel.scale = v }
        switch fallback {
        case .uaknn: kernel.fallback = .uaknn(options)
        case .wuaknn: kernel.fallback = .wuaknn(softmaxBase: options.softmaxBase)
        default: kernel.fallback = fallback  // aaknn: its default k (--k is the kernel's)
        }

        var result: [(name: String, method: Method)] = []
        for name in names {
            let method: Method
            switch name {
            case "uaknn": method = .uaknn(options)
            case "wuaknn": method = .wuaknn(softmaxBase: options.softmaxBase)
            case "aaknn": method = k.map { .aaknn(k: $0) } ?? .aaknn()
            default: method = .kernel(kernel)
            }
            do { try method.validate() } catch { throw usage(error, nil) }
            result.append((name, method))
        }
        return result
    }

    private static func usage(_ error: LDLError, _ option: String?) -> EvalError {
        var text = error.message
        if let hint = error.hint { text += ". " + hint }
        return .usage(option.map { "option --\($0): " + text } ?? text)
    }
}
