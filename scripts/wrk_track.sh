#!/usr/bin/env bash
# /v1/track under wrk on a fresh SQLite database, with no subscription: requests/s and the
# server's CPU per request, three 8 s runs at 32 connections and one 5 s run at one connection.
# Usage: scripts/wrk_track.sh [SWITCHBOARD_BINARY]   (default .build/release/switchboard)
set -euo pipefail
binary=${1:-.build/release/switchboard}
work=$(mktemp -d /tmp/switchboard-wrk.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SWITCHBOARD_ADMIN_KEY=sbk_admin_wrk "$binary" serve --port "$port" --database "$work/sb.sqlite" --log-level warning >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(curl -sf -X POST "http://127.0.0.1:$port/v1/sources" -H "Authorization: Bearer sbk_admin_wrk" -H 'Content-Type: application/json' \
    -d '{"name":"wrk","type":"segment"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["writeKey"])')
cat >"$work/track.lua" <<LUA
local thread_count = 0
function setup(thread) thread:set("tid", thread_count); thread_count = thread_count + 1 end
local counter = 0
function request()
  counter = counter + 1
  local body = '{"userId":"u' .. (counter % 1000) .. '","event":"Order Completed","messageId":"m-' .. tid .. '-' .. counter .. '","properties":{"total":12,"currency":"EUR"}}'
  return wrk.format("POST", "/v1/track", {["Content-Type"] = "application/json", ["Authorization"] = "Basic $(printf '%s:' "$key" | base64)"}, body)
end
LUA
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
measure() {  # threads connections seconds
    local before after output requests
    before=$(cpu)
    output=$(wrk -t"$1" -c"$2" -d"$3"s -s "$work/track.lua" "http://127.0.0.1:$port")
    after=$(cpu)
    requests=$(awk '/requests in/ {print $1}' <<<"$output")
    if grep -q "Non-2xx\|Socket errors" <<<"$output"; then echo "failed requests:"; echo "$output"; exit 1; fi
    echo "c=$2 $(awk '/Requests\/sec/ {print $2}' <<<"$output") requests/s, $(echo "scale=3; ($after - $before) * 1000 / $(getconf CLK_TCK) / $requests" | bc) ms server CPU a request"
}
wrk -t2 -c32 -d3s -s "$work/track.lua" "http://127.0.0.1:$port" >/dev/null  # warm-up
for _ in 1 2 3; do measure 2 32 8; done
measure 1 1 5
