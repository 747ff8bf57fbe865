#!/usr/bin/env bash
# Measures events/s acknowledged durably through /v1/batch: a release server on a fresh SQLite
# database, wrk with CONNECTIONS concurrent clients each posting 100-event batches.
# Usage: scripts/measure-ingest.sh [connections=8] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-8}"
seconds="${2:-20}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product switchboard >/dev/null
binary="$(swift build -c release --show-bin-path)/switchboard"

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

admin="sbk_measure_0000000000000000000000000000000000000"
SWITCHBOARD_ADMIN_KEY="$admin" "$binary" serve --port 0 --database "$work/db.sqlite" --log-level warning >"$work/out" 2>"$work/err" &
server_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/out")"
[ -n "$port" ] || { echo "server did not start"; cat "$work/err"; exit 1; }

write_key="$(curl -s -X POST "http://127.0.0.1:$port/v1/sources" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"name":"bench","type":"segment"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["writeKey"])')"

# 100 events without messageIds: the server makes a new one for each, so every request stores 100 rows.
python3 - "$work" "$write_key" <<'PY'
import base64, json, sys
work, write_key = sys.argv[1], sys.argv[2]
batch = {"batch": [{"type": "track", "userId": f"user-{i % 10}", "event": "Order Completed",
                    "properties": {"total": 99.5, "currency": "EUR", "items": i},
                    "context": {"library": {"name": "analytics-node", "version": "1.3.0"}},
                    "timestamp": "2026-11-23T12:00:00.000Z"} for i in range(100)],
         "sentAt": "2026-11-23T12:00:00.100Z"}
auth = base64.b64encode(f"{write_key}:".encode()).decode()
with open(f"{work}/post.lua", "w") as f:
    f.write('wrk.method = "POST"\n')
    f.write(f"wrk.body = {json.dumps(json.dumps(batch))}\n")
    f.write('wrk.headers["Content-Type"] = "application/json"\n')
    f.write(f'wrk.headers["Authorization"] = "Basic {auth}"\n')
PY

wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/batch" | tee "$work/wrk"
requests_per_second="$(awk '/Requests\/sec/ {print $2}' "$work/wrk")"
stored="$(sqlite3 "$work/db.sqlite" 'SELECT COUNT(*) FROM events')"
echo "events acknowledged/s: $(python3 -c "print(round($requests_per_second * 100))")  (batches of 100, $connections connections, ${seconds}s; $stored events stored)"
