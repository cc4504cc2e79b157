extension Array {
    /// Makes room for `n` elements, growing geometrically. `reserveCapacity(n)`
    /// allocates exactly `n`, so calling it before each small bulk append (an
    /// incremental load of a few rows into a large model) would copy the whole
    /// array every time.
    mutating func reserveCapacityGrowing(to n: Int) {
        guard capacity < n else { return }
        reserveCapacity(Swift.max(n, capacity.multipliedReportingOverflow(by: 2).partialValue))
    }
}

extension Dictionary {
    /// As `Array.reserveCapacityGrowing(to:)`.
    mutating func reserveCapacityGrowing(to n: Int) {
        guard capacity < n else { return }
        reserveCapacity(Swift.max(n, capacity.multipliedReportingOverflow(by: 2).partialValue))
    }
}

extension Array {
    /// Drops unused capacity when it exceeds an eighth of the elements (a copy
    /// of the used part; the old buffer is freed), after a load that grew the
    /// array geometrically.
    mutating func trimCapacity() {
        guard capacity - count > count / 8 + 16 else { return }
        var copy: [Element] = []
        copy.reserveCapacity(count)
        copy.append(contentsOf: self)
        self = copy
    }
}
