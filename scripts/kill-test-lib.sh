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
