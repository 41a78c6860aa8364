//! What a hostile user, a broken output or an odd host does to the tool, each a test: it
//! never removes what is alive, never hangs, never panics, and its exit code means what
//! it says. Every process that could block runs under a deadline; every test runs in its
//! own IPC namespace.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use shmctl_rs::sys::shm::{self, CreateFlags, Key};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A file this test planted, removed when the test ends.
struct Planted(String);

impl Drop for Planted {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A FIFO or a link another user leaves where a lock file could be expected must not
/// make a run block (a FIFO blocks its opener), follow a link, or fail: role locks are
/// bytes of /dev/null, and there is no file of the tool's to plant.
#[test]
fn planted_fifos_and_links_cannot_block_or_fool_a_ring() {
    use std::os::unix::fs::MetadataExt;
    isolate();
    let produced = run(&["ring", "produce", "-n", "3", "-i", "0", "--quiet"]);
    assert!(produced.status.success(), "{}", stderr(&produced));
    let id = segments()[0]["shmid"].to_string();
    let ns = std::fs::metadata("/proc/thread-self/ns/ipc").unwrap().ino();
    let path = |role: &str| format!("/dev/shm/shmctl-rs-ring.{ns}.{id}.{role}.lock");
    let _planted = [Planted(path("consumer")), Planted(path("producer"))];
    // Planted by nobody, as any local user could.
    let plant = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
        ])
        .arg(format!(
            "mkfifo '{}' && ln -s /etc/passwd '{}'",
            path("consumer"),
            path("producer")
        ))
        .status()
        .unwrap();
    assert!(plant.success());

    let mut consumer = Spawned::new(cmd(&[
        "ring",
        "consume",
        "-n",
        "6",
        "-i",
        "0",
        "--json",
        "--timeout",
        "20s",
    ]));
    let producer = Spawned::new(cmd(&["ring", "produce", "-n", "3", "-i", "0", "--json"]));
    let p = producer.finish(Duration::from_secs(20));
    assert!(p.status.success(), "{}", stderr(&p));
    let status = ends_within(&mut consumer, Duration::from_secs(20));
    assert_eq!(status.and_then(|s| s.code()), Some(0), "the consumer ran");
    let c = summary(&consumer.finish(Duration::from_secs(5)));
    assert_eq!(c["items"], 6);
    assert!(
        std::fs::symlink_metadata(path("consumer"))
            .unwrap()
            .file_type()
            .is_fifo(),
        "another user's file is left as it was"
    );
    let mut rm = Spawned::new(cmd(&["rm", &id]));
    let status = ends_within(&mut rm, Duration::from_secs(10));
    assert_eq!(status.and_then(|s| s.code()), Some(0), "rm never hangs");
    assert!(segments().is_empty());
}

use std::os::unix::fs::FileTypeExt;

/// A run killed with SIGKILL leaves nothing behind: the next run takes the role at once,
/// and a second run while one holds the role is refused with the holder's pid.
#[test]
fn a_killed_run_leaves_no_lock_and_a_held_role_names_its_holder() {
    isolate();
    let before: Vec<_> = std::fs::read_dir("/dev/shm")
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "-n", "5000", "-i", "0", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "a full ring", || {
        status_json(&[]).0["filled_slots"] == 1024
    });
    producer.signal(Signal::SIGKILL);
    drop(producer);
    let after: Vec<_> = std::fs::read_dir("/dev/shm")
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("shmctl-rs") && !before.contains(n))
        .collect();
    assert!(after.is_empty(), "left behind: {after:?}");
    let consumer = Spawned::new(cmd(&["ring", "consume", "-n", "0", "-i", "0", "--quiet"]));
    eventually(Duration::from_secs(10), "a drained ring", || {
        status_json(&[]).0["filled_slots"] == 0
    });
    let err = fails(&["ring", "consume", "-n", "1", "--timeout", "2s"], 1);
    assert!(
        err.contains("another consumer is already running")
            && err.contains(&format!("(pid {}", consumer.pid())),
        "{err}"
    );
    let again = run(&["ring", "produce", "-n", "10", "-i", "0", "--quiet"]);
    assert!(
        again.status.success(),
        "the killed producer's role is free: {}",
        stderr(&again)
    );
    consumer.signal(Signal::SIGINT);
    assert_eq!(
        consumer.finish(Duration::from_secs(5)).status.code(),
        Some(130)
    );
}

