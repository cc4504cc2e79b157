#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed generator.
/// Our own code so that `sampled` mode (and the evaluator's folds) give the
/// same draws on every platform and Swift version (the standard library's
/// generator is not specified).
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer, also used to hash seeds and queries.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for one query: the same `seed` and query values give the
    /// same draws (so a call is repeatable and a batch equals single calls);
    /// `-0.0` hashes as `0.0`, since they are the same feature value.
    init(seed: UInt64, query: UnsafeBufferPointer<Double>) {
        var h = Self.mix(seed ^ 0x5555_5555_5555_5555)
        for x in query {
            let bits = x == 0 ? 0 : x.bitPattern
            h = Self.mix(h ^ bits) &+ 0x9E37_79B9_7F4A_7C15
        }
        state = h
    }

    /// Uniform in (0, 1]: never 0, so its logarithm is finite.
    @inline(__always)
    mutating func nextOpenUnit() -> Double {
        Double((next() >> 11) &+ 1) * 0x1p-53
    }
}

/// Standard normal draws by the Box-Muller transform, using both values of
/// each pair.
struct NormalGenerator {
    var uniform: SplitMix64
    private var spare: Double? = nil

    init(_ uniform: SplitMix64) { self.uniform = uniform }

    mutating func next() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        let u1 = uniform.nextOpenUnit()
        let u2 = uniform.nextOpenUnit()
        let r = (-2 * log(u1)).squareRoot()
        let t = 2 * Double.pi * u2
        spare = r * sin(t)
        return r * cos(t)
    }
}
