/// A label-distribution model: samples with a fixed number of features `N`
/// and labels `L`, each identified by a caller-chosen key.
///
/// Features are held in one of three layouts (`StorageMode`): dense float64
/// rows (`count * N` doubles, row after row, so that a scan reads memory
/// sequentially), float32 rows (`float4`), or each row's non-zero values
/// (`sparse`, see `SparseRows`). Each sample is kept once, as given (as
/// float32 for `float4`), with the inverse of its norm computed when it is
/// added: the cosine with a unit query is then one dot product and one
/// multiplication (`q̂·x · 1/|x|`), and the Euclidean distances of AA-kNN and
/// kernel kNN are exactly `Σ (x_i - q_i)²`. Keeping a second, normalized copy
/// would make the cosine a bare dot product but double the memory of every
/// cached model, for no measurable speed (a scan is bound by memory bandwidth).
///
/// Samples are stored in insertion order, but every nearest-neighbour choice
/// breaks ties by the lowest key, so a model built one row at a time predicts
/// exactly what a model built at once does, whatever the order.
///
/// Not thread-safe for concurrent mutation; predictions only read.
public final class Model {
    public let featureCount: Int
    public let labelCount: Int
    /// The storage asked for when the model was made (`auto` by default).
    public let requestedStorage: StorageMode

    /// The most labels a model may have.
    public static let maximumLabelCount = 1 << 20

    /// Sample keys, in insertion order.
    var keys: [Int64] = []
    /// Where each key is stored, to reject duplicates.
    var indexOfKey: [Int64: Int] = [:]
    /// The layout the features are held in now: `dense`, `sparse` or
    /// `float4`, never `auto` (see `ModelStorage.swift`).
    var layout: StorageMode
    /// Whether `auto` has made its final choice (`finishLoad`).
    var layoutIsFinal: Bool
    /// Whether `finishLoad` has run on a loaded model.
    var loadIsFinished = false
    /// Features as given, `count * featureCount` (layout `dense`).
    var rawFeatures: [Double] = []
    /// Features rounded to float32, `count * featureCount` (layout `float4`).
    var floatFeatures: [Float] = []
    /// The non-zero features (layout `sparse`).
    var sparseRows = SparseRows()
    /// `1/|x|` per sample (see `Similarity.inverseNorm`): 0 for a zero
    /// vector, NaN for one whose magnitudes need the careful cosine.
    var inverseNorms: [Double] = []
    /// Label distributions, `count * labelCount`.
    var labels: [Double] = []
    /// Prototype membership (spec step 1), see `Prototypes.swift`.
    var prototypes: Prototypes
    /// The mean label distribution (`Prior.swift`), until the next `add`.
    var priorCache: [Double]? = nil
    /// Row weights (`RowWeights.swift`), nil while no row was given one.
    var weights: [Double]? = nil
    /// Per-version values of the neighbour family (`NeighbourCache.swift`), until the next `add`.
    var neighbourCache = NeighbourCache()
    /// Which label rows `add` accepts, and how they are divided (`LabelRows.swift`).
    public let labelPolicy: LabelPolicy
    /// When set, every added row and every query is standardized with these
    /// fixed statistics before it is stored or scanned (`Standardization.swift`).
    public let standardization: Standardization?
    /// The fit `Method.maxent` predicts from (`MaxEnt.swift`), fitted
    /// (`fitMaxEnt`) or restored by the caller. Rows added later are not in
    /// it until the next fit.
    public var maxEntFit: MaxEntFit? = nil
    /// Non-zero feature values stored, whatever the layout: `auto`'s measure.
    public internal(set) var nonZeroCount = 0
    /// Rows a loader announced (`reserveCapacity`), so that a switch of layout
    /// in the middle of a load can reserve them.
    var announcedCount = 0