/// Ctrl-C ends a command within a fraction of a second even while nobody reads its
/// stdout (`| less` left open): the command may not sit in a pipe write.
#[test]
fn ctrl_c_is_prompt_while_nobody_reads_stdout() {
    isolate();
    // Rows for ls --watch to write, so that the pipe fills in a few refreshes.
    private_segments(200);
    let ring = run(&["ring", "produce", "-n", "10", "-i", "0", "--quiet"]);
    assert!(ring.status.success());
    let producer = Spawned::new(cmd(&["ring", "produce", "-n", "0", "-i", "0", "--quiet"]));
    let commands: [&[&str]; 3] = [
        &["ring", "consume", "-n", "0", "-i", "0"],
        &["ls", "--watch", "100ms"],
        &["status", "--watch", "100ms"],
    ];
    for args in commands {
        // stdout is a pipe that this test never reads.
        let mut c = Spawned::new(cmd(args));
        let pid = c.pid();
        // Full: tens of kilobytes written, and no more for a while.
        let mut last = 0;
        eventually(Duration::from_secs(30), "a full pipe", || {
            std::thread::sleep(Duration::from_millis(300));
            let now = bytes_written(pid);
            let full = now > 40_000 && now == last;
            last = now;
            full
        });
        let start = Instant::now();
        c.signal(Signal::SIGINT);
        let status = ends_within(&mut c, PROMPT_EXIT);
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(130),
            "{args:?} ends with 130 in {:?}",
            start.elapsed()
        );
    }
    producer.signal(Signal::SIGINT);
    assert_eq!(
        producer.finish(Duration::from_secs(5)).status.code(),
        Some(130)
    );
}

/// A creator this process cannot see is not a dead one: pid 0 to a reader in a child PID
/// namespace (a container sharing the host's IPC namespace), or hidden by `hidepid=2`.
/// Such a segment is "creator unknown", not an orphan, and `rm --orphans` leaves it.
#[test]
fn a_creator_that_cannot_be_seen_is_not_called_gone() {
    isolate();
    // Created by this test process, which is alive.
    let id = i64::from(
        shm::create(Key(0x0bad_0001), 4096, 0o644, CreateFlags::default())
            .unwrap()
            .0,
    );
    let b = bin().display().to_string();
    let in_child_pidns = |args: &str| {
        Command::new("unshare")
            .args(["--pid", "--fork", "--mount-proc", "sh", "-c"])
            .arg(format!("'{b}' {args}"))
            .output()
            .unwrap()
    };
    let seen = in_child_pidns("ls --json -o shmid,cpid");
    assert!(seen.status.success(), "{}", stderr(&seen));
    let seen: Value = serde_json::from_slice(&seen.stdout).unwrap();
    assert_eq!(
        seen["segments"][0]["cpid"], 0,
        "the kernel hides the creator"
    );
    let orphans = in_child_pidns("ls --orphans --json");
    assert!(orphans.status.success());
    let listed: Value = serde_json::from_slice(&orphans.stdout).unwrap();
    assert!(shmids_of(&listed).is_empty(), "{listed}");
    assert!(
        stderr(&orphans).contains("cannot be seen"),
        "{}",
        stderr(&orphans)
    );
    let unknown = in_child_pidns("ls --orphans --include-unknown --json");
    let listed: Value = serde_json::from_slice(&unknown.stdout).unwrap();
    assert_eq!(shmids_of(&listed), [id]);
    assert_eq!(listed["segments"][0]["cpid_state"], "unknown");
    let rm = in_child_pidns("rm --orphans");
    assert!(rm.status.success(), "{}", stderr(&rm));
    assert_eq!(segment(id).unwrap()["shmid"], id, "left alone");

    // hidepid=2: nobody does not see root's processes, this test's included.
    let (_dir, nobodys) = world_readable_bin();
    let as_nobody_hidden = |args: &str| {
        Command::new("unshare")
            .args(["--mount", "--pid", "--fork", "sh", "-c"])
            .arg(format!(
                "mount -t proc -o hidepid=2 proc /proc && exec setpriv --reuid=65534 --regid=65534 --clear-groups '{}' {args}",
                nobodys.display()
            ))
            .output()
            .unwrap()
    };
    let hidden = as_nobody_hidden("ls --orphans --include-unknown --json");
    assert!(hidden.status.success(), "{}", stderr(&hidden));
    let listed: Value = serde_json::from_slice(&hidden.stdout).unwrap();
    assert_eq!(listed["segments"][0]["cpid_state"], "unknown", "{listed}");
    assert_eq!(listed["segments"][0]["orphan"], false);
    let listed: Value =
        serde_json::from_slice(&as_nobody_hidden("ls --orphans --json").stdout).unwrap();
    assert!(shmids_of(&listed).is_empty(), "{listed}");
}

