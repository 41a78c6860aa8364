//! The bash completion, written from the clap definition.
//!
//! clap_complete's bash script offers hidden commands, counts a global option's value
//! (`--ns 1 rm`) as a positional, offers the options where a positional is due (bash
//! then inserts their common prefix `-`), and completes nothing after a comma. This one
//! walks the words with the definition's own knowledge of which options take a value,
//! and completes each value by what it is: live segment ids and keys (in the namespace
//! `--ns` names), comma-separated column lists, modes, users and groups, files.

use clap::{Arg, ArgAction, Command};
use std::fmt::Write;

/// How a value is completed.
fn value_kind(arg: &Arg) -> String {
    let name = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|v| v.as_str().to_string())
        .unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let id = arg.get_id().as_str();
    match (id, name.as_str()) {
        (_, "COLUMNS") => "columns".into(),
        (_, "SHMID") => "shmids".into(),
        ("id" | "ids", _) => "ids".into(),
        ("object" | "objects", _) => "objects".into(),
        ("key", _) => "keys".into(),
        ("mode", _) => "modes".into(),
        ("owner", _) | (_, "USER") => "users".into(),
        ("ns", _) | (_, "PATH[:PROJ]") => "files".into(),
        _ if !values.is_empty() && arg.get_value_delimiter().is_some() => {
            format!("list:{}", values.join(" "))
        }
        _ if !values.is_empty() => format!("one:{}", values.join(" ")),
        _ => "none".into(),
    }
}

/// An option that takes a value on the command line (not `--latency`, whose value is
/// optional and so never the next word).
fn takes_value(arg: &Arg) -> bool {
    arg.get_num_args()
        .is_some_and(|r| r.takes_values() && r.min_values() > 0)
}

fn option_names(arg: &Arg) -> Vec<String> {
    let mut names: Vec<String> = arg
        .get_short_and_visible_aliases()
        .unwrap_or_default()
        .iter()
        .map(|c| format!("-{c}"))
        .collect();
    names.extend(
        arg.get_long_and_visible_aliases()
            .unwrap_or_default()
            .iter()
            .map(|l| format!("--{l}")),
    );
    names
}

struct Tables {
    commands: String,
    options: String,
    values: String,
    positionals: String,
}

fn walk(cmd: &Command, path: &str, t: &mut Tables) {
    let subs: Vec<&Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subs.is_empty() {
        let names: Vec<&str> = subs.iter().map(|s| s.get_name()).collect();
        let _ = writeln!(
            t.commands,
            "        '{path}') echo '{}' ;;",
            names.join(" ")
        );
    }
    let options: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .collect();
    let names: Vec<String> = options.iter().flat_map(|a| option_names(a)).collect();
    if !names.is_empty() {
        let _ = writeln!(t.options, "        '{path}') echo '{}' ;;", names.join(" "));
    }
    for arg in options.iter().filter(|a| takes_value(a)) {
        let pattern: Vec<String> = option_names(arg)
            .iter()
            .map(|n| format!("'{path},{n}'"))
            .collect();
        let _ = writeln!(
            t.values,
            "        {}) echo '{}' ;;",
            pattern.join("|"),
            value_kind(arg)
        );
    }
    for (i, arg) in cmd
        .get_positionals()
        .filter(|a| !a.is_hide_set())
        .enumerate()
    {
        let many = matches!(arg.get_action(), ArgAction::Append);
        let index = if many {
            // Every word from here on.
            format!("'{path},'*")
        } else {
            format!("'{path},{i}'")
        };
        let _ = writeln!(
            t.positionals,
            "        {index}) echo '{}' ;;",
            value_kind(arg)
        );
    }
    for sub in subs {
        let p = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        walk(sub, &p, t);
    }
}

/// The completion script for `cmd` (built, with its hidden commands).
pub fn script(cmd: &Command, columns: &[&str]) -> String {
    let mut t = Tables {
        commands: String::new(),
        options: String::new(),
        values: String::new(),
        positionals: String::new(),
    };
    walk(cmd, "", &mut t);
    SCRIPT
        .replace("@COMMANDS@", t.commands.trim_end())
        .replace("@OPTIONS@", t.options.trim_end())
        .replace("@VALUES@", t.values.trim_end())
        .replace("@POSITIONALS@", t.positionals.trim_end())
        .replace("@COLUMNS@", &columns.join(" "))
}

const SCRIPT: &str = r#"# bash completion for shmctl-rs, generated from its command definition;
# install as /usr/share/bash-completion/completions/shmctl-rs.

# The commands below a command path ("" for the top, "ring" for ring's).
_shmctl_rs_commands() {
    case $1 in
@COMMANDS@
    esac
}

# The options of a command path.
_shmctl_rs_options() {
    case $1 in
@OPTIONS@
    esac
}

# How the value of option $2 of command path $1 is completed; nothing for a flag.
_shmctl_rs_value_kind() {
    case "$1,$2" in
@VALUES@
    esac
}

# How positional number $2 (from 0) of command path $1 is completed.
_shmctl_rs_positional_kind() {
    case "$1,$2" in
@POSITIONALS@
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
            local words="@COLUMNS@"
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
"#;
