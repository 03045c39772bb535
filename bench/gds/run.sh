#!/usr/bin/env bash
# Wall and CPU time of scenarios/gds-renewal.yaml three ways, one after the other in one invocation:
# in process (design.gds removed), GDS pull, GDS push. Usage: bench/gds/run.sh [ROUNDS]
# Needs a Release build of src/Twin.Host. Prints one line per variant and round: variant wall_s user_s sys_s events.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
host="$root/src/Twin.Host/bin/Release/net10.0/Twin.Host.dll"
rounds="${1:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed '/^  gds: pull/d; s/^run: gds-renewal/run: gds-bench-inprocess/' "$root/scenarios/gds-renewal.yaml" > "$work/inprocess.yaml"
sed 's/^run: gds-renewal/run: gds-bench-pull/' "$root/scenarios/gds-renewal.yaml" > "$work/pull.yaml"
sed 's/^  gds: pull/  gds: push/; s/^run: gds-renewal/run: gds-bench-push/' "$root/scenarios/gds-renewal.yaml" > "$work/push.yaml"
for round in $(seq "$rounds"); do
  for variant in inprocess pull push; do
    rm -rf "$work/$variant-db"; mkdir -p "$work/$variant-db"
    /usr/bin/time -f "%e %U %S" -o "$work/time" dotnet "$host" run "$work/$variant.yaml" --db "$work/$variant-db/j.db" > "$work/out" 2>&1
    events=$(grep -o '[0-9]* events' "$work/out" | head -n 1 | cut -d' ' -f1)
    echo "$variant $(cat "$work/time") $events"
  done
done
