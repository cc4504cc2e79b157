import LDLCore
import UAKNNBridgeABI

/// The models this backend holds, by model id. A PostgreSQL backend runs one
/// thread, and only the shim calls in, so a plain global serves.
///
/// The shim decides what is current (it reads the catalog in the statement's
/// snapshot); this side only holds samples and predicts from them.
nonisolated(unsafe) var cachedModels: [Int64: Model] = [:]

func cachedModel(_ id: Int64) throws(LDLError) -> Model {
    guard let model = cachedModels[id] else {
        throw LDLError(.internal, "model \(id) is not loaded")
    }
    return model
}

/// Replaces the model `id` with an empty one of N features and L labels.
@_cdecl("uaknn_cache_reset")
public func uaknn_cache_reset(
    _ id: Int64, _ n: Int32, _ l: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        cachedModels[id] = nil  // free the old samples before the new ones arrive
        cachedModels[id] = try Model(featureCount: Int(n), labelCount: Int(l))
    }
}

/// Adds `count` rows: `keys[count]`, `features[count * N]`, `labels[count * L]`.
@_cdecl("uaknn_cache_add")
public func uaknn_cache_add(
    _ id: Int64, _ count: Int32, _ keys: UnsafePointer<Int64>?,
    _ features: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let model = try cachedModel(id)
        guard count >= 0 else { throw LDLError(.internal, "row count \(count) is negative") }
        let rows = Int(count)
        guard rows > 0 else { return }
        guard let keys else { throw LDLError(.internal, "keys are a null pointer") }
        let nf = rows * model.featureCount
        let nl = rows * model.labelCount
        guard nf <= Int(Int32.max), nl <= Int(Int32.max) else {
            throw LDLError(.internal, "batch of \(rows) rows is too large")
        }
        try model.add(
            keys: UnsafeBufferPointer(start: keys, count: rows),
            features: try buffer(features, Int32(nf), name: "features"),
            labels: try buffer(labels, Int32(nl), name: "labels"),
            isCancelled: { false })
    }
}

@_cdecl("uaknn_cache_drop")
public func uaknn_cache_drop(_ id: Int64) {
    cachedModels[id] = nil
}

/// Rows and bytes of a cached model; false when it is not cached.
@_cdecl("uaknn_cache_stats")
public func uaknn_cache_stats(
    _ id: Int64, _ rows: UnsafeMutablePointer<Int64>?, _ bytes: UnsafeMutablePointer<Int64>?
) -> Bool {
    guard let model = cachedModels[id] else { return false }
    rows?.pointee = Int64(model.count)
    bytes?.pointee = Int64(model.memoryBytes)
    return true
}
