# bash completion for shmctl-rs, generated from its command definition;
# install as /usr/share/bash-completion/completions/shmctl-rs.

# The commands below a command path ("" for the top, "ring" for ring's).
_shmctl_rs_commands() {
    case $1 in
        '') echo 'ls info create attach rm chmod chown limits metrics status top ring help' ;;
        'ring') echo 'produce consume repair bench help' ;;
        'ring help') echo 'produce consume repair bench help' ;;
        'help') echo 'ls info create attach rm chmod chown limits metrics status top ring help' ;;
        'help ring') echo 'produce consume repair bench' ;;
    esac
}

# The options of a command path.
_shmctl_rs_options() {
    case $1 in
        '') echo '--ns -h --help -V --version' ;;
        'ls') echo '-o --output --output-all -c --creator -t --time --app -J --json --raw -b --bytes --noheadings --notruncate --time-format -P --numeric-perms -e --export -n --newline --owner --key --min-size --attached --unattached --sort -r --reverse -p --pids --orphans --include-unknown -A --all-namespaces -w --watch --format --posix --memfd --unheld --ns -h --help' ;;
        'info') echo '--json --ns -h --help' ;;
        'create') echo '-s --size -k --key --ftok --private -m --mode --hugetlb --noreserve --posix --json -q --quiet --ns -h --help' ;;
        'attach') echo '-r --readonly -t --timeout -f --force --json --ns -h --help' ;;
        'rm') echo '--orphans --posix --unheld --include-unknown -a --all -k --key -n --dry-run --json --ns -h --help' ;;
        'chmod') echo '--ns -h --help' ;;
        'chown') echo '--ns -h --help' ;;
        'limits') echo '--json -b --bytes --ns -h --help' ;;
        'metrics') echo '--aggregate -A --all-namespaces --textfile --listen --max-scrapes --format --ns -h --help' ;;
        'status') echo '--ftok --json -w --watch --ns -h --help' ;;
        'top') echo '-d --interval -A --all-namespaces --include-unknown --ns -h --help' ;;
        'ring') echo '--ns -h --help' ;;
        'ring produce') echo '-k --key --ftok --id -n --count -q --quiet --json -b --batch --spin -i --interval -m --mode -c --capacity --ns -h --help' ;;
        'ring consume') echo '-k --key --ftok --id -n --count -q --quiet --json -b --batch --spin -i --interval --verify -t --timeout --remove-when-done --ns -h --help' ;;
        'ring repair') echo '--ftok -n --dry-run -f --force --json --ns -h --help' ;;
        'ring bench') echo '-t --transport -c --capacity -w --write-items -n --count -r --repeat --pin --latency --spin --svg --json --ns -h --help' ;;
    esac
}

