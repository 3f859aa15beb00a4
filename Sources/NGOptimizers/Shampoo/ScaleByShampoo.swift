import NGLinearAlgebra
import NGModels

/// What ``ScaleByShampoo`` carries between steps.
public struct ShampooState<Scalar: BLASScalar>: Sendable {
    /// t, the number of updates so far.
    public internal(set) var count = 0
    /// The layers whose weight matrices get Kronecker preconditioners (fixed at the first update).
    public internal(set) var layers: [LayerParameterLayout] = []
    /// L = ε·I + Σ G·Gᵀ per layer (out×out). Only the lower triangle is maintained (the
    /// eigendecomposition reads no more); ``symmetric(_:)`` completes it.
    public internal(set) var leftStatistics: [Matrix<Scalar>] = []
    /// R = ε·I + Σ Gᵀ·G per layer (in×in), lower triangle maintained.
    public internal(set) var rightStatistics: [Matrix<Scalar>] = []
    /// L^(−1/4) from the last root update.
    public internal(set) var leftRoots: [Matrix<Scalar>] = []
    /// R^(−1/4) from the last root update.
    public internal(set) var rightRoots: [Matrix<Scalar>] = []
    /// H = ε + Σ g² per parameter, for the parameters preconditioned diagonally (biases and
    /// parameters outside the layers; the weight entries stay at ε, unused).
    public internal(set) var diagonalStatistics: Vector<Scalar>
    /// The grafted Adam's first and second moments (empty unless Adam grafting).
    public internal(set) var graftFirstMoment: Vector<Scalar>
    public internal(set) var graftSecondMoment: Vector<Scalar>
    /// The parameters preconditioned diagonally.
    var diagonalIndices: [Int] = []
    /// The grafting blocks: each layer's weight and bias, and the runs outside the layers.
    var blocks: [Range<Int>] = []

    /// The full symmetric matrix from one whose lower triangle is maintained.
    public static func symmetric(_ lower: Matrix<Scalar>) -> Matrix<Scalar> {
        var full = lower
        full.symmetrize(from: .lower)
        return full
    }
}

/// Shampoo's preconditioning (Gupta, Koren & Singer 2018, "Shampoo: preconditioned stochastic
/// tensor optimization", Algorithm 1 for matrices).
///
/// For each layer's weight matrix W (out×in) with gradient G at step t:
///
///     L ← L + G·Gᵀ,   R ← R + Gᵀ·G          (L₀ = ε·I, R₀ = ε·I)
///     u_W = L^(−1/4) · G · R^(−1/4)
///
/// the roots recomputed every T steps (``ShampooSettings/rootUpdateInterval``; in between the
/// last ones are used) by `symmetricInversePthRoot(4, eigenvalueFloor: ε)`. A convolution's
/// kernel is preconditioned as its (out, in·kh·kw) matrix, the layer's `LayerParameterLayout`
/// shape (the order-4 tensor form of the paper would use four factors). Vectors — biases and
/// the parameters outside every layer, e.g. all of θ for an objective without layers — use the
/// diagonal version, the order-1 case of Shampoo with its matrix restricted to the diagonal:
///
///     H ← H + g²,   u = g / √H              (H₀ = ε, entrywise: diagonal AdaGrad)
///
/// Optional grafting (``ShampooGrafting``) then rescales each block to the norm of SGD's or
/// Adam's update. Follow with ``ScaleByLearningRate``.
///
/// Cost per step: two syrks and two gemms per layer, O(out·in·(out + in)); every T steps two
/// eigendecompositions, O(out³ + in³).
public struct ScaleByShampoo<Scalar: BLASScalar>: GradientTransformation {
    /// The hyperparameters.
    public let settings: ShampooSettings<Scalar>

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming a bad setting.
    public init(settings: ShampooSettings<Scalar> = ShampooSettings()) throws {
        try settings.validate()
        self.settings = settings
    }

