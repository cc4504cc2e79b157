import LDLCore
import UAKNNBridgeABI

// C entry points for the LDL metrics (ldl_metric, ldl_metrics, ldl_score).
// Kinds cross the ABI as their index in MetricKind.allCases.

/// Looks a metric kind up by name (not NUL-terminated, `length` bytes).
@_cdecl("uaknn_metric_kind_lookup")
public func uaknn_metric_kind_lookup(
    _ name: UnsafePointer<CChar>?, _ length: Int32, _ kind: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let text = try utf8String(name, length)
        let found = try MetricKind.parse(text)
        kind?.pointee = Int32(MetricKind.allCases.firstIndex(of: found) ?? 0)
    }
}

@_cdecl("uaknn_metric_kind_count")
public func uaknn_metric_kind_count() -> Int32 {
    Int32(MetricKind.allCases.count)
}

/// Writes kind `index`'s name into `buffer` (NUL-terminated) and whether a
/// higher value is better. Returns false for an index out of range.
@_cdecl("uaknn_metric_kind_describe")
public func uaknn_metric_kind_describe(
    _ index: Int32, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int32,
    _ higherIsBetter: UnsafeMutablePointer<Bool>?
) -> Bool {
    let kinds = MetricKind.allCases
    guard index >= 0, Int(index) < kinds.count, let buffer, capacity > 0 else { return false }
    let kind = kinds[Int(index)]
    let utf8 = Array(kind.name.utf8.prefix(Int(capacity) - 1))
    for (i, byte) in utf8.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    buffer[utf8.count] = 0
    higherIsBetter?.pointee = kind.higherIsBetter
    return true
}

/// One metric of a pair of distributions of `length` values each.
@_cdecl("uaknn_metric")
public func uaknn_metric(
    _ kind: Int32, _ truth: UnsafePointer<Double>?, _ truthLength: Int32,
    _ prediction: UnsafePointer<Double>?, _ predictionLength: Int32,
    _ result: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let kinds = MetricKind.allCases
        guard kind >= 0, Int(kind) < kinds.count else {
            throw LDLError(.internal, "metric kind index \(kind) out of range")
        }
        let a = try buffer(truth, truthLength, name: "truth")
        let b = try buffer(prediction, predictionLength, name: "prediction")
        result?.pointee = try Metrics.checkedValue(kinds[Int(kind)], truth: a, prediction: b)
    }
}

/// The six standard metrics (MetricKind.standard order) into `out`, which
/// has room for `capacity` values.
@_cdecl("uaknn_metrics_standard")
public func uaknn_metrics_standard(
    _ truth: UnsafePointer<Double>?, _ truthLength: Int32,
    _ prediction: UnsafePointer<Double>?, _ predictionLength: Int32,
    _ out: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let a = try buffer(truth, truthLength, name: "truth")
        let b = try buffer(prediction, predictionLength, name: "prediction")
        try Metrics.standard(
            truth: a, prediction: b,
            into: try output(out, capacity: Int64(capacity), needed: MetricKind.standard.count))
    }
}

// ldl_score's columns since 0.2.0: the six standard metrics, then top1
// (NEIGHBOURS.md F4.2: the mean of top1 is top-label accuracy).
let scoredKinds = MetricKind.standard + [.top1]

/// The six standard metrics and top1 of a pair into `out` (`capacity` values).
@_cdecl("uaknn_metrics_score")
public func uaknn_metrics_score(
    _ truth: UnsafePointer<Double>?, _ truthLength: Int32,
    _ prediction: UnsafePointer<Double>?, _ predictionLength: Int32,
    _ out: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let a = try buffer(truth, truthLength, name: "truth")
        let b = try buffer(prediction, predictionLength, name: "prediction")
        let o = try output(out, capacity: Int64(capacity), needed: scoredKinds.count)
        try Metrics.standard(truth: a, prediction: b, into: UnsafeMutableBufferPointer(rebasing: o[0..<MetricKind.standard.count]))
        o[scoredKinds.count - 1] = Metrics.value(.top1, truth: a, prediction: b)
    }
}

/// One metric of the focused pair (G2); `hasThreshold` false: 0.014.
@_cdecl("uaknn_metric_focused")
public func uaknn_metric_focused(
    _ kind: Int32, _ truth: UnsafePointer<Double>?, _ truthLength: Int32,
    _ prediction: UnsafePointer<Double>?, _ predictionLength: Int32, _ hasThreshold: Bool, _ threshold: Double,
    _ result: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let kinds = MetricKind.allCases
        guard kind >= 0, Int(kind) < kinds.count else {
            throw LDLError(.internal, "metric kind index \(kind) out of range")
        }
        result?.pointee = try FocusedEvaluation.value(
            kinds[Int(kind)], truth: try buffer(truth, truthLength, name: "truth"),
            prediction: try buffer(prediction, predictionLength, name: "prediction"),
            threshold: hasThreshold ? threshold : FocusedEvaluation.defaultThreshold)
    }
}

/// ldl_score_focused's values of a pair: `uaknn_metrics_score`'s on the focused pair.
@_cdecl("uaknn_metrics_score_focused")
public func uaknn_metrics_score_focused(
    _ truth: UnsafePointer<Double>?, _ truthLength: Int32,
    _ prediction: UnsafePointer<Double>?, _ predictionLength: Int32, _ hasThreshold: Bool, _ threshold: Double,
    _ out: UnsafeMutablePointer<Double>?, _ capacity: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let (x, y) = try FocusedEvaluation.focus(
            truth: try buffer(truth, truthLength, name: "truth"),
            prediction: try buffer(prediction, predictionLength, name: "prediction"),
            threshold: hasThreshold ? threshold : FocusedEvaluation.defaultThreshold)
        let o = try output(out, capacity: Int64(capacity), needed: scoredKinds.count)
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                for (i, kind) in scoredKinds.enumerated() { o[i] = Metrics.value(kind, truth: a, prediction: b) }
            }
        }
    }
}

/// One prediction's entropy, variance and largest value (G4), into `out`
/// (`capacity` >= 3): the terms ldl_prediction_stats sums.
@_cdecl("uaknn_prediction_stats")
public func uaknn_prediction_stats(
    _ prediction: UnsafePointer<Double>?, _ length: Int32, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int32,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        var stats = PredictionStats()
        try stats.add(try buffer(prediction, length, name: "prediction"))
        let o = try output(out, capacity: Int64(capacity), needed: 3)
        o[0] = stats.entropySum
        o[1] = stats.varianceSum
        o[2] = stats.maxSum
    }
}
