#!/usr/bin/env bash
# Run the status registry's crash tests (SIGKILL of a real child process mid-allocation,
# mid-revocation and mid-publish) N times in a row (default 20); exit 1 if any run failed.
#   bench/crash_loop.sh [N]
set -u
cd "$(dirname "$0")/.."
N="${1:-20}"
PY="${PYTHON:-.venv/bin/python}"
pass=0; fail=0; start=$(date +%s)
for i in $(seq 1 "$N"); do
    if out=$("$PY" -m pytest -q -p no:cacheprovider tests/test_status_crash.py 2>&1); then
        pass=$((pass + 1)); echo "run $i: $(echo "$out" | tail -1)"
    else
        fail=$((fail + 1)); echo "run $i: FAILED"; echo "$out" | tail -30
    fi
done
echo "crash loop: $pass/$N runs passed, $fail failed, $(( $(date +%s) - start )) s"
[ "$fail" -eq 0 ]
