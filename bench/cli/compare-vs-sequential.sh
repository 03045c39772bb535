#!/usr/bin/env bash
# How much `compare` gains by running variants in parallel: the same two variants of a scenario,
# first as two `run`s one after the other (the peer), then as one `compare` (parallel up to the
# core count). Prints both wall times and their ratio. Build first:
#   dotnet build src/Twin.Host -c Release
# Usage: bench/cli/compare-vs-sequential.sh [SCENARIO] [KNOB=a,b]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
host="dotnet $root/src/Twin.Host/bin/Release/net10.0/Twin.Host.dll"
scenario="${1:-$root/scenarios/two-tier-pki.yaml}"
vary="${2:-crlInterval=PT12H,P1D}"
knob="${vary%%=*}"
IFS=',' read -r -a values <<< "${vary#*=}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

start=$(date +%s.%N)
for v in "${values[@]}"; do
  $host compare "$scenario" --vary "$knob=$v" --out "$work/seq-$v" > /dev/null
done
sequential=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
$host compare "$scenario" --vary "$vary" --out "$work/par" > /dev/null
parallel=$(echo "$(date +%s.%N) - $start" | bc)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "scenario: $(basename "$scenario"), variants: $vary"
printf 'sequential (one variant per compare, one after the other): %.1f s\n' "$sequential"
printf 'compare (variants in parallel): %.1f s\n' "$parallel"
printf 'speed-up: %.2fx\n' "$(echo "$sequential / $parallel" | bc -l)"
