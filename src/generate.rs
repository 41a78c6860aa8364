//! Man pages and shell completions, generated from the one clap definition.
//!
//! `shmctl-rs generate DIR` writes `DIR/man/*.1` and `DIR/completions/*`; the test
//! `tests/generated.rs` fails when the committed files differ from what this produces.

use crate::cli::{Cli, EXIT_STATUS_HELP};
use crate::docs;
use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, italic, roman};
use std::path::Path;

/// A generated file: its path relative to the repository, and its bytes.
pub type Generated = (String, Vec<u8>);

fn root_command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Every non-hidden command with its path (`""`, `"ls"`, `"ring produce"`).
fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((path.to_string(), cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let p = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        walk(sub, &p, out);
    }
}

fn extra_sections(path: &str, subpages: &[String]) -> String {
    let mut r = Roff::new();
    if let Some((wrapper, fields)) = docs::json_fields(path) {
        r.control("SH", ["JSON OUTPUT"]);
        r.text([roman(match wrapper {
            Some(w) => format!(
                "With --json, one object {{\"{w}\": [...]}} whose list holds one object per segment with these fields. Field names are stable; numbers are JSON numbers."
            ),
            None => "With --json, one object with these fields. Field names are stable; numbers are JSON numbers.".to_string(),
        })]);
        for (name, meaning) in fields {
            r.control("TP", []);
            r.text([bold(name)]);
            r.text([roman(meaning)]);
        }
    }
    r.control("SH", ["EXIT STATUS"]);
    for line in EXIT_STATUS_HELP.lines().skip(1) {
        let (code, meaning) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        r.control("TP", []);
        r.text([bold(code)]);
        r.text([roman(meaning.trim())]);
    }
    r.control("SH", ["FILES"]);
    for (file, meaning) in docs::files(path) {
        r.control("TP", []);
        r.text([italic(file)]);
        r.text([roman(meaning)]);
    }
    let examples = docs::examples(path);
    if !examples.is_empty() {
        r.control("SH", ["EXAMPLES"]);
        for (command, meaning) in examples {
            r.control("TP", []);
            r.text([bold(*command)]);
            r.text([roman(*meaning)]);
        }
    }
    r.control("SH", ["SEE ALSO"]);
    // Page references must not be hyphenated across lines.
    r.control("nh", []);
    let mut refs: Vec<(String, String)> = subpages
        .iter()
        .map(|p| (p.clone(), "1".to_string()))
        .collect();
    if !path.is_empty() {
        refs.insert(0, ("shmctl-rs".to_string(), "1".to_string()));
    }
    refs.extend(
        docs::SEE_ALSO
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string())),
    );
    let mut inlines = Vec::new();
    for (i, (name, section)) in refs.iter().enumerate() {
        inlines.push(bold(name.as_str()));
        let sep = if i + 1 == refs.len() { "" } else { ", " };
        inlines.push(roman(format!("({section}){sep}")));
    }
    r.text(inlines);
    r.to_roff()
}

/// One man page per command: `man/shmctl-rs.1`, `man/shmctl-rs-ls.1`, …
pub fn man_pages() -> Vec<Generated> {
    let mut all = Vec::new();
    walk(&root_command(), "", &mut all);
    let page_name = |path: &str| {
        if path.is_empty() {
            "shmctl-rs".to_string()
        } else {
            format!("shmctl-rs-{}", path.replace(' ', "-"))
        }
    };
    let mut pages = Vec::new();
    for (path, cmd) in &all {
        let subpages: Vec<String> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| page_name(format!("{path} {}", s.get_name()).trim()))
            .collect();
        // The exit codes get their own section instead of the plain-text after_help.
        let cmd = cmd
            .clone()
            .after_help(None::<&str>)
            .after_long_help(None::<&str>);
        let man = clap_mangen::Man::new(cmd)
            .title(page_name(path).to_uppercase())
            .manual("shmctl-rs manual")
            .source(format!("shmctl-rs {}", env!("CARGO_PKG_VERSION")));
        let mut text = Vec::new();
        man.render(&mut text)
            .expect("rendering to memory cannot fail");
        let mut text = String::from_utf8(text).expect("roff is UTF-8");
        let extra = extra_sections(path, &subpages);
        match text.find(".SH VERSION") {
            Some(at) => text.insert_str(at, &extra),
            None => text.push_str(&extra),
        }
        pages.push((format!("man/{}.1", page_name(path)), text.into_bytes()));
    }
    pages
}

/// Live segment ids for bash: `rm`, `info`, `attach`, `status`, `ring repair` complete ids
/// and keys by asking the tool itself; everything else is clap's completion, untouched.
const BASH_LIVE_IDS: &str = r#"
# Live segment ids and keys where an ID is expected (asks shmctl-rs itself).
_shmctl_rs_ids() {
    command shmctl-rs ls --raw -o shmid,key 2>/dev/null | while IFS=$'\t' read -r id key; do
        [[ $1 != keys ]] && printf '%s\n' "$id"
        [[ $key != 0x00000000 ]] && printf '%s\n' "$key"
    done
}

