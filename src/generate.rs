//! Man pages and shell completions, generated from the one clap definition.
//!
//! `shmctl-rs generate DIR` writes `DIR/man/*.1` and `DIR/completions/*`; the test
//! `tests/generated.rs` fails when the committed files differ from what this produces.

use crate::cli::{Cli, EXIT_STATUS_HELP};
use crate::docs;
use crate::render::column_names::ColumnName;
use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, italic, roman};
use std::path::{Path, PathBuf};

/// `generate DIR` (hidden): where to write the man pages and completions.
#[derive(Clone, Debug)]
pub struct Settings {
    pub dir: PathBuf,
}

/// Write them, saying each file written.
pub fn run(
    settings: &Settings,
    out: &mut crate::output::Output,
) -> crate::error::Result<crate::error::Status> {
    for path in write_to(&settings.dir)? {
        writeln!(out.writer(), "wrote {}", settings.dir.join(path).display())?;
    }
    Ok(crate::error::Status::Ok)
}

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
        if let Some((intro, fields)) = docs::object_json_fields(path) {
            r.control("PP", []);
            r.text([roman(intro)]);
            for (name, meaning) in fields {
                r.control("TP", []);
                r.text([bold(name)]);
                r.text([roman(meaning)]);
            }
        }
    }
    let keys = docs::keys(path);
    if !keys.is_empty() {
        r.control("SH", ["KEYS"]);
        for (key, meaning) in keys {
            r.control("TP", []);
            r.text([bold(*key)]);
            r.text([roman(*meaning)]);
        }
    }
    if path == "metrics" {
        r.control("SH", ["METRICS"]);
        r.text([roman(
            "Gauges unless said otherwise. With --all-namespaces every series also has a namespace label (the IPC namespace's inode). With --aggregate the per-segment families are left out.",
        )]);
        for f in crate::render::openmetrics::FAMILIES {
            let labels = if f.labels.is_empty() {
                String::new()
            } else {
                format!("{{{}}}", f.labels.join(", "))
            };
            let kind = if f.info { " (info: value 1)" } else { "" };
            r.control("TP", []);
            r.text([bold(f.name), roman(format!("{labels}{kind}"))]);
            r.text([roman(f.help)]);
        }
    }
    for (heading, paragraphs) in docs::sections(path) {
        r.control("SH", [heading]);
        for (i, p) in paragraphs.iter().enumerate() {
            if i > 0 {
                r.control("PP", []);
            }
            r.text([roman(*p)]);
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

/// The SYNOPSIS of a page as clap_mangen writes it, with each option's value placeholder
/// (`[-o|--output COLUMNS]`), which clap_mangen leaves out.
fn synopsis(cmd: &clap::Command) -> String {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    let mut line = vec![bold(name), roman(" ")];
    let mut options: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .collect();
    // Required options last, as clap_mangen orders them.
    options.sort_by_key(|a| a.is_required_set());
    for arg in options {
        let (open, close) = if arg.is_required_set() {
            ("<", ">")
        } else {
            ("[", "]")
        };
        line.push(roman(open));
        match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => {
                line.push(bold(format!("-{short}")));
                line.push(roman("|"));
                line.push(bold(format!("--{long}")));
            }
            (Some(short), None) => line.push(bold(format!("-{short}"))),
            (None, Some(long)) => line.push(bold(format!("--{long}"))),
            (None, None) => continue,
        }
        let range = arg.get_num_args().expect("a built command");
        if range.takes_values() {
            let value = arg
                .get_value_names()
                .map(|v| v.join(" "))
                .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
            if range.min_values() == 0 {
                line.push(roman(" ["));
                line.push(italic(value));
                line.push(roman("]"));
            } else {
                line.push(roman(" "));
                line.push(italic(value));
            }
        }
        line.push(roman(close));
        line.push(roman(" "));
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let (open, close) = if arg.is_required_set() {
            ("<", ">")
        } else {
            ("[", "]")
        };
        line.push(roman(open));
        line.push(italic(
            arg.get_value_names()
                .map(|v| v.join(" "))
                .unwrap_or_else(|| arg.get_id().as_str().to_string()),
        ));
        line.push(roman(close));
        if matches!(arg.get_action(), clap::ArgAction::Append) {
            line.push(roman("..."));
        }
        line.push(roman(" "));
    }
    if cmd.has_subcommands() {
        line.push(roman("<"));
        line.push(italic("subcommands"));
        line.push(roman(">"));
    }
    let mut r = Roff::new();
    r.control("SH", ["SYNOPSIS"]);
    r.text(line);
    r.to_roff()
}

/// Put `synopsis` in place of the SYNOPSIS section of a rendered page.
fn replace_synopsis(page: &mut String, synopsis: &str) {
    let start = page
        .find(".SH SYNOPSIS\n")
        .expect("clap_mangen writes a SYNOPSIS");
    let end = page[start + 1..]
        .find("\n.SH ")
        .map_or(page.len(), |at| start + 1 + at + 1);
    page.replace_range(start..end, synopsis);
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
        let man = clap_mangen::Man::new(cmd.clone())
            .title(page_name(path).to_uppercase())
            .manual("shmctl-rs manual")
            .source(format!("shmctl-rs {}", env!("CARGO_PKG_VERSION")));
        let mut text = Vec::new();
        man.render(&mut text)
            .expect("rendering to memory cannot fail");
        let mut text = String::from_utf8(text).expect("roff is UTF-8");
        replace_synopsis(&mut text, &synopsis(&cmd));
        let extra = extra_sections(path, &subpages);
        match text.find(".SH VERSION") {
            Some(at) => text.insert_str(at, &extra),
            None => text.push_str(&extra),
        }
        pages.push((format!("man/{}.1", page_name(path)), text.into_bytes()));
    }
    pages
}

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

