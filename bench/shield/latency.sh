#!/usr/bin/env bash
# What the AI shield adds on top of calling the provider directly, in one run, on loopback:
# p50/p99 latency of POST /v1/chat/completions with a 4 KB prompt at 1 and 64 concurrent
# clients (wrk; the 64 both as fast as they can and paced, as users who wait between
# requests), through securetag-edge (every scanner on, embedded store, then Postgres +
# Redis when available) and straight to the provider, plus the edge's peak RSS; then
# time-to-first-token of a streamed answer through the edge and direct.
#
# The provider is an Nginx that answers a fixed chat completion, so the difference is the
# shield's own cost: auth, limits, credits, JSON, scanning, rewrite, answer guard, audit.
#
#   bench/shield/latency.sh            # DURATION=10 by default
#   PAIRS=9 DURATION=4 bench/shield/latency.sh  # more, shorter pairs for the added-latency
#                                               # medians on a noisy host
#   RPM=100000000 bench/shield/latency.sh  # rate limits on (never reached): with Redis,
#                                          # each request also runs the GCRA script
#   STORES=postgres TTFT=0 bench/shield/latency.sh  # only the PostgreSQL + Redis runs
#                                                   # (STORES=embedded: only those)
set -euo pipefail
cd "$(dirname "$0")/../.."
STORES=${STORES:-both}  # embedded, postgres (needs DATABASE_URL and REDIS_URL) or both
TTFT=${TTFT:-1}         # 0: skip the time-to-first-token runs
db_urls=; [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ] && db_urls=1
case "$STORES" in  # run_pg: the PostgreSQL + Redis runs happen
  embedded) run_pg= ;;
  both) run_pg=$db_urls ;;
  postgres) [ -n "$db_urls" ] || { echo "STORES=postgres needs DATABASE_URL and REDIS_URL" >&2; exit 2; }
    run_pg=1 ;;
  *) echo "STORES must be embedded, postgres or both, not '$STORES'" >&2; exit 2 ;;
esac
. scripts/setup.sh
build_deps
apt_install nginx wrk curl
DURATION=${DURATION:-10}
RPM=${RPM:-0}   # per key and per tenant; 0 = no limit, so no rate-limit work at all
PAIRS=${PAIRS:-5}  # alternating direct/shield pairs for the added-latency lines; 0: none
# The paced 64 clients' requests per second in all, one set of pairs per rate in the list,
# each client waiting a random (exponential) time between its requests; "": no paced runs.
# As fast as they can, 64 clients fill both cores, which wrk, the provider and the edge
# share, so their latency there is the queue for the cores (see the req/s), not what the
# shield adds to one request.
PACE=${PACE-500 1000 2000}
BIN=${BIN:-target/release/securetag-edge}
[ -x "$BIN" ] || cargo build --release --locked

work=$(mktemp -d)
cleanup() {
  for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -n "${edge_pid:-}" ] && kill "$edge_pid" 2>/dev/null || true
  [ -n "${sse_pid:-}" ] && kill "$sse_pid" 2>/dev/null || true
  sleep 0.3; rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PROVIDER=$(free_port); EDGE=$(free_port); ADMIN=$(free_port); SSE=$(free_port)

answer='{"id":"chatcmpl-b","object":"chat.completion","created":1,"model":"bench-1","choices":[{"index":0,"message":{"role":"assistant","content":"Rotate the key, then redeploy the service with the new one from the vault."},"finish_reason":"stop"}],"usage":{"prompt_tokens":900,"completion_tokens":20,"total_tokens":920}}'
cat > "$work/provider.conf" <<CONF
worker_processes 1; pid $work/provider.pid; error_log $work/provider.err warn; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000; client_body_buffer_size 64k;
  client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:$PROVIDER; location / { default_type application/json; return 200 '$answer'; } } }
CONF
nginx -c "$work/provider.conf" -p "$work"

# A 4 KB prompt of ordinary chat text with an email and a phone number to redact.
python3 - "$work" <<'PY'
import json, sys
text = ("Hello team, I am reviewing the quarterly report and need help rewriting the summary so it reads "
        "well for the board. The numbers look fine but the narrative is too long and repeats itself. ")
prompt = (text * 30)[:3900] + " Contact me at dana.whitfield@northwind-mail.com or 415-555-0134."
body = {"model": "bench-1", "max_tokens": 256, "messages": [{"role": "system", "content": "You are a helpful editor."},
        {"role": "user", "content": prompt}]}
