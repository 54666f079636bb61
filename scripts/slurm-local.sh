#!/usr/bin/env bash
# slurm-local.sh - a one-node Slurm "cluster" on localhost, from scratch, for CI.
# (LoraLab copy of the reference script in docs/distributed research; used by scripts/ci-slurm.sh.)
#
# Usage:  scripts/slurm-local.sh          start, self-test with a job array, stop (or keep running)
#         scripts/slurm-local.sh stop     stop what a KEEP_RUNNING=1 start left up (same WORKDIR)
#
# Installs Slurm + MUNGE from Debian 12 packages, writes a minimal slurm.conf
# (all state, logs, pid files and job outputs under $WORKDIR), starts munged,
# slurmctld and slurmd as plain processes (no systemd needed), submits a job
# array, waits for it, checks every task's output, and stops the processes it
# started (by PID). Run it as root. Exits non-zero on any failure.
#
# Knobs (environment variables):
#   WORKDIR=$TMPDIR/slurm-local  all Slurm files; wiped at start (must be
#                                  reachable by the 'slurm' user: no 0700 parent)
#   ARRAY_N=6                      tasks in the test array (ids 0..ARRAY_N-1; 0 = no self-test)
#   CPUS=$(nproc)                  CPUs declared for the node
#   JOB_TIMEOUT=300                seconds the array may take before failing
#   KEEP_RUNNING=0                 1 = leave the daemons up (a later step
#                                  submits real work; stop them yourself with
#                                  'scontrol shutdown' + kill of munged's PID)
#   SKIP_INSTALL=0                 1 = do not call apt-get
#   SLURMCTLD_PORT=6817 SLURMD_PORT=6818
set -euo pipefail

WORKDIR=${WORKDIR:-${TMPDIR:-/tmp}/loralab-slurm}
ARRAY_N=${ARRAY_N:-6}
CPUS=${CPUS:-$(nproc)}
JOB_TIMEOUT=${JOB_TIMEOUT:-300}
KEEP_RUNNING=${KEEP_RUNNING:-0}
SKIP_INSTALL=${SKIP_INSTALL:-0}
SLURMCTLD_PORT=${SLURMCTLD_PORT:-6817}
SLURMD_PORT=${SLURMD_PORT:-6818}

