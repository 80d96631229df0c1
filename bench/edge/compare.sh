#!/usr/bin/env bash
# securetag-edge against an equivalent Nginx reverse proxy, in one run, on loopback:
# the same origin (an Nginx returning 200 "ok"), the same wrk load, requests/s, p50/p99
# latency at 64 and 512 connections, and the edge's peak RSS.
#
#   bench/edge/compare.sh            # builds the release binary if needed
#   DURATION=20 bench/edge/compare.sh
#
# Everything listens on 127.0.0.1 and stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/setup.sh
build_deps
apt_install nginx wrk

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
BIN=${BIN:-target/release/securetag-edge}
[ -x "$BIN" ] || cargo build --release --locked
BARE=${BARE:-target/release/examples/bare_pingora}
[ -x "$BARE" ] || cargo build --release --locked --example bare_pingora

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/origin.pid" ] && kill "$(cat "$work/origin.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN=$(free_port); NGINX=$(free_port); EDGE=$(free_port); ADMIN=$(free_port); PINGORA=$(free_port)

nginx_conf() { # $1 name, $2 body of http{}
  cat > "$work/$1.conf" <<CONF
worker_processes 2;
pid $work/$1.pid;
error_log $work/$1.err warn;
daemon on;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$1-body;
  proxy_temp_path $work/$1-proxy;
  fastcgi_temp_path $work/$1-fcgi;
  uwsgi_temp_path $work/$1-uwsgi;
  scgi_temp_path $work/$1-scgi;
  keepalive_requests 100000;
  $2
}
CONF
  nginx -c "$work/$1.conf" -p "$work"
}

nginx_conf origin "server { listen 127.0.0.1:$ORIGIN; location / { return 200 'ok'; } }"
nginx_conf proxy "upstream core { server 127.0.0.1:$ORIGIN; keepalive 64; }
  server { listen 127.0.0.1:$NGINX;
    location / { proxy_pass http://core; proxy_http_version 1.1; proxy_set_header Connection '';
      proxy_set_header Host \$host; proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme; } } "

cat > "$work/edge.yaml" <<YAML
server: {threads: ${EDGE_THREADS:-2}, pid_file: $work/edge.pid, upgrade_sock: $work/edge.sock}
admin: {address: "127.0.0.1:$ADMIN"}
logging: {level: warn, access_log: ${ACCESS_LOG:-off}}
listeners: [{address: "127.0.0.1:$EDGE"}]
upstreams: {core-api: {addresses: ["127.0.0.1:$ORIGIN"]}}
routes: [{prefix: /, upstream: core-api}]
YAML
"$BIN" run -c "$work/edge.yaml" >/dev/null 2>"$work/edge.log" &
edge_pid=$!
pids+=("$edge_pid")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$EDGE/" >/dev/null 2>&1 && break; sleep 0.1; done

LISTEN="127.0.0.1:$PINGORA" ORIGIN="127.0.0.1:$ORIGIN" THREADS=${EDGE_THREADS:-2} TIMEOUTS=1 "$BARE" >/dev/null 2>&1 &
bare_pid=$!
pids+=("$bare_pid")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PINGORA/" >/dev/null 2>&1 && break; sleep 0.1; done

rss() { awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$1/status"; }
run() { # $1 label $2 port $3 connections
  wrk -t"$THREADS" -c"$3" -d"${DURATION}s" --latency "http://127.0.0.1:$2/" > "$work/wrk.out"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  printf "| %-16s | %5s | %10s | %8s | %8s |\n" "$1" "$3" "$rps" "$p50" "$p99"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -r); nginx $(nginx -v 2>&1 | cut -d/ -f2); wrk -t$THREADS -d${DURATION}s"
echo "| proxy            | conns |      req/s |      p50 |      p99 |"
echo "|------------------|-------|------------|----------|----------|"
for c in 64 512; do
  # Warm both (connection pools, page cache), then measure each in turn.
  wrk -t2 -c"$c" -d2s "http://127.0.0.1:$NGINX/" >/dev/null
  wrk -t2 -c"$c" -d2s "http://127.0.0.1:$EDGE/" >/dev/null
  wrk -t2 -c"$c" -d2s "http://127.0.0.1:$PINGORA/" >/dev/null
  run nginx "$NGINX" "$c"
  run "bare pingora" "$PINGORA" "$c"
  run securetag-edge "$EDGE" "$c"
  echo "peak RSS after the $c-connection runs: securetag-edge $(rss "$edge_pid"), bare pingora $(rss "$bare_pid")"
done