    public func initialState(parameters: Vector<Scalar>) -> ShampooState<Scalar> {
        let p = parameters.count
        let adam: Bool = { if case .adam = settings.grafting { return true } else { return false } }()
        return ShampooState(
            diagonalStatistics: Vector(count: p, repeating: settings.epsilon),
            graftFirstMoment: adam ? Vector(count: p) : Vector(), graftSecondMoment: adam ? Vector(count: p) : Vector())
    }

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when the update's length or the layers
    ///   changed; ``OptimizerError/nonFinite(_:)`` for a non-finite update;
    ///   `LinearAlgebraError` if an eigendecomposition fails.
    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout ShampooState<Scalar>, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        let p = update.count
        guard state.diagonalStatistics.count == p else {
            throw OptimizerError.invalidArgument("Shampoo: the update has \(p) entries, the state \(state.diagonalStatistics.count)")
        }
        guard update.isFinite else { throw OptimizerError.nonFinite("Shampoo: the incoming update is not finite at step \(state.count)") }
        if state.count == 0 {
            configure(&state, layers: layers, parameterCount: p)
        } else if layers.filter({ $0.range.upperBound <= p }) != state.layers {
            throw OptimizerError.invalidArgument("Shampoo: the objective's layers changed since the first step")
        }
        state.count += 1
        let graft = try graftedDirection(update, state: &state)
        let refreshRoots = (state.count - 1) % settings.rootUpdateInterval == 0
        for (i, layout) in state.layers.enumerated() {
            try precondition(&update, layer: i, layout: layout, state: &state, refreshRoots: refreshRoots)
        }
        update.elements.withUnsafeMutableBufferPointer { u in
            state.diagonalStatistics.elements.withUnsafeMutableBufferPointer { h in
                for j in state.diagonalIndices {
                    h[j] += u[j] * u[j]
                    u[j] /= h[j].squareRoot()
                }
            }
        }
        if let graft { Self.graft(&update, norms: graft, blocks: state.blocks) }
    }

    /// Fixes the layers, the diagonal parameters and the grafting blocks at the first update.
    func configure(_ state: inout ShampooState<Scalar>, layers: [LayerParameterLayout], parameterCount p: Int) {
        let usable = layers.filter { $0.range.upperBound <= p }
        state.layers = usable
        state.leftStatistics = usable.map { Matrix.identity($0.rows).scaledKFAC(by: settings.epsilon) }
        state.rightStatistics = usable.map { Matrix.identity($0.columns).scaledKFAC(by: settings.epsilon) }
        state.leftRoots = usable.map { Matrix(rows: $0.rows, columns: $0.rows) }
        state.rightRoots = usable.map { Matrix(rows: $0.columns, columns: $0.columns) }
        var isWeight = [Bool](repeating: false, count: p)
        for layout in usable { for j in layout.weightRange { isWeight[j] = true } }
        state.diagonalIndices = (0..<p).filter { !isWeight[$0] }
        var blocks = [Range<Int>]()
        for layout in usable { blocks.append(layout.weightRange); blocks.append(layout.biasRange) }
        let everyBlock = CurvatureStatistics.parameterBlocks(usable, parameterCount: p)
        blocks += everyBlock.filter { range in !usable.contains { $0.range == range } }
        state.blocks = blocks.filter { !$0.isEmpty }
    }

    /// The norms of the grafted optimizer's update per block (nil without grafting), advancing
    /// the grafted Adam's moments.
    func graftedDirection(_ gradient: Vector<Scalar>, state: inout ShampooState<Scalar>) throws -> [Scalar]? {
        switch settings.grafting {
        case .none:
            return nil
        case .sgd:
            return state.blocks.map { Self.norm(gradient, $0) }
        case let .adam(beta1, beta2, epsilon):
            let t = Scalar(state.count)
            let c1 = 1 / (1 - Scalar.pow(beta1, t)), c2 = 1 / (1 - Scalar.pow(beta2, t))
            var direction = gradient
            direction.elements.withUnsafeMutableBufferPointer { u in
                state.graftFirstMoment.elements.withUnsafeMutableBufferPointer { m in
                    state.graftSecondMoment.elements.withUnsafeMutableBufferPointer { v in
                        TransformKernels.adam(
                            update: u, firstMoment: m, secondMoment: v, beta1: beta1, beta2: beta2, epsilon: epsilon,
                            firstCorrection: c1, secondCorrection: c2)
                    }
                }
            }
            return state.blocks.map { Self.norm(direction, $0) }
        }
    }

    /// Updates layer i's L and R with its weight gradient G, refreshes the roots when due, and
    /// replaces G in `update` by L^(−1/4)·G·R^(−1/4).
    func precondition(
        _ update: inout Vector<Scalar>, layer i: Int, layout: LayerParameterLayout, state: inout ShampooState<Scalar>, refreshRoots: Bool
    ) throws {
        let (m, n) = (layout.rows, layout.columns)
        let start = layout.weightRange.lowerBound
        var product = Matrix<Scalar>(rows: m, columns: n)
        update.elements.withUnsafeBufferPointer { u in
            let g = u.baseAddress! + start
            state.leftStatistics[i].elements.withUnsafeMutableBufferPointer { l in
                Scalar.syrk(.lower, .none, Int32(m), Int32(n), 1, g, Int32(n), 1, l.baseAddress!, Int32(m))
            }
            state.rightStatistics[i].elements.withUnsafeMutableBufferPointer { r in
                Scalar.syrk(.lower, .transpose, Int32(n), Int32(m), 1, g, Int32(n), 1, r.baseAddress!, Int32(n))
            }
        }
        if refreshRoots {
            state.leftRoots[i] = try state.leftStatistics[i].symmetricInversePthRoot(4, eigenvalueFloor: settings.epsilon)
            state.rightRoots[i] = try state.rightStatistics[i].symmetricInversePthRoot(4, eigenvalueFloor: settings.epsilon)
        }
        let (left, right) = (state.leftRoots[i], state.rightRoots[i])
        update.elements.withUnsafeMutableBufferPointer { u in
            let g = u.baseAddress! + start
            left.elements.withUnsafeBufferPointer { l in
                right.elements.withUnsafeBufferPointer { r in
                    product.elements.withUnsafeMutableBufferPointer { t in
                        Scalar.gemm(.none, .none, Int32(m), Int32(n), Int32(m), 1, l.baseAddress!, Int32(m), g, Int32(n), 0, t.baseAddress!, Int32(n))
                        Scalar.gemm(.none, .none, Int32(m), Int32(n), Int32(n), 1, t.baseAddress!, Int32(n), r.baseAddress!, Int32(n), 0, g, Int32(n))
                    }
                }
            }
        }
    }

    /// ‖x[range]‖.
    static func norm(_ x: Vector<Scalar>, _ range: Range<Int>) -> Scalar {
        x.elements.withUnsafeBufferPointer { p in
            range.isEmpty ? 0 : Scalar.nrm2(Int32(range.count), p.baseAddress! + range.lowerBound, 1)
        }
    }

    /// Rescales each block of `update` to the grafted norm (blocks with a zero update stay zero).
    static func graft(_ update: inout Vector<Scalar>, norms: [Scalar], blocks: [Range<Int>]) {
        for (range, target) in zip(blocks, norms) {
            let current = norm(update, range)
            guard current > 0 else { continue }
            let scale = target / current
            update.elements.withUnsafeMutableBufferPointer { u in
                Scalar.scal(Int32(range.count), scale, u.baseAddress! + range.lowerBound, 1)
            }
        }
    }
}

extension Matrix {
    /// α·self.
    func scaledKFAC(by alpha: Scalar) -> Matrix {
        var result = self
        result.scale(by: alpha)
        return result
    }
}
