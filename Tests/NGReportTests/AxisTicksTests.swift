import Foundation
@testable import NGReport
import Testing

/// Tick generation against cases worked out by hand.
@Suite("Axis ticks")
struct AxisTicksTests {
    @Test(arguments: [
        (10.0, 5, 2.0), (1.0, 5, 0.2), (10.0, 4, 2.0), (0.0029, 6, 0.0005), (300_000.0, 3, 100_000.0), (7.0, 1, 5.0), (90.0, 6, 20.0),
        (13.0, 10, 1.0),
    ])
    func niceStepsAreOneTwoOrFiveTimesAPowerOfTen(span: Double, count: Int, expected: Double) {
        let step = AxisTicks.niceStep(span: span, targetCount: count)
        #expect(abs(step - expected) <= 1e-12 * expected, "span \(span) / \(count): step \(step), expected \(expected)")
    }

    @Test func linearTicksCoverTheRangeInNiceSteps() {
        let ticks = AxisTicks.linear(from: 0, to: 10, targetCount: 5)
        #expect(ticks.map(\.value) == [0, 2, 4, 6, 8, 10])
        #expect(ticks.map(\.label) == ["0", "2", "4", "6", "8", "10"])

        let fractions = AxisTicks.linear(from: 0, to: 1, targetCount: 5)
        #expect(fractions.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])

        // 10 / 4 = 2.5 rounds to a step of 2; ticks only inside [-3, 7]; typographic minus.
        let signed = AxisTicks.linear(from: -3, to: 7, targetCount: 4)
        #expect(signed.map(\.value) == [-2, 0, 2, 4, 6])
        #expect(signed.first?.label == "−2")

        let small = AxisTicks.linear(from: 0.0013, to: 0.0042, targetCount: 6)
        #expect(small.map(\.label) == ["0.0015", "0.0020", "0.0025", "0.0030", "0.0035", "0.0040"])
    }

    @Test func largeAndTinyLinearLabelsShareAPowerOfTen() {
        let large = AxisTicks.linear(from: 0, to: 300_000, targetCount: 3)
        #expect(large.map(\.label) == ["0", "1×10⁵", "2×10⁵", "3×10⁵"])
        let tiny = AxisTicks.linear(from: 0, to: 0.0004, targetCount: 4)
        #expect(tiny.map(\.label) == ["0", "1×10⁻⁴", "2×10⁻⁴", "3×10⁻⁴", "4×10⁻⁴"])
    }

    @Test func logarithmicTicksAreDecadesWithMinorTicksBetween() {
        let ticks = AxisTicks.logarithmic(from: 1e-3, to: 1)
        let major = ticks.filter(\.isMajor)
        #expect(major.map(\.label) == ["10⁻³", "10⁻²", "10⁻¹", "10⁰"])
        for (tick, exponent) in zip(major, -3...0) {
            #expect(abs(tick.value / pow(10, Double(exponent)) - 1) < 1e-12)
        }
        // 2…9 × 10ᵏ between the decades: 8 per decade for three decades.
        let minor = ticks.filter { !$0.isMajor }
        #expect(minor.count == 24)
        #expect(minor.allSatisfy { $0.label.isEmpty })
        #expect(minor.contains { abs($0.value - 0.002) < 1e-15 } && minor.contains { abs($0.value - 0.5) < 1e-15 })
    }

    @Test func manyDecadesAreLabelledEveryFewDecadesWithoutMinorTicks() {
        let ticks = AxisTicks.logarithmic(from: 1e-12, to: 1e3, maximumLabels: 8)
        #expect(ticks.count == 16)
        #expect(ticks.allSatisfy { $0.isMajor })
        #expect(ticks.filter { !$0.label.isEmpty }.map(\.label) == ["10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰", "10²"])
    }

    @Test func narrowLogarithmicRangesLabelOneTwoFiveThenEveryMultiple() {
        // 1…50: two decades only, so 1, 2, 5, 10, 20, 50 are labelled.
        let ticks = AxisTicks.logarithmic(from: 1, to: 50)
        #expect(ticks.filter { !$0.label.isEmpty }.map(\.label) == ["1", "2", "5", "10", "20", "50"])
        // 0.2…0.9: 1-2-5 gives only 0.2 and 0.5, so every multiple is labelled.
        let narrow = AxisTicks.logarithmic(from: 0.2, to: 0.9)
        #expect(narrow.map(\.label) == ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
        // Less than a factor of 3: linear steps.
        let tight = AxisTicks.logarithmic(from: 1.1, to: 1.9)
        #expect(tight.map(\.label) == ["1.2", "1.4", "1.6", "1.8"])
    }

    @Test func symlogTicksAreSignedDecadesAndZero() {
        let ticks = AxisTicks.symlog(from: -100, to: 1000, threshold: 1)
        #expect(ticks.map(\.value) == [-100, -10, -1, 0, 1, 10, 100, 1000])
        #expect(ticks.map(\.label) == ["−10²", "−10¹", "−10⁰", "0", "10⁰", "10¹", "10²", "10³"])
    }

    @Test func symlogMappingIsOddMonotoneAndLinearNearZero() {
        let mapping = AxisMapping(scale: .symlog, lower: -1000, upper: 1000, threshold: 0.01)
        let t = { mapping.transformed($0)! }
        #expect(t(0) == 0)
        #expect(abs(t(-5) + t(5)) < 1e-15)
        // Inside the threshold the transform is ≈ x / (c ln 10).
        #expect(abs(t(1e-6) - 1e-6 / (0.01 * log(10))) < 1e-8)
        // Beyond it, one decade of x is ≈ one unit.
        #expect(abs((t(1000) - t(100)) - 1) < 1e-4)
        #expect(abs(mapping.inverse(t(123.4)) - 123.4) < 1e-9)
        #expect(abs(AxisMapping.symlogThreshold([-0.3, 1e-9, 60]) / 1e-3 - 1) < 1e-12)
    }

    @Test func fittedLinearAxesRoundOutToTheStepAndLogAxesIgnoreNonPositiveValues() {
        let linear = AxisMapping.fitted(Axis("x"), values: [0.3, 9.2, .nan, .infinity])
        #expect(linear.lower == 0 && linear.upper == 10)
        let log = AxisMapping.fitted(Axis("y", scale: .log), values: [-1, 0, 1e-3, 1])
        #expect(log.lower < 1e-3 && log.lower > 1e-4 && log.upper > 1 && log.upper < 2)
        let fixed = AxisMapping.fitted(Axis("z", minimum: -1, maximum: 3), values: [0, 100])
        #expect(fixed.lower == -1 && fixed.upper == 3)
    }
}
