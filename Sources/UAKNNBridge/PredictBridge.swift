import LDLCore
import UAKNNBridgeABI

// Predictions from a cached model. Buffers are the shim's (palloc'd), sized
// by the model's N and L, which the shim knows from the catalog.

/// The caller's output buffer of `capacity` values, checked to hold `needed`.
func output(_ pointer: UnsafeMutablePointer<Double>?, capacity: Int64, needed: Int) throws(LDLError)
    -> UnsafeMutableBufferPointer<Double>
{
    guard let pointer else { throw LDLError(.internal, "output is a null pointer") }
    guard capacity >= 0, Int(capacity) >= needed else {
        throw LDLError(.internal, "output has room for \(capacity) values, \(needed) needed")
    }
    return UnsafeMutableBufferPointer(start: pointer, count: needed)
}

/// One prediction: a batch of one, so that a long one (sampled mode on many
/// labels) polls `interrupted` like a batch does.
@_cdecl("uaknn_cache_predict")
public func uaknn_cache_predict(
    _ id: Int64, _ query: UnsafePointer<Double>?, _ n: Int32, _ args: UnsafePointer<uaknn_arg>?,
    _ nargs: Int32, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int64, _ interrupted: uaknn_interrupt_fn?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        let method = try entry.method(args, nargs)
        try entry.checkFit(method)
        let features = try buffer(query, n, name: "features")
        // Checked here so that the messages name no query number.
        guard features.count == model.featureCount else {
            throw LDLError.invalid(
                "feature vector has \(features.count) elements, model expects \(model.featureCount)")
        }
        if let i = features.firstIndex(where: { !$0.isFinite }) {
            throw LDLError.invalid(
                "feature vector element \(i + 1) is \(features[i].isNaN ? "NaN" : "infinite"), expected a finite number")
        }
        try model.predictBatch(
            features, count: 1, method: method, into: try output(out, capacity: capacity, needed: model.labelCount),
            isCancelled: { interrupted?() ?? false })
    }
}

/// `count` queries, row-major `count x n`, into `out` (`count x L`).
@_cdecl("uaknn_cache_predict_batch")
public func uaknn_cache_predict_batch(
    _ id: Int64, _ queries: UnsafePointer<Double>?, _ count: Int32, _ n: Int32,
    _ args: UnsafePointer<uaknn_arg>?, _ nargs: Int32, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int64,
    _ interrupted: uaknn_interrupt_fn?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        let method = try entry.method(args, nargs)
        try entry.checkFit(method)
        guard count >= 0, n >= 0 else { throw LDLError(.internal, "negative batch shape") }
        guard Int(n) == model.featureCount else {
            throw LDLError.invalid("feature vectors have \(n) elements, model expects \(model.featureCount)")
        }
        let values = Int(count) * Int(n)
        let outputs = Int(count) * model.labelCount
        let queryBuffer = queries.map { UnsafeBufferPointer(start: $0, count: values) }
            ?? UnsafeBufferPointer(start: nil, count: 0)
        try model.predictBatch(
            queryBuffer, count: Int(count), method: method,
            into: try output(out, capacity: capacity, needed: outputs), isCancelled: { interrupted?() ?? false })
    }
}

/// The UAKNN intermediates, one row per prototype (at most `capacity`).
@_cdecl("uaknn_cache_explain")
public func uaknn_cache_explain(
    _ id: Int64, _ query: UnsafePointer<Double>?, _ n: Int32, _ args: UnsafePointer<uaknn_arg>?,
    _ nargs: Int32, _ rows: UnsafeMutablePointer<uaknn_explain_row>?, _ capacity: Int32,
    _ count: UnsafeMutablePointer<Int32>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        // Explain shows UAKNN whatever the model's method: its parameters only.
        let options = entry.options.overlaid(by: try callSettings(args, nargs)).uaknnOptions()
        let parts = try model.explain(try buffer(query, n, name: "features"), options: options)
        guard let rows, parts.count <= Int(capacity) else {
            throw LDLError(.internal, "explanation has \(parts.count) rows, room for \(capacity)")
        }
        for (i, p) in parts.enumerated() {
            rows[i] = uaknn_explain_row(
                label: Int32(p.label), key: p.key, mu: p.mu, softmax: p.softmax, s: p.s, c: p.c, w: p.w)
        }
        count?.pointee = Int32(parts.count)
    }
}

/// The keys of label `label`'s prototype (0-based). With `keys` NULL or too
/// small, only `count` is set, so the shim can allocate and call again.
@_cdecl("uaknn_cache_prototype")
public func uaknn_cache_prototype(
    _ id: Int64, _ label: Int32, _ keys: UnsafeMutablePointer<Int64>?, _ capacity: Int32,
    _ count: UnsafeMutablePointer<Int32>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let model = try cachedModel(id)
        guard label >= 0, Int(label) < model.labelCount else {
            throw LDLError.invalid("label \(label + 1) is out of range 1..\(model.labelCount)")
        }
        let members = model.prototypeKeys(label: Int(label))
        count?.pointee = Int32(clamping: members.count)
        guard let keys, members.count <= Int(capacity) else { return }
        for (i, key) in members.enumerated() { keys[i] = key }
    }
}
