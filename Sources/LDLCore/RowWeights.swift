/// Per-row weights (NEIGHBOURS.md F2.1, eq. 7's `w_i`): e.g. the number of
/// raters behind a row's distribution. A model holds none until a row is
/// added with one; rows without a weight weigh 1, so "no weights" and "all
/// weights 1" predict the same. Kernel kNN and AA-kNN use them; a row of
/// weight 0 never serves as a neighbour, exactly as if it were deleted (it
/// takes no neighbour slot, and no part in the median bandwidth).
extension Model {
    /// Whether any row was added with a weight.
    public var hasWeights: Bool { weights != nil }

    /// The weight of the row with `key` (1 when the model has no weights); nil for an unknown key.
    public func weight(key: Int64) -> Double? {
        guard let i = indexOfKey[key] else { return nil }
        guard let weights else { return 1 }
        return i < weights.count ? weights[i] : nil
    }

    /// A row weight: finite and >= 0 (the validation trigger checks with this).
    public static func checkWeight(_ w: Double) throws(LDLError) {
        guard w.isFinite, w >= 0 else {
            throw LDLError.invalid("weight is \(w), expected a finite number of at least 0")
        }
    }

    /// Records the weight of the row about to be stored at `index` (checked
    /// before): the first weight given turns the earlier rows' implicit 1 into stored ones.
    func appendWeight(_ w: Double?, at index: Int) {
        if weights == nil {
            guard let w else { return }
            var all = [Double](repeating: 1, count: index)
            all.reserveCapacity(Swift.max(keys.capacity, index + 1))
            weights = all
            weights?.append(w)
        } else {
            weights?.append(w ?? 1)
        }
    }

    /// Whether row `i` may serve as a neighbour (its weight is positive).
    @inline(__always)
    func isEligible(_ i: Int) -> Bool {
        guard let weights else { return true }
        return i < weights.count && weights[i] > 0
    }

    /// The weight of row `i` (1 without weights).
    @inline(__always)
    func rowWeight(_ i: Int) -> Double {
        guard let weights, i < weights.count else { return 1 }
        return weights[i]
    }

    /// The rows that may serve as neighbours.
    var eligibleCount: Int {
        guard let weights else { return count }
        return weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }
}

extension LDLError {
    /// Every row a neighbour set could hold has weight 0.
    static func allWeightsZero() -> LDLError {
        LDLError.invalid(
            "every weight of the neighbour set is 0, expected at least one positive weight",
            hint: "Rows of weight 0 never contribute; give some rows a positive weight.")
    }
}
