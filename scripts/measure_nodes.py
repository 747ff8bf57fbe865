#!/usr/bin/env python3
"""Delivery throughput of N release `switchboard serve` nodes sharing one PostgreSQL database.

DRAIN events are ingested while the destination (nginx answering 200, fan-out 1) is disabled;
then it is enabled and the time until nginx has logged them all gives deliveries/s.
Usage: scripts/measure_nodes.py POSTGRES_URL [NODES=1] [DRAIN=20000]   (needs nginx and a release build)
"""
import base64, http.client, json, os, re, shutil, subprocess, sys, tempfile, threading, time, uuid

URL = sys.argv[1]
NODES = int(sys.argv[2]) if len(sys.argv) > 2 else 1
DRAIN = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BINARY = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, ".build", "release", "switchboard"))
ADMIN = "sbk_measure_nodes_000000000000000000000000000000"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body, auth, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, json.dumps(body), {"Content-Type": "application/json", "Authorization": auth})
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


def start_node(database):
    node = subprocess.Popen([BINARY, "serve", "--port", "0", "--database", database, "--allow-private-destinations", "--log-level", "warning"],
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "SWITCHBOARD_ADMIN_KEY": ADMIN})
    for line in node.stdout:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            threading.Thread(target=node.stdout.read, daemon=True).start()
            return node, int(match.group(1))
    sys.exit("a node did not start")


def main():
    database = URL + ("&" if "?" in URL else "?") + "schema=measure_" + uuid.uuid4().hex[:12]
    work = tempfile.mkdtemp(prefix="switchboard-nodes-")
    nginx_port, log = free_port(), os.path.join(work, "access.log")
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 4096; }}
http {{ log_format t '$msec'; access_log {log} t buffer=256k flush=100ms;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{nginx_port} backlog=4096; keepalive_requests 1000000; location / {{ return 200 "ok"; }} }} }}
""")
    nginx = subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work], stderr=subprocess.DEVNULL)
    nodes = [start_node(database)]
    nodes += [start_node(database) for _ in range(NODES - 1)]
    try:
        port = nodes[0][1]
        bearer = "Bearer " + ADMIN
        _, source = request(port, "POST", "/v1/sources", {"name": "m", "type": "segment"}, bearer)
        _, destination = request(port, "POST", "/v1/destinations", {"name": "nginx", "url": f"http://127.0.0.1:{nginx_port}/hook", "enabled": False}, bearer)
        request(port, "POST", "/v1/subscriptions", {"name": "all", "destinationId": destination["id"], "eventNames": ["*"]}, bearer)
        basic = "Basic " + base64.b64encode((source["writeKey"] + ":").encode()).decode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
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
        while len(lines()) < DRAIN and time.time() - began < 600:
            time.sleep(0.05)
        drained = lines()
        finished = max(float(l.split()[0]) for l in drained) if drained else time.time()
        print(f"{NODES} node(s) on PostgreSQL: {len(drained)} deliveries in {finished - began:.2f}s = "
              f"{len(drained) / (finished - began):,.0f} deliveries/s")
    finally:
        for node, _ in nodes:
            node.kill()
        nginx.terminate()  # the master stops its workers on SIGTERM (not on SIGKILL)
        nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