    /// A model with no samples yet. `featureCount >= 1`, `labelCount >= 2`
    /// (a distribution over one label carries no information, and no sample
    /// could ever exceed the prototype threshold `1/L = 1`).
    /// `featureCount <= Int32.max`; `labelCount <= maximumLabelCount`, since
    /// every prediction allocates a few arrays of `labelCount` (and the
    /// model one at once), and no label-distribution data set comes near.
    /// `standardization`, when given, must have `featureCount` features.
    /// `storage` is the features' layout (see `StorageMode`); with `auto`,
    /// call `finishLoad()` after a full load to make the choice final.
    public init(
        featureCount: Int, labelCount: Int, labelPolicy: LabelPolicy = LabelPolicy(),
        standardization: Standardization? = nil, storage: StorageMode = .auto
    ) throws(LDLError) {
        guard featureCount >= 1, featureCount <= Int(Int32.max) else {
            throw LDLError.invalid("feature count is \(featureCount), expected 1 to \(Int32.max)")
        }
        guard labelCount >= 2, labelCount <= Self.maximumLabelCount else {
            throw LDLError.invalid("label count is \(labelCount), expected 2 to \(Self.maximumLabelCount)")
        }
        try labelPolicy.validate()
        if let s = standardization, s.featureCount != featureCount {
            throw LDLError.invalid(
                "standardization has \(s.featureCount) features, model has \(featureCount)")
        }
        self.featureCount = featureCount
        self.labelCount = labelCount
        self.labelPolicy = labelPolicy
        self.standardization = standardization
        self.requestedStorage = storage
        // `auto` starts sparse: the first rows decide (see `reconsiderLayout`).
        self.layout = storage == .auto ? .sparse : storage
        self.layoutIsFinal = storage != .auto
        self.prototypes = Prototypes(labelCount: labelCount)
    }

    /// The number of samples.
    public var count: Int { keys.count }

    /// The layout the features are held in: `dense`, `sparse` or `float4`
    /// (what `auto` chose, or is choosing while a load goes on).
    public var storageMode: StorageMode { layout }

    /// Bytes held by the sample storage (capacity, not just the used part),
    /// for a cache report. The key index is estimated.
    public var memoryBytes: Int {
        let doubles = rawFeatures.capacity + inverseNorms.capacity + labels.capacity + (weights?.capacity ?? 0)
        let floats = floatFeatures.capacity * MemoryLayout<Float>.stride
        let keyBytes = keys.capacity * MemoryLayout<Int64>.stride
        let indexBytes = indexOfKey.capacity * (MemoryLayout<Int64>.stride + MemoryLayout<Int>.stride + 1)
        return doubles * MemoryLayout<Double>.stride + floats + sparseRows.memoryBytes + keyBytes + indexBytes
            + prototypes.memoryBytes + neighbourCache.memoryBytes + MemoryLayout<Model>.size
    }

    /// Whether a sample with this key is stored.
    public func contains(key: Int64) -> Bool { indexOfKey[key] != nil }

    /// Reserves room for `additional` more samples, to avoid regrowth in a
    /// bulk load. Does nothing for sizes that would overflow.
    public func reserveCapacity(additional: Int) {
        guard additional > 0 else { return }
        let (total, o1) = count.addingReportingOverflow(additional)
        let (f, o2) = total.multipliedReportingOverflow(by: featureCount)
        let (l, o3) = total.multipliedReportingOverflow(by: labelCount)
        guard !o1, !o2, !o3 else { return }
        announcedCount = Swift.max(announcedCount, total)
        keys.reserveCapacityGrowing(to: total)
        inverseNorms.reserveCapacityGrowing(to: total)
        switch layout {
        case .sparse: sparseRows.reserveCapacity(rows: total)
        case .float4: floatFeatures.reserveCapacityGrowing(to: f)
        default: rawFeatures.reserveCapacityGrowing(to: f)
        }
        labels.reserveCapacityGrowing(to: l)
        indexOfKey.reserveCapacityGrowing(to: total)
        prototypes.reserveCapacity(samples: total)
        weights?.reserveCapacityGrowing(to: total)
    }

