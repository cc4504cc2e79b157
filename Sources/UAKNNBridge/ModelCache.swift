import LDLCore
import UAKNNBridgeABI

/// What this backend holds of one model: its samples (nil until the shim
/// loads them), its options and fit as the catalog last said, and the method
/// the latest call's arguments resolved to (a statement calls with the same
/// arguments row after row: parse them once).
final class CacheEntry {
    /// The model's name, for messages and hints.
    var name = ""
    var model: Model?
    var options = Settings()
    /// The options' JSON text, to skip parsing when it did not change.
    var optionsText = ""
    /// The configuration uaknn_tune() chose (an options object), if any.
    var tuned: JSONValue?
    var tunedText = ""
    /// The method of the last call's arguments, and those arguments.
    var memo: (arguments: [ArgumentKey], method: Method)?
    /// The catalog's fit: the stored standardization statistics and
    /// maximum-entropy fit (`FitStorage`); the shim tracks its `fit_id`.
    var statistics: Standardization?
    var maxent: MaxEntFit?

    func loaded() throws(LDLError) -> Model {
        guard let model else { throw LDLError(.internal, "model is not loaded") }
        return model
    }

    /// The method a call's arguments name over the model's options.
    func method(_ args: UnsafePointer<uaknn_arg>?, _ count: Int32) throws(LDLError) -> Method {
        let key = try ArgumentKey.of(args, count)
        if let memo, memo.arguments == key { return memo.method }
        let method = try options.overlaid(by: try callSettings(args, count)).method(tuned: tuned)
        memo = (key, method)
        return method
    }

    /// The statistics the model's rows are stored with: the catalog's when
    /// the options say zscore (throws when there are none for N features).
    func storedStandardization(featureCount n: Int) throws(LDLError) -> Standardization? {
        guard options.standardizeMode() == .zscore else { return nil }
        guard let statistics else {
            throw LDLError(
                .notReady, "model \"\(name)\" standardizes its features (standardize zscore) but has no statistics",
                hint: "Compute them: SELECT uaknn_refit(\(sqlLiteral(name)));")
        }
        guard statistics.featureCount == n else {
            throw LDLError(
                .notReady,
                "the statistics of model \"\(name)\" are for \(statistics.featureCount) features, its rows have \(n)",
                hint: "Compute them again: SELECT uaknn_refit(\(sqlLiteral(name)));")
        }
        return statistics
    }

    /// Whether the loaded rows were stored under other options or statistics
    /// than the current ones (standardize, the statistics, the label rule,
    /// the storage): then they must be loaded again.
    var stale: Bool {
        guard let model else { return false }
        if model.labelPolicy != options.labelPolicy() { return true }
        if model.requestedStorage != options.storageMode() { return true }
        switch options.standardizeMode() {
        case .zscore: return statistics == nil || model.standardization != statistics
        case .none: return model.standardization != nil
        }
    }

    /// Gives the loaded model the stored maximum-entropy fit (or none, when
    /// there is none for its numbers of features and labels).
    func attachFit() throws(LDLError) {
        guard let model else { return }
        guard let fit = maxent, fit.featureCount == model.featureCount, fit.labelCount == model.labelCount else {
            model.maxEntFit = nil
            return
        }
        model.maxEntFit = try FitStorage.attachable(fit, to: model.standardization)
    }

    /// Refuses a method that needs a fit the model does not have, with a
    /// hint naming the function that makes one.
    func checkFit(_ method: Method) throws(LDLError) {
        guard method.usesMaxEnt, let model, model.maxEntFit == nil else { return }
        let detail = maxent.map { "Its fit is for \($0.featureCount) features and \($0.labelCount) labels." }
        throw LDLError(
            .notReady, "model \"\(name)\" has no maximum-entropy fit", detail: detail,
            hint: "Fit it: SELECT uaknn_refit(\(sqlLiteral(name)));")
    }
}

/// An argument as a comparable value, to recognise a repeated call.
struct ArgumentKey: Equatable {
    var parameter: Int32
    var kind: Int32
    var bits: UInt64
    var bytes: [UInt8]

    static func of(_ args: UnsafePointer<uaknn_arg>?, _ count: Int32) throws(LDLError) -> [ArgumentKey] {
        guard count > 0, let args else { return [] }
        var keys: [ArgumentKey] = []
        keys.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            let a = args[i]
            var bytes: [UInt8] = []
            if a.text != nil, a.length > 0, let text = a.text {
                bytes = text.withMemoryRebound(to: UInt8.self, capacity: Int(a.length)) {
                    Array(UnsafeBufferPointer(start: $0, count: Int(a.length)))
                }
            }
            if a.count > 0 {
                for x in try buffer(a.numbers, a.count, name: "array argument") {
                    withUnsafeBytes(of: x.bitPattern) { bytes.append(contentsOf: $0) }
                }
            }
            let bits = a.number.bitPattern ^ UInt64(bitPattern: a.integer) ^ (a.boolean ? 1 : 0)
            keys.append(ArgumentKey(parameter: a.parameter, kind: a.kind, bits: bits, bytes: bytes))
        }
        return keys
    }
}

/// The models this backend holds, by model id. A PostgreSQL backend runs one
/// thread, and only the shim calls in, so a plain global serves.
///
/// The shim decides what is current (it reads the catalog in the statement's
/// snapshot); this side only holds samples and options and predicts.
nonisolated(unsafe) var cacheEntries: [Int64: CacheEntry] = [:]

func cacheEntry(_ id: Int64) -> CacheEntry {
    if let entry = cacheEntries[id] { return entry }
    let entry = CacheEntry()
    cacheEntries[id] = entry
    return entry
}

