import LDLCore
import UAKNNBridgeABI

// The neighbour family (NEIGHBOURS.md) from a cached model: row weights,
// confidence, leave-one-out label noise, label support and split,
// influence, Recall@K, prototype overlap. Set-returning ones compute into
// `pendingResult` and return a row count; the shim fetches row by row and
// clears it (a result is never larger than what the shim would copy).

/// The last computed set of rows, until fetched and cleared (or replaced).
enum PendingResult {
    case noise([LabelNoiseRow])
    case support([LabelSupportRow])
    case influence([InfluenceRow])
    case recall([NeighbourRecallRow])
}

nonisolated(unsafe) var pendingResult: PendingResult? = nil

/// Frees a computed result (the shim calls it after the last row).
@_cdecl("uaknn_result_clear")
public func uaknn_result_clear() {
    pendingResult = nil
}

/// Copies `values` into the caller's buffer of `capacity`.
func copy(_ values: [Double], into pointer: UnsafeMutablePointer<Double>?, capacity: Int32) throws(LDLError) {
    let out = try output(pointer, capacity: Int64(capacity), needed: values.count)
    for (i, v) in values.enumerated() { out[i] = v }
}

/// An optional integer argument as an Int (nil: the core's default).
func optionalInt(_ p: UnsafePointer<uaknn_optional_int>?, name: String) throws(LDLError) -> Int? {
    guard let p, p.pointee.present else { return nil }
    let v = p.pointee.value
    guard v >= Int64(Int32.min), v <= Int64(Int32.max) else {
        throw LDLError.invalid("\(name) is \(v), out of range")
    }
    return Int(v)
}

/// An optional text argument (NULL pointer: the default).
func optionalText(_ p: UnsafePointer<CChar>?, _ length: Int32) throws(LDLError) -> String? {
    guard p != nil else { return nil }
    return try utf8String(p, length)
}

// MARK: - Row weights (F2.1)

/// The weight column named by a model's options (JSON text), into `column`
/// (NUL-terminated; empty: none). Options are parsed once per text.
@_cdecl("uaknn_options_weight_column")
public func uaknn_options_weight_column(
    _ options: UnsafePointer<CChar>?, _ length: Int32, _ column: UnsafeMutablePointer<CChar>?, _ capacity: Int32,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let text = try utf8String(options, length)
        if text != sampleOptions.text {
            sampleOptions = (text, text.isEmpty ? Settings() : try Settings.options(try JSONValue.parse(text)))
        }
        let name = sampleOptions.settings.text("weight_column") ?? ""
        let utf8 = Array(name.utf8)
        guard let column, capacity > 0 else { throw LDLError(.internal, "no room for the weight column's name") }
        guard utf8.count < Int(capacity) else {
            throw LDLError.invalid(
                "weight_column \"\(name)\" has \(utf8.count) bytes, expected a column name of at most \(capacity - 1)")
        }
        for (i, b) in utf8.enumerated() { column[i] = CChar(bitPattern: b) }
        column[utf8.count] = 0
    }
}

/// Checks one row's weight: finite and >= 0.
@_cdecl("uaknn_weight_check")
public func uaknn_weight_check(_ weight: Double, _ error: UnsafeMutablePointer<uaknn_error>?) -> Int32 {
    guarded(error) { () throws(LDLError) in try Model.checkWeight(weight) }
}

// MARK: - Confidence (F2.2)

