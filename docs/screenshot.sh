#!/usr/bin/env bash
# The README's picture of `shmctl-rs top`: a few segments, two held, a running ring, a
# POSIX object held by two Python processes, one nobody holds and a memfd, in a private
# IPC namespace and a private /dev/shm, on a tmux screen of 156 x 14; writes docs/top.txt
# and docs/top.svg. Needs root (unshare), tmux and python3; run from the repository root
# after `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/shmctl-rs
dir=$(mktemp -d)
trap 'tmux -S "$dir/socket" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
unshare --ipc --mount --propagation private -- bash -c '
    set -e
    bin=$1 dir=$2
    mount -t tmpfs -o mode=1777,size=64m tmpfs /dev/shm
    "$bin" create --size 64K --key 0x1234 -q >/dev/null
    "$bin" create --size 1M -q >/dev/null
    "$bin" create --size 256M --key 0x0052e2c1 -q >/dev/null
    "$bin" attach 0x1234 --readonly >/dev/null & pids=$!
    "$bin" attach 0x0052e2c1 >/dev/null & pids="$pids $!"
    "$bin" ring produce -n 0 --interval 4ms --quiet >/dev/null & pids="$pids $!"
    sleep 0.3
    "$bin" ring consume -n 0 --interval 6ms --quiet >/dev/null & pids="$pids $!"
    python3 -c "
from multiprocessing import shared_memory
import time
m = shared_memory.SharedMemory(name=\"psm_reports\", create=True, size=1 << 20)
m.buf[: 300 * 1024] = bytes(300 * 1024)
time.sleep(3600)" 2>/dev/null & pids="$pids $!"
    sleep 0.3
    python3 -c "
from multiprocessing import shared_memory, resource_tracker
import time
m = shared_memory.SharedMemory(name=\"psm_reports\")
resource_tracker.unregister(m._name, \"shared_memory\")
time.sleep(3600)" 2>/dev/null & pids="$pids $!"
    python3 -c "
import mmap, os, time
fd = os.memfd_create(\"wayland-shm\")
os.ftruncate(fd, 2 << 20)
m = mmap.mmap(fd, 2 << 20)
m[: 1 << 20] = bytes(1 << 20)
time.sleep(3600)" 2>/dev/null & pids="$pids $!"
    head -c 5000 /dev/zero > /dev/shm/stale.cache
    TZ=UTC tmux -f /dev/null -S "$dir/socket" new-session -d -x 156 -y 14 "$bin top"
    sleep 3.5
    tmux -S "$dir/socket" capture-pane -p -N > docs/top.txt
    tmux -S "$dir/socket" capture-pane -p -N -e > "$dir/top.ansi"
    tmux -S "$dir/socket" kill-server
    kill $pids
    wait
' bash "$bin" "$dir"
sed -i 's/ *$//' docs/top.txt
python3 docs/ansi-to-svg.py < "$dir/top.ansi" > docs/top.svg
