import NIOCore
import NIOHTTP1

/// Answers every webhook with 200 "ok" and records it; answers the harness's `/_bench/stats`
/// `/_bench/marked` and `/_bench/reset` calls.
final class ReceiverHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let markerHeader = "X-Bench-Id"
    private let receipts: ReceiptLog
    private var head: HTTPRequestHead?

    init(receipts: ReceiptLog) {
        self.receipts = receipts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            // Stamp at the head: the time the request arrived, not when its body finished.
            if !request.uri.hasPrefix("/_bench/") {
                receipts.record(marker: request.headers.first(name: Self.markerHeader), at: MonotonicClock.nanoseconds())
            }
        case .body:
            break
        case .end:
            guard let request = head else { return }
            let body: String
            switch request.uri {
            case "/_bench/stats": body = receipts.statsJSON()
            case "/_bench/marked": body = receipts.markedLines()
            case "/_bench/reset":
                receipts.reset()
                body = "ok"
            default: body = "ok"
            }
            respond(context: context, request: request, body: body)
            head = nil
        }
    }

    private func respond(context: ChannelHandlerContext, request: HTTPRequestHead, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !request.isKeepAlive { context.close(promise: nil) }
    }
}
