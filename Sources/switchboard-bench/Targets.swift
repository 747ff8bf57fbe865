/// The project's performance targets (issue 5), checked against one run's figures.
struct TargetCheck: Codable, Sendable, Equatable {
    var name: String
    var measured: String
    var target: String
    var holds: Bool
}

extension BenchFigures {
    var targetChecks: [TargetCheck] {
        let mb = serverPeakResidentMB
        let wrkChecks = wrk.map { wrk in
            [
                TargetCheck(
                    name: "ingest /v1/track vs no-op POST (wrk, c=\(wrk.connections))", measured: Format.percent(wrk.trackRatioToNoOpPost), target: ">= 50%",
                    holds: wrk.trackRatioToNoOpPost >= 0.5)
            ]
        } ?? []
        return wrkChecks + [
            TargetCheck(
                name: "ingest /v1/batch", measured: Format.rate(batchEventsPerSecond) + " events/s", target: ">= 30,000 events/s",
                holds: batchEventsPerSecond >= 30_000),
            TargetCheck(
                name: "ingest /v1/track vs no-op", measured: Format.percent(trackRatioToNoOp), target: ">= 50%", holds: trackRatioToNoOp >= 0.5),
            TargetCheck(
                name: "delivery rate", measured: Format.rate(smallDrain.perSecond) + "/s", target: ">= 10,000/s",
                holds: smallDrain.perSecond >= 10_000),
            TargetCheck(
                name: "delivery vs client->receiver ceiling", measured: Format.percent(deliveryRatioToCeiling), target: ">= 60%",
                holds: deliveryRatioToCeiling >= 0.6),
            TargetCheck(name: "latency p50", measured: Format.milliseconds(latency.p50Ms), target: "<= 5 ms", holds: latency.p50Ms <= 5),
            TargetCheck(name: "latency p99", measured: Format.milliseconds(latency.p99Ms), target: "<= 25 ms", holds: latency.p99Ms <= 25),
            TargetCheck(
                name: "server peak RSS (backlog \(Format.count(largeDrain.backlog)))", measured: mb.map { Format.megabytes($0) } ?? "n/a",
                target: "<= 250 MB", holds: (mb ?? .infinity) <= 250),
            TargetCheck(
                name: "drain \(Format.count(largeDrain.backlog)) vs \(Format.count(smallDrain.backlog))", measured: Format.percent(largeDrainRatioToSmall),
                target: ">= 80%", holds: largeDrainRatioToSmall >= 0.8),
        ]
    }
}
