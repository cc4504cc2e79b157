import LDLCore
import UAKNNBridgeABI

extension uaknn_text {
    /// The text, or nil when not given.
    func string() throws(LDLError) -> String? {
        guard data != nil else { return nil }
        return try utf8String(data, length)
    }
}

extension uaknn_params {
    func has(_ bit: Int) -> Bool { given & UInt32(truncatingIfNeeded: bit) != 0 }

    /// The method these parameters name, with every given parameter that
    /// applies to it; the rest keep the spec's defaults. Parameters that do
    /// not apply to the method (k for UAKNN, say) are ignored, so that one
    /// model's options can serve every method.
    func method() throws(LDLError) -> Method {
        let method = try Method.parseName(try self.method.string() ?? "uaknn")
        let result: Method
        switch method {
        case .uaknn:
            result = .uaknn(try uaknnOptions())
        case .wuaknn:
            result = .wuaknn(softmaxBase: has(UAKNN_GIVEN_SOFTMAX_BASE) ? softmax_base : 2)
        case .aaknn:
            result = .aaknn(k: try k(default: 5))
        case .kernel:
            result = .kernel(
                k: try k(default: 32), bandwidth: has(UAKNN_GIVEN_BANDWIDTH) ? bandwidth : nil)
        case .prior, .maxent, .mix:
            result = method
        }
        try result.validate()
        return result
    }

    func uaknnOptions() throws(LDLError) -> UAKNNOptions {
        var o = UAKNNOptions()
        if has(UAKNN_GIVEN_VARIANCE) { o.variance = variance }
        if has(UAKNN_GIVEN_SAMPLES) {
            guard samples >= 1, samples <= Int64(UAKNNOptions.maximumSamples) else {
                throw LDLError.invalid(
                    "samples is \(samples), expected an integer from 1 to \(UAKNNOptions.maximumSamples)")
            }
            o.samples = Int(samples)
        }
        if has(UAKNN_GIVEN_PERTURBATION_RATIO) { o.perturbationRatio = perturbation_ratio }
        if has(UAKNN_GIVEN_SOFTMAX_BASE) { o.softmaxBase = softmax_base }
        if has(UAKNN_GIVEN_TEMPERATURE) { o.temperature = temperature }
        if let name = try mode.string() { o.mode = try .parse(name) }
        if has(UAKNN_GIVEN_SEED) { o.seed = UInt64(bitPattern: seed) }
        if let name = try normalization.string() { o.normalization = try .parse(name) }
        if has(UAKNN_GIVEN_PROTOTYPES) { o.prototypes = prototypes }
        if has(UAKNN_GIVEN_PERTURBATION) { o.perturbation = perturbation }
        try o.validate()
        return o
    }

    /// The largest k: a batch keeps k candidates per query of a block, so
    /// k bounds the memory one call may take inside a backend.
    static let maximumK: Int64 = 10_000

    func k(default value: Int) throws(LDLError) -> Int {
        guard has(UAKNN_GIVEN_K) else { return value }
        guard k >= 1, k <= Self.maximumK else {
            throw LDLError.invalid("k is \(k), expected an integer from 1 to \(Self.maximumK)")
        }
        return Int(k)
    }
}

/// Parses and range-checks parameters (model options at creation, say).
@_cdecl("uaknn_params_check")
public func uaknn_params_check(
    _ params: UnsafePointer<uaknn_params>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        guard let params else { throw LDLError(.internal, "parameters are a null pointer") }
        // Every parameter is checked whatever the method, so that a model's
        // options are all valid for every method when it is created.
        let p = params.pointee
        _ = try p.method()
        _ = try p.uaknnOptions()
        try Method.wuaknn(softmaxBase: p.has(UAKNN_GIVEN_SOFTMAX_BASE) ? p.softmax_base : 2).validate()
        try Method.kernel(k: try p.k(default: 32), bandwidth: p.has(UAKNN_GIVEN_BANDWIDTH) ? p.bandwidth : nil)
            .validate()
    }
}

/// Checks a sample against a model's N and L (negative: not fixed yet).
@_cdecl("uaknn_sample_check")
public func uaknn_sample_check(
    _ features: UnsafePointer<Double>?, _ featureLength: Int32,
    _ labels: UnsafePointer<Double>?, _ labelLength: Int32,
    _ n: Int32, _ l: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        try Model.checkSample(
            features: try buffer(features, featureLength, name: "features"),
            labels: try buffer(labels, labelLength, name: "labels"),
            featureCount: n >= 0 ? Int(n) : nil, labelCount: l >= 0 ? Int(l) : nil)
    }
}
