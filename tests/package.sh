#!/usr/bin/env bash
# The Debian package, on this machine: `cargo deb` builds it, `dpkg -i` installs it, then
# the installed files are checked (binary, version, man pages, completions in bash, zsh and
# fish, the systemd unit and what its sandbox allows, lintian), `dpkg -r` removes it, and
# nothing of it may be left behind. Needs root; .ci/run installs what it uses (cargo-deb,
# lintian, bash-completion, man-db, strace, curl) and runs it after `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "package test: FAILED: $*" >&2
    exit 1
}
say() { echo "package test: $*"; }

[ "$(id -u)" = 0 ] || fail "needs root (it installs the package with dpkg -i)"
for tool in cargo-deb dpkg dpkg-deb lintian man bash zsh fish curl strace unshare setpriv \
    systemd-analyze python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (.ci/run installs it)"
done
[ -r /usr/share/bash-completion/bash_completion ] || fail "bash-completion is missing"
if dpkg-query -W -f='${db:Status-Abbrev}' shmctl-rs 2>/dev/null | grep -q '^[ih]'; then
    fail "a shmctl-rs package is installed here already; this test installs and removes its own"
fi

work=$(mktemp -d)
installed=no
cleanup() {
    if [ "$installed" = yes ]; then dpkg -r shmctl-rs >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
[ -n "$version" ] || fail "no version in Cargo.toml"

say "building with cargo deb"
cargo deb --locked --output "$work" >"$work/build.log" 2>&1 || {
    cat "$work/build.log"
    fail "cargo deb"
}
deb=$(ls "$work"/shmctl-rs_*.deb)
say "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# --- The package as a file -------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = shmctl-rs ] || fail "package name $(field Package)"
[ "$(field Version)" = "$version" ] || fail "version $(field Version), Cargo.toml says $version"
[ "$(field Section)" = admin ] || fail "section $(field Section)"
field Description | grep -q "System V shared-memory segments" || fail "description: $(field Description)"
# The libc6 version comes from the build (dpkg-shlibdeps), and this machine satisfies it.
depends=$(field Depends)
libc=$(sed -n 's/.*libc6 (>= \([^)]*\)).*/\1/p' <<<"$depends")
[ -n "$libc" ] || fail "no versioned libc6 dependency: $depends"
dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libc6)" ge "$libc" ||
    fail "libc6 $libc needed, $(dpkg-query -W -f='${Version}' libc6) installed"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#; s#/$##' | grep -v '^$' | sort >"$work/paths"
