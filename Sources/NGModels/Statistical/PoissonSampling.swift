import NGLinearAlgebra
import NGRandom

extension SeededGenerator {
    /// The largest Poisson mean that ``poisson(mean:)`` accepts: 2⁵², beyond which counts are no
    /// longer exactly representable in a Double.
    static let largestPoissonMean = 0x1p52

    /// A draw from the Poisson distribution with the given mean λ: P(k) = λᵏe^(−λ)/k!.
    ///
    /// For λ < 10, inversion by sequential search (expected λ + 1 uniform comparisons, one
    /// uniform draw). For λ ≥ 10, the transformed rejection method with squeeze PTRS of
    /// W. Hörmann, "The transformed rejection method for generating Poisson random variables",
    /// Insurance: Mathematics and Economics 12 (1993), whose acceptance rate exceeds 0.9 for all
    /// λ ≥ 10, so the cost is O(1) whatever λ.
    /// - Parameter mean: λ, finite, in [0, 2⁵²]; the caller checks it.
    mutating func poisson(mean lambda: Double) -> Int {
        precondition(lambda >= 0 && lambda <= Self.largestPoissonMean, "poisson(mean:): λ = \(lambda) outside [0, 2⁵²]")
        if lambda == 0 { return 0 }
        if lambda < 10 { return poissonByInversion(lambda) }
        return poissonByTransformedRejection(lambda)
    }

    /// Inversion: the least k with P(0) + … + P(k) > u.
    private mutating func poissonByInversion(_ lambda: Double) -> Int {
        let u = uniform()
        var probability = Double.exp(-lambda)
        var cumulative = probability
        var k = 0
        // The cutoff only matters when rounding leaves the cumulative sum just below a u near 1;
        // for λ < 10 the probability beyond 200 is below 1e-200.
        while u >= cumulative && k < 200 {
            k += 1
            probability *= lambda / Double(k)
            cumulative += probability
        }
        return k
    }

    /// Hörmann's PTRS (the constants are those of the paper, as in NumPy's `random_poisson_ptrs`).
    private mutating func poissonByTransformedRejection(_ lambda: Double) -> Int {
        let logLambda = Double.log(lambda)
        let b = 0.931 + 2.53 * lambda.squareRoot()
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - Swift.abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            // Squeeze: accepted without evaluating the density.
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let logAcceptance = Double.log(v) + Double.log(inverseAlpha) - Double.log(a / (us * us) + b)
            if logAcceptance <= -lambda + k * logLambda - Double.logGamma(k + 1) { return Int(k) }
        }
    }
}
