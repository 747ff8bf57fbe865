#!/usr/bin/env python3
"""Delivery throughput of N release `switchboard serve` nodes sharing one PostgreSQL database
(or of one node on a fresh SQLite file, with `sqlite` for the URL).

DRAIN events are ingested while the destination (nginx answering 200, fan-out 1) is disabled;
then it is enabled and the time until nginx has logged them all gives deliveries/s.
Usage: scripts/measure_nodes.py POSTGRES_URL|sqlite [NODES=1] [DRAIN=20000]   (needs nginx and a release build;
SWITCHBOARD_BIN=path measures another build)
"""
import base64, http.client, json, os, shutil, sys, tempfile, time, uuid

from e2e_support import nginx_log, start_nginx, start_server, stop_nginx

URL = sys.argv[1]
NODES = int(sys.argv[2]) if len(sys.argv) > 2 else 1
DRAIN = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BINARY = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, ".build", "release", "switchboard"))
ADMIN = "sbk_measure_nodes_000000000000000000000000000000"


def request(port, method, path, body, auth, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, json.dumps(body), {"Content-Type": "application/json", "Authorization": auth})
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


def cpu_seconds(pids):
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and open(f"/proc/{p}/comm").read().strip() == "postgres"]


def main():
    work = tempfile.mkdtemp(prefix="switchboard-nodes-")
    sqlite = URL == "sqlite"
    database = os.path.join(work, "db.sqlite") if sqlite else URL + ("&" if "?" in URL else "?") + "schema=measure_" + uuid.uuid4().hex[:12]
    nginx, hook, log = start_nginx(work)
    nodes = [start_server(BINARY, database, ADMIN)]  # the first migrates; the others find the schema ready
    nodes += [start_server(BINARY, database, ADMIN) for _ in range(NODES - 1)]
    try:
        port = int(nodes[0][1].rsplit(":", 1)[1])
        bearer = "Bearer " + ADMIN
        _, source = request(port, "POST", "/v1/sources", {"name": "m", "type": "segment"}, bearer)
        _, destination = request(port, "POST", "/v1/destinations", {"name": "nginx", "url": hook + "/hook", "enabled": False}, bearer)
        request(port, "POST", "/v1/subscriptions", {"name": "all", "destinationId": destination["id"], "eventNames": ["*"]}, bearer)
        basic = "Basic " + base64.b64encode((source["writeKey"] + ":").encode()).decode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for start in range(0, DRAIN, 500):
            batch = [{"type": "track", "event": "Drain", "userId": f"u{i % 100}", "messageId": f"d-{start + i}"} for i in range(500)]
            assert request(port, "POST", "/v1/batch", {"batch": batch}, basic, connection)[0] == 200
        pids = [node.pid for node, _ in nodes]
        cpu_before, pg_before = cpu_seconds(pids), cpu_seconds(postgres_pids())
        began = time.time()
        request(port, "PATCH", f"/v1/destinations/{destination['id']}", {"enabled": True}, bearer)

        while len(nginx_log(log)) < DRAIN and time.time() - began < 600:
            time.sleep(0.05)
        drained = nginx_log(log)
        finished = max(float(at) for at, _, _ in drained) if drained else time.time()
        cpu, pg_cpu = cpu_seconds(pids) - cpu_before, cpu_seconds(postgres_pids()) - pg_before
        per_thousand = lambda seconds: 1000 * seconds / max(len(drained), 1)
        print(f"{NODES} node(s) on {'SQLite' if sqlite else 'PostgreSQL'}: {len(drained)} deliveries in {finished - began:.2f}s = "
              f"{len(drained) / (finished - began):,.0f} deliveries/s; CPU per 1,000 deliveries: {per_thousand(cpu):.2f} s in Switchboard"
              + ("" if sqlite else f", {per_thousand(pg_cpu):.2f} s in PostgreSQL"))
    finally:
        for node, _ in nodes:
            node.kill()
        stop_nginx(nginx)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
