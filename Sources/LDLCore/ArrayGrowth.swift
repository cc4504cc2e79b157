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
