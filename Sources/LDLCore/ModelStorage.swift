/// The features' layout: appending a row to it, `auto`'s choice, and the
/// conversions that choice makes.
///
/// `auto` follows the rows while they arrive: at every power-of-two row count
/// it compares the non-zero values so far with 1 in 8 and converts when the
/// other layout suits better. Conversions are then at most `log2(count)`,
/// of geometrically growing sizes, so all of them together cost less than
/// one more copy of the model, and sparse data (Movie) is held sparse from its
/// first rows: a load never holds a dense copy of it. `finishLoad()` makes the
/// last comparison, on every row, and fixes the choice; rows added later keep it.
/// Every layout predicts the same (`float4` up to its rounding), so a
/// conversion is invisible to predictions.
extension Model {
    /// Appends a validated row to the current layout, with its inverse norm.
    func appendFeatures(_ features: UnsafeBufferPointer<Double>) {
        switch layout {
        case .float4:
            let start = floatFeatures.count
            for v in features { floatFeatures.append(Float(v)) }
            // The norm of the stored (rounded) row, so that cosines are of what is stored.
            inverseNorms.append(
                floatFeatures.withUnsafeBufferPointer { Similarity.inverseNorm(UnsafeBufferPointer(rebasing: $0[start...])) })
            nonZeroCount &+= SparseRows.nonZeroCount(features)
        case .sparse:
            let before = sparseRows.values.count
            sparseRows.append(features)
            inverseNorms.append(Similarity.inverseNorm(features))
            nonZeroCount &+= sparseRows.values.count - before
        default:
            rawFeatures.append(contentsOf: features)
            inverseNorms.append(Similarity.inverseNorm(features))
            nonZeroCount &+= SparseRows.nonZeroCount(features)
        }
    }

    /// Tells the model that a full load is complete. With `auto`, decides the
    /// layout on all rows (sparse when at most 1 value in 8 is non-zero) and
    /// keeps it for rows added later; every layout then drops the spare
    /// capacity of its growth. Linear in the model's size, like a copy. Only
    /// the first call after rows were loaded does anything (an empty model
    /// stays undecided): rows added later need no call, and calling it after
    /// each of them would copy the model each time.
    public func finishLoad() {
        guard !loadIsFinished, count > 0 else { return }
        if !layoutIsFinal {
            reconsiderLayout()
            layoutIsFinal = true
        }
        rawFeatures.trimCapacity()
        floatFeatures.trimCapacity()
        sparseRows.trim()
        keys.trimCapacity()
        inverseNorms.trimCapacity()
        labels.trimCapacity()
        loadIsFinished = true
    }

    /// `auto`: converts to the layout the rows so far suit.
    func reconsiderLayout() {
        let (total, overflow) = count.multipliedReportingOverflow(by: featureCount)
        guard !overflow else { return }
        let sparse = StorageMode.sparseSuits(nonZero: nonZeroCount, total: total)
        if sparse, layout == .dense {
            sparseRows = rawFeatures.withUnsafeBufferPointer { SparseRows(dense: $0, count: count, n: featureCount) }
            rawFeatures = []
        } else if !sparse, layout == .sparse {
            var dense = sparseRows.dense(n: featureCount)
            let (announced, o) = announcedCount.multipliedReportingOverflow(by: featureCount)
            if !o { dense.reserveCapacityGrowing(to: announced) }
            rawFeatures = dense
            sparseRows = SparseRows()
        } else {
            return
        }
        layout = sparse ? .sparse : .dense
    }

    /// Sample `index`'s features as stored (widened to float64 for `float4`),
    /// whatever the layout; zeros for an index out of range.
    func features(at index: Int) -> [Double] {
        let n = featureCount
        var row = [Double](repeating: 0, count: n)
        guard index >= 0, index < count else { return row }
        switch layout {
        case .float4:
            for k in 0..<n { row[k] = Double(floatFeatures[index * n + k]) }
        case .sparse:
            row.withUnsafeMutableBufferPointer { sparseRows.copyRow(index, into: $0) }
        default:
            for k in 0..<n { row[k] = rawFeatures[index * n + k] }
        }
        return row
    }
}