T_START=$EPOCHREALTIME
log()  { printf '[slurm-local %6.1fs] %s\n' "$(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN{print b-a}')" "$*"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }
die()  { log "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
if [ -d /run/systemd/system ]; then
  log "note: systemd is running; this script still starts the daemons by hand"
else
  log "no systemd running (PID 1 is '$(ps -o comm= -p 1 2>/dev/null || echo '?')'); daemons are started by hand"
fi

# ---------------------------------------------------------------- install ---
t=$EPOCHREALTIME
if [ "$SKIP_INSTALL" != 1 ]; then
  need=0
  for b in /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch /usr/sbin/munged /usr/bin/munge; do
    [ -x "$b" ] || need=1
  done
  if [ "$need" = 1 ]; then
    log "installing slurm-wlm + munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # slurm-wlm = slurmctld + slurmd + slurm-client + slurm-wlm-basic-plugins
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  fi
fi
T_INSTALL=$(since "$t")
command -v sbatch >/dev/null || die "sbatch not found after install"
log "install step: ${T_INSTALL}s ($(slurmctld -V))"

# ----------------------------------------------------------------- state ----
STARTED_MUNGED=""        # PID of munged, if this script started it
CTLD_PIDFILE="$WORKDIR/run/slurmctld.pid"
SLURMD_PIDFILE="$WORKDIR/run/slurmd.pid"
MUNGE_PIDFILE=/run/munge/munged.pid

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
wait_gone() { # $1 pid, $2 seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do pid_alive "$1" || return 0; sleep 0.1; done
  return 1
}

stop_all() {
  local t0=$EPOCHREALTIME ctld="" sd=""
  [ -f "$CTLD_PIDFILE" ] && ctld=$(cat "$CTLD_PIDFILE" 2>/dev/null || true)
  [ -f "$SLURMD_PIDFILE" ] && sd=$(cat "$SLURMD_PIDFILE" 2>/dev/null || true)
  if pid_alive "$ctld"; then
    # 'scontrol shutdown' stops slurmctld and every slurmd it knows
    SLURM_CONF="$WORKDIR/etc/slurm.conf" scontrol shutdown >/dev/null 2>&1 || true
  fi
  for p in $ctld $sd; do
    if pid_alive "$p" && ! wait_gone "$p" 15; then
      log "pid $p still alive after 15s: SIGTERM"; kill "$p" 2>/dev/null || true
      wait_gone "$p" 10 || { log "pid $p: SIGKILL"; kill -9 "$p" 2>/dev/null || true; }
    fi
  done
  if [ -n "$STARTED_MUNGED" ] && pid_alive "$STARTED_MUNGED"; then
    kill "$STARTED_MUNGED" 2>/dev/null || true
    wait_gone "$STARTED_MUNGED" 10 || kill -9 "$STARTED_MUNGED" 2>/dev/null || true
  fi
  log "stopped slurmctld${ctld:+ ($ctld)}, slurmd${sd:+ ($sd)}${STARTED_MUNGED:+, munged ($STARTED_MUNGED)}" \
      "in $(since "$t0")s"
}

on_exit() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    log "--- last lines of the logs (rc=$rc) ---"
    for f in "$WORKDIR"/log/*.log /var/log/munge/munged.log; do
      [ -f "$f" ] && { echo "== $f"; grep -vE 'pmix|MPI: Cannot create context' "$f" | tail -n 15; }
    done
  fi
  if [ "$KEEP_RUNNING" = 1 ] && [ "$rc" = 0 ]; then
    log "KEEP_RUNNING=1: leaving daemons up; export SLURM_CONF=$WORKDIR/etc/slurm.conf"
  else
    stop_all
  fi
  exit "$rc"
}
if [ "${1:-}" = stop ]; then
  [ -f "$WORKDIR/run/munged.ours" ] && STARTED_MUNGED=$(cat "$WORKDIR/run/munged.ours")
  stop_all
  exit 0
fi
trap on_exit EXIT

# ----------------------------------------------------------- fresh start ----
# Refuse to clobber a Slurm that is already listening (e.g. a previous run
# with KEEP_RUNNING=1): stop it first.
for p in "$SLURMCTLD_PORT" "$SLURMD_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    STARTED_MUNGED=""; trap - EXIT
    die "port $p already in use (a Slurm daemon still running?)." \
        "Stop it: SLURM_CONF=$WORKDIR/etc/slurm.conf scontrol shutdown"
  fi
done
rm -rf "$WORKDIR"
mkdir -p "$WORKDIR"/{etc,state,spool,log,run,jobs}
chown slurm:slurm "$WORKDIR"/{state,log,run}
chmod 0755 "$WORKDIR"

# ------------------------------------------------------------------ munge ----
t=$EPOCHREALTIME
if [ ! -s /etc/munge/munge.key ]; then
  log "creating /etc/munge/munge.key"
  mkdir -p /etc/munge
  if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key
  else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
chmod 0755 /run/munge
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "munged already running; reusing it"
else
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || die "munged does not answer"
  STARTED_MUNGED=$(cat "$MUNGE_PIDFILE")
  echo "$STARTED_MUNGED" >"$WORKDIR/run/munged.ours"
  log "munged started (pid $STARTED_MUNGED) in $(since "$t")s"
fi

# ------------------------------------------------------------ slurm.conf ----
# NodeName=localhost + NodeAddr=127.0.0.1 + 'slurmd -N localhost' make the
# setup independent of the machine's hostname.
export SLURM_CONF="$WORKDIR/etc/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=local
SlurmctldHost=localhost
SlurmUser=slurm
SlurmctldPort=$SLURMCTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$WORKDIR/state
SlurmdSpoolDir=$WORKDIR/spool
SlurmctldPidFile=$CTLD_PIDFILE
SlurmdPidFile=$SLURMD_PIDFILE
SlurmctldLogFile=$WORKDIR/log/slurmctld.log
SlurmdLogFile=$WORKDIR/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# ------------------------------------------------------------ start slurm ----
t=$EPOCHREALTIME
/usr/sbin/slurmctld           # daemonizes; drops to SlurmUser=slurm
for _ in $(seq 1 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.2; done
scontrol ping | grep -q 'is UP' || die "slurmctld did not come up"
/usr/sbin/slurmd -N localhost # daemonizes; runs as root
state=""
for _ in $(seq 1 150); do
  state=$(sinfo -h -n localhost -o '%T' 2>/dev/null || true)
  [ "$state" = idle ] && break; sleep 0.2
done
[ "$state" = idle ] || die "node localhost is '$state', not idle"
T_STARTUP=$(since "$t")
log "slurmctld (pid $(cat "$CTLD_PIDFILE")) + slurmd (pid $(cat "$SLURMD_PIDFILE")) up, node idle, in ${T_STARTUP}s"
sinfo

# ------------------------------------------------------------- job array ----
if [ "$ARRAY_N" = 0 ]; then
  log "ARRAY_N=0: no self-test array"
  echo "slurm-local: 0 passed, 0 failed"
  exit 0
fi
t=$EPOCHREALTIME
cd "$WORKDIR/jobs"
last=$((ARRAY_N - 1))
# --wait: sbatch returns when every task has ended; its exit code is non-zero
# if any task failed. 'timeout' bounds the whole thing.
set +e
timeout "$JOB_TIMEOUT" sbatch --wait --array=0-"$last" --chdir="$WORKDIR/jobs" \
  --output="$WORKDIR/jobs/slurm-%A_%a.out" \
  --wrap 'echo $SLURM_ARRAY_TASK_ID > out_$SLURM_ARRAY_TASK_ID'
rc=$?
set -e
T_JOBS=$(since "$t")
[ "$rc" = 0 ] || die "sbatch --wait exited $rc (124 = timeout after ${JOB_TIMEOUT}s)"
log "job array 0-$last finished in ${T_JOBS}s"

pass=0 fail=0
for ((i = 0; i <= last; i++)); do
  if [ "$(cat "out_$i" 2>/dev/null)" = "$i" ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); log "task $i: out_$i missing or wrong: '$(cat "out_$i" 2>/dev/null)'"; fi
done
scontrol -o show job 2>/dev/null \
  | grep -o 'JobId=[0-9]* ArrayJobId=[0-9]* ArrayTaskId=[0-9]*\|JobState=[A-Z]*' \
  | paste - - | sort -t= -k4 -n || true

log "timings: install=${T_INSTALL}s startup=${T_STARTUP}s jobs=${T_JOBS}s"
echo "slurm-local: $pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