_shmctl_rs_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} sub="" sub2="" i words=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) if [[ -z $sub ]]; then sub=${COMP_WORDS[i]}; else
                   [[ -z $sub2 ]] && sub2=${COMP_WORDS[i]}; ((words++)); fi ;;
        esac
    done
    case "$sub,$prev" in
        rm,-k|rm,--key|ls,--key)
            COMPREPLY=( $(compgen -W "$(_shmctl_rs_ids keys)" -- "$cur") )
            return 0 ;;
        *,-t|*,--timeout|*,--ftok|*,-w|*,--watch) ;;
        chmod,*|chown,*)
            # MODE or OWNER first, then the ID.
            if [[ $cur != -* && $words == 1 ]]; then
                COMPREPLY=( $(compgen -W "$(_shmctl_rs_ids)" -- "$cur") )
                return 0
            fi ;;
        rm,*|info,*|attach,*|status,*)
            if [[ $cur != -* ]]; then
                COMPREPLY=( $(compgen -W "$(_shmctl_rs_ids)" -- "$cur") )
                return 0
            fi ;;
        ring,*)
            # ring repair ID
            if [[ $sub2 == repair && $cur != -* && $words == 1 ]]; then
                COMPREPLY=( $(compgen -W "$(_shmctl_rs_ids)" -- "$cur") )
                return 0
            fi ;;
    esac
    _shmctl__rs "$@"
}

complete -F _shmctl_rs_complete -o bashdefault -o default shmctl-rs
"#;

const ZSH_LIVE_IDS: &str = r#"
# Live segment ids (with key, size and owner as the description) where an ID is expected.
_shmctl_rs_ids() {
    local -a segments
    local id key size owner
    command shmctl-rs ls --raw -o shmid,key,size,owner 2>/dev/null | while IFS=$'\t' read -r id key size owner; do
        segments+=("$id:key $key, $size bytes, owner $owner")
        [[ $key != 0x00000000 ]] && segments+=("$key:shmid $id, $size bytes, owner $owner")
    done
    _describe -t segments 'segment' segments
}

"#;

const FISH_LIVE_IDS: &str = r#"
# Live segment ids (with key, size and owner as the description) where an ID is expected.
function __shmctl_rs_ids
    command shmctl-rs ls --raw -o shmid,key,size,owner 2>/dev/null | while read -l id key size owner
        printf '%s\tkey %s, %s bytes, owner %s\n' $id $key $size $owner
        if test $key != 0x00000000
            printf '%s\tshmid %s, %s bytes, owner %s\n' $key $id $size $owner
        end
    end
end
complete -c shmctl-rs -n "__fish_seen_subcommand_from rm info attach status; and not __fish_seen_subcommand_from ring" -f -a "(__shmctl_rs_ids)"
complete -c shmctl-rs -n "__fish_seen_subcommand_from chmod chown; and test (count (commandline -opc)) -eq 3" -f -a "(__shmctl_rs_ids)"
complete -c shmctl-rs -n "__fish_seen_subcommand_from ring; and __fish_seen_subcommand_from repair" -f -a "(__shmctl_rs_ids)"
"#;

fn completion(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "shmctl-rs", &mut buf);
    let text = String::from_utf8(buf).expect("completions are UTF-8");
    match shell {
        Shell::Bash => {
            // clap_complete spells the case arms for a hyphenated bin name differently from
            // the state its word loop builds (`shmctl__subcmd__rs__…` against
            // `shmctl__rs__…`, clap-rs/clap#6421), so no subcommand would ever complete.
            let text = text.replace("shmctl__subcmd__rs", "shmctl__rs");
            // Register our wrapper instead of clap's function (which it calls).
            let at = text
                .rfind("\nif [[ \"${BASH_VERSINFO[0]}\" -eq 4")
                .expect("clap's bash registration block");
            format!("{}\n{}", &text[..at], BASH_LIVE_IDS.trim_start())
        }
        Shell::Zsh => {
            // ID positionals: complete live segments instead of files.
            let mut replaced = 0;
            let lines: Vec<String> = text
                .lines()
                .map(|l| {
                    let t = l.trim_start();
                    if (t.starts_with("':id -- ")
                        || t.starts_with("'::id -- ")
                        || t.starts_with("'*::ids -- "))
                        && l.ends_with(":_default' \\")
                    {
                        replaced += 1;
                        l.replace(":_default' \\", ":_shmctl_rs_ids' \\")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            assert_eq!(
                replaced, 7,
                "the ID positionals of info, attach, rm, status, chmod, chown and ring repair"
            );
            let text = lines.join("\n") + "\n";
            let at = text
                .rfind("\nif [ \"$funcstack[1]\" = \"_shmctl-rs\" ]")
                .expect("clap's zsh dispatch block");
            format!(
                "{}\n{}{}",
                &text[..at],
                ZSH_LIVE_IDS.trim_start(),
                &text[at + 1..]
            )
        }
        Shell::Fish => format!("{text}{FISH_LIVE_IDS}"),
        _ => text,
    }
}

/// Completions for bash, zsh, fish, elvish and PowerShell.
pub fn completions() -> Vec<Generated> {
    [
        (Shell::Bash, "completions/shmctl-rs.bash"),
        (Shell::Zsh, "completions/_shmctl-rs"),
        (Shell::Fish, "completions/shmctl-rs.fish"),
        (Shell::Elvish, "completions/shmctl-rs.elv"),
        (Shell::PowerShell, "completions/_shmctl-rs.ps1"),
    ]
    .into_iter()
    .map(|(shell, path)| (path.to_string(), completion(shell).into_bytes()))
    .collect()
}

pub fn all() -> Vec<Generated> {
    let mut files = man_pages();
    files.extend(completions());
    files
}

/// Write every generated file below `dir` (the repository root to refresh the committed ones).
pub fn write_to(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut written = Vec::new();
    for (path, bytes) in all() {
        let full = dir.join(&path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, bytes)?;
        written.push(path);
    }
    Ok(written)
}
