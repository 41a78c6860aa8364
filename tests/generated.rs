//! Man pages and completions: committed, current, clean, and working in real shells.

mod common;

use common::*;
use serde_json::Value;
use shmctl_rs::generate;
use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_man_pages_and_completions_are_current() {
    let mut stale = Vec::new();
    let expected = generate::all();
    for (path, bytes) in &expected {
        if std::fs::read(repo().join(path)).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(path.clone());
        }
    }
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let name = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            if !expected.iter().any(|(p, _)| *p == name) {
                stale.push(format!("{name} (no longer generated: delete it)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}\nregenerate them with: cargo run -- generate ."
    );
}

#[test]
fn man_pages_render_without_warnings_and_have_every_section() {
    let pages = generate::man_pages();
    assert_eq!(pages.len(), 15, "one page per command");
    for (path, _) in &pages {
        let out = Command::new("groff")
            .args(["-ww", "-man", "-Tutf8", "-P-cbou"])
            .arg(repo().join(path))
            .output()
            .expect("groff (Debian's groff-base) renders man pages");
        assert!(out.status.success(), "{path}");
        assert!(
            out.stderr.is_empty(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "EXIT STATUS",
            "FILES",
            "SEE ALSO",
        ] {
            assert!(
                text.contains(&format!("\n{section}\n")),
                "{path} lacks {section}"
            );
        }
        for code in ["0 ", "3 ", "7 ", "130"] {
            assert!(
                text.contains(&format!("       {code}")),
                "{path} lacks exit code {code}"
            );
        }
        for page in [
            "ipcs(1)",
            "ipcrm(1)",
            "ipcmk(1)",
            "lsipc(1)",
            "shmget(2)",
            "shmat(2)",
            "shmctl(2)",
            "sem_overview(7)",
        ] {
            assert!(text.contains(page), "{path} lacks {page}");
        }
        assert!(text.contains("/proc/sysvipc/shm"), "{path}");
        let documents_json = [
            "ls",
            "info",
            "limits",
            "status",
            "ring-produce",
            "ring-consume",
            "ring-repair",
        ]
        .iter()
        .any(|c| path.ends_with(&format!("shmctl-rs-{c}.1")));
        if documents_json {
            assert!(text.contains("\nJSON OUTPUT\n"), "{path} lacks JSON OUTPUT");
            assert!(text.contains("\nEXAMPLES\n"), "{path} lacks EXAMPLES");
        }
    }
}

/// Every field a command prints with --json is documented, and every documented one printed.
#[test]
fn documented_json_fields_are_the_printed_ones() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x3131"]).to_string();
    let object_keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let documented_with = |path: &str, optional: bool| -> Vec<String> {
        let (_, fields) = shmctl_rs::docs::json_fields(path).unwrap();
        let mut k: Vec<String> = fields
            .iter()
            .filter(|(n, meaning)| {
                !n.contains('.') && (optional || !meaning.starts_with("with --"))
            })
            .map(|(n, _)| n.to_string())
            .collect();
        k.sort();
        k
    };
    let documented = |path: &str| documented_with(path, false);
    let ls = json(&["ls", "--json"]);
    assert_eq!(object_keys(&ls["segments"][0]), documented("ls"));
    let ls = json(&["ls", "--json", "--pids", "--orphans", "--all-namespaces"]);
    assert_eq!(object_keys(&ls["segments"][0]), documented_with("ls", true));
    assert_eq!(
        object_keys(&json(&["info", &id, "--json"])),
        documented("info")
    );
    assert_eq!(
        object_keys(&json(&["limits", "--json"])),
        documented("limits")
    );
    assert_eq!(
        object_keys(&json(&["create", "--json", "-s", "1"])),
        documented("create")
    );
    assert_eq!(
        object_keys(&json(&["attach", &id, "--json", "-t", "1ms"])),
        documented("attach")
    );
    let rm = json(&["rm", &id, "--json", "--dry-run"]);
    assert_eq!(object_keys(&rm), documented("rm"));
    let produced = json(&["ring", "produce", "-n", "2", "-i", "0", "--json"]);
    assert_eq!(object_keys(&produced), documented("ring produce"));
    assert_eq!(
        object_keys(&json(&["status", "--json"])),
        documented("status")
    );
    let bench = json(&[
        "ring",
        "bench",
        "-t",
        "ring,ring-batch,spsc,pipe-batch",
        "-n",
        "1000",
        "-r",
        "1",
        "--latency",
        "10",
        "--json",
    ]);
    assert_eq!(object_keys(&bench), documented("ring bench"));
    let nested = |list: &str| -> Vec<String> {
        let (_, fields) = shmctl_rs::docs::json_fields("ring bench").unwrap();
        let prefix = format!("{list}[].");
        let mut k: Vec<String> = fields
            .iter()
            .filter_map(|(n, _)| n.strip_prefix(&prefix).map(String::from))
            .collect();
        k.sort();
        k
    };
    for list in ["transports", "ratios", "latency"] {
        assert_eq!(object_keys(&bench[list][0]), nested(list), "{list}");
    }
    let consumed = json(&["ring", "consume", "-n", "2", "-i", "0", "--json"]);
    assert_eq!(object_keys(&consumed), documented("ring consume"));
    let repaired = json(&["ring", "repair", "--json"]);
    assert_eq!(object_keys(&repaired), documented("ring repair"));
    assert_eq!(object_keys(&repaired["fields"][0]).len(), 3);
}

/// Run a bash completion for `words` (the last one is being completed).
fn bash_complete(words: &[&str]) -> Vec<String> {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let script = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n_shmctl_rs_complete shmctl-rs \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        repo().join("completions/shmctl-rs.bash").display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_commands_and_live_segment_ids() {
    isolate();
    assert_eq!(bash_complete(&["shmctl-rs", "ri"]), vec!["ring"]);
    assert_eq!(bash_complete(&["shmctl-rs", "ring", "p"]), vec!["produce"]);
    assert!(
        bash_complete(&["shmctl-rs", "rm", ""]).is_empty(),
        "no segments yet"
    );
    let a = create(&["--size", "4096", "--key", "0x2a2a"]).to_string();
    let b = create(&["--size", "4096"]).to_string();
    let mut ids = bash_complete(&["shmctl-rs", "rm", ""]);
    ids.sort();
    let mut expected = vec![a.clone(), b.clone(), "0x00002a2a".to_string()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(
        bash_complete(&["shmctl-rs", "info", "0x"]),
        vec!["0x00002a2a"]
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "rm", "--key", ""]),
        vec!["0x00002a2a"]
    );
    let first = bash_complete(&["shmctl-rs", "chmod", ""]);
    assert!(
        !first.contains(&a) && !first.contains(&"0x00002a2a".to_string()),
        "a mode comes first: {first:?}"
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "chmod", "640", "0x"]),
        vec!["0x00002a2a"]
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "ring", "repair", "0x"]),
        vec!["0x00002a2a"]
    );
    let opts = bash_complete(&["shmctl-rs", "attach", "--re"]);
    assert_eq!(opts, vec!["--readonly"]);
}

