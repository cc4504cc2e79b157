/// The predictor a set of parameters describes, and back: a method as the
/// options object that describes it (tuning's candidates, the models view).
extension Settings {
    /// The method these settings name, with every parameter that applies to
    /// it; the rest keep the core's defaults. Parameters that do not apply to
    /// the method are ignored, so that one model's options serve every method.
    /// `auto` is the configuration `tuned` describes (an options object).
    public func method(tuned: JSONValue? = nil, depth: Int = 0) throws(LDLError) -> Method {
        let name = text("method") ?? Method.defaultMethod.name
        if name.lowercased() == "auto" {
            guard let tuned else {
                throw LDLError(
                    .notReady, "method auto names the tuned configuration, but the model has not been tuned",
                    hint: "Run uaknn_tune() on the model first.")
            }
            let base = removing(["method", "members", "weights"])
            return try base.overlaid(by: try Settings.options(tuned)).method(depth: depth + 1)
        }
        var method = try Method.parseName(name)
        switch method {
        case .uaknn:
            method = .uaknn(uaknnOptions())
        case .wuaknn:
            method = .wuaknn(softmaxBase: number("softmax_base") ?? UAKNNOptions().softmaxBase)
        case .aaknn:
            method = .aaknn(k: integer("k").map { Int($0) } ?? Method.defaultK.aaknn)
        case .kernel:
            method = .kernel(try kernelOptions())
        case .prior:
            break
        case .maxent:
            method = .maxent(l2: number("l2") ?? MaxEntFit.defaultL2)
        case .mix(let defaultMembers, _):
            guard depth < Method.maximumMixDepth else {
                throw LDLError.invalid("mix is nested more than \(Method.maximumMixDepth) levels deep")
            }
            var members = defaultMembers
            if let given = json("members") {
                guard case .array(let items) = given else {
                    throw LDLError.invalid("members must be a JSON array of option objects, not \(given.typeName)")
                }
                // Each member is its own options object over the model's options.
                let base = removing(["method", "members", "weights"])
                members = []
                for (i, item) in items.enumerated() {
                    do {
                        members.append(try base.overlaid(by: try Settings.options(item)).method(tuned: tuned, depth: depth + 1))
                    } catch {
                        var e = error
                        e.message = "mix member \(i + 1): " + e.message
                        throw e
                    }
                }
            }
            method = .mix(members, weights: numbers("weights"))
        }
        try method.validate()
        return method
    }

    /// Kernel kNN's options. A fallback runs with these settings' options
    /// for its method (UAKNN's parameters, softmax_base), and AA-kNN with its
    /// own default k (k is the kernel's).
    public func kernelOptions() throws(LDLError) -> KernelOptions {
        var o = KernelOptions()
        if let v = integer("k") { o.k = Int(v) }
        o.bandwidth = number("bandwidth")
        if let v = text("bandwidth_rule") { o.rule = try BandwidthRule.parse(v) }
        if let v = number("bandwidth_scale") { o.scale = v }
        if let v = text("fallback") {
            switch try KernelFallback.parse(v) {
            case .uaknn: o.fallback = .uaknn(uaknnOptions())
            case .wuaknn: o.fallback = .wuaknn(softmaxBase: number("softmax_base") ?? UAKNNOptions().softmaxBase)
            case let f: o.fallback = f
            }
        }
        return o
    }

    /// The label rows the model accepts (`normalize_labels`, `label_tolerance`).
    public func labelPolicy() -> LabelPolicy {
        var policy = LabelPolicy()
        if let v = number("label_tolerance") { policy.tolerance = v }
        if let v = boolean("normalize_labels") { policy.normalize = v }
        return policy
    }

    /// How the model's cache holds its features (`storage`).
    public func storageMode() -> StorageMode {
        text("storage").flatMap { try? StorageMode.parse($0) } ?? .auto
    }

    /// The model's standardization (`standardize`).
    public func standardizeMode() -> StandardizeMode {
        text("standardize").flatMap { StandardizeMode(rawValue: $0.lowercased()) } ?? .none
    }

