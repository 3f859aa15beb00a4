import NGCurvature
import NGLinearAlgebra
import NGModels
import NGRandom

/// Kernels shared by the curvature approximations: running averages, square roots and their
/// diagonals and blocks, Hutchinson diagonals, parameter blocks and low-rank truncation.
enum CurvatureStatistics {
    // MARK: Validation

    /// Throws unless 0 ≤ decay < 1.
    static func validate<Scalar: BLASScalar>(decay: Scalar, _ owner: String) throws {
        guard decay >= 0, decay < 1 else {
            throw OptimizerError.invalidArgument("\(owner): the running-average decay must be in [0, 1), got \(decay)")
        }
    }

    /// Throws unless λ is finite and ≥ 0.
    static func validate<Scalar: BLASScalar>(damping: Scalar, _ owner: String) throws {
        guard damping >= 0, damping.isFinite else {
            throw OptimizerError.invalidArgument("\(owner): the damping must be finite and ≥ 0, got \(damping)")
        }
    }

    /// Throws unless `v` has P entries.
    static func validate<Scalar: BLASScalar>(_ v: Vector<Scalar>, count: Int, _ owner: String) throws {
        guard v.count == count else {
            throw OptimizerError.invalidArgument("\(owner): the vector has \(v.count) entries, the approximation \(count) parameters")
        }
    }

    /// The error for using an approximation before its first statistics update.
    static func noStatistics(_ owner: String) -> OptimizerError {
        OptimizerError.invalidArgument("\(owner): no curvature statistics yet; call updateStatistics(at:layers:decay:) first")
    }

    /// The error for solving before the first inverse update.
    static func noInverse(_ owner: String) -> OptimizerError {
        OptimizerError.invalidArgument("\(owner): no inverse yet; call updateInverse(damping:) after updateStatistics")
    }

    // MARK: Running averages

    /// S ← decay·S + (1 − decay)·new, or S ← new when there is no S yet.
    static func average<Storage: DenseStorage>(_ statistics: inout Storage?, _ new: Storage, decay: Storage.Scalar) throws {
        guard var current = statistics, decay > 0 else {
            statistics = new
            return
        }
        current.scale(by: decay)
        try current.add(new, scaledBy: 1 - decay)
        statistics = current
    }

    // MARK: Square roots

    /// S with SᵀS the curvature of `kind` without the penalty, and the penalty's diagonal, when
    /// the point provides them (``CurvatureSquareRootProviding``); `nil` otherwise.
    static func squareRoot<P: EvaluatedObjective>(
        _ point: P, _ kind: CurvatureKind, samples: Int, seed: UInt64
    ) throws -> (root: Matrix<P.Scalar>, penalty: Vector<P.Scalar>?)? {
        guard let provider = point as? any CurvatureSquareRootProviding<P.Scalar> else { return nil }
        do {
            return (try provider.curvatureSquareRoot(kind, samples: samples, seed: seed), provider.penaltyDiagonal)
        } catch OptimizerError.unsupported {
            return nil
        }
    }

    /// diag(SᵀS): the sum of squares of each column.
    static func columnSquareSums<Scalar: BLASScalar>(_ s: Matrix<Scalar>) -> Vector<Scalar> {
        let (m, p) = (s.rows, s.columns)
        var sums = [Scalar](repeating: 0, count: p)
        s.elements.withUnsafeBufferPointer { e in
            sums.withUnsafeMutableBufferPointer { d in
                for i in 0..<m {
                    let row = i * p
                    for j in 0..<p { d[j] += e[row + j] * e[row + j] }
                }
            }
        }
        return Vector(sums)
    }