open(sys.argv[1] + "/body.json", "w").write(json.dumps(body))
PY
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-st-bench-key-000000000000000000000001"
local f = io.open("$work/body.json"); wrk.body = f:read("*a"); f:close()
LUA
# wrk times a request from when it is written, so the wait before it is not counted.
for rate in $PACE; do
  [ "$rate" -gt 0 ] || { echo "PACE holds request rates above 0, not '$rate'" >&2; exit 2; }
  { cat "$work/post.lua"; echo "local mean = 64 * 1000 / $rate
function delay() return -math.log(1 - math.random()) * mean end"; } > "$work/paced-$rate.lua"
done

edge_config() { # $1: extra ai lines
cat > "$work/edge.yaml" <<YAML
server: {threads: 2, pid_file: $work/edge.pid, upgrade_sock: $work/edge.sock}
admin: {address: "127.0.0.1:$ADMIN"}
logging: {level: warn, access_log: "off"}
listeners: [{address: "127.0.0.1:$EDGE"}]
upstreams: {core-api: {addresses: ["127.0.0.1:$PROVIDER"]}}
routes: [{prefix: /, upstream: core-api}]
ai:
  system_secret: "bench-system-secret-0123456789abcdef-000000"
  audit: {file: $work/audit.jsonl, spool_dir: $work/spool}
  providers:
    - {name: bench, base_url: "http://127.0.0.1:$PROVIDER/v1", models: ["bench-*"]}
    - {name: sse, base_url: "http://127.0.0.1:$SSE/v1", models: ["sse-*"]}
  sast: {enabled: false}
$1
YAML
}
start_edge() {
  "$BIN" run -c "$work/edge.yaml" >/dev/null 2>"$work/edge.log" & edge_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$ADMIN/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$work/edge.log"; exit 1
}
stop_edge() { kill "$edge_pid"; wait "$edge_pid" 2>/dev/null || true; edge_pid=; }

measure() { # $1 label $2 url $3 conns [$4 wrk script, post.lua by default]
  wrk -t1 -c"$3" -d"${DURATION}s" --latency -s "$work/${4:-post.lua}" "$2" > "$work/wrk.out"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.out")
  printf "| %-30s | %5s | %9s | %8s | %8s | %s\n" "$1" "$3" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
}
last_us() { # p50 and p99 of the last measure, in microseconds ("141.00us", "1.54ms", "1.02s")
  awk '$1 == "50%" || $1 == "99%" { v = $2; n = v + 0
    if (v ~ /ms$/) n *= 1000; else if (v ~ /[0-9]s$/) n *= 1000000; printf "%.0f ", n }
    END { print "" }' "$work/wrk.out"
}
# CPU seconds are steadier than latency on such a host: the edge's, and PostgreSQL's (all
# its local processes; 0 when it runs elsewhere), in clock ticks.
ticks() { # $1.. pids
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
# On a shared VM the direct call's own p99 moves by milliseconds between runs, so a single
# direct-then-shield pair says little. This alternates PAIRS pairs and prints the median of
# (shield - direct) over the pairs, for p50 and p99.
# It also prints the CPU per request of those shield runs.
added_at() { # $1 store label $2 conns $3 wrk script $4 what the clients are
  : > "$work/pairs"
  local requests=0 edge_ticks=0 pg_ticks=0 e0 p0
  for _ in $(seq 1 "$PAIRS"); do
    measure "direct to provider" "http://127.0.0.1:$PROVIDER/v1/chat/completions" "$2" "$3"
    last_us >> "$work/pairs"
    e0=$(ticks "$edge_pid"); p0=$(ticks $(pgrep -u postgres || true))
    measure "through the shield ($1)" "http://127.0.0.1:$EDGE/ai/v1/chat/completions" "$2" "$3"
    # An error answer is cheaper than a completion: its latency would flatter the shield.
    if grep -q Non-2xx "$work/wrk.out"; then
      echo "the shield answered errors in that run, so no figure comes from it; its log ends:" >&2
      tail -n 5 "$work/edge.log" >&2
      exit 1
    fi
    sleep 0.3  # the audit writer's last batch (flush interval 200 ms)
    edge_ticks=$((edge_ticks + $(ticks "$edge_pid") - e0))
    pg_ticks=$((pg_ticks + $(ticks $(pgrep -u postgres || true)) - p0))
    requests=$((requests + $(awk '/requests in/ { print $1 }' "$work/wrk.out")))
    last_us >> "$work/pairs"
  done
  local hz; hz=$(getconf CLK_TCK)
  awk -v r="$requests" -v e="$edge_ticks" -v p="$pg_ticks" -v hz="$hz" -v l="$1" -v c="$4" 'BEGIN {
    printf "CPU per request at %s (%s): edge %.0f us, PostgreSQL %.0f us\n", c, l, e * 1e6 / hz / r, p * 1e6 / hz / r }'
  awk 'NR % 2 == 1 { d50 = $1; d99 = $2; next } { print $1 - d50, $2 - d99 }' "$work/pairs" > "$work/diffs"
  median() { cut -d' ' -f"$1" "$work/diffs" | sort -n | awk '{ v[NR] = $1 } END { printf "%+.3f", v[int((NR + 1) / 2)] / 1000 }'; }
  echo "added at $4 ($1), median of $PAIRS alternating pairs: p50 $(median 1) ms, p99 $(median 2) ms"
}

