#!/usr/bin/env python3
"""Three nodes on one PostgreSQL database: 10,000 events, one node SIGKILLed midway.

Every acknowledged event must reach the receiver at least once; duplicates are counted; a
destination limited to 50 requests/s must never see more than 50 in any one-second window,
whichever nodes send them. Exits 1 on a lost event or a broken rate limit.
Usage: scripts/e2e_multinode.py POSTGRES_URL [path/to/switchboard]   (needs nginx: the receiver)
"""
import base64, bisect, os, shutil, signal, sys, tempfile, threading, time, uuid
from concurrent.futures import ThreadPoolExecutor

from e2e_support import call, nginx_log, start_nginx, start_server, stop_nginx

URL = sys.argv[1]
BINARY = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "switchboard")
ADMIN = "sbk_e2e_multinode_0000000000000000000000000000000"
EVENTS, BATCH, LIMITED_EVERY, RATE = 10_000, 100, 10, 50

def receipts(log):
    """Per path, the messageIds received (with repeats) and, for /limited, the arrival times."""
    got, times = {"/all": [], "/limited": []}, []
    for at, path, message_id in nginx_log(log):
        got[path].append(message_id)
        if path == "/limited":
            times.append(float(at))
    return got, times


def busiest_second(times):
    """The most requests that started in any one-second window."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def main():
    # A schema of its own, so the run starts empty and leaves other data alone.
    database = URL + ("&" if "?" in URL else "?") + "schema=e2e_" + uuid.uuid4().hex[:12]
    work = tempfile.mkdtemp(prefix="switchboard-multinode-")
    receiver, hook, log_path = start_nginx(work)
    nodes = [start_server(BINARY, database, ADMIN)]  # the first migrates; the others find the schema ready
    nodes += [start_server(BINARY, database, ADMIN) for _ in range(2)]
    try:
        bearer = "Bearer " + ADMIN
        base = nodes[0][1]
        _, source = call(base, "POST", "/v1/sources", {"name": "e2e", "type": "segment"}, bearer)
        retries = [1, 1, 1, 2, 2, 5]
        _, everything = call(base, "POST", "/v1/destinations", {"name": "all", "url": hook + "/all", "retrySchedule": retries}, bearer)
        _, limited = call(base, "POST", "/v1/destinations", {
            "name": "limited", "url": hook + "/limited", "retrySchedule": retries, "rateLimit": {"perSecond": RATE}}, bearer)
        tagged = {"headers": {"X-Message-Id": "{{ messageId }}"}}  # the receiver logs which event each request carries
        call(base, "POST", "/v1/subscriptions", {"name": "all", "destinationId": everything["id"], "eventNames": ["*"], "mapping": tagged}, bearer)
        call(base, "POST", "/v1/subscriptions", {
            "name": "limited", "destinationId": limited["id"], "eventNames": ["Limited"], "mapping": tagged}, bearer)
        basic = "Basic " + base64.b64encode((source["writeKey"] + ":").encode()).decode()

        acknowledged, ack_lock = [], threading.Lock()
        alive = [base for _, base in nodes]
        batches = [[f"m-{b}-{i}" for i in range(BATCH)] for b in range(EVENTS // BATCH)]

        def send(number, ids):
            events = [{"type": "track", "event": "Limited" if (number * BATCH + n) % LIMITED_EVERY == 0 else "Tick",
                       "userId": f"u{n % 13}", "messageId": m} for n, m in enumerate(ids)]
            for attempt in range(3):  # a batch refused by the killed node goes to another
                target = alive[(number + attempt) % len(alive)]
                try:
                    status, _ = call(target, "POST", "/v1/batch", {"batch": events}, basic)
                except Exception:
                    continue
                if status == 200:
                    with ack_lock:
                        acknowledged.extend(ids)
                    return

        started = time.monotonic()
        with ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(send, number, ids) for number, ids in enumerate(batches)]
            while sum(f.done() for f in futures) < len(batches) // 2:
                time.sleep(0.005)
            victim, victim_base = nodes[1]
            victim.send_signal(signal.SIGKILL)  # midway: requests, leases and deliveries in flight
            victim.wait()
            alive.remove(victim_base)
            for f in futures:
                f.result()
        ingest_seconds = time.monotonic() - started

        wanted = set(acknowledged)
        wanted_limited = {m for m in wanted if (int(m.split("-")[1]) * BATCH + int(m.split("-")[2])) % LIMITED_EVERY == 0}
        deadline = time.time() + 300
        while time.time() < deadline:
            got, _ = receipts(log_path)
            if wanted <= set(got["/all"]) and wanted_limited <= set(got["/limited"]):
                break
            time.sleep(0.2)
        drained_seconds = time.monotonic() - started
        received, times = receipts(log_path)
        got, got_limited = received["/all"], received["/limited"]
        lost = (wanted - set(got)) | (wanted_limited - set(got_limited))
        duplicates_all, duplicates_limited = len(got) - len(set(got)), len(got_limited) - len(set(got_limited))
        duplicates = duplicates_all + duplicates_limited
        deliveries = len(got) + len(got_limited)
        busiest = busiest_second(times)
        print(f"e2e multinode: 3 nodes, node 2 killed midway; sent {EVENTS}, acknowledged {len(wanted)} in {ingest_seconds:.1f} s; "
              f"received {len(set(got))} + {len(set(got_limited))} (rate-limited) distinct in {drained_seconds:.1f} s; "
              f"{duplicates} duplicates ({100.0 * duplicates / max(deliveries, 1):.3f}%: {duplicates_all} + {duplicates_limited}); lost {len(lost)}; "
              f"rate-limited destination: at most {busiest} in any 1 s (limit {RATE})")
        return 1 if lost or busiest > RATE or len(wanted) < EVENTS // 2 else 0
    finally:
        for process, _ in nodes:
            process.kill()
        stop_nginx(receiver)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
