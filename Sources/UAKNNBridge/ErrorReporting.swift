import LDLCore
import UAKNNBridgeABI

extension LDLError.Kind {
    /// The ABI status the shim maps to a SQLSTATE.
    var status: uaknn_status {
        switch self {
        case .invalidParameter: return UAKNN_INVALID_PARAMETER
        case .arrayShape: return UAKNN_ARRAY_SUBSCRIPT
        case .nullValue: return UAKNN_NULL_VALUE
        case .undefinedObject: return UAKNN_UNDEFINED_OBJECT
        case .notReady: return UAKNN_NOT_READY
        case .cancelled: return UAKNN_CANCELLED
        case .programLimit: return UAKNN_PROGRAM_LIMIT
        case .internal: return UAKNN_INTERNAL
        }
    }
}

/// Copies `text` into a fixed C buffer as a NUL-terminated string, cut at a
/// UTF-8 character boundary when it does not fit.
func copyCString<Field>(_ text: String?, into field: inout Field) {
    withUnsafeMutableBytes(of: &field) { raw in
        let capacity = raw.count - 1
        var utf8 = Array((text ?? "").utf8.prefix(capacity))
        // Do not end inside a multi-byte sequence: drop trailing continuation
        // bytes and the lead byte they belong to.
        if utf8.count == capacity, let last = utf8.last, last & 0x80 != 0 {
            while let b = utf8.last, b & 0xC0 == 0x80 { utf8.removeLast() }
            if let b = utf8.last, b & 0xC0 == 0xC0 { utf8.removeLast() }
        }
        raw.copyBytes(from: utf8)
        raw[utf8.count] = 0
    }
}

/// Fills the caller's error struct and returns the status to hand back to C.
func report(_ error: LDLError, _ out: UnsafeMutablePointer<uaknn_error>?) -> Int32 {
    let status = error.kind.status
    if let out {
        out.pointee.status = Int32(status.rawValue)
        copyCString(error.message, into: &out.pointee.message)
        copyCString(error.detail, into: &out.pointee.detail)
        copyCString(error.hint, into: &out.pointee.hint)
    }
    return Int32(status.rawValue)
}

/// Runs `body`, turning a thrown LDLError into a status and a filled struct.
/// Every @_cdecl entry point goes through here, so no Swift error escapes to C.
@inline(__always)
func guarded(_ out: UnsafeMutablePointer<uaknn_error>?, _ body: () throws(LDLError) -> Void) -> Int32 {
    do {
        try body()
        return Int32(UAKNN_OK.rawValue)
    } catch {
        return report(error, out)
    }
}

/// A buffer from C, or an error when the pointer is null with a non-zero count.
func buffer(_ pointer: UnsafePointer<Double>?, _ count: Int32, name: String) throws(LDLError) -> UnsafeBufferPointer<Double> {
    guard count >= 0 else { throw LDLError(.internal, "\(name) has negative length \(count)") }
    if count == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
    guard let pointer else { throw LDLError(.internal, "\(name) is a null pointer") }
    return UnsafeBufferPointer(start: pointer, count: Int(count))
}

/// A string from C bytes that need not be NUL-terminated; invalid UTF-8 is
/// repaired rather than trusted (PostgreSQL validates encoding already).
func utf8String(_ pointer: UnsafePointer<CChar>?, _ length: Int32) throws(LDLError) -> String {
    guard length >= 0 else { throw LDLError(.internal, "string has negative length \(length)") }
    guard length > 0, let pointer else { return "" }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
        String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
    }
}