# How the value of option $2 of command path $1 is completed; nothing for a flag.
_shmctl_rs_value_kind() {
    case "$1,$2" in
        ',--ns') echo 'files' ;;
        'ls,-o'|'ls,--output') echo 'columns' ;;
        'ls,--time-format') echo 'one:short full iso' ;;
        'ls,--owner') echo 'users' ;;
        'ls,--key') echo 'keys' ;;
        'ls,--min-size') echo 'none' ;;
        'ls,--sort') echo 'one:key shmid owner group uid gid perms size nattch status cuid cuser cgid cgroup cpid lpid atime dtime ctime rss swap command app processes namespace kind name inode allocated mtime seals holders' ;;
        'ls,-w'|'ls,--watch') echo 'none' ;;
        'ls,--format') echo 'one:table json raw openmetrics export' ;;
        'ls,--ns') echo 'files' ;;
        'info,--ns') echo 'files' ;;
        'create,-s'|'create,--size') echo 'none' ;;
        'create,-k'|'create,--key') echo 'keys' ;;
        'create,--ftok') echo 'files' ;;
        'create,-m'|'create,--mode') echo 'modes' ;;
        'create,--posix') echo 'none' ;;
        'create,--ns') echo 'files' ;;
        'attach,-t'|'attach,--timeout') echo 'none' ;;
        'attach,--ns') echo 'files' ;;
        'rm,-k'|'rm,--key') echo 'keys' ;;
        'rm,--ns') echo 'files' ;;
        'chmod,--ns') echo 'files' ;;
        'chown,--ns') echo 'files' ;;
        'limits,--ns') echo 'files' ;;
        'metrics,--textfile') echo 'none' ;;
        'metrics,--listen') echo 'none' ;;
        'metrics,--max-scrapes') echo 'none' ;;
        'metrics,--format') echo 'one:openmetrics text' ;;
        'metrics,--ns') echo 'files' ;;
        'status,--ftok') echo 'files' ;;
        'status,-w'|'status,--watch') echo 'none' ;;
        'status,--ns') echo 'files' ;;
        'top,-d'|'top,--interval') echo 'none' ;;
        'top,--ns') echo 'files' ;;
        'ring,--ns') echo 'files' ;;
        'ring produce,-k'|'ring produce,--key') echo 'keys' ;;
        'ring produce,--ftok') echo 'files' ;;
        'ring produce,--id') echo 'shmids' ;;
        'ring produce,-n'|'ring produce,--count') echo 'none' ;;
        'ring produce,--spin') echo 'none' ;;
        'ring produce,-i'|'ring produce,--interval') echo 'none' ;;
        'ring produce,-m'|'ring produce,--mode') echo 'modes' ;;
        'ring produce,-c'|'ring produce,--capacity') echo 'none' ;;
        'ring produce,--ns') echo 'files' ;;
        'ring consume,-k'|'ring consume,--key') echo 'keys' ;;
        'ring consume,--ftok') echo 'files' ;;
        'ring consume,--id') echo 'shmids' ;;
        'ring consume,-n'|'ring consume,--count') echo 'none' ;;
        'ring consume,--spin') echo 'none' ;;
        'ring consume,-i'|'ring consume,--interval') echo 'none' ;;
        'ring consume,-t'|'ring consume,--timeout') echo 'none' ;;
        'ring consume,--ns') echo 'files' ;;
        'ring repair,--ftok') echo 'files' ;;
        'ring repair,--ns') echo 'files' ;;
        'ring bench,-t'|'ring bench,--transport') echo 'list:ring ring-batch spsc pipe pipe-batch unix unix-batch' ;;
        'ring bench,-c'|'ring bench,--capacity') echo 'none' ;;
        'ring bench,-w'|'ring bench,--write-items') echo 'none' ;;
        'ring bench,-n'|'ring bench,--count') echo 'none' ;;
        'ring bench,-r'|'ring bench,--repeat') echo 'none' ;;
        'ring bench,--pin') echo 'none' ;;
        'ring bench,--spin') echo 'none' ;;
        'ring bench,--svg') echo 'none' ;;
        'ring bench,--ns') echo 'files' ;;
    esac
}

# How positional number $2 (from 0) of command path $1 is completed.
_shmctl_rs_positional_kind() {
    case "$1,$2" in
        'info,0') echo 'objects' ;;
        'attach,0') echo 'ids' ;;
        'rm,'*) echo 'objects' ;;
        'chmod,0') echo 'modes' ;;
        'chmod,1') echo 'ids' ;;
        'chown,0') echo 'users' ;;
        'chown,1') echo 'ids' ;;
        'status,0') echo 'ids' ;;
        'ring repair,0') echo 'ids' ;;
    esac
}

# Live segment ids and keys ($1: ids, keys or shmids), of the namespace --ns named.
_shmctl_rs_ids() {
    local id key
    command shmctl-rs "${_shmctl_rs_ns[@]}" ls --raw -o shmid,key 2>/dev/null |
        while IFS=$'\t' read -r id key; do
            [[ $1 != keys ]] && printf '%s\n' "$id"
            [[ $1 != shmids && $key != 0x00000000 ]] && printf '%s\n' "$key"
        done
}

