/// The parameters of UAKNN (spec "UAKNN"), each with the spec's default.
public struct UAKNNOptions: Sendable, Equatable {
    /// How the weights `S_j` and `c_j` are obtained.
    public enum SamplingMode: String, Sendable, Equatable, CaseIterable {
        /// The closed form of `E[clip(N(m, σ²), 0, 1)]`: deterministic, the limit of sampling.
        case expected
        /// The paper's Monte Carlo mean of `samples` draws, seeded by `seed` and the query.
        case sampled
    }

    /// How `z` becomes a distribution.
    public enum Normalization: String, Sendable, Equatable, CaseIterable {
        /// `softmaxBase^z_k / Σ_l softmaxBase^z_l` (the paper's Softmax*).
        case softmax
        /// `z / Σ z`.
        case linear
    }

    /// The largest `samples` accepted: a single call draws `2 * samples` values
    /// per prototype and cannot be cancelled, so it must stay bounded.
    public static let maximumSamples = 1_000_000

    /// σ² of the normal of steps 2-4.
    public var variance: Double = 0.5
    /// n, the number of draws in `sampled` mode.
    public var samples: Int = 100
    /// ρ, the mean of the perturbation is `ρ * m_j`.
    public var perturbationRatio: Double = 0.05
    /// β of the output's Softmax*.
    public var softmaxBase: Double = 2
    /// τ of step 1's softmax.
    public var temperature: Double = 1
    public var mode: SamplingMode = .expected
    public var seed: UInt64 = 0
    public var normalization: Normalization = .softmax
    /// `false`: the ablation that matches the L nearest samples instead of one per prototype.
    public var prototypes: Bool = true
    /// `false`: the ablation with every `c_j = 0`.
    public var perturbation: Bool = true

    public init(
        variance: Double = 0.5, samples: Int = 100, perturbationRatio: Double = 0.05,
        softmaxBase: Double = 2, temperature: Double = 1, mode: SamplingMode = .expected,
        seed: UInt64 = 0, normalization: Normalization = .softmax,
        prototypes: Bool = true, perturbation: Bool = true
    ) {
        self.variance = variance
        self.samples = samples
        self.perturbationRatio = perturbationRatio
        self.softmaxBase = softmaxBase
        self.temperature = temperature
        self.mode = mode
        self.seed = seed
        self.normalization = normalization
        self.prototypes = prototypes
        self.perturbation = perturbation
    }

    /// Throws `.invalidParameter` naming the first parameter out of its domain.
    public func validate() throws(LDLError) {
        guard variance.isFinite, variance > 0 else {
            throw LDLError.invalid("variance is \(variance), expected a finite number greater than 0")
        }
        guard samples >= 1, samples <= Self.maximumSamples else {
            throw LDLError.invalid("samples is \(samples), expected an integer from 1 to \(Self.maximumSamples)")
        }
        guard perturbationRatio.isFinite else {
            throw LDLError.invalid("perturbation_ratio is \(perturbationRatio), expected a finite number")
        }
        try Self.validateSoftmaxBase(softmaxBase)
        guard temperature.isFinite, temperature > 0 else {
            throw LDLError.invalid("temperature is \(temperature), expected a finite number greater than 0")
        }
    }

    static func validateSoftmaxBase(_ base: Double) throws(LDLError) {
        guard base.isFinite, base > 1 else {
            throw LDLError.invalid("softmax_base is \(base), expected a finite number greater than 1")
        }
    }
}

extension UAKNNOptions.SamplingMode {
    /// Parses `expected` or `sampled`, ignoring ASCII case.
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> Self {
        guard let v = Self(rawValue: String(name).lowercased()) else {
            throw LDLError.invalid("unknown mode \"\(name)\"", hint: "Valid modes are: expected, sampled.")
        }
        return v
    }
}

extension UAKNNOptions.Normalization {
    /// Parses `softmax` or `linear`, ignoring ASCII case.
    public static func parse(_ name: some StringProtocol) throws(LDLError) -> Self {
        guard let v = Self(rawValue: String(name).lowercased()) else {
            throw LDLError.invalid(
                "unknown normalization \"\(name)\"", hint: "Valid normalizations are: softmax, linear.")
        }
        return v
    }
}

/// Top-level names for the option enums, for callers that prefer them.
public typealias SamplingMode = UAKNNOptions.SamplingMode
public typealias Normalization = UAKNNOptions.Normalization
