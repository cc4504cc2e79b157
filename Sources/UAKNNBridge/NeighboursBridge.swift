import LDLCore
import UAKNNBridgeABI

// Row weights (NEIGHBOURS.md F2.1): the weight column a model's options
// name, and the check of one row's weight.

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