# Segments and POSIX objects (with size and owner), where info and rm take either.
_shmctl_rs_objects() {
    local -a objects
    local name size owner
    command shmctl-rs ls --posix --raw -o name,size,owner 2>/dev/null | while IFS=$'\t' read -r name size owner; do
        objects+=("${name//:/\\:}:POSIX object, $size bytes, owner $owner")
    done
    _shmctl_rs_ids
    _describe -t objects 'POSIX object' objects
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

# POSIX object names (with size and owner) where info and rm take one.
function __shmctl_rs_posix
    command shmctl-rs ls --posix --raw -o name,size,owner 2>/dev/null | while read -l line
        set -l f (string split \t -- $line)
        printf '%s\tPOSIX object, %s bytes, owner %s\n' $f[1] $f[2] $f[3]
    end
end
complete -c shmctl-rs -n "__fish_seen_subcommand_from rm info; and not __fish_seen_subcommand_from ring" -f -a "(__shmctl_rs_posix)"
complete -c shmctl-rs -n "__fish_seen_subcommand_from ring; and __fish_seen_subcommand_from repair" -f -a "(__shmctl_rs_ids)"
"#;

/// The command line as completions offer it: without its hidden commands and options
/// (`generate`, `ring bench-peer`), which clap_complete would offer.
fn visible(cmd: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(cmd.get_name().to_string());
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(version.to_string());
    }
    out = out.args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned());
    // The groups the arguments name (`requires = "judged"`), of the arguments kept.
    let kept: Vec<&clap::Id> = out.get_arguments().map(|a| a.get_id()).collect();
    let groups: Vec<clap::ArgGroup> = cmd
        .get_groups()
        .map(|g| {
            let multiple = g.clone().is_multiple();
            clap::ArgGroup::new(g.get_id().clone())
                .args(g.get_args().filter(|a| kept.contains(a)).cloned())
                .multiple(multiple)
                .required(g.is_required_set())
        })
        .collect();
    out = out.groups(groups);
    out.subcommands(
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(visible),
    )
}

fn completion(shell: Shell) -> String {
    let mut cmd = visible(&Cli::command());
    if shell == Shell::Bash {
        cmd.build();
        let columns: Vec<&str> = ColumnName::every()
            .into_iter()
            .filter(|c| !c.alias)
            .map(|c| c.name)
            .collect();
        return crate::bash_completion::script(&cmd, &columns);
    }
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "shmctl-rs", &mut buf);
    let text = String::from_utf8(buf).expect("completions are UTF-8");
    match shell {
        Shell::Zsh => {
            // ID positionals: complete live segments (and for info and rm, POSIX objects)
            // instead of files.
            let mut replaced = 0;
            let lines: Vec<String> = text
                .lines()
                .map(|l| {
                    let t = l.trim_start();
                    let helper = if t.starts_with("':id -- ") || t.starts_with("'::id -- ") {
                        "_shmctl_rs_ids"
                    } else if t.starts_with("':object -- ") || t.starts_with("'*::objects -- ") {
                        "_shmctl_rs_objects"
                    } else {
                        return l.to_string();
                    };
                    if !l.ends_with(":_default' \\") {
                        return l.to_string();
                    }
                    replaced += 1;
                    l.replace(":_default' \\", &format!(":{helper}' \\"))
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
pub fn write_to(dir: &Path) -> crate::error::Result<Vec<String>> {
    use crate::error::{Error, Status};
    use crate::output::textfile;
    let io = |e: std::io::Error, path: &Path| {
        let status = match e.kind() {
            std::io::ErrorKind::PermissionDenied => Status::PermissionDenied,
            _ => Status::Failure,
        };
        Error::new(status, format!("{}: {e}", path.display()))
    };
    let mut written = Vec::new();
    let mut checked = Vec::new();
    for (path, bytes) in all() {
        let full = dir.join(&path);
        // A directory of our own, never one a symbolic link planted there points to.
        if let Some(parent) = full.parent()
            && !checked.contains(&parent.to_path_buf())
        {
            let grandparent = parent.parent().unwrap_or(dir);
            std::fs::create_dir_all(grandparent).map_err(|e| io(e, grandparent))?;
            match std::fs::create_dir(parent) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(io(e, parent));
                }
                _ => {}
            }
            let kind = std::fs::symlink_metadata(parent)
                .map_err(|e| io(e, parent))?
                .file_type();
            if !kind.is_dir() {
                return Err(Error::usage(format!(
                    "{}: {}, not a directory: generate writes into a directory of its own",
                    parent.display(),
                    textfile::kind_of(&kind)
                )));
            }
            checked.push(parent.to_path_buf());
        }
        textfile::replace_file(
            "",
            "generate replaces a regular file or makes a new one",
            &full,
            &bytes,
        )?;
        written.push(path);
    }
    Ok(written)
}
