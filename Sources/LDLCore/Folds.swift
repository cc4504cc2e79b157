/// Cross-validation folds (TUNING.md "Cross-validation folds"): a sample's
/// fold depends on its key alone, so SQL and the evaluator split alike.
public enum Folds {
    /// The spec's `mix`: SplitMix64's increment and finalizer, wrapping.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        SplitMix64.mix(x &+ 0x9E37_79B9_7F4A_7C15)
    }

    /// `mix(seed + repeat)`, the part of `fold` shared by every key of a repeat.
    @inline(__always)
    public static func repeatSalt(seed: UInt64, repeat r: Int) -> UInt64 {
        mix(seed &+ UInt64(truncatingIfNeeded: r))
    }

    /// `mix(key ^ mix(seed + repeat)) mod folds`, the key as its
    /// two's-complement bits. `folds >= 1`.
    public static func fold(key: Int64, seed: UInt64, repeat r: Int, folds: Int) throws(LDLError) -> Int {
        guard folds >= 1 else { throw LDLError.invalid("folds is \(folds), expected at least 1") }
        return fold(key: key, salt: repeatSalt(seed: seed, repeat: r), folds: folds)
    }

    @inline(__always)
    static func fold(key: Int64, salt: UInt64, folds: Int) -> Int {
        Int(truncatingIfNeeded: mix(UInt64(bitPattern: key) ^ salt) % UInt64(truncatingIfNeeded: folds))
    }
}
