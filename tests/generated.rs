//! Man pages and completions: committed, current, clean, and working in real shells.

mod common;

use common::world::World;
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
    assert_eq!(pages.len(), 17, "one page per command");
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
    let ls = json(&[
        "ls",
        "--json",
        "--pids",
        "--orphans",
        "--all-namespaces",
        "--app",
    ]);
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

/// Run a bash completion for `words` (the last one is being completed) as the test runs,
/// in the host's PID and mount namespaces.
fn bash_complete_on_host(words: &[&str]) -> Vec<String> {
    bash_complete(Command::new("bash"), words)
}

/// Run a bash completion for `words` (the last one is being completed) in world `w`
/// (its /dev/shm holds exactly the objects the test made), from the directory `cwd`.
fn bash_complete_in(w: &World, cwd: &std::path::Path, words: &[&str]) -> Vec<String> {
    let mut bash = w.command("bash");
    bash.current_dir(cwd);
    bash_complete(bash, words)
}

/// Source the generated script in `bash`, complete `words` and return the candidates.
fn bash_complete(mut bash: Command, words: &[&str]) -> Vec<String> {
    let script = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n_shmctl_rs shmctl-rs \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        repo().join("completions/shmctl-rs.bash").display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1
    );
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let out = bash
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
    let w = World::new();
    let here = repo();
    let bash_complete = |words: &[&str]| bash_complete_in(&w, &here, words);
    assert_eq!(bash_complete(&["shmctl-rs", "ri"]), vec!["ring"]);
    assert_eq!(bash_complete(&["shmctl-rs", "ring", "p"]), vec!["produce"]);
    assert!(
        bash_complete(&["shmctl-rs", "rm", ""]).is_empty(),
        "no segments yet"
    );
    let a = create(&["--size", "4096", "--key", "0x2a2a"]).to_string();
    let b = create(&["--size", "4096", "--private"]).to_string();
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

#[test]
fn rm_and_info_complete_posix_names_and_never_run_what_a_name_holds() {
    isolate();
    let w = World::new();
    let cwd = tempfile::tempdir().unwrap();
    // Any user may name a file of /dev/shm; this one would run `touch pwned` if a
    // completion expanded it.
    w.sh("touch /dev/shm/app-one /dev/shm/app-two '/dev/shm/$(touch pwned)' '/dev/shm/two words'");
    // A semaphore (sem_open's file: sem.NAME of 32 bytes).
    w.sh("head -c 32 /dev/zero > /dev/shm/sem.app");
    let id = w.json(&["create", "--size", "4096", "--json"])["shmid"].to_string();
    let complete = |words: &[&str]| {
        let mut got = bash_complete_in(&w, cwd.path(), words);
        got.sort();
        got
    };
    assert_eq!(
        complete(&["shmctl-rs", "rm", "/app"]),
        ["/app-one", "/app-two"]
    );
    assert_eq!(complete(&["shmctl-rs", "info", "/t"]), ["/two\\ words"]);
    let all = complete(&["shmctl-rs", "rm", ""]);
    assert!(
        all.contains(&id) && all.contains(&"/app-one".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(&"/\\$\\(touch\\ pwned\\)".to_string()),
        "quoted as typed: {all:?}"
    );
    assert!(!cwd.path().join("pwned").exists(), "a name was run");
    assert!(
        !all.iter().any(|n| n.contains("sem.")),
        "semaphores are not offered"
    );
    assert_eq!(
        complete(&["shmctl-rs", "attach", "/"]),
        Vec::<String>::new()
    );
    assert_eq!(complete(&["shmctl-rs", "rm", "/n"]), Vec::<String>::new());

    if !shells() {
        return;
    }
    let fish = repo().join("completions/shmctl-rs.fish");
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let out = w
        .command("fish")
        .arg("-c")
        .arg(format!(
            "source '{}'; and complete -C 'shmctl-rs info /app'",
            fish.display()
        ))
        .current_dir(cwd.path())
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", cwd.path())
        .output()
        .expect("fish");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("/app-one\tPOSIX object, 0 bytes, owner root"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!cwd.path().join("pwned").exists(), "a name was run");
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
    for line in ["shmctl-rs ", "shmctl-rs ring "] {
        let out = in_shell(
            "fish",
            &format!("source '{}'; and complete -C '{line}'", fish.display()),
        );
        let offered = String::from_utf8_lossy(&out.stdout);
        assert!(
            !offered.contains("generate") && !offered.contains("bench-peer"),
            "hidden commands offered: {offered}"
        );
    }
    for (_, text) in generate::completions() {
        let text = String::from_utf8(text).unwrap();
        assert!(!text.contains("bench-peer") && !text.contains("bench_peer"));
    }
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
    // The install section leads with the package, then cargo install.
    let install = &readme[readme.find("## Installing").expect("an install section")..];
    let at = |s: &str| {
        install
            .find(s)
            .unwrap_or_else(|| panic!("README lacks {s}"))
    };
    assert!(at("cargo deb --locked") < at("dpkg -i target/debian/shmctl-rs_"));
    assert!(at("dpkg -i target/debian/shmctl-rs_") < at("cargo install --locked --path ."));
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        install.contains(&format!("target/debian/shmctl-rs_{version}_amd64.deb")),
        "README names the package of version {version}"
    );
}

