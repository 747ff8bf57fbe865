#!/usr/bin/env python3
"""End-to-end crash test: the real server, a receiver, 2,000 events, SIGKILL midway, restart.

Every event the server acknowledged must reach the receiver at least once. Prints how many
were acknowledged, received, and received more than once; exits 1 if any was lost.
Usage: scripts/e2e_crash.py [path/to/switchboard]
"""
import base64, json, os, signal, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from e2e_support import call, start_server

BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "switchboard")
ADMIN = "sbk_e2e_crash_000000000000000000000000000000000"
EVENTS, BATCH = 2000, 50

received = []
received_lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with received_lock:
            received.append(json.loads(body)["messageId"])
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    workdir = tempfile.mkdtemp(prefix="switchboard-e2e-")
    database = os.path.join(workdir, "db.sqlite")
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server, base = start_server(BINARY, database, ADMIN)
    servers = [server]
    try:
        bearer = "Bearer " + ADMIN
        _, source = call(base, "POST", "/v1/sources", {"name": "e2e", "type": "segment"}, bearer)
        _, destination = call(base, "POST", "/v1/destinations", {
            "name": "receiver", "url": f"http://127.0.0.1:{receiver.server_address[1]}/hook", "retrySchedule": [1, 1, 1, 2, 2, 5]}, bearer)
        call(base, "POST", "/v1/subscriptions", {"name": "all", "destinationId": destination["id"], "eventNames": ["*"]}, bearer)
        basic = "Basic " + base64.b64encode((source["writeKey"] + ":").encode()).decode()

        acknowledged, lock, target = [], threading.Lock(), {"base": base}
        batches = [[f"m-{b}-{i}" for i in range(BATCH)] for b in range(EVENTS // BATCH)]

        def send(ids):
            body = {"batch": [{"type": "track", "event": "Tick", "userId": f"u{n % 7}", "messageId": m} for n, m in enumerate(ids)]}
            try:
                status, _ = call(target["base"], "POST", "/v1/batch", body, basic)
            except Exception:
                return False
            if status == 200:
                with lock:
                    acknowledged.extend(ids)
            return status == 200

        half = len(batches) // 2
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(send, ids) for ids in batches[:half]]
            while sum(f.done() for f in futures) < half // 2:
                time.sleep(0.005)
            server.send_signal(signal.SIGKILL)  # midway: requests and deliveries in flight
            server.wait()
            unsent = [ids for ids, f in zip(batches[:half], futures) if not f.result()]
        restarted, target["base"] = start_server(BINARY, database, ADMIN)
        servers.append(restarted)
        for ids in unsent + batches[half:]:
            send(ids)

        wanted = set(acknowledged)
        deadline = time.time() + 90
        while time.time() < deadline:
            with received_lock:
                if wanted <= set(received):
                    break
            time.sleep(0.2)
        with received_lock:
            got = list(received)
        lost = wanted - set(got)
        duplicates = len(got) - len(set(got))
        print(f"e2e crash: sent {EVENTS}, acknowledged {len(wanted)}, received {len(set(got))} distinct, "
              f"{duplicates} duplicates ({100.0 * duplicates / max(len(got), 1):.2f}%), lost {len(lost)}")
        return 1 if lost or len(wanted) < EVENTS // 2 else 0
    finally:
        for process in servers:
            process.kill()
        receiver.shutdown()
        subprocess.run(["rm", "-rf", workdir])


if __name__ == "__main__":
    sys.exit(main())