/// The gate g(x) of one query: the model's kernel options overlaid by the
/// call's (k, bandwidth, bandwidth_rule, bandwidth_scale); the rule defaults
/// to `fixed` with a bandwidth, else `median`. `kth` is refused: its gate is
/// at least e^{-1/2} for every query.
@_cdecl("uaknn_cache_confidence")
public func uaknn_cache_confidence(
    _ id: Int64, _ query: UnsafePointer<Double>?, _ n: Int32, _ args: UnsafePointer<uaknn_arg>?, _ nargs: Int32,
    _ result: UnsafeMutablePointer<Double>?, _ interrupted: uaknn_interrupt_fn?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        var options = try entry.options.overlaid(by: try callSettings(args, nargs)).kernelOptions()
        options.fallback = .none
        if options.resolvedRule(default: .median) == .kth {
            throw LDLError.invalid(
                "bandwidth_rule kth for confidence, expected fixed or median",
                detail: "With the k-th-neighbour bandwidth the confidence is at least 0.607 for every query.",
                hint: "Pass bandwidth_rule => 'median', or a bandwidth.")
        }
        let features = try buffer(query, n, name: "features")
        guard features.count == model.featureCount else {
            throw LDLError.invalid(
                "feature vector has \(features.count) elements, model expects \(model.featureCount)")
        }
        try model.confidenceBatch(
            features, count: 1, options: options, into: try output(result, capacity: 1, needed: 1),
            isCancelled: { interrupted?() ?? false })
    }
}

// MARK: - Label noise (F3.1)

/// Computes the label-noise report; `kind` is a metric kind's index (-1: kl).
@_cdecl("uaknn_cache_label_noise")
public func uaknn_cache_label_noise(
    _ id: Int64, _ args: UnsafePointer<uaknn_arg>?, _ nargs: Int32, _ kind: Int32,
    _ interrupted: uaknn_interrupt_fn?, _ count: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        pendingResult = nil
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        let method = try LabelNoise.method(options: entry.options, call: try callSettings(args, nargs))
        let rows: [LabelNoiseRow]
        if kind < 0 {
            rows = try model.labelNoise(method: method, isCancelled: { interrupted?() ?? false })
        } else {
            guard Int(kind) < MetricKind.allCases.count else { throw LDLError(.internal, "metric kind \(kind) out of range") }
            rows = try model.labelNoise(
                method: method, score: MetricKind.allCases[Int(kind)], isCancelled: { interrupted?() ?? false })
        }
        pendingResult = .noise(rows)
        count?.pointee = Int64(rows.count)
    }
}

@_cdecl("uaknn_result_noise_row")
public func uaknn_result_noise_row(
    _ index: Int64, _ row: UnsafeMutablePointer<uaknn_noise_row>?, _ labels: UnsafeMutablePointer<Double>?,
    _ neighbourLabels: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        guard case .noise(let rows)? = pendingResult, index >= 0, Int(index) < rows.count, let row else {
            throw LDLError(.internal, "no label-noise row \(index)")
        }
        let r = rows[Int(index)]
        row.pointee = uaknn_noise_row(
            key: r.key, score: r.score, rank: Int64(r.rank), top_label: Int32(r.topLabel),
            neighbour_top_label: Int32(r.neighbourTopLabel), disagrees: r.disagrees)
        try copy(r.labels, into: labels, capacity: capacity)
        try copy(r.neighbourLabels, into: neighbourLabels, capacity: capacity)
    }
}

// MARK: - Label support and split (F4.1, F4.2)

@_cdecl("uaknn_cache_label_support")
public func uaknn_cache_label_support(
    _ id: Int64, _ fewBelow: UnsafePointer<uaknn_optional_int>?, _ manyAbove: UnsafePointer<uaknn_optional_int>?,
    _ support: UnsafePointer<CChar>?, _ supportLength: Int32, _ k: UnsafePointer<uaknn_optional_int>?,
    _ distance: UnsafePointer<CChar>?, _ distanceLength: Int32, _ evaluate: Bool,
    _ interrupted: uaknn_interrupt_fn?, _ count: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        pendingResult = nil
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        let kind = try optionalText(support, supportLength).map { (s) throws(LDLError) in try LabelSupport.Kind.parse(s) }
        let metric = try optionalText(distance, distanceLength).map { (s) throws(LDLError) in try DistanceKind.parse(s) }
        // evaluate: leave-one-out with the model's default method (its options, or the tuned configuration).
        let method = evaluate ? try entry.options.method(tuned: entry.tuned) : nil
        let rows = try model.labelSupport(
            fewBelow: try optionalInt(fewBelow, name: "few_below") ?? LabelSupport.defaultFewBelow,
            manyAbove: try optionalInt(manyAbove, name: "many_above") ?? LabelSupport.defaultManyAbove,
            support: kind ?? .top, k: try optionalInt(k, name: "k") ?? LabelSupport.defaultK,
            distance: metric ?? .euclidean, evaluate: method, isCancelled: { interrupted?() ?? false })
        pendingResult = .support(rows)
        count?.pointee = Int64(rows.count)
    }
}

