#!/usr/bin/env bash
# What JWT verification at the edge costs under load: the same edge, the same Nginx origin,
# two routes that differ only in `jwt:` (HS256 with issuer and audience checks), the same
# request with the same Authorization header on both, wrk at 64 connections, on loopback.
#
#   bench/guard/jwt.sh            # builds the release binary if needed; DURATION=10
#
# The per-token cost in isolation is `cargo bench --bench gateway -- jwt`.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/setup.sh
build_deps
apt_install nginx wrk curl

DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
BIN=${BIN:-target/release/securetag-edge}
[ -x "$BIN" ] || cargo build --release --locked

work=$(mktemp -d)
edge_pid=
cleanup() {
  [ -f "$work/origin.pid" ] && kill "$(cat "$work/origin.pid")" 2>/dev/null || true
  [ -n "$edge_pid" ] && kill "$edge_pid" 2>/dev/null || true
  sleep 0.3; rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN=$(free_port); EDGE=$(free_port); ADMIN=$(free_port)
SECRET=bench-jwt-secret-0123456789abcdef0123

cat > "$work/origin.conf" <<CONF
worker_processes 1; pid $work/origin.pid; error_log $work/origin.err warn; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000;
  client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:$ORIGIN; location / { return 200 'ok'; } } }
CONF
nginx -c "$work/origin.conf" -p "$work"

cat > "$work/edge.yaml" <<YAML
server: {threads: 2, pid_file: $work/edge.pid, upgrade_sock: $work/edge.sock}
admin: {address: "127.0.0.1:$ADMIN"}
logging: {level: warn, access_log: "off"}
listeners: [{address: "127.0.0.1:$EDGE"}]
upstreams: {core-api: {addresses: ["127.0.0.1:$ORIGIN"]}}
routes:
  - prefix: /jwt/
    upstream: core-api
    jwt: {keys: [{alg: HS256, secret: "$SECRET"}], issuer: "https://auth.bench", audience: [chat]}
  - prefix: /
    upstream: core-api
YAML
"$BIN" run -c "$work/edge.yaml" >/dev/null 2>"$work/edge.log" & edge_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$ADMIN/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

TOKEN=$(python3 - "$SECRET" <<'PY'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"sub": "user-42", "iss": "https://auth.bench", "aud": "chat",
                       "exp": int(time.time()) + 3600}).encode())
sig = b64(hmac.new(sys.argv[1].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
print(f"{head}.{body}.{sig}")
PY
)
# Both routes must answer 200 with the token, and the JWT route 401 without it.
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EDGE/jwt/x")" = 200 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EDGE/jwt/x")" = 401 ]

run() { # $1 label $2 path
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EDGE$2" > "$work/wrk.out"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $4}' "$work/wrk.out")
  printf "| %-12s | %5s | %10s | %8s | %8s | %s\n" "$1" "$CONNS" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
}
echo "machine: $(nproc) cores, $(uname -r); wrk -t2 -c$CONNS -d${DURATION}s, HS256 token with iss/aud/exp"
echo "| route        | conns |      req/s |      p50 |      p99 |"
echo "|--------------|-------|------------|----------|----------|"
wrk -t2 -c"$CONNS" -d2s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EDGE/open/" >/dev/null
for round in 1 2; do
  run "JWT off" /open/
  run "JWT on" /jwt/x
done
