import NGCurvature
import NGLinearAlgebra
import NGRandom

/// Hutchinson's estimator of a curvature matrix's diagonal from matrix-vector products
/// (Hutchinson 1990; Bekas, Kokiopoulou & Saad 2007): for a Rademacher vector z (independent
/// entries ±1 with probability ½ each),
///
///     E[z ⊙ (C·z)] = diag(C),
///
/// since E[zⱼ·Σₖ Cⱼₖzₖ] = Σₖ Cⱼₖ·E[zⱼzₖ] = Cⱼⱼ. One probe costs one curvature-vector product
/// (an exact Hessian-vector product for AdaHessian, about two forward and backward passes); the
/// variance of entry j is Σ_{k≠j} Cⱼₖ², so the estimate is exact for a diagonal C and the error
/// of an average over s probes shrinks like 1/√s.
public enum HutchinsonDiagonal {
    /// A Rademacher vector of `count` entries ±1, one random bit each (64 entries per draw of
    /// the generator), reproducible for a generator state.
    public static func rademacher<Scalar: BLASScalar>(_ count: Int, generator: inout SeededGenerator, as _: Scalar.Type = Scalar.self) -> Vector<Scalar> {
        var entries = [Scalar](repeating: 0, count: count)
        var bits: UInt64 = 0
        entries.withUnsafeMutableBufferPointer { z in
            for j in 0..<count {
                if j % 64 == 0 { bits = generator.next() }
                z[j] = bits & 1 == 0 ? 1 : -1
                bits >>= 1
            }
        }
        return Vector(entries)
    }

    /// z ⊙ (C·z) for one probe z: an unbiased estimate of diag(C).
    /// - Throws: errors of the curvature product.
    public static func sample<P: EvaluatedObjective>(
        _ point: P, _ kind: CurvatureKind, probe z: Vector<P.Scalar>, samples: Int = 1, seed: UInt64 = 0
    ) throws -> Vector<P.Scalar> {
        let product = try point.curvatureProduct(kind, z, samples: samples, seed: seed)
        return try z.zipMap(product, *)
    }

    /// (1/s)·Σₛ zₛ ⊙ (C·zₛ) over s Rademacher probes drawn from `SeededGenerator(seed:)`.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for s < 1; errors of the curvature product.
    public static func estimate<P: EvaluatedObjective>(
        _ point: P, _ kind: CurvatureKind = .hessian, probes: Int, seed: UInt64
    ) throws -> Vector<P.Scalar> {
        try HyperparameterCheck.count(probes, "the probe count", atLeast: 1, in: "Hutchinson diagonal")
        var generator = SeededGenerator(seed: seed)
        var sum = Vector<P.Scalar>(count: point.parameters.count)
        for _ in 0..<probes {
            let z: Vector<P.Scalar> = rademacher(point.parameters.count, generator: &generator)
            try sum.add(try sample(point, kind, probe: z, seed: seed))
        }
        sum.scale(by: 1 / P.Scalar(probes))
        return sum
    }
}