#[test]
fn bash_offers_no_hidden_command_and_completes_each_value_by_kind() {
    isolate();
    let w = World::new();
    let here = repo();
    let bash_complete = |words: &[&str]| bash_complete_in(&w, &here, words);
    let top = bash_complete(&["shmctl-rs", ""]);
    assert!(top.contains(&"ls".to_string()) && top.contains(&"ring".to_string()));
    assert!(!top.contains(&"generate".to_string()), "{top:?}");
    assert!(bash_complete(&["shmctl-rs", "gen"]).is_empty());
    let ring = bash_complete(&["shmctl-rs", "ring", ""]);
    assert!(!ring.iter().any(|c| c.starts_with("bench-")), "{ring:?}");
    assert!(bash_complete(&["shmctl-rs", "ring", "bench-"]).is_empty());
    // A mode first, then the segment: no option (and so no common prefix `-`).
    let modes = bash_complete(&["shmctl-rs", "chmod", ""]);
    assert!(modes.contains(&"640".to_string()), "{modes:?}");
    assert!(!modes.iter().any(|m| m.starts_with('-')), "{modes:?}");
    assert!(bash_complete(&["shmctl-rs", "chown", "ro"]).contains(&"root".to_string()));
    assert_eq!(
        bash_complete(&["shmctl-rs", "chown", "root:nog"]),
        vec!["root:nogroup"]
    );
    // Column lists, after a comma too, with the +COLUMNS form and --output=.
    let after = bash_complete(&["shmctl-rs", "ls", "-o", "key,"]);
    assert!(after.contains(&"key,shmid".to_string()), "{after:?}");
    assert!(after.iter().all(|c| c.starts_with("key,")), "{after:?}");
    assert_eq!(
        bash_complete(&["shmctl-rs", "ls", "-o", "key,si"]),
        vec!["key,size"]
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "ls", "-o", "+cg"]),
        vec!["+cgid", "+cgroup"]
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "ls", "--output", "=", "key,na"]),
        vec!["key,nattch", "key,namespace", "key,name"]
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "ls", "--time-format", "i"]),
        vec!["iso"]
    );
    assert_eq!(
        bash_complete(&["shmctl-rs", "ring", "bench", "-t", "pipe,u"]),
        vec!["pipe,unix", "pipe,unix-batch"]
    );
    // --ns PID: the ids of that namespace, and the value of --ns is no command word. The
    // container is a process of the host's PID namespace, so this runs there; the names
    // of POSIX objects it offers too (of the host's /dev/shm) are left out here.
    let here = create(&["--size", "4096", "--key", "0x2c2c"]).to_string();
    let (_container, pid) = container("--size 4096 --key 0x2b2b");
    let segments_only = |words: &[&str]| -> Vec<String> {
        let mut ids: Vec<String> = bash_complete_on_host(words)
            .into_iter()
            .filter(|w| !w.starts_with('/'))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        segments_only(&["shmctl-rs", "--ns", &pid, "rm", ""]),
        vec!["0", "0x00002b2b"]
    );
    assert_eq!(
        segments_only(&["shmctl-rs", "--ns", &pid, "info", "0x"]),
        vec!["0x00002b2b"]
    );
    assert_eq!(
        segments_only(&["shmctl-rs", "rm", ""]),
        vec![here, "0x00002c2c".to_string()]
    );
    assert_eq!(
        bash_complete_on_host(&["shmctl-rs", "ls", "--ns", &pid, "--key", ""]),
        vec!["0x00002b2b"]
    );
}

