import Foundation

/// The JSON `--json` writes: the measured figures, the ratios derived from them, the targets.
struct BenchReport: Codable, Sendable {
    struct Ratios: Codable, Sendable {
        var batchToNoOp: Double
        var trackToNoOp: Double
        var deliveryToCeiling: Double
        var largeDrainToCeiling: Double
        var largeDrainToSmallDrain: Double
    }

    var figures: BenchFigures
    var ratios: Ratios
    var targets: [TargetCheck]

    init(figures: BenchFigures) {
        self.figures = figures
        ratios = Ratios(
            batchToNoOp: figures.batchRatioToNoOp, trackToNoOp: figures.trackRatioToNoOp, deliveryToCeiling: figures.deliveryRatioToCeiling,
            largeDrainToCeiling: figures.largeDrainRatioToCeiling, largeDrainToSmallDrain: figures.largeDrainRatioToSmall)
        targets = figures.targetChecks
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
