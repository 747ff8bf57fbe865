import Foundation
import Testing

@testable import switchboard_bench

/// Reading wrk's report: a phase with failed requests must never pass as a figure.
@Suite struct WrkTests {
    static let report = """
        Running 3s test @ http://127.0.0.1:41000
          2 threads and 32 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    10.94ms    2.71ms  26.50ms   68.74%
            Req/Sec     1.46k   167.70     1.82k    67.50%
          29174 requests in 10.02s, 5.79MB read
        Requests/sec:   2912.03
        Transfer/sec:    591.51KB
        """

    @Test func aCleanReportGivesItsRateAndNoFailures() throws {
        let result = try #require(Wrk.parse(Self.report))
        #expect(result.requests == 29174)
        #expect(result.perSecond == 2912.03)
        #expect(result.failed == 0)
    }

    @Test func errorAnswersAndSocketErrorsCountAsFailures() throws {
        let report = Self.report.replacingOccurrences(
            of: "Requests/sec:",
            with: "  Socket errors: connect 0, read 2, write 1, timeout 3\n  Non-2xx or 3xx responses: 40\nRequests/sec:")
        #expect(try #require(Wrk.parse(report)).failed == 46)
    }

    @Test func somethingElseIsNoReport() {
        #expect(Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused") == nil)
    }

    @Test func theTrackScriptGivesEachRequestItsOwnMessageIdAndTheWriteKey() {
        let script = Wrk.trackScript(writeKey: "key1")
        #expect(script.contains(#""Authorization"] = "Basic a2V5MTo=""#))
        #expect(script.contains("counter = counter + 1"))
        #expect(script.contains(#"'{"messageId":"wrk-' .. thread_id .. '-' .. counter"#))
    }

    @Test func wrkFiguresAreTableRowsAndATarget() {
        var figures = FiguresTests.figures()
        figures.wrk = WrkFigures(connections: 32, noOpPostPerSecond: 20_000, trackPerSecond: 5_000, trackCPUMillisecondsPerRequest: 0.34)
        #expect(figures.wrk?.trackRatioToNoOpPost == 0.25)
        let check = figures.targetChecks.first { $0.name.hasPrefix("ingest /v1/track vs no-op POST") }
        #expect(check?.holds == false)
        let table = ReportTable.render(figures)
        #expect(table.contains("25% of no-op POST, 0.34 ms server CPU a request"))
        figures.wrk = nil
        #expect(ReportTable.render(figures).contains("skipped: wrk is not installed"))
    }
}