/// A killed process its parent has not reaped is a zombie: it has exited. `info` and
/// `status` say so, and its unattached segment is an orphan.
#[test]
fn a_zombie_creator_has_exited() {
    isolate();
    // The creator runs in the background of a shell that then becomes `sleep`, which
    // never reaps it: once it exits it stays a zombie.
    let b = bin().display().to_string();
    let parent = Spawned::new({
        let mut c = Command::new("bash");
        c.arg("-c").arg(format!(
            "'{b}' ring produce -n 1 -i 0 --quiet --key 0x0bad0002 >/dev/null & exec sleep 60"
        ));
        c
    });
    let mut shmid = 0;
    eventually(Duration::from_secs(10), "the ring", || {
        segments().first().is_some_and(|s| {
            shmid = s["shmid"].as_i64().unwrap();
            s["nattch"] == 0
        })
    });
    let cpid = segment(shmid).unwrap()["cpid"].as_i64().unwrap();
    eventually(Duration::from_secs(10), "a zombie", || {
        std::fs::read_to_string(format!("/proc/{cpid}/stat")).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    });
    let info = run(&["info", &shmid.to_string()]);
    assert!(
        stdout(&info).contains(&format!("cpid      {cpid} (zombie)")),
        "{}",
        stdout(&info)
    );
    assert_eq!(
        json(&["info", &shmid.to_string(), "--json"])["cpid_state"],
        "zombie"
    );
    let (st, code) = status_json(&["0x0bad0002"]);
    assert_eq!(
        (st["cpid_state"].as_str(), st["cpid_alive"].as_bool(), code),
        (Some("zombie"), Some(false), 0)
    );
    assert_eq!(shmids_of(&json(&["ls", "--orphans", "--json"])), [shmid]);
    drop(parent);
}

/// A dry run checks the permission the real one needs (owner, creator or CAP_SYS_ADMIN).
#[test]
fn a_dry_run_says_what_the_kernel_would_refuse() {
    isolate();
    let id = create(&["--size", "4096", "--mode", "666"]).to_string();
    let dry = as_nobody(&["rm", "-n", &id]);
    assert_eq!(dry.status.code(), Some(4), "{}", stderr(&dry));
    assert!(
        stdout(&dry).starts_with(&format!("would fail: shmid {id}"))
            && stdout(&dry).contains("permission denied"),
        "{}",
        stdout(&dry)
    );
    let dry = as_nobody(&["rm", "-n", &id, "--json"]);
    let report: Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(report["results"][0]["action"], "would-fail");
    let real = as_nobody(&["rm", &id]);
    assert_eq!(real.status.code(), Some(4), "the real one fails alike");
    assert!(segment(id.parse().unwrap()).is_some());
    // Root may, and its dry run says so.
    let dry = run(&["rm", "-n", &id]);
    assert!(dry.status.success());
    assert!(stdout(&dry).starts_with("would remove"), "{}", stdout(&dry));
}

