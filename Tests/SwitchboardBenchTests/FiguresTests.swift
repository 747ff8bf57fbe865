import Testing

@testable import switchboard_bench

/// The harness's arithmetic and verdicts, from made-up figures (nothing here is timed).
@Suite struct FiguresTests {
    static func figures(batch: Double = 35_000, track: Double = 6_000, small: Double = 12_000, large: Double = 11_000, p99: Double = 3) -> BenchFigures {
        BenchFigures(
            mode: "full", machine: MachineDescription(cores: 2, system: "Linux", date: "2026-11-26T12:00:00Z"), concurrency: 8, batchSize: 100,
            deliveryCeilingPerSecond: 20_000, noOpRequestsPerSecond: 10_000, batchEventsPerSecond: batch, batchCPUMillisecondsPerThousand: 30,
            trackEventsPerSecond: track,
            smallDrain: DrainFigures(backlog: 10_000, delivered: 10_001, seconds: 10_000 / small),
            largeDrain: DrainFigures(backlog: 1_000_000, delivered: 1_000_001, seconds: 1_000_000 / large),
            latency: LatencyFigures(offeredPerSecond: 1_000, seconds: 20, sent: 20_000, acknowledged: 20_000, received: 20_000, p50Ms: 1, p90Ms: 2, p99Ms: p99, maxMs: 9),
            serverPeakResidentBytes: 100 * 1_048_576)
    }

    @Test func drainRateCountsIntervalsBetweenFirstAndLastWebhook() {
        #expect(DrainFigures(backlog: 11, delivered: 11, seconds: 2).perSecond == 5)
        #expect(DrainFigures(backlog: 1, delivered: 1, seconds: 0).perSecond == 0)
    }

    @Test func ratiosAreSharesOfTheirCeilings() {
        let figures = Self.figures()
        #expect(figures.trackRatioToNoOp == 0.6)
        #expect(figures.batchRatioToNoOp == 0.035)
        #expect(abs(figures.deliveryRatioToCeiling - 0.6) < 1e-9)
        #expect(abs(figures.largeDrainRatioToSmall - 11.0 / 12.0) < 1e-9)
    }

    @Test func everyTargetHoldsForGoodFigures() {
        let failed = Self.figures().targetChecks.filter { !$0.holds }
        #expect(failed.isEmpty)
    }

    @Test func slowFiguresFailTheirTargets() {
        let failed = Self.figures(batch: 29_000, track: 4_000, small: 9_000, large: 7_000, p99: 30).targetChecks.filter { !$0.holds }.map(\.name)
        #expect(failed.contains("ingest /v1/batch"))
        #expect(failed.contains("ingest /v1/track vs no-op"))
        #expect(failed.contains("delivery rate"))
        #expect(failed.contains("latency p99"))
        #expect(failed.contains("drain 1,000,000 vs 10,000"))
    }

    @Test func numbersAreGroupedByThousands() {
        #expect(Format.count(0) == "0")
        #expect(Format.count(999) == "999")
        #expect(Format.count(1_000_000) == "1,000,000")
        #expect(Format.count(-12_345) == "-12,345")
        #expect(Format.percent(0.604) == "60%")
    }

    @Test func tableAlignsColumns() {
        let table = ReportTable.columns([["a", "bb"], ["ccc", "d"]])
        #expect(table == "a    bb\n---  --\nccc  d\n")
    }

    @Test func reportCarriesFiguresRatiosAndTargets() throws {
        let json = String(decoding: try BenchReport(figures: Self.figures()).encoded(), as: UTF8.self)
        #expect(json.contains(#""trackToNoOp" : 0.6"#))
        #expect(json.contains(#""perSecond""#))
        #expect(json.contains(#""holds" : true"#))
    }
}
