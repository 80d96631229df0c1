#!/usr/bin/env bash
# Verifies systemd/securetag-edge.service with `systemd-analyze verify`, offline.
#
#   scripts/verify-unit.sh [BINARY] [UNIT]
#
# BINARY  the securetag-edge executable to put in the Exec*= lines instead of
#         /usr/local/bin/securetag-edge (verify insists that executables exist);
#         default: target/release/securetag-edge, else target/debug/securetag-edge.
# UNIT    the unit file to check; default: systemd/securetag-edge.service.
#
# The unit is copied to a temporary directory under its own name, with the binary path
# rewritten, and verified there; nothing is installed and no running systemd is needed.
# Exits 0 when verify passes with no warning about the unit, 1 when it does not, and 77
# (the automake "skipped" code) when systemd-analyze is not installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

binary="${1:-}"
if [ -z "$binary" ]; then
  for b in "$root/target/release/securetag-edge" "$root/target/debug/securetag-edge"; do
    if [ -x "$b" ]; then binary="$b"; break; fi
  done
fi
unit="${2:-$root/systemd/securetag-edge.service}"

if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "verify-unit: no executable securetag-edge binary (got ${binary:-nothing}); build it or pass its path" >&2
  exit 1
fi
if [ ! -f "$unit" ]; then
  echo "verify-unit: no unit file at $unit" >&2
  exit 1
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify-unit: systemd-analyze not found (Debian/Ubuntu: apt-get install systemd); skipped" >&2
  exit 77
fi

binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
name="$(basename "$unit")"
sed "s#/usr/local/bin/securetag-edge#${binary}#g" "$unit" >"$tmp/$name"

# Verify prints problems on stderr and exits non-zero on errors; unknown or misspelled
# settings are only warnings, so any output that names the unit counts as a failure too.
# Lines about other units (a host's own broken units) are not this script's business.
set +e
out="$(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "$tmp/$name" 2>&1)"
rc=$?
set -e
ours="$(printf '%s\n' "$out" | grep -F -e "$name" -e "$tmp" || true)"
if [ "$rc" -ne 0 ] || [ -n "$ours" ]; then
  printf '%s\n' "$out" >&2
  echo "verify-unit: $unit FAILED (systemd-analyze exit $rc)" >&2
  exit 1
fi

# Verify checks only ExecStart='s executable; every Exec*= command must exist too.
missing=0
while IFS= read -r cmd; do
  exe="${cmd%% *}"
  exe="${exe#"${exe%%[!-@:+!]*}"}" # strip the -@:+! prefixes
  if [ ! -x "$exe" ]; then
    echo "verify-unit: $name: command $exe is not executable" >&2
    missing=1
  fi
done < <(sed -n 's/^Exec[A-Za-z]*=//p' "$tmp/$name")
if [ "$missing" -ne 0 ]; then
  echo "verify-unit: $unit FAILED" >&2
  exit 1
fi
[ -n "$out" ] && printf '%s\n' "$out" >&2
echo "verify-unit: $unit ok (binary $binary)"