/// fish and zsh, from Debian's packages (`.ci/run` installs them).
fn shells() -> bool {
    let have = |s: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {s}"))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    prerequisite(have("fish") && have("zsh"), "fish and zsh")
}

fn in_shell(shell: &str, script: &str) -> std::process::Output {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    Command::new(shell)
        .arg("-c")
        .arg(script)
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("shell")
}

#[test]
fn fish_and_zsh_load_the_completions_and_fish_offers_live_ids() {
    if !shells() {
        return;
    }
    isolate();
    let id = create(&["--size", "4096", "--key", "0x3a3a"]).to_string();
    let fish = repo().join("completions/shmctl-rs.fish");
    let out = in_shell(
        "fish",
        &format!(
            "source '{}'; and complete -C 'shmctl-rs rm '",
            fish.display()
        ),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{id}\tkey 0x00003a3a, 4096 bytes, owner root")),
        "{text}"
    );
    assert!(text.contains(&format!("0x00003a3a\tshmid {id}")), "{text}");
    let out = in_shell(
        "fish",
        &format!(
            "source '{}'; and complete -C 'shmctl-rs ri'",
            fish.display()
        ),
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("ring\t"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let zsh_dir = repo().join("completions");
    let out = in_shell(
        "zsh",
        &format!(
            "fpath=('{}' $fpath); autoload -U compinit; compinit -u -D; autoload -U _shmctl-rs; whence -w _shmctl-rs; source '{}/_shmctl-rs'; whence -w _shmctl_rs_ids",
            zsh_dir.display(),
            zsh_dir.display()
        ),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("_shmctl_rs_ids: function"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn readme_documents_installing_man_pages_and_completions() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for needle in [
        "cargo run -- generate .",
        "man/",
        "completions/shmctl-rs.bash",
        "completions/_shmctl-rs",
        "completions/shmctl-rs.fish",
        "shmctl-rs.elv",
        "_shmctl-rs.ps1",
    ] {
        assert!(readme.contains(needle), "README lacks {needle}");
    }
}
