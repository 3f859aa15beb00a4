import NGLinearAlgebra

/// The element loops of the first-order transforms, on raw buffers and pre-specialized for
/// Float and Double, so that a step is one pass over memory with no per-element generic dispatch
/// (the transforms are called from generic code that is not specialized for their scalar).
enum TransformKernels {
    /// Heavy ball: v ← μ·v + u, u ← v. Nesterov: v ← μ·v + u, u ← u + μ·v.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func momentum<Scalar: BLASScalar>(
        update: UnsafeMutableBufferPointer<Scalar>, velocity: UnsafeMutableBufferPointer<Scalar>, momentum: Scalar, nesterov: Bool
    ) {
        if nesterov {
            for i in 0..<update.count {
                let v = momentum * velocity[i] + update[i]
                velocity[i] = v
                update[i] += momentum * v
            }
        } else {
            for i in 0..<update.count {
                let v = momentum * velocity[i] + update[i]
                velocity[i] = v
                update[i] = v
            }
        }
    }

    /// m ← β₁m + (1 − β₁)u, v ← β₂v + (1 − β₂)u², u ← (m·c₁) / (√(v·c₂) + ε) with cᵢ the bias
    /// corrections 1/(1 − βᵢᵗ).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func adam<Scalar: BLASScalar>(
        update: UnsafeMutableBufferPointer<Scalar>, firstMoment: UnsafeMutableBufferPointer<Scalar>,
        secondMoment: UnsafeMutableBufferPointer<Scalar>, beta1: Scalar, beta2: Scalar, epsilon: Scalar,
        firstCorrection: Scalar, secondCorrection: Scalar
    ) {
        let oneMinusBeta1 = 1 - beta1
        let oneMinusBeta2 = 1 - beta2
        for i in 0..<update.count {
            let g = update[i]
            let m = beta1 * firstMoment[i] + oneMinusBeta1 * g
            let v = beta2 * secondMoment[i] + oneMinusBeta2 * g * g
            firstMoment[i] = m
            secondMoment[i] = v
            update[i] = (m * firstCorrection) / ((v * secondCorrection).squareRoot() + epsilon)
        }
    }

    /// ν ← ρν + (1 − ρ)u²; centered: m ← ρm + (1 − ρ)u and u ← u / (√(ν − m²) + ε), else
    /// u ← u / (√ν + ε). `mean` is empty when not centered.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func rmsprop<Scalar: BLASScalar>(
        update: UnsafeMutableBufferPointer<Scalar>, meanSquare: UnsafeMutableBufferPointer<Scalar>,
        mean: UnsafeMutableBufferPointer<Scalar>, decay: Scalar, epsilon: Scalar
    ) {
        let oneMinusDecay = 1 - decay
        if mean.count == update.count {
            for i in 0..<update.count {
                let g = update[i]
                let s = decay * meanSquare[i] + oneMinusDecay * g * g
                let m = decay * mean[i] + oneMinusDecay * g
                meanSquare[i] = s
                mean[i] = m
                // ν − m² ≥ 0 in exact arithmetic (a variance); clamp the rounding below zero.
                update[i] = g / (Swift.max(s - m * m, 0).squareRoot() + epsilon)
            }
        } else {
            for i in 0..<update.count {
                let g = update[i]
                let s = decay * meanSquare[i] + oneMinusDecay * g * g
                meanSquare[i] = s
                update[i] = g / (s.squareRoot() + epsilon)
            }
        }
    }

    /// G ← G + u², u ← u / (√G + ε).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func adagrad<Scalar: BLASScalar>(
        update: UnsafeMutableBufferPointer<Scalar>, sumOfSquares: UnsafeMutableBufferPointer<Scalar>, epsilon: Scalar
    ) {
        for i in 0..<update.count {
            let g = update[i]
            let s = sumOfSquares[i] + g * g
            sumOfSquares[i] = s
            update[i] = g / (s.squareRoot() + epsilon)
        }
    }

    /// u ← u + w·mask⊙θ for a 0/1 mask.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func maskedDecay<Scalar: BLASScalar>(
        update: UnsafeMutableBufferPointer<Scalar>, parameters: UnsafeBufferPointer<Scalar>, mask: [Bool], weightDecay: Scalar
    ) {
        mask.withUnsafeBufferPointer { m in
            for i in 0..<update.count where m[i] { update[i] += weightDecay * parameters[i] }
        }
    }
}
