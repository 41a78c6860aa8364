#!/usr/bin/env bash
# The README's picture of `shmctl-rs top`: a few segments, two held, and a running ring,
# in a private IPC namespace, on a tmux screen of 156 x 11; writes docs/top.txt and
# docs/top.svg. Needs root (unshare), tmux and python3; run from the repository root
# after `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/shmctl-rs
dir=$(mktemp -d)
trap 'tmux -S "$dir/socket" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
unshare --ipc -- bash -c '
    set -e
    bin=$1 dir=$2
    "$bin" create --size 64K --key 0x1234 -q >/dev/null
    "$bin" create --size 1M -q >/dev/null
    "$bin" create --size 256M --key 0x0052e2c1 -q >/dev/null
    "$bin" attach 0x1234 --readonly >/dev/null & pids=$!
    "$bin" attach 0x0052e2c1 >/dev/null & pids="$pids $!"
    "$bin" ring produce -n 0 --interval 4ms --quiet >/dev/null & pids="$pids $!"
    sleep 0.3
    "$bin" ring consume -n 0 --interval 6ms --quiet >/dev/null & pids="$pids $!"
    TZ=UTC tmux -f /dev/null -S "$dir/socket" new-session -d -x 156 -y 11 "$bin top"
    sleep 3.5
    tmux -S "$dir/socket" capture-pane -p -N > docs/top.txt
    tmux -S "$dir/socket" capture-pane -p -N -e > "$dir/top.ansi"
    tmux -S "$dir/socket" kill-server
    kill $pids
    wait
' bash "$bin" "$dir"
sed -i 's/ *$//' docs/top.txt
python3 docs/ansi-to-svg.py < "$dir/top.ansi" > docs/top.svg
