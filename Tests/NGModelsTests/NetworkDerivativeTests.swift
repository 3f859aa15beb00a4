import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// Forward mode, reverse mode and second order on whole networks: J·v against finite differences
/// of the forward pass, ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩, the loss gradient and the exact Hessian-vector
/// product against finite differences, Hessian symmetry, and Gauss-Newton products against an
/// explicit Σ Jᵢᵀ·F_z·Jᵢ built from a finite-difference Jacobian.
@Suite struct NetworkDerivativeTests {
    static let examples = 3

    static func networks<T: BLASScalar>(_: T.Type) throws -> [(String, Network<T>)] {
        [("smooth", try NetworkFixtures.smoothNetwork(T.self)), ("piecewise", try NetworkFixtures.piecewiseNetwork(T.self))]
    }

    /// J·v equals (f(θ + hv) − f(θ − hv)) / 2h.
    @Test func jacobianVectorProductMatchesFiniteDifferences() throws {
        for (name, network) in try Self.networks(Double.self) {
            let theta = NetworkFixtures.parameters(for: network, seed: 1)
            let x = NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 2)
            let v: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 3)
            let jv = try network.forward(x, parameters: theta).jacobianVectorProduct(v)
            #expect(jv.rows == Self.examples && jv.columns == network.outputCount)
            let differences = try NetworkFixtures.centralDifference(at: theta, direction: v) { try network.outputs(x, parameters: $0).elements }
            #expect(NetworkFixtures.relativeError(jv.elements, differences) < 1e-7, "\(name)")
        }
    }

    /// ⟨U, J·v⟩ = ⟨Jᵀ·U, v⟩: forward and reverse mode are adjoint, in both precisions.
    @Test(arguments: NetworkFixtures.precisions)
    func forwardAndReverseModeAreAdjoint(_ type: any BLASScalar.Type) throws { try checkAdjoint(type) }

    func checkAdjoint<T: BLASScalar>(_: T.Type) throws {
        for (name, network) in try Self.networks(T.self) {
            let pass = try network.forward(NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 4), parameters: NetworkFixtures.parameters(for: network, seed: 5))
            let v: Vector<T> = TestMatrices.gaussianVector(network.parameterCount, seed: 6)
            let u: Matrix<T> = TestMatrices.gaussian(Self.examples, network.outputCount, seed: 7)
            let left = NetworkFixtures.inner(u.elements, try pass.jacobianVectorProduct(v).elements)
            let right = NetworkFixtures.inner(try pass.vectorJacobianProduct(u).elements, v.elements)
            #expect(Swift.abs(left - right) < NetworkFixtures.tolerance(T.self) * Swift.max(1, Swift.abs(left)) * 100, "\(name) \(T.self): \(left) vs \(right)")
        }
    }

    /// ∇L and H·v of the mean loss equal central differences of L and of ∇L, for every likelihood;
    /// on the smooth network (for H·v, finite differences need a twice-differentiable loss).
    @Test func lossGradientAndHessianMatchFiniteDifferences() throws {
        let network = try NetworkFixtures.smoothNetwork(Double.self)
        let theta = NetworkFixtures.parameters(for: network, seed: 8)
        let x = NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 9)
        let v: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 10)
        for likelihood in NetworkFixtures.likelihoods(Double.self) {
            let pass = try network.forward(x, parameters: theta)
            let y = NetworkFixtures.targets(likelihood, outputs: pass.outputs, seed: 11)
            let gradient = try pass.lossGradient(likelihood: likelihood, targets: y)
            let gradientDifferences = try NetworkFixtures.finiteDifferenceGradient(at: theta) {
                try network.forward(x, parameters: $0).meanLoss(likelihood: likelihood, targets: y)
            }
            #expect(NetworkFixtures.relativeError(gradient.elements, gradientDifferences) < 1e-7, "\(likelihood) gradient")

            let hv = try pass.hessianVectorProduct(v, likelihood: likelihood, targets: y)
            let hessianDifferences = try NetworkFixtures.centralDifference(at: theta, direction: v, step: 1e-4) {
                try network.forward(x, parameters: $0).lossGradient(likelihood: likelihood, targets: y).elements
            }
            #expect(NetworkFixtures.relativeError(hv.elements, hessianDifferences) < 1e-6, "\(likelihood) Hessian-vector product")
        }
    }

    /// On the piecewise-linear network the Hessian-vector product is still exact: ReLU and max
    /// pooling contribute no curvature, the rest comes from products of weights.
    @Test func hessianOfPiecewiseNetworkMatchesFiniteDifferences() throws {
        let network = try NetworkFixtures.piecewiseNetwork(Double.self)
        let theta = NetworkFixtures.parameters(for: network, seed: 12)
        let x = NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 13)
        let v: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 14)
        let likelihood = CategoricalLikelihood<Double>()
        let pass = try network.forward(x, parameters: theta)
        let y = NetworkFixtures.targets(likelihood, outputs: pass.outputs, seed: 15)
        let hv = try pass.hessianVectorProduct(v, likelihood: likelihood, targets: y)
        let differences = try NetworkFixtures.centralDifference(at: theta, direction: v, step: 1e-6) {
            try network.forward(x, parameters: $0).lossGradient(likelihood: likelihood, targets: y).elements
        }
        #expect(NetworkFixtures.relativeError(hv.elements, differences) < 1e-6)
    }

    /// ⟨u, H·v⟩ = ⟨H·u, v⟩ and ⟨u, G·v⟩ = ⟨G·u, v⟩ with ⟨v, G·v⟩ ≥ 0, in both precisions.
    @Test(arguments: NetworkFixtures.precisions)
    func curvatureProductsAreSymmetric(_ type: any BLASScalar.Type) throws { try checkSymmetry(type) }

    func checkSymmetry<T: BLASScalar>(_: T.Type) throws {
        let network = try NetworkFixtures.smoothNetwork(T.self)
        let pass = try network.forward(NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 16), parameters: NetworkFixtures.parameters(for: network, seed: 17))
        let u: Vector<T> = TestMatrices.gaussianVector(network.parameterCount, seed: 18)
        let v: Vector<T> = TestMatrices.gaussianVector(network.parameterCount, seed: 19)
        let tolerance = NetworkFixtures.tolerance(T.self) * 100
        for likelihood in NetworkFixtures.likelihoods(T.self) {
            let y = NetworkFixtures.targets(likelihood, outputs: pass.outputs, seed: 20)
            let hu = try pass.hessianVectorProduct(u, likelihood: likelihood, targets: y)
            let hv = try pass.hessianVectorProduct(v, likelihood: likelihood, targets: y)
            let (uhv, vhu) = (NetworkFixtures.inner(u.elements, hv.elements), NetworkFixtures.inner(v.elements, hu.elements))
            #expect(Swift.abs(uhv - vhu) < tolerance * Swift.max(1, Swift.abs(uhv)), "\(likelihood) \(T.self) Hessian: \(uhv) vs \(vhu)")
            let gu = try pass.gaussNewtonVectorProduct(u, likelihood: likelihood)
            let gv = try pass.gaussNewtonVectorProduct(v, likelihood: likelihood)
            let (ugv, vgu) = (NetworkFixtures.inner(u.elements, gv.elements), NetworkFixtures.inner(v.elements, gu.elements))
            #expect(Swift.abs(ugv - vgu) < tolerance * Swift.max(1, Swift.abs(ugv)), "\(likelihood) \(T.self) Gauss-Newton")
            #expect(NetworkFixtures.inner(v.elements, gv.elements) >= 0)
        }
    }

    /// G·v equals (1/N)·Σᵢ Jᵢᵀ·F_z(zᵢ)·Jᵢ·v with each Jᵢ built column by column from central
    /// differences of the forward pass and F_z from the closed-form matrix.
    @Test func gaussNewtonProductMatchesExplicitJacobians() throws {
        let network = try NetworkFixtures.smoothNetwork(Double.self)
        let theta = NetworkFixtures.parameters(for: network, seed: 21)
        let x = NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 22)
        let v: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 23)
        let (count, outputs) = (network.parameterCount, network.outputCount)
        // jacobianColumns[j] = ∂z/∂θ_j for the whole batch (N·out entries).
        let jacobianColumns = try (0..<count).map { j -> [Double] in
            var unit = Vector<Double>(count: count)
            unit[j] = 1
            return try NetworkFixtures.centralDifference(at: theta, direction: unit) { try network.outputs(x, parameters: $0).elements }
        }
        let pass = try network.forward(x, parameters: theta)
        for likelihood in NetworkFixtures.likelihoods(Double.self) {
            var expected = [Double](repeating: 0, count: count)
            for i in 0..<Self.examples {
                let jacobian = Matrix<Double>(rows: outputs, columns: count) { k, j in jacobianColumns[j][i * outputs + k] }
                let jv = DenseOracles.product(jacobian, v.asColumn)
                let fjv = DenseOracles.product(likelihood.fisherMatrix(output: pass.outputs.row(i)), jv)
                let contribution = DenseOracles.product(DenseOracles.transposed(jacobian), fjv)
                for j in 0..<count { expected[j] += contribution[j, 0] / Double(Self.examples) }
            }
            let gv = try pass.gaussNewtonVectorProduct(v, likelihood: likelihood)
            #expect(NetworkFixtures.relativeError(gv.elements, expected) < 1e-7, "\(likelihood)")
        }
    }

    /// For a model linear in its parameters (one dense layer) the Hessian of a canonical-link loss
    /// is exactly the Gauss-Newton matrix; on a deeper network it is not.
    @Test func hessianEqualsGaussNewtonForLinearModels() throws {
        let linear = try Network<Double>(inputShape: .flat(5), layers: [try Dense<Double>(inputCount: 5, outputCount: 3)])
        let deep = try NetworkFixtures.smoothNetwork(Double.self)
        for likelihood in NetworkFixtures.likelihoods(Double.self) {
            for (network, isLinear) in [(linear, true), (deep, false)] {
                let pass = try network.forward(NetworkFixtures.inputs(for: network, examples: 4, seed: 24), parameters: NetworkFixtures.parameters(for: network, seed: 25))
                let y = NetworkFixtures.targets(likelihood, outputs: pass.outputs, seed: 26)
                let v: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 27)
                let hv = try pass.hessianVectorProduct(v, likelihood: likelihood, targets: y)
                let gv = try pass.gaussNewtonVectorProduct(v, likelihood: likelihood)
                let error = NetworkFixtures.relativeError(hv.elements, gv.elements)
                if isLinear { #expect(error < 1e-12, "\(likelihood) linear") } else { #expect(error > 1e-3, "\(likelihood) deep") }
            }
        }
    }

    /// Float and Double agree on the gradient, J·v, H·v and G·v of the same network.
    @Test func floatAgreesWithDouble() throws {
        let double = try NetworkFixtures.smoothNetwork(Double.self)
        let single = try NetworkFixtures.smoothNetwork(Float.self)
        let theta = NetworkFixtures.parameters(for: double, seed: 28)
        let x = NetworkFixtures.inputs(for: double, examples: Self.examples, seed: 29)
        let v: Vector<Double> = TestMatrices.gaussianVector(double.parameterCount, seed: 30)
        let passD = try double.forward(x, parameters: theta)
        let passF = try single.forward(x.converted(), parameters: theta.converted())
        #expect(NetworkFixtures.relativeError(try passF.jacobianVectorProduct(v.converted()).elements, try passD.jacobianVectorProduct(v).elements) < 1e-4)
        for kind in LikelihoodKind.allCases {
            let (likelihoodD, likelihoodF) = (kind.likelihood(Double.self), kind.likelihood(Float.self))
            let y = NetworkFixtures.targets(likelihoodD, outputs: passD.outputs, seed: 31)
            #expect(NetworkFixtures.relativeError(
                try passF.lossGradient(likelihood: likelihoodF, targets: y.converted()).elements,
                try passD.lossGradient(likelihood: likelihoodD, targets: y).elements) < 1e-4, "\(kind) gradient")
            #expect(NetworkFixtures.relativeError(
                try passF.hessianVectorProduct(v.converted(), likelihood: likelihoodF, targets: y.converted()).elements,
                try passD.hessianVectorProduct(v, likelihood: likelihoodD, targets: y).elements) < 1e-4, "\(kind) Hessian")
            #expect(NetworkFixtures.relativeError(
                try passF.gaussNewtonVectorProduct(v.converted(), likelihood: likelihoodF).elements,
                try passD.gaussNewtonVectorProduct(v, likelihood: likelihoodD).elements) < 1e-4, "\(kind) Gauss-Newton")
        }
    }
}