#[test]
fn help_lists_columns_once_and_every_page_has_its_exit_status() {
    let help = stdout(&run(&["ls", "--help"]));
    for column in ["cgroup", "namespace", "command", "app"] {
        let listed = help
            .lines()
            .filter(|l| l.trim_start().starts_with(&format!("- {column}")))
            .count();
        assert_eq!(listed, 1, "{column} in {help}");
    }
    let mut all = Vec::new();
    fn commands(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            commands(sub, p, out);
        }
    }
    use clap::CommandFactory;
    commands(&shmctl_rs::cli::Cli::command(), Vec::new(), &mut all);
    assert_eq!(all.len(), 17);
    for path in all {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let text = stdout(&run(&args));
        assert!(text.contains("\nExit status:\n  0    success"), "{args:?}");
    }
    // Man page synopses name the values options take.
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-P-cbou", "-rLL=400n"])
        .arg(repo().join("man/shmctl-rs-ls.1"))
        .output()
        .unwrap();
    // groff justifies lines: compare with runs of spaces made one.
    let page = String::from_utf8_lossy(&out.stdout)
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for form in [
        "[-o|--output COLUMNS]",
        "[--time-format FORMAT]",
        "[-w|--watch DURATION]",
        "[--ns PID|PATH]",
        "[--app]",
    ] {
        assert!(page.contains(form), "{form} in the SYNOPSIS of\n{page}");
    }
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-P-cbou", "-rLL=400n"])
        .arg(repo().join("man/shmctl-rs-chmod.1"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("<MODE> <ID>"));
}

#[test]
fn generate_writes_its_own_files_and_never_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let victim = tempfile::tempdir().unwrap();
    let precious = victim.path().join("bashrc");
    std::fs::write(&precious, "precious\n").unwrap();
    let out = dir.path().join("out");
    let target = out.to_str().unwrap();
    // A file linked to someone else's: refused, not written through.
    std::fs::create_dir_all(out.join("completions")).unwrap();
    std::os::unix::fs::symlink(&precious, out.join("completions/shmctl-rs.bash")).unwrap();
    let err = fails(&["generate", target], 2);
    assert!(
        err.contains("completions/shmctl-rs.bash: a symbolic link, not a regular file"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious\n");
    std::fs::remove_file(out.join("completions/shmctl-rs.bash")).unwrap();
    // A directory linked to someone else's: refused, nothing written into it.
    std::fs::remove_dir_all(out.join("man")).unwrap();
    std::os::unix::fs::symlink(victim.path(), out.join("man")).unwrap();
    let err = fails(&["generate", target], 2);
    assert!(
        err.contains("man: a symbolic link, not a directory"),
        "{err}"
    );
    let inside: Vec<_> = std::fs::read_dir(victim.path())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(inside.len(), 1, "only the victim's own file: {inside:?}");
    // Without links, every file is written (over an old regular file too), mode 0644.
    std::fs::remove_file(out.join("man")).unwrap();
    std::fs::write(out.join("completions/shmctl-rs.bash"), "old").unwrap();
    let listed = stdout(&run(&["generate", target]));
    assert_eq!(listed.lines().count(), generate::all().len(), "{listed}");
    for (path, bytes) in generate::all() {
        let file = out.join(&path);
        assert_eq!(std::fs::read(&file).unwrap(), bytes, "{path}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o644, "{path}");
    }
}
