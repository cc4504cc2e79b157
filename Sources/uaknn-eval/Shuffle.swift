/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator whose
/// output for a seed is fixed forever, so a CV run can be repeated exactly on
/// any platform and toolchain (the standard library's generator is neither
/// seedable nor stable).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` without modulo bias (Lemire's method, with rejection).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }
}

extension Array {
    /// Fisher–Yates with our own generator (not `shuffle(using:)`, whose
    /// algorithm the standard library does not promise to keep).
    mutating func fisherYatesShuffle(using generator: inout SplitMix64) {
        guard count > 1 else { return }
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = generator.below(i + 1)
            if i != j { swapAt(i, j) }
        }
    }
}