expected=(
    /usr/bin/shmctl-rs
    /usr/share/bash-completion/completions/shmctl-rs
    /usr/share/zsh/vendor-completions/_shmctl-rs
    /usr/share/fish/vendor_completions.d/shmctl-rs.fish
    /usr/share/doc/shmctl-rs/README.md
    /usr/share/doc/shmctl-rs/copyright
    /usr/share/doc/shmctl-rs/changelog.gz
    /usr/lib/systemd/system/shmctl-rs-metrics.service
)
for page in man/*.1; do expected+=("/usr/share/man/man1/$(basename "$page").gz"); done
for path in "${expected[@]}"; do
    grep -qxF "$path" "$work/paths" || fail "the package lacks $path"
done
pages=$(grep -c '^/usr/share/man/man1/.*\.1\.gz$' "$work/paths")
[ "$pages" = "$(ls man/*.1 | wc -l)" ] || fail "$pages man pages packaged, $(ls man/*.1 | wc -l) in man/"

# Stripped: no debug sections, and small.
dpkg-deb -x "$deb" "$work/root"
binary="$work/root/usr/bin/shmctl-rs"
if readelf -S "$binary" | grep -qE '\.debug_|\.symtab'; then fail "the binary is not stripped"; fi
size=$(stat -c %s "$binary")
[ "$size" -lt $((8 * 1024 * 1024)) ] || fail "the binary is $size bytes"
say "binary stripped: $size bytes"

say "lintian"
lintian --pedantic --display-info --fail-on error "$deb" >"$work/lintian" 2>&1 || {
    cat "$work/lintian"
    fail "lintian reports errors"
}
grep -E '^[EWIP]: ' "$work/lintian" | sed 's/^/    /' || true

# --- Nothing of it on the machine before --------------------------------------------------
leftovers() {
    find /usr /etc /var/lib/dpkg/info /var/lib/systemd -xdev -name '*shmctl-rs*' 2>/dev/null | sort
}
leftovers >"$work/before"
while read -r path; do
    [ -d "$work/root$path" ] && continue
    if [ -e "$path" ] || [ -L "$path" ]; then fail "$path exists before the package is installed"; fi
done <"$work/paths"
# Directories the package would bring that are not here yet must go again with it.
while read -r path; do
    if [ -d "$work/root$path" ] && [ ! -e "$path" ]; then echo "$path"; fi
done <"$work/paths" >"$work/new-dirs"

# --- Installed ----------------------------------------------------------------------------
say "dpkg -i"
dpkg -i "$deb" >"$work/install.log" 2>&1 || {
    cat "$work/install.log"
    fail "dpkg -i"
}
installed=yes

[ "$(command -v shmctl-rs)" = /usr/bin/shmctl-rs ] || fail "shmctl-rs on PATH is $(command -v shmctl-rs)"
[ "$(/usr/bin/shmctl-rs --version)" = "shmctl-rs $version" ] ||
    fail "--version says $(/usr/bin/shmctl-rs --version), Cargo.toml $version"

[ "$(man -w shmctl-rs-ls)" = /usr/share/man/man1/shmctl-rs-ls.1.gz ] || fail "man -w shmctl-rs-ls: $(man -w shmctl-rs-ls 2>&1)"
for page in man/*.1; do
    name=$(basename "$page" .1)
    man -w "$name" >/dev/null 2>&1 || fail "man -w $name"
done
MANWIDTH=80 man -P cat shmctl-rs-metrics 2>/dev/null | grep -q 'shmctl_rs_sysv_segment_info' ||
    fail "man shmctl-rs-metrics does not render its METRICS section"

# bash: bash-completion loads the installed completion on demand; TAB after `rm` offers
# the segments of this IPC namespace.
say "completions"
bash_out=$(unshare --ipc bash --norc --noprofile -c '
    shmid=$(/usr/bin/shmctl-rs create -q -s 4096 --key 0x51a7)
    source /usr/share/bash-completion/bash_completion
    complete -p shmctl-rs >/dev/null 2>&1 && { echo "loaded before asked"; exit 1; }
    _completion_loader shmctl-rs
    spec=$(complete -p shmctl-rs) || { echo "bash-completion did not load it"; exit 1; }
    func=$(sed -n "s/.* -F \([^ ]*\) .*/\1/p" <<<"$spec")
    COMP_WORDS=(shmctl-rs rm ""); COMP_CWORD=2; COMP_LINE="shmctl-rs rm "; COMP_POINT=${#COMP_LINE}
    "$func" shmctl-rs "" rm
    echo "shmid=$shmid"
    printf "reply=%s\n" "${COMPREPLY[@]}"
') || fail "bash completion: $bash_out"
shmid=$(sed -n 's/^shmid=//p' <<<"$bash_out")
grep -qx "reply=$shmid" <<<"$bash_out" || fail "bash did not complete the shmid: $bash_out"
grep -qx "reply=0x000051a7" <<<"$bash_out" || fail "bash did not complete the key: $bash_out"
zsh_out=$(zsh -f -c 'autoload -U compinit; compinit -u -D; print -r -- $_comps[shmctl-rs]')
[ "$zsh_out" = _shmctl-rs ] || fail "zsh's compinit does not find _shmctl-rs: $zsh_out"
fish_out=$(HOME="$work" fish -c 'complete -C "shmctl-rs ri"')
grep -q '^ring' <<<"$fish_out" || fail "fish does not complete from the installed file: $fish_out"

# The unit: valid, not enabled, and what it runs works in its sandbox's terms.
say "systemd unit"
unit=/usr/lib/systemd/system/shmctl-rs-metrics.service
systemd-analyze verify "$unit" >"$work/verify" 2>&1 || {
    cat "$work/verify"
    fail "systemd-analyze verify"
}
[ "$(systemctl --root=/ is-enabled shmctl-rs-metrics.service 2>/dev/null)" = disabled ] ||
    fail "the unit is enabled: $(systemctl --root=/ is-enabled shmctl-rs-metrics.service 2>&1)"
exposure=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null | sed -n 's/.*exposure level for .*: \([0-9.]*\) .*/\1/p')
say "systemd-analyze security: exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e + 0 <= 3.0) }' || fail "exposure $exposure"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = "/usr/bin/shmctl-rs metrics --listen 127.0.0.1:9834" ] || fail "ExecStart=$exec_start"
# Run its command as the unit does (an unprivileged user, CAP_SYS_PTRACE alone, no new
# privileges), on a free port, in a private IPC namespace, under strace: every system call
# it makes while serving must pass the unit's SystemCallFilter=.
expand() {
    systemd-analyze syscall-filter "$1" | awk 'NR > 1 && /^ +[@a-z_0-9]/ { print $1 }' |
        while read -r x; do case $x in @*) expand "$x" ;; *) echo "$x" ;; esac; done
}
expand @system-service | sort -u >"$work/allowed"
{ expand @privileged; expand @resources; } | sort -u >"$work/denied"
unshare --ipc bash -c '
    work=$1
    /usr/bin/shmctl-rs create -q -s 64K >/dev/null
    strace -f -qq -o "$work/strace" setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps=+sys_ptrace --ambient-caps=+sys_ptrace --bounding-set=-all,+sys_ptrace \
        --no-new-privs /usr/bin/shmctl-rs metrics --listen 127.0.0.1:0 2>"$work/listen" &
    tracer=$!
    for _ in $(seq 100); do grep -q "serving metrics" "$work/listen" 2>/dev/null && break; sleep 0.1; done
    url=$(grep -o "http://127.0.0.1:[0-9]*/metrics" "$work/listen") || { cat "$work/listen"; exit 1; }
    curl -sS -o "$work/scrape" -w "%{http_code}\n" "$url" >"$work/code"
    curl -sS -o /dev/null -X POST "$url" || true
    kill -TERM "$(pgrep -P "$tracer")"
    wait "$tracer"
    echo $? >"$work/exit"
