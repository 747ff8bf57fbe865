#!/usr/bin/env bash
# Fuzz every route in Switchboard's OpenAPI document with Schemathesis and fail
# on any 5xx (check: not_a_server_error).
#
# Usage (from anywhere, after `swift build`):
#   scripts/schemathesis.sh
#
# Environment (all optional):
#   SWITCHBOARD_BIN             server binary (default: <repo>/.build/debug/switchboard)
#   PYTHON                      python interpreter (default: python3)
#   SCHEMATHESIS_MAX_EXAMPLES   test cases per operation and phase (default: 100)
#   SCHEMATHESIS_SEED           fixed seed, to reproduce a run
#   SCHEMATHESIS_WORKERS        concurrent workers (default: 2)
#   SCHEMATHESIS_INGEST_TIMEOUT hard limit in seconds for the ingest run (default: 300)
#   SCHEMATHESIS_MGMT_TIMEOUT   hard limit in seconds for the management run (default: 300)
#   SCHEMATHESIS_REPORT_DIR     if set, JUnit + NDJSON reports are written there
#   READY_TIMEOUT               seconds to wait for /readyz (default: 60)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SWITCHBOARD_BIN:-$ROOT/.build/debug/switchboard}"
PYTHON="${PYTHON:-python3}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
WORKERS="${SCHEMATHESIS_WORKERS:-2}"
INGEST_TIMEOUT="${SCHEMATHESIS_INGEST_TIMEOUT:-300}"
MGMT_TIMEOUT="${SCHEMATHESIS_MGMT_TIMEOUT:-300}"
READY_TIMEOUT="${READY_TIMEOUT:-60}"
ADMIN_KEY="sbk_test_admin_key_0123456789"

START_TS=$(date +%s)
log() { printf '[schemathesis.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

[[ -x "$BIN" ]] || die "server binary not found at $BIN (run 'swift build' first or set SWITCHBOARD_BIN)"
command -v curl >/dev/null || die "curl is required"
command -v "$PYTHON" >/dev/null || die "$PYTHON is required"
if [[ -n "${SCHEMATHESIS_REPORT_DIR:-}" ]]; then
  mkdir -p "$SCHEMATHESIS_REPORT_DIR"
  SCHEMATHESIS_REPORT_DIR="$(cd "$SCHEMATHESIS_REPORT_DIR" && pwd)"
fi

# --- 1. schemathesis ----------------------------------------------------------
if ! "$PYTHON" -c 'import schemathesis, sys; sys.exit(0 if schemathesis.__version__.startswith("4.") else 1)' 2>/dev/null; then
  log "installing schemathesis 4.x from PyPI"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi
ST_VERSION="$("$PYTHON" -c 'import schemathesis; print(schemathesis.__version__)')"
log "using schemathesis $ST_VERSION"

# --- 2. server ----------------------------------------------------------------
WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-schemathesis.XXXXXX")"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORKDIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server_log_tail() {
  # Everything the server wrote to stderr except routine info lines.
  if [[ -s "$WORKDIR/server.err" ]]; then
    log "server stderr (non-info lines, last 200):"
    grep -v ' info ' "$WORKDIR/server.err" | tail -n 200 >&2 || true
  fi
}

# Fuzzed destinations must never reach a real host: allow only a name that cannot exist.
SWITCHBOARD_ADMIN_KEY="$ADMIN_KEY" "$BIN" serve --port 0 --database "$WORKDIR/db.sqlite" \
  --destination-hosts schemathesis.invalid \
  >"$WORKDIR/server.out" 2>"$WORKDIR/server.err" </dev/null &
SERVER_PID=$!

PORT=""
READY=0
deadline=$(( $(date +%s) + READY_TIMEOUT ))
while (( $(date +%s) < deadline )); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    cat "$WORKDIR/server.out" "$WORKDIR/server.err" >&2 || true
    die "server exited before becoming ready"
  fi
  if [[ -z "$PORT" ]]; then
    PORT="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$WORKDIR/server.out" | head -n1)"
  fi
  if [[ -n "$PORT" ]] && [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/readyz" || true)" == "200" ]]; then
    READY=1; break
  fi
  sleep 0.2
done
if (( READY == 0 )); then
  cat "$WORKDIR/server.out" "$WORKDIR/server.err" >&2 || true
  die "server did not answer 200 on /readyz within ${READY_TIMEOUT}s (port: ${PORT:-unknown})"
fi
BASE="http://127.0.0.1:$PORT"
log "server ready at $BASE (pid $SERVER_PID)"

# --- 3. a segment source for the ingest routes ---------------------------------
WRITE_KEY="$(curl -sS --fail-with-body --max-time 10 -X POST "$BASE/v1/sources" \
  -H "Authorization: Bearer $ADMIN_KEY" -H 'content-type: application/json' \
  -d '{"name":"schemathesis","type":"segment"}' \
  | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["writeKey"])')" \
  || die "could not create a segment source"