run_set() { # $1 store label
  for c in 1 64; do
    wrk -t1 -c"$c" -d2s -s "$work/post.lua" "http://127.0.0.1:$EDGE/ai/v1/chat/completions" >/dev/null
    measure "direct to provider" "http://127.0.0.1:$PROVIDER/v1/chat/completions" "$c"
    measure "through the shield ($1)" "http://127.0.0.1:$EDGE/ai/v1/chat/completions" "$c"
  done
  if [ "$PAIRS" -gt 0 ]; then
    added_at "$1" 1 post.lua "1 client"
    for rate in $PACE; do added_at "$1" 64 "paced-$rate.lua" "64 clients paced to $rate req/s"; done
  fi
  echo "edge peak RSS ($1): $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$edge_pid/status)"
}

echo "machine: $(nproc) cores, $(uname -r); wrk -t1 -d${DURATION}s, 4 KB prompt, every scanner on"
echo "| path                           | conns |     req/s |      p50 |      p99 |"
echo "|--------------------------------|-------|-----------|----------|----------|"
# The embedded store's tenant: the 1-client, 64-client and TTFT runs without a database.
embedded_tenants="  tenants:
    - name: bench
      credits: 99999999
      policy: {is_enabled: true, max_requests_per_minute: $RPM}
      keys: [{key: sk-st-bench-key-000000000000000000000001, rate_limit_rpm: $RPM}]"
if [ "$STORES" != postgres ]; then
  edge_config "$embedded_tenants"
  start_edge
  run_set embedded
  stop_edge
fi

if [ -n "$run_pg" ]; then
  "$BIN" migrate --database-url "$DATABASE_URL" >/dev/null
  tenant=$(DATABASE_URL=$DATABASE_URL "$BIN" tenant create "bench-$(date +%s%N)" --credits 99999999)
  key=$(DATABASE_URL=$DATABASE_URL "$BIN" key create --tenant "$tenant" --rpm "$RPM" 2>/dev/null)
  psql "$DATABASE_URL" -qc "UPDATE securetag.ai_gateway_config SET max_requests_per_minute = $RPM WHERE tenant_id = '$tenant'"
  sed -i "s/sk-st-bench-key-000000000000000000000001/$key/" "$work"/*.lua
  edge_config "  database_url: \"$DATABASE_URL\"
  redis_url: \"$REDIS_URL\""
  start_edge
  run_set "postgres+redis"
  stop_edge
fi

[ "$TTFT" = 0 ] && exit 0
# Time to first token: a provider that streams 20 events 50 ms apart.
python3 - "$SSE" > "$work/sse.log" 2>&1 <<'PY' &
import json, socket, sys, threading, time
port = int(sys.argv[1])
def serve(c):
    try:
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += c.recv(65536)
        head, rest = buf.split(b"\r\n\r\n", 1)
        n = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
        while len(rest) < n:
            rest += c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        for i in range(20):
            ev = json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "sse-1",
                             "choices": [{"index": 0, "delta": {"content": f"token{i} "}, "finish_reason": None}]})
            data = f"data: {ev}\n\n".encode()
            c.sendall(b"%x\r\n%s\r\n" % (len(data), data))
            time.sleep(0.05)
        done = b"data: [DONE]\n\n"
        c.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(done), done))
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", port)); s.listen(64)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
sse_pid=$!
edge_config "$embedded_tenants"
start_edge
sleep 0.5
python3 - "$EDGE" "$SSE" <<'PY'
import http.client, json, statistics, sys, time
edge, sse = int(sys.argv[1]), int(sys.argv[2])
body = json.dumps({"model": "sse-1", "stream": True, "messages": [{"role": "user", "content": "Write a short note about key rotation."}]})
def ttft(port, path, headers):
    c = http.client.HTTPConnection("127.0.0.1", port)
    t = time.perf_counter(); c.request("POST", path, body, headers); r = c.getresponse()
    first = None; total = None
    while True:
        line = r.fp.readline()
        # The edge keeps the connection alive after the last chunk: stop at [DONE], not EOF.
        if not line or line.startswith(b"data: [DONE]"): break
        if first is None and line.startswith(b"data: {"):
            delta = json.loads(line[6:])["choices"][0]["delta"]
            if (delta.get("content") or "").startswith("token"):
                first = time.perf_counter() - t
    total = time.perf_counter() - t
    c.close(); return first, total
h = {"Content-Type": "application/json", "Authorization": "Bearer sk-st-bench-key-000000000000000000000001"}
for label, port, path in [("direct", sse, "/v1/chat/completions"), ("through the shield", edge, "/ai/v1/chat/completions")]:
    firsts = [ttft(port, path, h)[0] * 1000 for _ in range(20)]
    firsts.sort()
    print(f"TTFT {label:20s} p50 {statistics.median(firsts):7.2f} ms   max {firsts[-1]:7.2f} ms  (20 streams, 20 events 50 ms apart)")
PY
