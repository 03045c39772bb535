#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine (apt and npm, idempotently), then runs
# every test project and ends with one plain summary line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

log() { printf '[test.sh] %s\n' "$*"; }

# --- Debian packages (tests/peers/apt-packages.txt) ---------------------------------------
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tests/peers/apt-packages.txt)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing from apt: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq || { log "apt-get update failed"; exit 1; }
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { log "apt-get install ${missing[*]} failed"; exit 1; }
fi

# --- npm peers (tests/peers/package.json) --------------------------------------------------
if [ -f tests/peers/package.json ]; then
  stamp=tests/peers/node_modules/.installed-from-lock
  if [ ! -f "$stamp" ] || ! cmp -s tests/peers/package-lock.json "$stamp"; then
    log "installing npm peers"
    (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error) || { log "npm ci failed"; exit 1; }
    cp tests/peers/package-lock.json "$stamp"
  fi
fi

# node-opcua's push certificate management needs its own matching 2.157.0 set (tests/peers/gds).
if [ -f tests/peers/gds/package.json ]; then
  stamp=tests/peers/gds/node_modules/.installed-from-lock
  if [ ! -f "$stamp" ] || ! cmp -s tests/peers/gds/package-lock.json "$stamp"; then
    log "installing npm peers (gds)"
    (cd tests/peers/gds && npm ci --no-audit --no-fund --loglevel=error) || { log "npm ci (gds) failed"; exit 1; }
    cp tests/peers/gds/package-lock.json "$stamp"
  fi
fi

# --- the suite ----------------------------------------------------------------------------
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"
log "building"
dotnet build PlantTrust.sln -c Release -nologo -clp:ErrorsOnly || { log "build failed"; echo "0 passed, 1 failed"; exit 1; }
log "running tests"
dotnet test PlantTrust.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
