import LDLCore

/// The core's SplitMix64, whose output for a seed is fixed forever, so a CV
/// run can be repeated exactly on any platform and toolchain (the standard
/// library's generator is neither seedable nor stable).
extension SplitMix64 {
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
