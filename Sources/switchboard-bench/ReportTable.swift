import Foundation

/// The figures as a plain-text table, the same numbers `--json` writes.
enum ReportTable {
    static func render(_ figures: BenchFigures) -> String {
        let f = figures
        var rows: [[String]] = [["what", "figure", "relative to"]]
        rows.append(["client -> receiver ceiling (delivery limit)", Format.rate(f.deliveryCeilingPerSecond) + " req/s", ""])
        rows.append(["no-op route /healthz (ingest limit), c=\(f.concurrency)", Format.rate(f.noOpRequestsPerSecond) + " req/s", ""])
        rows.append([
            "ingest /v1/batch (\(f.batchSize) a batch), c=\(f.concurrency)", Format.rate(f.batchEventsPerSecond) + " events/s",
            Format.percent(f.batchRatioToNoOp) + " of no-op req/s",
        ])
        rows.append([
            "ingest /v1/track (1 a request), c=\(f.concurrency)", Format.rate(f.trackEventsPerSecond) + " events/s",
            Format.percent(f.trackRatioToNoOp) + " of no-op req/s",
        ])
        if let wrk = f.wrk {
            rows.append(["no-op POST reading the body (Hummingbird), wrk c=\(wrk.connections)", Format.rate(wrk.noOpPostPerSecond) + " req/s", ""])
            rows.append([
                "ingest /v1/track (1 a request), wrk c=\(wrk.connections)", Format.rate(wrk.trackPerSecond) + " events/s",
                Format.percent(wrk.trackRatioToNoOpPost) + " of no-op POST, "
                    + (wrk.trackCPUMillisecondsPerRequest.map { String(format: "%.2f ms", $0) } ?? "n/a") + " server CPU a request",
            ])
        } else {
            rows.append(["ingest driven by wrk", "skipped: wrk is not installed (apt-get install wrk)", ""])
        }
        rows.append([
            "delivery, draining \(Format.count(f.smallDrain.backlog))", Format.rate(f.smallDrain.perSecond) + " deliveries/s",
            Format.percent(f.deliveryRatioToCeiling) + " of ceiling",
        ])
        rows.append([
            "delivery, draining \(Format.count(f.largeDrain.backlog))", Format.rate(f.largeDrain.perSecond) + " deliveries/s",
            Format.percent(f.largeDrainRatioToCeiling) + " of ceiling, " + Format.percent(f.largeDrainRatioToSmall) + " of small drain",
        ])
        rows.append([
            "server CPU per 1,000 events queued (/v1/batch)",
            f.batchCPUMillisecondsPerThousand.map { String(format: "%.0f ms", $0) } ?? "n/a", "",
        ])
        rows.append([
            "server CPU per 1,000 deliveries (drains)",
            [f.smallDrain, f.largeDrain].map { $0.serverCPUMillisecondsPerThousand.map { String(format: "%.0f ms", $0) } ?? "n/a" }
                .joined(separator: ", "), "",
        ])
        let l = f.latency
        rows.append([
            "ack -> receipt at \(Format.count(l.offeredPerSecond)) events/s",
            "p50 \(Format.milliseconds(l.p50Ms)), p90 \(Format.milliseconds(l.p90Ms)), p99 \(Format.milliseconds(l.p99Ms)), max \(Format.milliseconds(l.maxMs))",
            "\(Format.count(l.received))/\(Format.count(l.acknowledged)) received",
        ])
        rows.append(["server peak resident memory (VmHWM)", f.serverPeakResidentMB.map { Format.megabytes($0) } ?? "n/a", ""])
        var text = "switchboard-bench (\(f.mode)): \(f.machine.cores) cores, \(f.machine.system), \(f.machine.date)\n\n"
        text += columns(rows)
        text += "\n" + columns([["target", "measured", "wanted", "holds"]] + f.targetChecks.map { [$0.name, $0.measured, $0.target, $0.holds ? "yes" : "NO"] })
        return text
    }

    /// Left-aligned columns separated by two spaces, a rule under the header.
    static func columns(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        var lines = [line(rows[0]), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.dropFirst().map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
