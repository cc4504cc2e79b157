/// Prototype membership (spec step 1): sample `i` belongs to the prototype
/// `P_j` of label `j` when `d_i[j] > 1/L` (strictly). A sample can belong to
/// several prototypes, or to none.
///
/// Kept per sample, as a compressed list of labels, because a prediction
/// scans the samples once and offers each sample's score to the prototypes it
/// belongs to: that needs "labels of sample i", not "samples of label j".
struct Prototypes {
    let labelCount: Int
    /// The threshold `1/L`.
    let threshold: Double
    /// Labels of sample `i` are `memberLabels[memberStart[i] ..< memberStart[i + 1]]`.
    var memberStart: [Int] = [0]
    var memberLabels: [Int32] = []
    /// Members per label, to tell empty prototypes apart without a scan.
    var sizes: [Int]

    init(labelCount: Int) {
        self.labelCount = labelCount
        self.threshold = 1 / Double(labelCount)
        self.sizes = Array(repeating: 0, count: labelCount)
    }

    /// The number of non-empty prototypes.
    var nonEmptyCount: Int { sizes.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    var memoryBytes: Int {
        memberStart.capacity * MemoryLayout<Int>.stride + memberLabels.capacity * MemoryLayout<Int32>.stride
            + sizes.capacity * MemoryLayout<Int>.stride
    }

    mutating func reserveCapacity(samples: Int) {
        memberStart.reserveCapacityGrowing(to: samples + 1)
        memberLabels.reserveCapacityGrowing(to: samples)
    }

    /// Records the memberships of a new (validated) sample.
    mutating func append(_ distribution: UnsafeBufferPointer<Double>) {
        for j in 0..<Swift.min(labelCount, distribution.count) where distribution[j] > threshold {
            memberLabels.append(Int32(truncatingIfNeeded: j))
            sizes[j] += 1
        }
        memberStart.append(memberLabels.count)
    }
}

extension Model {
    /// The keys of the members of the prototype of `label` (0-based), in
    /// ascending order; empty for a label out of range.
    public func prototypeKeys(label: Int) -> [Int64] {
        guard label >= 0, label < labelCount else { return [] }
        var result: [Int64] = []
        let p = prototypes
        for i in 0..<count {
            for m in p.memberStart[i]..<p.memberStart[i + 1] where Int(p.memberLabels[m]) == label {
                result.append(keys[i])
            }
        }
        return result.sorted()
    }

    /// The number of members of each label's prototype.
    public var prototypeSizes: [Int] { prototypes.sizes }
}