/// Label `index`'s row; neighbours (0-based labels) and distances into
/// buffers of `capacity` each.
@_cdecl("uaknn_result_support_row")
public func uaknn_result_support_row(
    _ index: Int64, _ row: UnsafeMutablePointer<uaknn_support_row>?, _ neighbours: UnsafeMutablePointer<Int32>?,
    _ distances: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        guard case .support(let rows)? = pendingResult, index >= 0, Int(index) < rows.count, let row else {
            throw LDLError(.internal, "no label-support row \(index)")
        }
        let r = rows[Int(index)]
        var out = uaknn_support_row()
        out.label = Int32(r.label)
        out.rows_top = Int64(r.rowsTop)
        out.prototype_size = Int64(r.prototypeSize)
        out.soft_support = r.softSupport
        copyCString(r.split.rawValue, into: &out.split)
        out.neighbour_count = r.neighbours.map { Int32($0.count) } ?? -1
        out.has_mean_distance = r.meanDistance != nil
        out.mean_distance = r.meanDistance ?? 0
        out.has_loo_top1_recall = r.looTop1Recall != nil
        out.loo_top1_recall = r.looTop1Recall ?? 0
        out.has_loo_mae = r.looMAE != nil
        out.loo_mae = r.looMAE ?? 0
        row.pointee = out
        if let ns = r.neighbours, let ds = r.distances {
            guard ns.count <= Int(capacity), ds.count == ns.count, let neighbours else {
                throw LDLError(.internal, "label \(r.label + 1) has \(ns.count) neighbours, room for \(capacity)")
            }
            for (i, label) in ns.enumerated() { neighbours[i] = Int32(label) }
            try copy(ds, into: distances, capacity: capacity)
        }
    }
}

/// The split (F4.1) of `truth`'s top label, into `split` (NUL-terminated).
@_cdecl("uaknn_cache_label_split")
public func uaknn_cache_label_split(
    _ id: Int64, _ truth: UnsafePointer<Double>?, _ length: Int32, _ fewBelow: UnsafePointer<uaknn_optional_int>?,
    _ manyAbove: UnsafePointer<uaknn_optional_int>?, _ support: UnsafePointer<CChar>?, _ supportLength: Int32,
    _ split: UnsafeMutablePointer<CChar>?, _ capacity: Int32, _ interrupted: uaknn_interrupt_fn?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let model = try cachedModel(id)
        let kind = try optionalText(support, supportLength).map { (s) throws(LDLError) in try LabelSupport.Kind.parse(s) }
        let result = try model.labelSplit(
            truth: try buffer(truth, length, name: "truth"),
            fewBelow: try optionalInt(fewBelow, name: "few_below") ?? LabelSupport.defaultFewBelow,
            manyAbove: try optionalInt(manyAbove, name: "many_above") ?? LabelSupport.defaultManyAbove,
            support: kind ?? .top, isCancelled: { interrupted?() ?? false })
        let name = Array(result.rawValue.utf8)
        guard let split, Int(capacity) > name.count else { throw LDLError(.internal, "no room for the split") }
        for (i, b) in name.enumerated() { split[i] = CChar(bitPattern: b) }
        split[name.count] = 0
    }
}

// MARK: - Influence (F2.3)