func cachedEntry(_ id: Int64) throws(LDLError) -> CacheEntry {
    guard let entry = cacheEntries[id] else { throw LDLError(.internal, "model \(id) is not loaded") }
    return entry
}

func cachedModel(_ id: Int64) throws(LDLError) -> Model {
    try cachedEntry(id).loaded()
}

/// Replaces the model `id`'s samples with an empty model of N features and L labels.
@_cdecl("uaknn_cache_reset")
public func uaknn_cache_reset(
    _ id: Int64, _ n: Int32, _ l: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = cacheEntry(id)
        entry.model = nil  // free the old samples before the new ones arrive
        let standardization = try entry.storedStandardization(featureCount: Int(n))
        entry.model = try Model(
            featureCount: Int(n), labelCount: Int(l), labelPolicy: entry.options.labelPolicy(),
            standardization: standardization, storage: entry.options.storageMode())
        try entry.attachFit()
    }
}

/// Sets the model's name, options and tuned configuration (JSON text;
/// tuned NULL: none; the configuration is its "candidate" member when it
/// has one). Parses only what changed. `reload` is set when the cached rows
/// were stored under other options (standardize, the label rule).
@_cdecl("uaknn_cache_configure")
public func uaknn_cache_configure(
    _ id: Int64, _ name: UnsafePointer<CChar>?, _ nameLength: Int32,
    _ options: UnsafePointer<CChar>?, _ optionsLength: Int32,
    _ tuned: UnsafePointer<CChar>?, _ tunedLength: Int32, _ reload: UnsafeMutablePointer<Bool>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = cacheEntry(id)
        entry.name = try utf8String(name, nameLength)
        let optionsText = try utf8String(options, optionsLength)
        let tunedText = tuned == nil ? "" : try utf8String(tuned, tunedLength)
        reload?.pointee = false
        guard optionsText != entry.optionsText || tunedText != entry.tunedText else { return }
        entry.memo = nil
        entry.options = optionsText.isEmpty ? Settings() : try Settings.options(try JSONValue.parse(optionsText))
        entry.optionsText = optionsText
        let tunedValue = tunedText.isEmpty ? nil : try JSONValue.parse(tunedText)
        entry.tuned = tunedValue.map { $0["candidate"] ?? $0 }
        entry.tunedText = tunedText
        reload?.pointee = entry.stale
    }
}

/// Sets the model's fit from its catalog row: the columns
/// `feature_stats` (`nstats` values) and `maxent` (`nmaxent`), as
/// `FitStorage` lays them out (empty: none). A loaded model gets the new
/// maximum-entropy fit at once; `reload` is set when its rows are stored
/// standardized with statistics that changed.
@_cdecl("uaknn_cache_set_fit")
public func uaknn_cache_set_fit(
    _ id: Int64, _ stats: UnsafePointer<Double>?, _ nstats: Int32,
    _ maxent: UnsafePointer<Double>?, _ nmaxent: Int32, _ reload: UnsafeMutablePointer<Bool>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = cacheEntry(id)
        reload?.pointee = false
        entry.memo = nil
        entry.statistics = try FitStorage.statistics(Array(try buffer(stats, nstats, name: "feature_stats")))
        entry.maxent = try FitStorage.maxent(Array(try buffer(maxent, nmaxent, name: "maxent")))
        if entry.stale {
            reload?.pointee = true
        } else {
            try entry.attachFit()
        }
    }
}

/// Adds `count` rows: `keys[count]`, `features[count * N]`, `labels[count * L]`,
/// and `weights[count]` (NULL: the model has no weight column).
@_cdecl("uaknn_cache_add")
public func uaknn_cache_add(
    _ id: Int64, _ count: Int32, _ keys: UnsafePointer<Int64>?,
    _ features: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?, _ weights: UnsafePointer<Double>?,
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
            weights: weights.map { UnsafeBufferPointer(start: $0, count: rows) },
            isCancelled: { false })
    }
}

/// Ends a full load: `auto` storage makes its choice on all rows and the
/// model drops the spare capacity of its growth.
@_cdecl("uaknn_cache_finish_load")
public func uaknn_cache_finish_load(_ id: Int64) {
    cacheEntries[id]?.model?.finishLoad()
}

/// The storage the model's features are held in (`dense`, `sparse`,
/// `float4`) into `buffer`; false when it holds no samples.
@_cdecl("uaknn_cache_storage")
public func uaknn_cache_storage(_ id: Int64, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int32) -> Bool {
    guard let model = cacheEntries[id]?.model, let buffer, capacity > 0 else { return false }
    let name = Array(model.storageMode.name.utf8.prefix(Int(capacity) - 1))
    for (i, byte) in name.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    buffer[name.count] = 0
    return true
}

/// Forgets the model `id` altogether: samples, options, memo.
@_cdecl("uaknn_cache_drop")
public func uaknn_cache_drop(_ id: Int64) {
    cacheEntries[id] = nil
}

/// Frees the model `id`'s samples (evicted, or a load failed half way),
/// keeping its options.
@_cdecl("uaknn_cache_unload")
public func uaknn_cache_unload(_ id: Int64) {
    cacheEntries[id]?.model = nil
}

/// Rows and bytes of a cached model; false when it holds no samples.
@_cdecl("uaknn_cache_stats")
public func uaknn_cache_stats(
    _ id: Int64, _ rows: UnsafeMutablePointer<Int64>?, _ bytes: UnsafeMutablePointer<Int64>?
) -> Bool {
    guard let model = cacheEntries[id]?.model else { return false }
    rows?.pointee = Int64(model.count)
    bytes?.pointee = Int64(model.memoryBytes)
    return true
}
