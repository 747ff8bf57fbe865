#!/usr/bin/env python3
"""Measures delivery: a release `switchboard serve` on a fresh SQLite database delivering to
nginx answering 200 at once (fan-out 1).

1. Drain rate: DRAIN events ingested while the destination is disabled, then enabled; the time
   until nginx has logged them all gives deliveries/s.
2. Latency: events sent one per request at RATE events/s for SECONDS; for each, the time from
   the server's acknowledgement to nginx receiving it (p50, p90, p99, max).
Usage: scripts/measure_delivery.py [DRAIN=20000] [RATE=500] [SECONDS=10]   (needs nginx; SWITCHBOARD_BIN=path to skip the build)
"""
import base64, http.client, json, os, re, shutil, statistics, subprocess, sys, tempfile, threading, time

DRAIN = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
RATE = int(sys.argv[2]) if len(sys.argv) > 2 else 500
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 10
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ADMIN = "sbk_measure_delivery_0000000000000000000000000000"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body, auth, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, json.dumps(body), {"Content-Type": "application/json", "Authorization": auth})
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


def main():
    # SWITCHBOARD_BIN measures another build (say, the commit before a change) with the same script.
    binary = os.environ.get("SWITCHBOARD_BIN")
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "switchboard"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip() + "/switchboard"
    work = tempfile.mkdtemp(prefix="switchboard-measure-")
    nginx_port, log = free_port(), os.path.join(work, "access.log")
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 4096; }}
http {{ log_format t '$msec $http_x_message_id'; access_log {log} t buffer=256k flush=100ms;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{nginx_port} backlog=4096; keepalive_requests 1000000; location / {{ return 200 "ok"; }} }} }}
""")
    nginx = subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work], stderr=subprocess.DEVNULL)
    server = subprocess.Popen([binary, "serve", "--port", "0", "--database", os.path.join(work, "db.sqlite"), "--allow-private-destinations",
                               "--log-level", "warning"], stdout=subprocess.PIPE, text=True, env={**os.environ, "SWITCHBOARD_ADMIN_KEY": ADMIN})
    try:
        port = None
        for line in server.stdout:
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        threading.Thread(target=server.stdout.read, daemon=True).start()
        bearer = "Bearer " + ADMIN
        _, source = request(port, "POST", "/v1/sources", {"name": "m", "type": "segment"}, bearer)
        _, destination = request(port, "POST", "/v1/destinations", {"name": "nginx", "url": f"http://127.0.0.1:{nginx_port}/hook", "enabled": False}, bearer)
        request(port, "POST", "/v1/subscriptions", {"name": "all", "destinationId": destination["id"], "eventNames": ["*"],
                                                    "mapping": {"headers": {"X-Message-Id": "{{ messageId }}"}}}, bearer)
        basic = "Basic " + base64.b64encode((source["writeKey"] + ":").encode()).decode()

        # 1. Drain rate.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for start in range(0, DRAIN, 500):
            batch = [{"type": "track", "event": "Drain", "userId": f"u{i % 100}", "messageId": f"d-{start + i}"} for i in range(500)]
            assert request(port, "POST", "/v1/batch", {"batch": batch}, basic, connection)[0] == 200
        began = time.time()
        request(port, "PATCH", f"/v1/destinations/{destination['id']}", {"enabled": True}, bearer)

        def lines():
            try:
                with open(log) as f:
                    return f.read().splitlines()
            except FileNotFoundError:
                return []
        while len(lines()) < DRAIN and time.time() - began < 300:
            time.sleep(0.05)
        drained = lines()
        finished = max(float(l.split()[0]) for l in drained) if drained else time.time()
        rate = len(drained) / (finished - began)
        print(f"drain: {len(drained)} deliveries in {finished - began:.2f}s = {rate:,.0f} deliveries/s")

        # 2. Latency at a fixed offered rate, one event per request.
        acked, lock = {}, threading.Lock()
        threads, per_thread = 8, RATE / 8

        def sender(n):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start, i = time.time(), 0
            while i < per_thread * SECONDS:
                due = start + i / per_thread
                delay = due - time.time()
                if delay > 0:
                    time.sleep(delay)
                message_id = f"l-{n}-{i}"
                status, _ = request(port, "POST", "/v1/track", {"event": "Latency", "userId": f"u{n}", "messageId": message_id}, basic, conn)
                if status == 200:
                    with lock:
                        acked[message_id] = time.time()
                i += 1
        workers = [threading.Thread(target=sender, args=(n,)) for n in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        deadline = time.time() + 30
        while time.time() < deadline:
            got = {l.split()[1]: float(l.split()[0]) for l in lines() if " l-" in l}
            if len(got) >= len(acked):
                break
            time.sleep(0.1)
        latencies = sorted(max(0.0, (got[m] - t) * 1000) for m, t in acked.items() if m in got)
        def pct(p):
            return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
        print(f"latency at {RATE} events/s for {SECONDS}s ({len(latencies)}/{len(acked)} received): "
              f"p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, max {latencies[-1]:.1f} ms "
              f"(nginx logs in whole ms)")
    finally:
        server.kill()
        nginx.terminate()  # the master stops its workers on SIGTERM (not on SIGKILL)
        nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