    /// The columns `range` of S, an m×|range| matrix.
    static func columns<Scalar: BLASScalar>(_ s: Matrix<Scalar>, _ range: Range<Int>) -> Matrix<Scalar> {
        let (m, p, n) = (s.rows, s.columns, range.count)
        var out = [Scalar](repeating: 0, count: m * n)
        s.elements.withUnsafeBufferPointer { e in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<m {
                    for j in 0..<n { o[i * n + j] = e[i * p + range.lowerBound + j] }
                }
            }
        }
        return try! Matrix(rows: m, columns: n, elements: out)
    }

    /// The square block A[range, range] of a square matrix.
    static func block<Scalar: BLASScalar>(_ a: Matrix<Scalar>, _ range: Range<Int>) -> Matrix<Scalar> {
        let start = range.lowerBound
        return Matrix(rows: range.count, columns: range.count) { i, j in a[start + i, start + j] }
    }

    /// Adds `values[range]` to the diagonal of a block.
    static func addDiagonal<Scalar: BLASScalar>(_ values: Vector<Scalar>?, _ range: Range<Int>, to block: inout Matrix<Scalar>) {
        guard let values else { return }
        for (i, j) in range.enumerated() { block[i, i] += values[j] }
    }

    // MARK: Diagonals

    /// The diagonal of the curvature of `kind` at `point`, penalty included.
    ///
    /// From the square root S when the point has one (diag(SᵀS) + λ₂·M, O(mP)); otherwise by
    /// Hutchinson's estimator diag(C) ≈ (1/s)·Σ zₛ⊙(C·zₛ) with s Rademacher probes zₛ (Bekas,
    /// Kokiopoulou & Saad 2007), seeded with `seed`. When s ≥ P the unit vectors replace the
    /// probes, and the diagonal is exact (P curvature products).
    static func diagonal<P: EvaluatedObjective>(
        _ point: P, _ kind: CurvatureKind, samples: Int, seed: UInt64, probes: Int
    ) throws -> Vector<P.Scalar> {
        let p = point.parameters.count
        if let (root, penalty) = try squareRoot(point, kind, samples: samples, seed: seed) {
            var d = columnSquareSums(root)
            if let penalty { try d.add(penalty) }
            return d
        }
        var d = Vector<P.Scalar>(count: p)
        if probes >= p {
            var unit = Vector<P.Scalar>(count: p)
            for j in 0..<p {
                unit[j] = 1
                d[j] = try point.curvatureProduct(kind, unit, samples: samples, seed: seed)[j]
                unit[j] = 0
            }
            return d
        }
        var generator = SeededGenerator(seed: seed ^ 0x4855_5443_4849_4E53)
        for _ in 0..<probes {
            let z = Vector<P.Scalar>((0..<p).map { _ in generator.next() & 1 == 0 ? 1 : -1 })
            let product = try point.curvatureProduct(kind, z, samples: samples, seed: seed)
            for j in 0..<p { d[j] += z[j] * product[j] }
        }
        d.scale(by: 1 / P.Scalar(probes))
        return d
    }

    // MARK: Blocks

    /// Contiguous parameter blocks: one per layer in `layers` (in parameter order), plus one
    /// block for each run of parameters no layer covers; one block of all P parameters when
    /// there are no layers.
    static func parameterBlocks(_ layers: [LayerParameterLayout], parameterCount p: Int) -> [Range<Int>] {
        let ranges = layers.map(\.range).filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var blocks = [Range<Int>]()
        var next = 0
        for range in ranges where range.lowerBound >= next && range.upperBound <= p {
            if range.lowerBound > next { blocks.append(next..<range.lowerBound) }
            blocks.append(range)
            next = range.upperBound
        }
        if next < p { blocks.append(next..<p) }
        return blocks
    }

    /// The diagonal blocks of the curvature of `kind` (penalty included) on `blocks`: from the
    /// square root's column slices Sᵢ as SᵢᵀSᵢ (one syrk each, O(m·nᵢ²)) when the point has one,
    /// otherwise sliced from the dense P×P curvature.
    static func blocks<P: EvaluatedObjective>(
        _ point: P, _ kind: CurvatureKind, samples: Int, seed: UInt64, blocks ranges: [Range<Int>]
    ) throws -> [Matrix<P.Scalar>] {
        if let (root, penalty) = try squareRoot(point, kind, samples: samples, seed: seed) {
            return ranges.map { range in
                var block = columns(root, range).gram()
                addDiagonal(penalty, range, to: &block)
                return block
            }
        }
        let dense = try point.denseCurvature(kind, samples: samples, seed: seed)
        return ranges.map { block(dense, $0) }
    }

    // MARK: Low rank

    /// A factor U (P×r′, r′ ≤ r) with U·Uᵀ the best rank-r approximation of Z·Zᵀ.
    ///
    /// The Gram trick (Le Roux, Manzagol & Bengio 2008, §3): with the c×c Gram matrix
    /// ZᵀZ = V·Λ·Vᵀ, the eigenvectors of Z·Zᵀ are Z·vᵢ/√λᵢ, so U = Z·V_r (the columns for the r
    /// largest λᵢ) gives U·Uᵀ = Σ_{i≤r} λᵢ·uᵢuᵢᵀ, at O(Pc² + c³) instead of O(P³). Directions
    /// with λᵢ ≤ ε·λ_max·c (numerically zero) are dropped. Z is returned as it is when c ≤ r.
    static func truncatedFactor<Scalar: BLASScalar>(_ z: Matrix<Scalar>, rank r: Int) throws -> Matrix<Scalar> {
        let c = z.columns
        if c <= r { return z }
        let eigen = try SymmetricEigendecomposition(z.gram())
        let largest = eigen.eigenvalues.elements.last ?? 0
        let threshold = largest * Scalar.ulpOfOne * Scalar(Swift.max(c, 1))
        // Ascending eigenvalues: keep the last r above the threshold.
        let kept = (0..<c).reversed().prefix(r).filter { eigen.eigenvalues[$0] > threshold }
        var selected = Matrix<Scalar>(rows: c, columns: kept.count)
        for (column, index) in kept.enumerated() {
            for i in 0..<c { selected[i, column] = eigen.eigenvectors[i, index] }
        }
        return try z.multiplied(by: selected)
    }

    /// [a·A, b·B], side by side (both P rows).
    static func concatenated<Scalar: BLASScalar>(_ a: Matrix<Scalar>, scaledBy alpha: Scalar, _ b: Matrix<Scalar>, scaledBy beta: Scalar) -> Matrix<Scalar> {
        precondition(a.rows == b.rows, "concatenated: \(a.rows) and \(b.rows) rows")
        let (p, ca, cb) = (a.rows, a.columns, b.columns)
        let c = ca + cb
        var out = [Scalar](repeating: 0, count: p * c)
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<p {
                        for j in 0..<ca { o[i * c + j] = alpha * pa[i * ca + j] }
                        for j in 0..<cb { o[i * c + ca + j] = beta * pb[i * cb + j] }
                    }
                }
            }
        }
        return try! Matrix(rows: p, columns: c, elements: out)
    }

    /// U·(Uᵀ·v).
    static func lowRankProduct<Scalar: BLASScalar>(_ u: Matrix<Scalar>, _ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard u.columns > 0 else { return Vector(count: u.rows) }
        return try u.multiplied(by: u.multiplied(by: v, transposingSelf: true))
    }

    /// The size of one scalar in bytes.
    static func scalarBytes<Scalar: BLASScalar>(_: Scalar.Type) -> Int { MemoryLayout<Scalar>.size }
}