/// The owner of a mode-000 segment may not read it (IPC_STAT) but may change it.
#[test]
fn the_owner_of_a_mode_000_segment_may_change_it() {
    isolate();
    let made = as_nobody(&["create", "--size", "4096", "--mode", "000", "--quiet"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let id = stdout(&made).trim().to_string();
    let out = as_nobody(&["chmod", "640", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(segment(id.parse().unwrap()).unwrap()["perms"], "640");
    let out = as_nobody(&["chmod", "000", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = as_nobody(&["chown", "65534:65534", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(segment(id.parse().unwrap()).unwrap()["perms"], "0");
}

/// Every exit code means what the manual says.
#[test]
fn exit_codes_mean_what_they_say() {
    isolate();
    let id = create(&["--size", "4096"]).to_string();
    // EINVAL from IPC_SET on a segment that exists: a bad uid (usage), not "no such".
    let err = fails(&["chown", "4294967295", &id], 2);
    assert!(err.contains("not a valid id"), "{err}");
    assert!(segment(id.parse().unwrap()).is_some());
    let err = fails(&["--ns", "999999", "ls"], 2);
    assert!(err.contains("no such namespace"), "{err}");
    // A FIFO given to --ns is refused at once, without blocking in open().
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let err = fails(&["--ns", fifo.to_str().unwrap(), "ls"], 2);
    assert!(err.contains("not a namespace file"), "{err}");
    let err = fails(&["--ns", "/etc/hostname", "ls"], 2);
    assert!(err.contains("not a namespace file"), "{err}");
    // Staying in one's own namespace needs no privilege.
    let own = as_nobody(&["--ns", "/proc/self/ns/ipc", "ls", "--json"]);
    assert!(own.status.success(), "{}", stderr(&own));
    let err = fails(&["create", "--size", "1", "--ftok", "/tmp:"], 2);
    assert!(err.contains("expected a project id"), "{err}");
    // A ring on IPC_PRIVATE could never be found by its other end: refused, none made.
    fails(&["ring", "produce", "-k", "0", "-n", "1"], 2);
    assert!(segments().len() == 1, "no ring was made");
    // --help and --version that cannot be printed are failures.
    for flag in ["--help", "--version"] {
        let out = Command::new(bin())
            .arg(flag)
            .stdout(
                std::fs::File::options()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{flag}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("shmctl-rs: cannot print the help"));
    }
}

/// A producer whose ring's semaphore is overwritten under it stops with "not a valid
/// ring" (7), not an errno (1).
#[test]
fn a_ring_corrupted_under_a_producer_is_an_invalid_ring() {
    isolate();
    let producer = Spawned::new(cmd(&["ring", "produce", "-n", "0", "-i", "1ms", "--quiet"]));
    eventually(Duration::from_secs(10), "the ring", || {
        !segments().is_empty()
    });
    let id = shmctl_rs::sys::shm::ShmId(segments()[0]["shmid"].as_i64().unwrap() as i32);
    let att = shm::attach(id, false).unwrap();
    // sem_consumer's value word at offset 32: as high as a semaphore goes.
    let sem = att.semaphore(32).unwrap();
    while sem.available() < i32::MAX as u32 - 1 {
        sem.post(i32::MAX as u32 - 1 - sem.available()).unwrap();
    }
    let out = producer.finish(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a valid ring"),
        "{}",
        stderr(&out)
    );
}

/// Whether the program cannot even start (print its version) under `ulimit -v kib`.
fn starts_not(binary: &str, kib: u64) -> bool {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec '{binary}' --version"))
        .output()
        .unwrap();
    !out.status.success()
}

/// An address-space limit too small for the Ctrl-C handler's thread gives one clear
/// line and exit 6 (a limit), never a panic or a crate's own wording ("Ctrl-C error:
/// Unexpected system error"). Below some limit the loader cannot even map the program;
/// where exactly depends on the build, so every outcome of a sweep is checked.
#[test]
fn a_limited_address_space_is_a_limit() {
    isolate();
    let b = bin().display().to_string();
    let mut ran = 0;
    for kib in (8_000..=40_000).step_by(1_000) {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "ulimit -v {kib}; exec '{b}' ring produce -n 1 -i 0 --quiet -k 0x0bad0003"
            ))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(
            !err.contains("panicked") && !err.contains("Ctrl-C error"),
            "{kib}: {err}"
        );
        match out.status.code() {
            Some(0) => ran += 1,
            Some(6) => assert!(
                err.starts_with("shmctl-rs: cannot install the Ctrl-C handler")
                    && err.lines().count() == 1,
                "{err}"
            ),
            // The loader itself cannot map the program: nothing of ours ran.
            Some(127) => assert!(
                err.contains("error while loading shared libraries"),
                "{err}"
            ),
            // The kernel cannot map the program's own segments once execve is past its
            // point of no return, and kills it with SIGSEGV: nothing of ours ran either.
            None if std::os::unix::process::ExitStatusExt::signal(&out.status)
                == Some(libc::SIGSEGV)
                && err.is_empty() => {}
            // Mapped, but too short of room to start at all (the C library's or the
            // runtime's start-up faults): `--version`, which does nothing, dies the same.
            None if starts_not(&b, kib) => {}
            other => panic!("{kib} KiB: {other:?} {err}"),
        }
    }
    assert!(ran > 0, "with enough address space it runs");
}

/// Unprivileged `ls -A` lists what it can see (its own namespace at least) and says what
/// it could not look at.
#[test]
fn unprivileged_all_namespaces_shows_its_own_and_says_what_it_missed() {
    isolate();
    let id = create(&["--size", "4096", "--mode", "644"]);
    let out = as_nobody(&["ls", "-A", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shmids_of(&listed), [id]);
    assert!(listed["segments"][0]["namespace"]["inode"].is_u64());
    assert!(
        stderr(&out).contains("could not be looked at") || stderr(&out).contains("not listed"),
        "{}",
        stderr(&out)
    );
}

/// `rm` whose stdout fails still does every removal it was asked for, then says how many
/// and exits 1; a stderr that cannot be written never turns into a panic.
#[test]
fn failing_outputs_never_stop_removals_or_panic() {
    isolate();
    let ids = private_segments(300);
    let full = || {
        std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut args = vec!["rm"];
    args.extend(ids.iter().map(String::as_str));
    let out = Command::new(bin())
        .args(&args)
        .stdout(full())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("300 segments removed or marked for destruction, of 300 named"),
        "{}",
        stderr(&out)
    );
    assert!(segments().is_empty());
    // Half of these do not exist; every error line goes to a stderr that fails.
    let mut args = vec!["rm".to_string()];
    for i in 0..100 {
        let id = shm::create(Key::PRIVATE, 4096, 0o600, CreateFlags::default()).unwrap();
        args.push(id.to_string());
        args.push((1_000_000 + i).to_string());
    }
    let out = Command::new(bin())
        .args(&args)
        .stdout(Stdio::null())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "the first failure's code");
    assert!(segments().is_empty(), "every one that existed was removed");
    // A create whose shmid cannot be said takes the new segment back: nothing is leaked.
    let out = Command::new(bin())
        .args(["create", "--size", "4096"])
        .stdout(full())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("was removed again"),
        "{}",
        stderr(&out)
    );
    assert!(segments().is_empty(), "nothing leaked");
    for args in [
        &["info", "99"][..],
        &["create", "--size", "0"],
        &["ring", "consume", "-n", "1", "--timeout", "100ms"],
    ] {
        let out = Command::new(bin())
            .args(args)
            .stdout(Stdio::null())
            .stderr(full())
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(3 | 6 | 8)),
            "{args:?}: {:?}",
            out.status
        );
    }
}

/// User and group names come from NSS (a passwd line, LDAP): chown's confirmation and
/// info print them escaped, never a terminal escape raw.
#[test]
fn chown_and_info_print_hostile_user_and_group_names_escaped() {
    isolate();
    let id = create(&["--size", "4096"]);
    let dir = tempfile::tempdir().unwrap();
    let (passwd, group) = (dir.path().join("passwd"), dir.path().join("group"));
    let mut users = std::fs::read_to_string("/etc/passwd").unwrap();
    users.push_str("ev\u{1b}]0;pwned\u{7}il:x:70000:70000::/:/bin/sh\n");
    std::fs::write(&passwd, users).unwrap();
    let mut groups = std::fs::read_to_string("/etc/group").unwrap();
    groups.push_str("gr\u{1b}[2J\u{202e}p:x:70000:\n");
    std::fs::write(&group, groups).unwrap();
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(format!(
            "mount --bind '{}' /etc/passwd && mount --bind '{}' /etc/group && '{b}' chown 70000:70000 {id} && '{b}' info {id}",
            passwd.display(),
            group.display(),
            b = bin().display()
        ))
        .output()
        .expect("unshare (util-linux)");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "segment {id}: owner ev\\x1b]0;pwned\\x07il:gr\\x1b[2J\\xe2\\x80\\xaep, perms"
        )),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

/// `--watch` to a pipe or a log writes no terminal codes, but a `---` line with the time
/// before each refresh; an interval too short to be a refresh (it would spin a core) is
/// a usage error, the same rule for ls --watch, status --watch and top -d.
#[test]
fn watch_into_a_pipe_writes_no_terminal_codes_and_refuses_a_spin() {
    isolate();
    let id = create(&["--size", "4096"]);
    let mut w = Spawned::new(cmd(&["ls", "--watch", "100ms", "-o", "shmid,nattch"]));
    let mut lines = w.lines();
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(read_until(&mut lines, |l| l.starts_with("--- ")));
        seen.push(read_until(&mut lines, |l| {
            l.contains(&format!(" {id} ")) || l.starts_with(&format!("{id} "))
        }));
    }
    drop(lines);
    w.signal(Signal::SIGINT);
    let out = w.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
    for line in seen.iter().step_by(2) {
        // `--- 2025-11-27 03:28:14  1 segments, every 100ms; …`
        let rest = line.strip_prefix("--- ").unwrap();
        let time = rest.get(..19).unwrap_or_default();
        assert!(
            chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{line}"
        );
        assert!(
            rest[19..].starts_with("  1 segments, every 100ms"),
            "{line}"
        );
    }
    let all: String = seen.concat();
    assert!(!all.contains('\u{1b}'), "{all:?}");
    for args in [
        &["ls", "--watch", "0"][..],
        &["ls", "--watch", "99ms"],
        &["status", "--watch", "0", "1"],
        &["top", "-d", "50ms"],
    ] {
        let err = fails(args, 2);
        assert!(
            err.contains("at least 100ms between refreshes"),
            "{args:?}: {err}"
        );
    }
}

/// A reader that stopped reading is no error for --help either (exit 0, nothing said),
/// while a stdout that fails is one; a stdout closed from the start (`>&-`) fails like
/// /dev/full does: `create` removes the segment whose id it could not print.
#[test]
fn help_to_a_gone_reader_is_quiet_and_a_closed_stdout_fails_like_a_full_one() {
    isolate();
    for args in [&["--help"][..], &["ls", "--help"], &["--version"]] {
        // The reader is gone before the first write: every write gets EPIPE.
        let (reader, writer) = nix::unistd::pipe().unwrap();
        drop(reader);
        let out = Command::new(bin())
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    let closed = |args: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!(r#"exec "$0" {args} >&-"#))
            .arg(bin())
            .output()
            .unwrap()
    };
    let out = closed("create --size 4K --private");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write to stdout (Bad file descriptor"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("was removed again"),
        "{}",
        stderr(&out)
    );
    assert!(segments().is_empty(), "no segment left behind");
    for args in ["ls", "--help", "limits --json"] {
        let out = closed(args);
        assert_eq!(out.status.code(), Some(1), "{args}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Bad file descriptor"),
            "{args}: {}",
            stderr(&out)
        );
    }
    // rm still removes what it was asked to, then fails as it does on /dev/full.
    let id = create(&["--size", "4K"]);
    let out = closed(&format!("rm {id}"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(segments().is_empty(), "removed all the same");
}

/// Another user's process named with terminal escapes (its comm is the name it was
/// started by) that holds a ring's role or is attached to it: the errors that name it
/// show its command escaped, never a raw ESC on the administrator's terminal.
#[test]
fn a_holders_command_with_escapes_is_named_escaped_in_ring_errors() {
    isolate();
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("\x1b]0;PWN\x07\x1b[2J");
    std::os::unix::fs::symlink(bin(), &evil).unwrap();
    let as_evil = |args: &[&str]| {
        let mut c = Command::new(&evil);
        c.args(args).stdin(Stdio::null()).env("LC_ALL", "C");
        c
    };
    let producer = Spawned::new(as_evil(&[
        "ring", "produce", "--key", "0x0c40", "-n", "5000", "-i", "0", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "a full ring", || {
        status_json(&["0x0c40"]).0["filled_slots"] == 1024
    });
    let mut watcher = Spawned::new(as_evil(&["attach", "0x0c40", "--readonly"]));
    let mut lines = watcher.lines();
    read_until(&mut lines, |l| l.contains("attached"));
    let clean = |err: &str| !err.contains('\x1b') && err.contains("\\x1b]0;PWN\\x07\\x1b[2J");
    let err = fails(&["ring", "produce", "--key", "0x0c40", "-n", "1"], 1);
    assert!(
        clean(&err) && err.contains("another producer is already running"),
        "{err:?}"
    );
    let err = fails(&["ring", "repair", "0x0c40"], 1);
    assert!(
        clean(&err) && err.contains("a producer is running on this ring"),
        "{err:?}"
    );
    producer.signal(Signal::SIGKILL);
    drop(producer);
    let err = fails(&["ring", "repair", "0x0c40"], 1);
    assert!(
        clean(&err) && err.contains("1 other process(es) attached (pid "),
        "{err:?}"
    );
    drop(lines);
    watcher.signal(Signal::SIGINT);
    let _ = watcher.finish(Duration::from_secs(5));
}
