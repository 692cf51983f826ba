#!/usr/bin/env bash
# A single-node Slurm for CI: `.ci/slurm.sh start` installs Debian's slurmctld, slurmd,
# slurm-client and munge (as root), writes /etc/slurm/slurm.conf for this machine, starts
# munged, slurmctld and slurmd, and waits until the node is idle; `.ci/slurm.sh stop` stops
# exactly the daemons that `start` started, by PID.
#
# The config must live at /etc/slurm/slurm.conf: snakemake-executor-plugin-slurm strips
# SLURM_CONF from the environment of the jobs it submits.
set -euo pipefail

STATE_DIR=${SIGNET_SLURM_STATE:-/tmp/signet-slurm}
PID_FILE="$STATE_DIR/pids"
CONF=/etc/slurm/slurm.conf

log() { echo "slurm.sh: $*" >&2; }

need_root() {
    if [ "$(id -u)" != 0 ]; then
        log "must run as root (installs packages and starts daemons)"
        exit 1
    fi
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
        && command -v sbatch >/dev/null && command -v munged >/dev/null; then
        return
    fi
    log "installing slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
}

write_config() {
    local host node_line
    host=$(hostname -s)
    # slurmd -C prints this machine's NodeName/CPUs/sockets/cores/threads/RealMemory line
    node_line=$(slurmd -C | head -n 1)
    case "$node_line" in
        NodeName=*) ;;
        *) log "unexpected 'slurmd -C' output: $node_line"; exit 1 ;;
    esac
    mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$STATE_DIR"
    cat >"$CONF" <<EOF
# Single-node Slurm written by .ci/slurm.sh for the signet CI (not for production).
ClusterName=signet-ci
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$STATE_DIR/slurmctld.pid
SlurmdPidFile=$STATE_DIR/slurmd.pid
SlurmctldLogFile=$STATE_DIR/slurmctld.log
SlurmdLogFile=$STATE_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# keep finished jobs visible to squeue long enough for the executor's status checks
MinJobAge=300
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
    log "wrote $CONF for node ${host}: ${node_line}"
}

start_daemon() {  # name, command...: run in the foreground under setsid, record its PID
    local name=$1
    shift
    setsid "$@" >"$STATE_DIR/$name.out" 2>&1 </dev/null &
    echo "$name $!" >>"$PID_FILE"
    log "started $name (pid $!)"
}

wait_idle() {
    local i
    for i in $(seq 1 60); do
        if sinfo --noheader --format=%T 2>/dev/null | grep -qx idle; then
            log "node idle after ${i} s"
            sinfo
            return 0
        fi
        sleep 1
    done
    log "node did not become idle; slurmctld log:"
    tail -n 20 "$STATE_DIR/slurmctld.log" >&2 || true
    tail -n 20 "$STATE_DIR/slurmd.log" >&2 || true
    return 1
}

start() {
    need_root
    if [ -s "$PID_FILE" ]; then
        log "already started (see $PID_FILE); run '$0 stop' first"
        exit 1
    fi
    install_packages
    write_config
    : >"$PID_FILE"
    mkdir -p /run/munge
    chown munge:munge /run/munge
    start_daemon munged setpriv --reuid=munge --regid=munge --init-groups munged --foreground
    for _ in $(seq 1 20); do
        [ -S /run/munge/munge.socket.2 ] && break
        sleep 0.5
    done
    start_daemon slurmctld slurmctld -D -i
    sleep 1
    start_daemon slurmd slurmd -D
    wait_idle
}

stop() {
    if [ ! -f "$PID_FILE" ]; then
        log "nothing to stop ($PID_FILE missing)"
        return 0
    fi
    local name pid
    # stop in reverse order of starting: slurmd, slurmctld, munged
    tac "$PID_FILE" | while read -r name pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" && log "stopped $name (pid $pid)"
        fi
    done
    for _ in $(seq 1 20); do
        local alive=0
        while read -r name pid; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done <"$PID_FILE"
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    rm -f "$PID_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
