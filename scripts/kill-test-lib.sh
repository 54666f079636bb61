# kill-test-lib.sh - the shared harness of scripts/kill-test.sh and scripts/kill-test-finetune.sh: PASS/FAIL lines,
# the closing "NAME: N passed, N failed" line that .ci/run and the tests count, and the Release build if missing.
# Source it after setting NAME, ROOT, W (work folder) and LORALAB; it defines ok, bad, check and finish.
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "[$NAME] PASS $*"; }
bad()  { fail=$((fail + 1)); echo "[$NAME] FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() {
  [ "${KEEP:-0}" = 1 ] && echo "[$NAME] kept $W" || rm -rf "$W"
  echo "$NAME: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}

if [ ! -x "$LORALAB" ]; then
  echo "[$NAME] building $LORALAB"
  dotnet build "$ROOT/src/LoraLab.Cli" -c Release -v q -nologo >/dev/null || { bad "build"; finish; exit 1; }
fi

# kill_at PID TARGET EXTRA PROGRESS: wait (bounded by RUN_TIMEOUT) until the command PROGRESS prints a number
# >= TARGET or PID has ended, sleep EXTRA seconds, SIGKILL PID and reap it. Sets killed (yes / why not) and counts
# hits. Keyed to progress, not to wall time, so a faster or slower machine cannot make a kill miss.
hits=0
kill_at() {
  local pid=$1 target=$2 extra=$3 progress=$4 i
  for ((i = 0; i < RUN_TIMEOUT * 50; i++)); do
    [ "$($progress)" -ge "$target" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  sleep "$extra"
  kill -9 "$pid" 2>/dev/null && { killed=yes; hits=$((hits + 1)); } || killed="no (it had finished)"
  wait "$pid" 2>/dev/null
}
