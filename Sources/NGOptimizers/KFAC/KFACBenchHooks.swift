// TEMPORARY (helper-kfac benchmarking; removed before hand-off)
import NGLinearAlgebra
extension KFACLayerFactors {
    public mutating func accumulateInputGramForBench(_ x: Matrix<Scalar>) { accumulateInputGram(x, rowCount: x.rows, scale: 1 / Scalar(x.rows), decay: 0.5) }
    public mutating func accumulateGradientGramForBench(_ g: Matrix<Scalar>) { accumulateGradientGram(g, rowCount: g.rows, alpha: 0.001, beta: 0.5); hasStatistics = true }
    public mutating func updateInverseForBench(_ d: Scalar) throws { try updateInverse(damping: d, method: .factoredTikhonov) }
    public mutating func solveForBench(_ v: UnsafeBufferPointer<Scalar>, _ o: UnsafeMutableBufferPointer<Scalar>) throws { try solve(flat: v, into: o) }
}
