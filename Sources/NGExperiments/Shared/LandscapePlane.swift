import NGLinearAlgebra
import NGModels
import NGRandom

/// A 2-D slice through parameter space, θ(α, β) = θ₀ + α·d₁ + β·d₂, for loss-landscape plots
/// (Li, Xu, Taylor, Studer & Goldstein 2018, "Visualizing the loss landscape of neural nets").
///
/// ``grid(xs:ys:loss:)`` samples the loss on the plane; ``coordinates(of:)`` projects any
/// parameter vector onto it by least squares (the directions need not be orthogonal), so that
/// optimizer trajectories that leave the plane can still be drawn on it, with the distance they
/// keep from it. ``filterNormalizedDirection(layers:parameters:generator:)`` draws the random
/// directions of Li et al.
struct LandscapePlane: Sendable {
    /// θ₀, the plane's origin.
    let center: Vector<Double>
    /// d₁ and d₂.
    let first: Vector<Double>
    let second: Vector<Double>

    init(center: Vector<Double>, first: Vector<Double>, second: Vector<Double>) {
        precondition(center.count == first.count && first.count == second.count, "LandscapePlane: vectors of different lengths")
        self.center = center
        self.first = first
        self.second = second
    }

    /// θ₀ + α·d₁ + β·d₂.
    func point(_ alpha: Double, _ beta: Double) -> Vector<Double> {
        var theta = center
        try! theta.add(first, scaledBy: alpha)
        try! theta.add(second, scaledBy: beta)
        return theta
    }

    /// values[j][i] = loss(θ(xs[i], ys[j])): one row per β, as ``ContourPlot`` takes it.
    func grid(xs: [Double], ys: [Double], loss: (Vector<Double>) throws -> Double) rethrows -> [[Double]] {
        try ys.map { beta in try xs.map { alpha in try loss(point(alpha, beta)) } }
    }

    /// The (α, β) minimizing ‖θ − θ(α, β)‖ — the normal equations [d₁ᵀd₁ d₁ᵀd₂; d₂ᵀd₁ d₂ᵀd₂]·(α, β) =
    /// (d₁ᵀr, d₂ᵀr) with r = θ − θ₀ — and the distance that remains, ‖θ − θ(α, β)‖.
    func coordinates(of theta: Vector<Double>) -> (alpha: Double, beta: Double, offPlane: Double) {
        var r = theta
        try! r.add(center, scaledBy: -1)
        let (a11, a12, a22) = (try! first.dot(first), try! first.dot(second), try! second.dot(second))
        let (b1, b2) = (try! first.dot(r), try! second.dot(r))
        let determinant = a11 * a22 - a12 * a12
        precondition(determinant > 0, "LandscapePlane: the directions are parallel")
        let alpha = (a22 * b1 - a12 * b2) / determinant
        let beta = (a11 * b2 - a12 * b1) / determinant
        return (alpha, beta, (theta - point(alpha, beta)).norm)
    }

    /// A Gaussian random direction, filter-normalized: for each dense layer, each filter (the
    /// weights into one output unit, a row of W) is rescaled to the norm of the same filter of
    /// `parameters`, ‖d_row‖ = ‖θ_row‖, and the biases' directions are zero (Li et al. 2018, §4).
    /// The scale of a slice then follows the scale of each filter, so slices of differently
    /// scaled networks are comparable.
    static func filterNormalizedDirection(layers: [LayerParameterLayout], parameters: Vector<Double>, generator: inout SeededGenerator) -> Vector<Double> {
        var direction = Vector<Double>(count: parameters.count)
        for layout in layers {
            for row in 0..<layout.rows {
                let indices = (0..<layout.columns).map { layout.flatIndex(row: row, column: $0) }
                let draw = indices.map { _ in generator.normal() }
                let drawNorm = draw.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let weightNorm = indices.reduce(0) { $0 + parameters[$1] * parameters[$1] }.squareRoot()
                guard drawNorm > 0 else { continue }
                for (k, index) in indices.enumerated() { direction[index] = draw[k] / drawNorm * weightNorm }
            }
        }
        return direction
    }
}
