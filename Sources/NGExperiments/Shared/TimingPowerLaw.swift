import Foundation

/// A power law y ≈ c·x^k fitted by least squares on the logarithms: the slope k of log y
/// against log x is how a cost grows with size ("time per step ∝ P^k").
///
/// With uᵢ = ln xᵢ and vᵢ = ln yᵢ, the ordinary least-squares line v = ln c + k·u has
///
///     k = Σ(uᵢ − ū)(vᵢ − v̄) / Σ(uᵢ − ū)²,    ln c = v̄ − k·ū,
///
/// and R² = 1 − Σ(vᵢ − ln c − k·uᵢ)² / Σ(vᵢ − v̄)² measures how straight the log-log line is
/// (1 for an exact power law). Points with x ≤ 0 or y ≤ 0 (or non-finite) have no logarithm
/// and are left out.
public struct TimingPowerLaw: Sendable, Equatable, Codable {
    /// k, the growth exponent.
    public var exponent: Double
    /// c, the value at x = 1.
    public var prefactor: Double
    /// R² of the log-log fit (NaN when all y are equal).
    public var determination: Double
    /// The number of points fitted.
    public var pointCount: Int

    /// Fits y ≈ c·x^k; nil with fewer than two usable points or when every usable x is equal.
    public init?(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "TimingPowerLaw: x and y differ in length")
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 2 else { return nil }
        let u = pairs.map { Foundation.log($0.0) }
        let v = pairs.map { Foundation.log($0.1) }
        let n = Double(pairs.count)
        let uMean = u.reduce(0, +) / n
        let vMean = v.reduce(0, +) / n
        var suu = 0.0, suv = 0.0, svv = 0.0
        for i in u.indices {
            suu += (u[i] - uMean) * (u[i] - uMean)
            suv += (u[i] - uMean) * (v[i] - vMean)
            svv += (v[i] - vMean) * (v[i] - vMean)
        }
        guard suu > 0 else { return nil }
        let slope = suv / suu
        let intercept = vMean - slope * uMean
        var residual = 0.0
        for i in u.indices {
            let r = v[i] - intercept - slope * u[i]
            residual += r * r
        }
        exponent = slope
        prefactor = Foundation.exp(intercept)
        determination = svv > 0 ? 1 - residual / svv : .nan
        pointCount = pairs.count
    }

    /// c·x^k.
    public func predicted(at x: Double) -> Double { prefactor * Foundation.pow(x, exponent) }
}