    /// The candidate these settings describe: the method and `standardize`,
    /// `none` for methods it does not change (prior and maxent: a model's
    /// zscore is not theirs).
    public func candidate(tuned: JSONValue? = nil) throws(LDLError) -> Candidate {
        let method = try method(tuned: tuned)
        return Candidate(method, standardize: Candidate.usesStandardization(method) ? standardizeMode() : .none)
    }

    public func uaknnOptions() -> UAKNNOptions {
        var o = UAKNNOptions()
        if let v = number("variance") { o.variance = v }
        if let v = integer("samples") { o.samples = Int(v) }
        if let v = number("perturbation_ratio") { o.perturbationRatio = v }
        if let v = number("softmax_base") { o.softmaxBase = v }
        if let v = number("temperature") { o.temperature = v }
        if let v = text("mode"), let m = UAKNNOptions.SamplingMode(rawValue: v.lowercased()) { o.mode = m }
        if let v = integer("seed") { o.seed = UInt64(bitPattern: v) }
        if let v = text("normalization"), let m = UAKNNOptions.Normalization(rawValue: v.lowercased()) {
            o.normalization = m
        }
        if let v = boolean("prototypes") { o.prototypes = v }
        if let v = boolean("perturbation") { o.perturbation = v }
        return o
    }

    /// Checks every value for every method, not only the named one's, so that
    /// a model's options are valid whichever method a call picks.
    public func validateAll() throws(LDLError) {
        _ = try method(tuned: .object([]))
        try Method.uaknn(uaknnOptions()).validate()
        try Method.kernel(try kernelOptions()).validate()
    }
}

extension Method {
    /// The options object that describes this method: its name and the
    /// parameters that differ from the defaults.
    public var options: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("method", .string(name))]
        func add(_ key: String, _ value: JSONValue) { members.append((key, value)) }
        switch self {
        case .uaknn(let o):
            let d = UAKNNOptions()
            if o.variance != d.variance { add("variance", .number(o.variance)) }
            if o.samples != d.samples { add("samples", .number(Double(o.samples))) }
            if o.perturbationRatio != d.perturbationRatio { add("perturbation_ratio", .number(o.perturbationRatio)) }
            if o.softmaxBase != d.softmaxBase { add("softmax_base", .number(o.softmaxBase)) }
            if o.temperature != d.temperature { add("temperature", .number(o.temperature)) }
            if o.mode != d.mode { add("mode", .string(o.mode.rawValue)) }
            if o.seed != d.seed { add("seed", .number(Double(Int64(bitPattern: o.seed)), text: "\(Int64(bitPattern: o.seed))")) }
            if o.normalization != d.normalization { add("normalization", .string(o.normalization.rawValue)) }
            if o.prototypes != d.prototypes { add("prototypes", .bool(o.prototypes)) }
            if o.perturbation != d.perturbation { add("perturbation", .bool(o.perturbation)) }
        case .wuaknn(let base):
            if base != UAKNNOptions().softmaxBase { add("softmax_base", .number(base)) }
        case .aaknn(let k):
            add("k", .number(Double(k)))
        case .kernel(let o):
            add("k", .number(Double(o.k)))
            if let bandwidth = o.bandwidth { add("bandwidth", .number(bandwidth)) }
            if let rule = o.rule { add("bandwidth_rule", .string(rule.rawValue)) }
            if o.scale != KernelOptions.defaultScale { add("bandwidth_scale", .number(o.scale)) }
            if o.fallback != .none { add("fallback", .string(o.fallback.name)) }
        case .prior:
            break
        case .maxent(let l2):
            if l2 != MaxEntFit.defaultL2 { add("l2", .number(l2)) }
        case .mix(let ms, let weights):
            add("members", .array(ms.map(\.options)))
            if let weights { add("weights", .array(weights.map { .number($0) })) }
        }
        return .object(members)
    }
}