# POSIX object names (/NAME) that start with $1, of the namespace --ns named, each once,
# quoted for the command line. Names are matched here, never through `compgen -W`,
# which would expand what a name contains (`$(...)` in a file name of /dev/shm, which
# any user may make).
_shmctl_rs_posix() {
    local name
    while IFS= read -r name; do
        [[ $name == "$1"* ]] && printf '%q\n' "$name"
    done < <(command shmctl-rs "${_shmctl_rs_ns[@]}" ls --posix --raw -o name 2>/dev/null | LC_ALL=C sort -u)
}

# Complete $2 as a value of kind $1.
_shmctl_rs_value() {
    local kind=$1 cur=$2 prefix="" last
    case $kind in
        ids | keys | shmids)
            COMPREPLY=($(compgen -W "$(_shmctl_rs_ids "$kind")" -- "$cur")) ;;
        objects)
            COMPREPLY=($(compgen -W "$(_shmctl_rs_ids ids)" -- "$cur"))
            local name
            while IFS= read -r name; do COMPREPLY+=("$name"); done < <(_shmctl_rs_posix "$cur") ;;
        columns | list:*)
            # A comma-separated list: complete its last item, keep what comes before.
            local words="key shmid owner group uid gid perms size nattch status cuid cuser cgid cgroup cpid lpid atime dtime ctime rss swap command app processes namespace kind name inode allocated mtime seals holders"
            [[ $kind == list:* ]] && words=${kind#list:}
            last=$cur
            if [[ $cur == *,* ]]; then
                prefix=${cur%,*},
                last=${cur##*,}
            elif [[ $kind == columns && $cur == +* ]]; then
                prefix=+
                last=${cur#+}
            fi
            COMPREPLY=($(compgen -P "$prefix" -W "$words" -- "$last"))
            compopt -o nospace 2>/dev/null ;;
        one:*)
            COMPREPLY=($(compgen -W "${kind#one:}" -- "$cur")) ;;
        modes)
            COMPREPLY=($(compgen -W "600 640 644 660 664 666" -- "$cur")) ;;
        users)
            if [[ $cur == *:* ]]; then
                COMPREPLY=($(compgen -P "${cur%%:*}:" -g -- "${cur#*:}"))
            else
                COMPREPLY=($(compgen -u -- "$cur"))
            fi ;;
        files)
            COMPREPLY=($(compgen -f -- "$cur")) ;;
        *)
            COMPREPLY=() ;;
    esac
}

_shmctl_rs() {
    local cur=${COMP_WORDS[COMP_CWORD]} path="" word expect="" kind i
    local -i npos=0
    local -a _shmctl_rs_ns=()
    COMPREPLY=()
    # Walk the words before the cursor: commands, options, the values options take
    # (which are no positionals), and the positionals.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == "=" && -n $expect ]]; then
            continue
        fi
        if [[ -n $expect ]]; then
            [[ $expect == --ns ]] && _shmctl_rs_ns=(--ns "$word")
            expect=""
            continue
        fi
        case $word in
            --ns=*) _shmctl_rs_ns=(--ns "${word#--ns=}") ;;
            --*=*) ;;
            -?*)
                [[ -n $(_shmctl_rs_value_kind "$path" "$word") ]] && expect=$word ;;
            *)
                if ((npos == 0)) && [[ " $(_shmctl_rs_commands "$path") " == *" $word "* ]]; then
                    path=${path:+$path }$word
                else
                    npos+=1
                fi ;;
        esac
    done
    if [[ -n $expect ]]; then
        [[ $cur == "=" ]] && cur=""
        kind=$(_shmctl_rs_value_kind "$path" "$expect")
    elif [[ $cur == --*=* ]]; then
        kind=$(_shmctl_rs_value_kind "$path" "${cur%%=*}")
        cur=${cur#*=}
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_shmctl_rs_options "$path")" -- "$cur"))
        return 0
    elif ((npos == 0)) && [[ -n $(_shmctl_rs_commands "$path") ]]; then
        COMPREPLY=($(compgen -W "$(_shmctl_rs_commands "$path")" -- "$cur"))
        return 0
    else
        kind=$(_shmctl_rs_positional_kind "$path" "$npos")
    fi
    _shmctl_rs_value "$kind" "$cur"
    return 0
}

complete -F _shmctl_rs shmctl-rs