/// The rows whose kernel predictions depend on the row with `key`: the
/// model's kernel options overlaid by the call's.
@_cdecl("uaknn_cache_influence")
public func uaknn_cache_influence(
    _ id: Int64, _ key: Int64, _ args: UnsafePointer<uaknn_arg>?, _ nargs: Int32,
    _ interrupted: uaknn_interrupt_fn?, _ count: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        pendingResult = nil
        let entry = try cachedEntry(id)
        let model = try entry.loaded()
        var options = try entry.options.overlaid(by: try callSettings(args, nargs)).kernelOptions()
        options.fallback = .none
        let rows = try model.influence(key: key, options: options, isCancelled: { interrupted?() ?? false })
        pendingResult = .influence(rows)
        count?.pointee = Int64(rows.count)
    }
}

/// Row `index`: delta, prediction and prediction without the row into
/// buffers of `capacity` each.
@_cdecl("uaknn_result_influence_row")
public func uaknn_result_influence_row(
    _ index: Int64, _ row: UnsafeMutablePointer<uaknn_influence_row>?, _ delta: UnsafeMutablePointer<Double>?,
    _ prediction: UnsafeMutablePointer<Double>?, _ without: UnsafeMutablePointer<Double>?, _ capacity: Int32,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        guard case .influence(let rows)? = pendingResult, index >= 0, Int(index) < rows.count, let row else {
            throw LDLError(.internal, "no influence row \(index)")
        }
        let r = rows[Int(index)]
        row.pointee = uaknn_influence_row(key: r.key, r: r.r, has_prediction_without: r.predictionWithout != nil)
        try copy(r.delta, into: delta, capacity: capacity)
        try copy(r.prediction, into: prediction, capacity: capacity)
        if let w = r.predictionWithout { try copy(w, into: without, capacity: capacity) }
    }
}

// MARK: - Recall@K (F2.5)

/// `ks` (NULL: the default 1, 2, 4, 8) and the distance (NULL: euclidean).
@_cdecl("uaknn_cache_neighbour_recall")
public func uaknn_cache_neighbour_recall(
    _ id: Int64, _ ks: UnsafePointer<Int32>?, _ nks: Int32, _ distance: UnsafePointer<CChar>?,
    _ distanceLength: Int32, _ interrupted: uaknn_interrupt_fn?, _ count: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        pendingResult = nil
        let model = try cachedModel(id)
        var list = Model.defaultRecallKs
        if nks >= 0 {
            list = nks == 0 ? [] : Array(UnsafeBufferPointer(start: ks, count: Int(nks))).map { Int($0) }
            if nks > 0, ks == nil { throw LDLError(.internal, "ks is a null pointer") }
        }
        let metric = try optionalText(distance, distanceLength).map { (s) throws(LDLError) in try DistanceKind.parse(s) }
        let rows = try model.neighbourRecall(ks: list, distance: metric ?? .euclidean, isCancelled: { interrupted?() ?? false })
        pendingResult = .recall(rows)
        count?.pointee = Int64(rows.count)
    }
}

@_cdecl("uaknn_result_recall_row")
public func uaknn_result_recall_row(
    _ index: Int64, _ row: UnsafeMutablePointer<uaknn_recall_row>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        guard case .recall(let rows)? = pendingResult, index >= 0, Int(index) < rows.count, let row else {
            throw LDLError(.internal, "no recall row \(index)")
        }
        let r = rows[Int(index)]
        row.pointee = uaknn_recall_row(
            k: Int32(clamping: r.k), has_recall: r.recall != nil, recall: r.recall ?? 0, rows: Int64(r.rows),
            skipped: Int64(r.skipped))
    }
}

// MARK: - Prototype overlap (G11)

@_cdecl("uaknn_cache_prototype_overlap")
public func uaknn_cache_prototype_overlap(
    _ id: Int64, _ counts: UnsafeMutablePointer<uaknn_overlap_counts>?, _ interrupted: uaknn_interrupt_fn?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let o = try cachedModel(id).prototypeOverlap(isCancelled: { interrupted?() ?? false })
        counts?.pointee = uaknn_overlap_counts(
            none: Int64(o.none), one: Int64(o.one), two: Int64(o.two), three_or_more: Int64(o.threeOrMore))
    }
}
