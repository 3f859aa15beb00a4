import NGRandom
import Testing
@testable import NGData

@Suite("Minibatches")
struct MinibatchesTests {
    @Test(arguments: [(10, 3), (12, 4), (1, 5), (0, 2), (100, 1)])
    func everyEpochCoversEachIndexOnce(count: Int, batchSize: Int) {
        for shuffle in [false, true] {
            let batches = Minibatches(count: count, batchSize: batchSize, shuffle: shuffle, generator: SeededGenerator(seed: 1))
            #expect(batches.batchesPerEpoch == (count + batchSize - 1) / batchSize)
            for epoch in 0..<3 {
                let epochBatches = batches.batches(epoch: epoch)
                #expect(epochBatches.count == batches.batchesPerEpoch)
                #expect(epochBatches.flatMap { $0 }.sorted() == Array(0..<count))
                #expect(epochBatches.dropLast().allSatisfy { $0.count == batchSize })
                if let last = epochBatches.last {
                    #expect(last.count == (count % batchSize == 0 ? batchSize : count % batchSize))
                }
                if !shuffle { #expect(epochBatches.flatMap { $0 } == Array(0..<count)) }
            }
        }
    }

    @Test func dropsTheLastPartialBatchOnRequest() {
        let batches = Minibatches(count: 10, batchSize: 3, shuffle: true, dropLast: true, generator: SeededGenerator(seed: 2))
        #expect(batches.batchesPerEpoch == 3)
        for epoch in 0..<4 {
            let flat = batches.batches(epoch: epoch).flatMap { $0 }
            #expect(flat.count == 9 && Set(flat).count == 9)
            #expect(flat.allSatisfy { (0..<10).contains($0) })
        }
    }

    @Test func isDeterministicPerSeedAndEpoch() {
        let a = Minibatches(count: 50, batchSize: 8, shuffle: true, generator: SeededGenerator(seed: 42))
        let b = Minibatches(count: 50, batchSize: 8, shuffle: true, generator: SeededGenerator(seed: 42))
        let c = Minibatches(count: 50, batchSize: 8, shuffle: true, generator: SeededGenerator(seed: 43))
        // Same seed: the same batches, whatever order the epochs are asked for in.
        let later = b.batches(epoch: 5)
        #expect(a.batches(epoch: 0) == b.batches(epoch: 0))
        #expect(a.batches(epoch: 5) == later)
        // Different epochs and different seeds shuffle differently.
        #expect(a.batches(epoch: 0) != a.batches(epoch: 1))
        #expect(a.batches(epoch: 0) != c.batches(epoch: 0))
        #expect(a.order(epoch: 0) != Array(0..<50))
    }

    @Test func gathersBatchesFromADataSet() throws {
        let data = try SplitTests.indexed(7)
        let batches = Minibatches(count: data.count, batchSize: 3, shuffle: true, generator: SeededGenerator(seed: 3))
        for indices in batches.batches(epoch: 0) {
            let batch = data.subset(at: indices)
            #expect(SplitTests.indices(batch) == indices)
            #expect(batch.labels == indices.map { data.labels![$0] })
        }
    }
}
