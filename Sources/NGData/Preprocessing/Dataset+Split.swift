import NGRandom

extension Dataset {
    /// A random train/test split.
    ///
    /// The test set has round(testFraction · N) examples (halves rounded up); a fraction of 0
    /// gives an empty test set. The examples are drawn by a permutation from `generator`, so the
    /// same seed gives the same split; both sides keep the permuted order.
    ///
    /// When `stratified` is true (classification only), each class k contributes its share
    /// testFraction · Nₖ to the test set, rounded so that the shares still add up to
    /// round(testFraction · N) (largest remainders first, ties to the lower class), and the test
    /// examples of each class are the first ones of that class in the permutation.
    ///
    /// - Parameters:
    ///   - testFraction: the share of examples held out, in [0, 1).
    ///   - stratified: keep the class proportions in both sides.
    ///   - generator: the source of randomness; advanced by the draw.
    /// - Throws: ``DataError`` when `testFraction` is outside [0, 1), the split would leave no
    ///   training example, or `stratified` is asked of a regression data set.
    public func split(
        testFraction: Double, stratified: Bool = false, generator: inout SeededGenerator
    ) throws -> (train: Dataset, test: Dataset) {
        guard testFraction >= 0, testFraction < 1 else {
            throw DataError("Dataset.split", "testFraction \(testFraction) is outside [0, 1)")
        }
        let testCount = Int((testFraction * Double(count)).rounded(.toNearestOrAwayFromZero))
        guard testCount < count || count == 0 else {
            throw DataError("Dataset.split", "testFraction \(testFraction) of \(count) examples leaves no training example")
        }
        let permutation = generator.permutation(count)
        var isTest = [Bool](repeating: false, count: count)
        if stratified {
            guard let labels, let classCounts else {
                throw DataError("Dataset.split", "a stratified split needs class labels, '\(name)' is a regression data set")
            }
            var quota = Self.stratifiedQuotas(classCounts: classCounts, total: testCount, fraction: testFraction)
            for i in permutation where quota[labels[i]] > 0 {
                quota[labels[i]] -= 1
                isTest[i] = true
            }
        } else {
            for i in permutation.prefix(testCount) { isTest[i] = true }
        }
        return (subset(at: permutation.filter { !isTest[$0] }), subset(at: permutation.filter { isTest[$0] }))
    }

    /// Per-class test counts: ⌊f · Nₖ⌋, plus one for the classes with the largest remainders
    /// until they add up to `total`.
    static func stratifiedQuotas(classCounts: [Int], total: Int, fraction: Double) -> [Int] {
        let shares = classCounts.map { fraction * Double($0) }
        var quotas = shares.map { Int($0.rounded(.down)) }
        let byRemainder = shares.indices.sorted { (shares[$0] - Double(quotas[$0]), -$0) > (shares[$1] - Double(quotas[$1]), -$1) }
        var missing = total - quotas.reduce(0, +)
        for k in byRemainder where missing > 0 && quotas[k] < classCounts[k] {
            quotas[k] += 1
            missing -= 1
        }
        return quotas
    }
}