    /// Adds one sample. Everything is checked before anything is stored, so a
    /// failed call leaves the model as it was.
    ///
    /// The label row is checked by `labelPolicy` and stored as methods use it
    /// (divided by its sum unless that is 1 within 1e-9); the features are
    /// stored standardized when the model has a `standardization`.
    /// `weight` (F2.1's per-row importance, finite and >= 0) nil means 1; see `RowWeights.swift`.
    ///
    /// - Throws: `.invalidParameter` for a length other than `featureCount` /
    ///   `labelCount`, a value that is not finite (or, with `float4`, beyond
    ///   float32's range once stored), a label row the policy refuses, a
    ///   negative or non-finite weight, or a key already present.
    public func add(
        key: Int64, features: UnsafeBufferPointer<Double>, labels distribution: UnsafeBufferPointer<Double>,
        weight: Double? = nil
    ) throws(LDLError) {
        if let weight { try Self.checkWeight(weight) }
        try Validation.checkLength(features.count, expected: featureCount, what: "feature vector")
        try Validation.checkLength(distribution.count, expected: labelCount, what: "label vector")
        try Validation.checkFinite(features, what: "feature vector")
        let sum = try labelPolicy.check(distribution, key: key)
        guard indexOfKey[key] == nil else {
            throw LDLError.invalid("duplicate sample key \(key)", hint: "Each sample's key must be unique.")
        }
        _ = try Validation.product(count + 1, featureCount, what: "model")
        try withStoredForm(features: features, labels: distribution, labelSum: sum) {
            (features, distribution) throws(LDLError) in
            if layout == .float4 { try Validation.checkFloat32Range(features, what: "feature vector") }
            let index = keys.count
            priorCache = nil
            neighbourCache = NeighbourCache()
            appendWeight(weight, at: index)
            keys.append(key)
            indexOfKey[key] = index
            appendFeatures(features)
            labels.append(contentsOf: distribution)
            prototypes.append(distribution)
            if !layoutIsFinal, count & (count - 1) == 0 { reconsiderLayout() }
        }
    }

    /// Calls `body` with a checked sample as the model stores it: features
    /// standardized (when the model standardizes), labels divided by `labelSum`
    /// (unless it is 1 within 1e-9). Throws before `body` when a standardized
    /// value is not finite.
    private func withStoredForm(
        features: UnsafeBufferPointer<Double>, labels distribution: UnsafeBufferPointer<Double>, labelSum: Double,
        _ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) throws(LDLError) -> Void
    ) throws(LDLError) {
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: labelCount) { (d) throws(LDLError) in
            LabelPolicy.distribution(of: distribution, sum: labelSum, into: d)
            let stored = UnsafeBufferPointer(d)
            guard let standardization else { return try body(features, stored) }
            try withUnsafeTemporaryAllocation(of: Double.self, capacity: featureCount) { (z) throws(LDLError) in
                guard standardization.apply(features, into: z) else { throw LDLError.notStandardizable(row: nil) }
                try body(UnsafeBufferPointer(z), stored)
            }
        }
    }

    /// Convenience for arrays.
    public func add(key: Int64, features: [Double], labels distribution: [Double], weight: Double? = nil)
        throws(LDLError)
    {
        try features.withUnsafeBufferPointer { (f) throws(LDLError) in
            try distribution.withUnsafeBufferPointer { (d) throws(LDLError) in
                try add(key: key, features: f, labels: d, weight: weight)
            }
        }
    }

    /// Adds many samples: `keys.count` rows, `features` row-major
    /// `keys.count x featureCount`, `labels` row-major `keys.count x labelCount`,
    /// `weights` nil or one per row.
    /// Polls `isCancelled` every 1024 rows. Rows before a failing one stay
    /// added; the error names the failing row (1-based).
    public func add(
        keys newKeys: UnsafeBufferPointer<Int64>, features: UnsafeBufferPointer<Double>,
        labels distributions: UnsafeBufferPointer<Double>, weights rowWeights: UnsafeBufferPointer<Double>? = nil,
        isCancelled: () -> Bool
    ) throws(LDLError) {
        let rows = newKeys.count
        let nf = try Validation.product(rows, featureCount, what: "feature matrix")
        let nl = try Validation.product(rows, labelCount, what: "label matrix")
        guard features.count == nf else {
            throw LDLError.invalid(
                "feature matrix has \(features.count) values, expected \(rows) rows x \(featureCount)")
        }
        guard distributions.count == nl else {
            throw LDLError.invalid(
                "label matrix has \(distributions.count) values, expected \(rows) rows x \(labelCount)")
        }
        if let rowWeights, rowWeights.count != rows {
            throw LDLError.invalid("weight vector has \(rowWeights.count) values, expected \(rows) (one per row)")
        }
        reserveCapacity(additional: rows)
        for r in 0..<rows {
            if r % 1024 == 0, isCancelled() { throw LDLError.cancelled }
            let f = UnsafeBufferPointer(rebasing: features[(r * featureCount)..<((r + 1) * featureCount)])
            let d = UnsafeBufferPointer(rebasing: distributions[(r * labelCount)..<((r + 1) * labelCount)])
            do {
                try add(key: newKeys[r], features: f, labels: d, weight: rowWeights?[r])
            } catch {
                var e = error
                e.message = "row \(r + 1): " + e.message
                throw e
            }
        }
    }
}
