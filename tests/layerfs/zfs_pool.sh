#!/usr/bin/env bash
# A ZFS pool on a file for the zfs snapshotter's tests (a ctest fixture).
# Usage: zfs_pool.sh start|stop POOL STATE_DIR
#
# The kernel's ZFS when the machine has it (/dev/zfs), else zfs-fuse, the same
# ZFS in a user-space daemon (Debian's zfs-fuse, which scripts/setup installs):
# this script starts the daemon when none answers.
# Without either, `start` says so and succeeds: the tests then skip, saying
# that POOL is not there. With one of them, any failure fails the fixture.
set -euo pipefail
action=$1 pool=$2 state=$3
image="$state/pool.img"

have_zfs() { command -v zpool >/dev/null && command -v zfs >/dev/null; }

# Whether a ZFS answers: the kernel's, or a zfs-fuse daemon on its socket.
answers() { timeout 20 zpool list >/dev/null 2>&1; }

# zfs-fuse runs as a system service would: started once, left running for
# the next run (stopping and restarting it between runs races its slow
# shutdown). One that no longer answers, or no longer lets a pool go, is
# replaced (launch_daemon).
start_daemon() {
  [[ -e /dev/zfs ]] && return 0
  answers && return 0
  if ! command -v zfs-fuse >/dev/null || [[ ! -e /dev/fuse ]]; then
    echo "zfs_pool: no ZFS here (no /dev/zfs, and no zfs-fuse or no /dev/fuse): the zfs tests skip"
    return 1
  fi
  launch_daemon
}

launch_daemon() {
  # Only a daemon these tests started is ours to replace; one the machine
  # runs as a service may serve real pools.
  local ours=""
  [[ -s "$state/zfs-fuse.pid" ]] && ours=$(cat "$state/zfs-fuse.pid")
  if [[ -n $ours ]] && kill -0 "$ours" 2>/dev/null; then
    kill -9 "$ours"
    for _ in $(seq 50); do
      kill -0 "$ours" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if pgrep -x zfs-fuse >/dev/null; then
    echo "zfs_pool: a zfs-fuse these tests did not start does not answer (or will not let the test pool go): the zfs tests skip"
    exit 0
  fi
  # A pidfile left by a daemon that died keeps a new one from starting.
  rm -f "$state/zfs-fuse.pid"
  # --enable-xattr: layers carry xattrs (zfs-fuse keeps none without it).
  zfs-fuse --pidfile "$state/zfs-fuse.pid" --no-kstat-mount --enable-xattr 2>/dev/null
  # The daemon answers on its socket a moment after it forks.
  for _ in $(seq 50); do
    answers && return 0
    sleep 0.1
  done
  echo "zfs_pool: zfs-fuse started but does not answer" >&2
  exit 1
}

# Destroys $pool if it exists; "pool is busy" for a moment after the last
# test's unmounts, so a few tries.
destroy_pool() {
  zpool list -H -o name "$pool" >/dev/null 2>&1 || return 0
  for _ in $(seq 20); do
    zpool destroy -f "$pool" 2>/dev/null && return 0
    sleep 0.2
  done
  zpool destroy -f "$pool"  # once more, to show its error
}

case "$action" in
  start)
    mkdir -p "$state"
    if ! have_zfs; then
      echo "zfs_pool: the zfs command is not installed: the zfs tests skip"
      exit 0
    fi
    start_daemon || exit 0
    # A crashed run's pool goes first, with whatever it held. A zfs-fuse that
    # will not let it go (a test killed while it served its mounts) is
    # replaced, and the pool goes then.
    if ! destroy_pool 2>/dev/null; then
      if [[ -e /dev/zfs ]]; then
        destroy_pool
      else
        launch_daemon
        destroy_pool
      fi
    fi
    rm -f "$image"
    truncate -s 1G "$image"
    zpool create -f -m none "$pool" "$image"
    zfs list -H -o name "$pool"
    ;;
  stop)
    have_zfs && destroy_pool
    rm -f "$image"
    ;;
  *)
    echo "usage: $0 start|stop POOL STATE_DIR" >&2
    exit 2
    ;;
esac