[[ -n "$WRITE_KEY" ]] || die "empty writeKey"
BASIC="$(printf '%s:' "$WRITE_KEY" | base64 | tr -d '\n')"

# Ingest routes: the Segment ones, plus every path whose operations are secured by an
# HTTP Basic scheme in the OpenAPI document (e.g. the analytics.js short forms /v1/t, /v1/b...).
# Everything else is fuzzed with the Bearer admin key.
INGEST_REGEX="$(curl -sS --fail --max-time 10 "$BASE/openapi.json" | "$PYTHON" -c '
import json, re, sys
doc = json.load(sys.stdin)
schemes = doc.get("components", {}).get("securitySchemes", {})
basic = {n for n, s in schemes.items() if s.get("type") == "http" and str(s.get("scheme", "")).lower() == "basic"}
paths = {"/v1/" + n for n in ("track", "identify", "page", "screen", "group", "alias", "batch")}
for path, ops in doc.get("paths", {}).items():
    for op in ops.values():
        if isinstance(op, dict) and any(set(req) & basic for req in (op.get("security") or doc.get("security") or [])):
            paths.add(path)
print("^(" + "|".join(re.escape(p) for p in sorted(paths)) + ")$")
')" || die "could not read $BASE/openapi.json"
log "ingest routes (Basic auth): $INGEST_REGEX"

# --- 4. schemathesis runs -----------------------------------------------------
COMMON=(
  run "$BASE/openapi.json"
  --checks not_a_server_error
  --max-examples "$MAX_EXAMPLES"
  --workers "$WORKERS"
  --request-timeout 10
  --generation-database none
  --no-color
)
if [[ -n "${SCHEMATHESIS_SEED:-}" ]]; then COMMON+=(--seed "$SCHEMATHESIS_SEED"); fi

HAVE_TIMEOUT=0
if command -v timeout >/dev/null; then HAVE_TIMEOUT=1; fi

run_schemathesis() { # name, time limit (s), extra schemathesis args...
  local name=$1 limit=$2; shift 2
  local tcmd=()
  if (( HAVE_TIMEOUT )); then tcmd=(timeout --kill-after=10 "$limit"); fi
  local report=()
  if [[ -n "${SCHEMATHESIS_REPORT_DIR:-}" ]]; then
    report=(--report junit,ndjson
            --report-junit-path "$SCHEMATHESIS_REPORT_DIR/$name.junit.xml"
            --report-ndjson-path "$SCHEMATHESIS_REPORT_DIR/$name.ndjson")
  fi
  log "schemathesis run: $name"
  local rc=0
  # Run from the temp dir so no config file or .hypothesis/ from the caller's cwd is involved.
  (cd "$WORKDIR" && ${tcmd[@]+"${tcmd[@]}"} "$PYTHON" -m schemathesis.cli "${COMMON[@]}" ${report[@]+"${report[@]}"} "$@") || rc=$?
  if (( rc == 124 || rc == 137 )); then log "$name: timed out after ${limit}s (lower SCHEMATHESIS_MAX_EXAMPLES?)"; fi
  return "$rc"
}

MGMT_RC=0
INGEST_RC=0
# Ingest first: the management run may delete sources (and with them this write key).
run_schemathesis ingest "$INGEST_TIMEOUT" \
  --include-path-regex "$INGEST_REGEX" \
  -H "Authorization: Basic $BASIC" || INGEST_RC=$?
run_schemathesis management "$MGMT_TIMEOUT" \
  --exclude-path-regex "$INGEST_REGEX" \
  -H "Authorization: Bearer $ADMIN_KEY" || MGMT_RC=$?

# --- 5. result ----------------------------------------------------------------
SERVER_STATE=alive
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  SERVER_STATE=crashed
else
  # Stateful tests may delete the admin key itself (DELETE /v1/keys/{id}); later
  # management requests then only saw 401s. Not a server error, but worth knowing.
  KEY_STATUS="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/v1/keys" -H "Authorization: Bearer $ADMIN_KEY" || true)"
  [[ "$KEY_STATUS" == "200" ]] || SERVER_STATE="alive (admin key no longer accepted: GET /v1/keys -> $KEY_STATUS)"
fi

status_word() { if (( $1 == 0 )); then echo passed; else echo "FAILED(rc=$1)"; fi; }
RESULT=0
if (( MGMT_RC != 0 || INGEST_RC != 0 )) || [[ "$SERVER_STATE" == crashed ]]; then
  RESULT=1
  server_log_tail
fi
ELAPSED=$(( $(date +%s) - START_TS ))
printf 'schemathesis summary: ingest=%s management=%s server=%s max-examples=%s elapsed=%ss -> %s\n' \
  "$(status_word "$INGEST_RC")" "$(status_word "$MGMT_RC")" "$SERVER_STATE" "$MAX_EXAMPLES" \
  "$ELAPSED" "$([[ $RESULT == 0 ]] && echo OK || echo FAIL)"
exit "$RESULT"