' _ "$work" || fail "the unit's command: $(cat "$work/listen" 2>/dev/null)"
[ "$(cat "$work/code")" = 200 ] || fail "the unit's command answered $(cat "$work/code")"
[ "$(cat "$work/exit")" = 130 ] || fail "SIGTERM ended the unit's command with $(cat "$work/exit")"
grep -q '^shmctl_rs_sysv_segments 1$' "$work/scrape" || fail "the scrape: $(head -c 500 "$work/scrape")"
# After setpriv's execve of shmctl-rs: the system calls of the endpoint itself.
awk '/execve\("\/usr\/bin\/shmctl-rs"/ { on = 1 } on' "$work/strace" |
    sed -E 's/^[0-9]+ +//' | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u >"$work/used"
[ -s "$work/used" ] || fail "strace saw nothing"
outside=$(comm -23 "$work/used" "$work/allowed" | tr '\n' ' ')
[ -z "$outside" ] || fail "system calls outside @system-service: $outside"
refused=$(comm -12 "$work/used" "$work/denied" | tr '\n' ' ')
[ -z "$refused" ] || fail "system calls the unit refuses: $refused"
say "$(wc -l <"$work/used") system calls, all allowed by the unit"

# --- Removed: nothing left behind ------------------------------------------------------------
say "dpkg -r"
dpkg -r shmctl-rs >"$work/remove.log" 2>&1 || {
    cat "$work/remove.log"
    fail "dpkg -r"
}
installed=no
status=$(dpkg-query -W -f='${db:Status-Abbrev}' shmctl-rs 2>/dev/null || true)
[ -z "$status" ] || [ "${status:0:2}" = un ] || fail "dpkg still knows the package: '$status'"
while read -r path; do
    [ -d "$work/root$path" ] && continue
    if [ -e "$path" ] || [ -L "$path" ]; then fail "$path is left behind"; fi
done <"$work/paths"
while read -r dir; do
    [ ! -e "$dir" ] || fail "directory $dir is left behind"
done <"$work/new-dirs"
leftovers >"$work/after"
diff -u "$work/before" "$work/after" || fail "files named shmctl-rs are left behind"
hash -r
[ "$(command -v shmctl-rs || true)" != /usr/bin/shmctl-rs ] || fail "shmctl-rs is still on PATH"
echo "package: 1 passed, 0 failed"
