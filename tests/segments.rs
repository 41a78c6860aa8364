//! The administration commands against real segments, each test in its own IPC namespace.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use shmctl_rs::sys::shm::{self, CreateFlags, Key};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn ls_json_agrees_with_lsipc_on_segments_made_by_another_program() {
    isolate();
    for size in ["4096", "1000000", "1"] {
        let st = Command::new("ipcmk")
            .args(["-M", size])
            .output()
            .expect("ipcmk");
        assert!(st.status.success());
    }
    let high = create(&["--size", "64K", "--key", "0x81000001"]);
    let _attached = shm::attach(shm::ShmId(high as i32), true).unwrap();

    let lsipc = Command::new("lsipc")
        .args([
            "-m",
            "--json",
            "--bytes",
            "--notruncate",
            "-o",
            "KEY,ID,SIZE,NATTCH,UID",
        ])
        .output()
        .expect("lsipc");
    let lsipc: Value = serde_json::from_slice(&lsipc.stdout).unwrap();
    let theirs = lsipc["sharedmemory"].as_array().unwrap();
    let ours = segments();
    assert_eq!(ours.len(), 4);
    assert_eq!(theirs.len(), ours.len());
    for t in theirs {
        let num = |v: &Value| -> u64 {
            match v {
                Value::String(s) => s.parse().unwrap(),
                other => other.as_u64().unwrap(),
            }
        };
        let id = num(&t["id"]);
        let o = ours.iter().find(|o| o["shmid"] == id).expect("same ids");
        let key =
            u32::from_str_radix(t["key"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
        assert_eq!(o["key"], u64::from(key));
        assert_eq!(o["size"].as_u64().unwrap(), num(&t["size"]));
        assert_eq!(o["nattch"].as_u64().unwrap(), num(&t["nattch"]));
        assert_eq!(o["uid"].as_u64().unwrap(), num(&t["uid"]));
    }
    let o = ours.iter().find(|o| o["shmid"] == high).unwrap();
    assert_eq!(o["nattch"], 1);
}

#[test]
fn container_uids_and_high_keys_list_correctly() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x81000001", "--mode", "640"]);
    let st = shm::stat(shm::ShmId(id as i32)).unwrap();
    shm::set(shm::ShmId(id as i32), 100_000, 100_000, 0o640).unwrap();
    assert_eq!(st.key, Key(0x8100_0001));

    let s = segment(id).unwrap();
    assert_eq!(s["key"], 0x8100_0001u64);
    assert_eq!(s["key_hex"], "0x81000001");
    assert_eq!(s["uid"], 100_000);
    assert_eq!(s["gid"], 100_000);
    assert_eq!(s["owner"], "100000");
    assert_eq!(s["cuid"], 0);
    assert_eq!(s["perms"], "640");
    assert_eq!(s["status"], serde_json::json!([]));

    let info = json(&["info", "0x81000001", "--json"]);
    assert_eq!(info["shmid"], id);
    assert_eq!(info["uid"], 100_000);

    let raw = stdout(&run(&["ls", "--raw", "-o", "key,uid,owner,size"]));
    assert_eq!(raw, "0x81000001\t100000\t100000\t4096\n");
    let filtered = json(&["ls", "--json", "--owner", "100000"]);
    assert_eq!(filtered["segments"].as_array().unwrap().len(), 1);
    let none = json(&["ls", "--json", "--owner", "root"]);
    assert_eq!(none["segments"].as_array().unwrap().len(), 0);
}

#[test]
fn filters_and_sorting() {
    isolate();
    let small = create(&["--size", "100", "--private"]);
    let big = create(&["--size", "1M", "--key", "0x10"]);
    let mid = create(&["--size", "64K", "--key", "0x20"]);
    let _held = shm::attach(shm::ShmId(mid as i32), false).unwrap();
    let ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["ls", "--json"];
        all.extend_from_slice(args);
        json(&all)["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["shmid"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["--sort", "size"]), vec![small, mid, big]);
    assert_eq!(ids(&["--sort", "size", "--reverse"]), vec![big, mid, small]);
    assert_eq!(
        ids(&["--min-size", "64K", "--sort", "shmid"]),
        vec![big, mid]
    );
    assert_eq!(ids(&["--attached"]), vec![mid]);
    assert_eq!(ids(&["--unattached", "--sort", "key"]), vec![small, big]);
    assert_eq!(ids(&["--key", "0x20"]), vec![mid]);

    let table = stdout(&run(&["ls"]));
    assert!(table.starts_with("KEY"), "{table}");
    assert!(
        table.contains("1 MiB") && table.contains("64 KiB") && table.contains("100 B"),
        "{table}"
    );
    let exact = stdout(&run(&["ls", "--bytes"]));
    assert!(exact.contains("1048576"), "{exact}");
    fails(&["ls", "--min-size", "12XB"], 2);
    fails(&["ls", "--owner", "no-such-user-here"], 2);
}

#[test]
fn info_shows_everything_and_missing_ids_fail() {
    isolate();
    let id = create(&["--size", "10000", "--key", "0xabc"]);
    let info = json(&["info", &id.to_string(), "--json"]);
    assert_eq!(info["size"], 10000);
    assert_eq!(info["pages"], 3);
    assert_eq!(info["key"], 0xabc);
    let text = stdout(&run(&["info", "0xabc"]));
    assert!(text.contains("9.8 KiB (10000 bytes, 3 pages"), "{text}");

    let err = fails(&["info", "9999"], 3);
    assert_eq!(
        err,
        "shmctl-rs: segment 9999: no such segment (it may have been removed)\n"
    );
    let err = fails(&["info", "0x7777"], 3);
    assert!(
        err.contains("key 0x00007777: no segment has this key"),
        "{err}"
    );
    fails(&["rm", "9999"], 3);
    fails(&["info", "abc"], 2);
    fails(&["info", "-1"], 2);
    fails(&["info", "0x123456789"], 2);
    fails(&["info", "0x0"], 2);
}

#[test]
fn create_with_units_ftok_and_private() {
    isolate();
    let c = json(&[
        "create", "--json", "--size", "2MiB", "--key", "4660", "--mode", "0640",
    ]);
    assert_eq!(c["size"], 2 << 20);
    assert_eq!(c["key"], 0x1234);
    assert_eq!(c["perms"], "640");
    let s = segment(c["shmid"].as_i64().unwrap()).unwrap();
    assert_eq!(s["size"], 2 << 20);
    assert_eq!(s["perms"], "640");

    let p = json(&["create", "--json", "--size", "1.5K", "--private"]);
    assert_eq!(p["key"], 0);
    assert_eq!(p["key_random"], false);
    assert_eq!(p["size"], 1536);
    assert_eq!(
        segment(p["shmid"].as_i64().unwrap()).unwrap()["perms"],
        "600"
    );

    let dir = tempfile::tempdir().unwrap();
    let f = json(&[
        "create",
        "--json",
        "--size",
        "1",
        "--ftok",
        &format!("{}:1", dir.path().display()),
    ]);
    assert_eq!(f["key"].as_u64().unwrap() >> 24, 1);
    let q = stdout(&run(&["create", "-q", "--size", "4096"]));
    assert!(q.trim().parse::<i64>().is_ok(), "{q}");

    let err = fails(&["create", "--size", "1", "--ftok", "/no/such/path"], 1);
    assert!(err.contains("/no/such/path"), "{err}");
    fails(&["create", "--size", "0"], 6);
    fails(&["create", "--size", "1", "--mode", "1777"], 2);
    fails(&["create", "--size", "-5"], 2);
    fails(&["create", "--size", "1", "--key", "0x1", "--private"], 2);
}

#[test]
fn create_refuses_an_existing_key_and_leaves_it_alone() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x4242"]);
    let err = fails(&["create", "--size", "8192", "--key", "0x4242"], 5);
    assert!(err.contains(&format!("shmid {id}")), "{err}");
    assert!(err.contains("4 KiB") && err.contains("owner root"), "{err}");
    let s = segment(id).unwrap();
    assert_eq!(s["size"], 4096);
    assert_eq!(segments().len(), 1);
}

#[test]
fn limits_report_the_namespace_and_name_the_limit_hit() {
    isolate();
    let l = json(&["limits", "--json"]);
    let shmmax: u64 = std::fs::read_to_string("/proc/sys/kernel/shmmax")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(l["shmmax"].as_u64().unwrap(), shmmax);
    assert_eq!(l["shmmin"], 1);
    assert_eq!(l["segments"], 0);
    create(&["--size", "8192"]);
    let l = json(&["limits", "--json"]);
    assert_eq!(l["segments"], 1);
    assert_eq!(l["pages"], 2);
    assert_eq!(l["bytes"], 8192);

    // Sysctls are per IPC namespace: lowering them here touches no other test.
    std::fs::write("/proc/sys/kernel/shmmni", "1").unwrap();
    let err = fails(&["create", "--size", "1"], 6);
    assert!(err.contains("SHMMNI"), "{err}");
    std::fs::write("/proc/sys/kernel/shmmni", "4096").unwrap();
    std::fs::write("/proc/sys/kernel/shmmax", "65536").unwrap();
    let err = fails(&["create", "--size", "1M"], 6);
    assert!(err.contains("SHMMAX"), "{err}");
    std::fs::write("/proc/sys/kernel/shmall", "4").unwrap();
    let err = fails(&["create", "--size", "64K"], 6);
    assert!(err.contains("SHMALL"), "{err}");
    let text = stdout(&run(&["limits"]));
    assert!(text.contains("SHMALL") && text.contains("65536"), "{text}");
}

fn start_attach(args: &[&str]) -> (Spawned, String) {
    let mut all = vec!["attach"];
    all.extend_from_slice(args);
    let mut p = Spawned::new(cmd(&all));
    let mut lines = p.lines();
    let first = read_until(&mut lines, |l| l.starts_with("attached"));
    // Keep reading in the background so the child never blocks on a full pipe.
    drop(lines);
    (p, first)
}

#[test]
fn attach_holds_until_sigint_then_detaches_with_130() {
    isolate();
    let id = create(&["--size", "4096"]);
    let (p, first) = start_attach(&[&id.to_string()]);
    assert!(
        first.contains("read-write") && first.contains("nattch now 1"),
        "{first}"
    );
    assert_eq!(segment(id).unwrap()["nattch"], 1);
    let start = Instant::now();
    p.signal(Signal::SIGINT);
    let out = p.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(start.elapsed() < PROMPT_EXIT, "took {:?}", start.elapsed());
    assert_eq!(segment(id).unwrap()["nattch"], 0);

    let (p, first) = start_attach(&[&id.to_string(), "--readonly"]);
    assert!(first.contains("read-only"), "{first}");
    p.signal(Signal::SIGTERM);
    assert_eq!(p.finish(Duration::from_secs(5)).status.code(), Some(130));

    let out = run(&["attach", &id.to_string(), "--timeout", "100ms", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["nattch"], 1);
    assert_eq!(segment(id).unwrap()["nattch"], 0);
    fails(&["attach", "12345", "--timeout", "1s"], 3);
}

#[test]
fn rm_of_an_attached_segment_marks_it_dest() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x5151"]);
    let other = create(&["--size", "4096", "--key", "0x5252"]);
    let (p, _) = start_attach(&[&id.to_string()]);

    let dry = stdout(&run(&["rm", "--dry-run", "0x5151"]));
    assert!(dry.contains("would mark"), "{dry}");
    assert!(
        segment(id).unwrap()["status"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let out = run(&["rm", &id.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("marked") && text.contains("1 attachment left"),
        "{text}"
    );
    let s = segment(id).unwrap();
    assert_eq!(s["status"], serde_json::json!(["dest"]));
    assert_eq!(s["key"], 0);
    // Refused without --force, allowed with it; a second rm is harmless.
    fails(&["attach", &id.to_string(), "--timeout", "1s"], 3);
    assert!(
        run(&["attach", &id.to_string(), "--timeout", "10ms", "--force"])
            .status
            .success()
    );
    assert!(run(&["rm", &id.to_string()]).status.success());

    p.signal(Signal::SIGINT);
    p.finish(Duration::from_secs(5));
    assert!(segment(id).is_none(), "freed at the last detach");
    assert!(
        segment(other).is_some(),
        "nothing that was not named is removed"
    );
}

/// Hundreds of segments named at once: each one removed, the attached one marked (its
/// attach count read fresh), and one the caller owns but may not read (IPC_RMID needs
/// ownership, IPC_STAT read permission) removed too.
#[test]
fn rm_of_hundreds_at_once_reports_each_one() {
    isolate();
    let ids = private_segments(300);
    let (p, _) = start_attach(&[&ids[7]]);
    let mut args = vec!["rm", "--json"];
    args.extend(ids.iter().map(String::as_str));
    let j = json(&args);
    let results = j["results"].as_array().unwrap();
    assert_eq!(results.len(), 300);
    for (r, id) in results.iter().zip(&ids) {
        assert_eq!(&r["shmid"].to_string(), id);
        let expected = if id == &ids[7] { "marked" } else { "removed" };
        assert_eq!(r["action"], expected, "{r}");
    }
    assert_eq!(j["freed_bytes"], 299 * 4096);
    assert_eq!(segments().len(), 1);
    p.signal(Signal::SIGINT);
    p.finish(Duration::from_secs(5));
    assert!(segments().is_empty());

    let mine = create(&["--size", "4096", "--mode", "200"]).to_string();
    assert!(run(&["chown", "65534:65534", &mine]).status.success());
    let out = as_nobody(&["rm", &mine]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("removed"), "{}", stdout(&out));
    assert!(segments().is_empty());
}

#[test]
fn rm_carries_on_past_failures_and_removes_only_what_is_named() {
    isolate();
    let a = create(&["--size", "4096", "--key", "0x61"]);
    let b = create(&["--size", "4096"]);
    let keep = create(&["--size", "4096", "--key", "0x63"]);
    let out = run(&["rm", "9999", &b.to_string(), "--key", "0x61", "0x61"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().count(),
        2,
        "named twice, removed once: {}",
        stdout(&out)
    );
    assert!(segment(a).is_none() && segment(b).is_none());
    assert!(segment(keep).is_some());
    let j = json(&["rm", "--json", "--dry-run", &keep.to_string()]);
    assert_eq!(j["results"][0]["action"], "would-remove");
    assert!(segment(keep).is_some());
}

#[test]
fn an_unprivileged_user_gets_permission_errors_and_the_segment_survives() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x7001"]);
    let ids = id.to_string();

    let ls = as_nobody(&["ls", "--json"]);
    assert!(ls.status.success(), "{}", stderr(&ls));
    let listed: Value = serde_json::from_slice(&ls.stdout).unwrap();
    assert_eq!(
        listed["segments"].as_array().unwrap().len(),
        1,
        "/proc shows every segment"
    );

    let out = as_nobody(&["attach", &ids, "--timeout", "1s"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("permission denied"),
        "{}",
        stderr(&out)
    );
    let out = as_nobody(&["rm", &ids]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("permission denied"),
        "{}",
        stderr(&out)
    );
    assert!(segment(id).is_some(), "the segment survives");
    assert_eq!(segment(id).unwrap()["perms"], "600");
}

#[test]
fn ls_keeps_succeeding_while_segments_come_and_go() {
    isolate();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        // A thread created here inherits this test's namespace.
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Some of a ring's size, which ls --app attaches to read.
                let size = if n.is_multiple_of(3) { 4176 } else { 4096 };
                let id = shm::create(Key::PRIVATE, size, 0o600, CreateFlags::default()).unwrap();
                // Half are removed while attached, so they linger as `dest` for a moment.
                let _att = n.is_multiple_of(2).then(|| shm::attach(id, false).unwrap());
                shm::remove(id).unwrap();
                n += 1;
            }
            n
        })
    };
    let start = Instant::now();
    let mut runs = 0;
    while start.elapsed() < Duration::from_secs(2) {
        for args in [&["ls", "--json"][..], &["ls"], &["ls", "--raw"]] {
            let out = run(args);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).is_empty(), "{}", stderr(&out));
        }
        for args in [
            &["ls", "--json", "--app"][..],
            &["ls", "--app", "-o", "shmid,app"],
        ] {
            let out = run(args);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            assert!(
                stderr(&out)
                    .lines()
                    .all(|l| l.starts_with("shmctl-rs: app: read the header")
                        || l.starts_with("shmctl-rs: The maps of")),
                "{}",
                stderr(&out)
            );
        }
        runs += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let made = churn.join().unwrap();
    assert!(made > 10 && runs > 3, "made {made}, listed {runs} times");
    assert!(segments().is_empty());
}

#[test]
fn broken_pipe_is_not_an_error() {
    isolate();
    // 1000 rows of every column are about 150 KB: far more than a pipe holds, so the
    // reader's going away surely hits a write.
    private_segments(1000);
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' ls --output-all | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
            bin().display()
        ))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "a broken pipe is said nowhere: {err}");
    assert_eq!(stdout(&out).trim(), "0", "the exit status of ls");
}

/// A size just below a unit is shown in that unit, not as 1024 of the one below.
#[test]
fn a_size_just_below_a_unit_rolls_over() {
    isolate();
    let id = create(&["--size", "1048575"]);
    let table = stdout(&run(&["ls", "-o", "shmid,size", "--noheadings"]));
    assert_eq!(
        table.split_whitespace().collect::<Vec<_>>(),
        [id.to_string(), "1.0".into(), "MiB".into()],
        "{table}"
    );
    let info = stdout(&run(&["info", &id.to_string()]));
    assert!(info.contains("1.0 MiB (1048575 bytes"), "{info}");
}

/// `rm --all`, `rm --all --dry-run` and `rm --orphans` list the segments, then remove them
/// one at a time: one that another process removes in between is already gone, which is
/// what was asked, not a failure. strace holds rm at its first shmctl, after the listing,
/// while another program (ipcrm) removes a listed segment.
#[test]
fn a_listed_segment_another_process_removes_first_is_already_gone() {
    isolate();
    let strace = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !prerequisite(strace, "strace") {
        return;
    }
    for (args, done) in [
        (&["rm", "--all", "--dry-run", "--json"][..], "would-remove"),
        (&["rm", "--all", "--json"], "removed"),
        (&["rm", "--orphans", "--json"], "removed"),
    ] {
        let kept = create(&["--size", "4096"]);
        let vanishing = create(&["--size", "4096"]);
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=shmctl"])
            .args(["-e", "inject=shmctl:delay_enter=3s:when=1", "-o"])
            .arg(log.path())
            .arg(bin())
            .args(args)
            .env("LC_ALL", "C")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn strace");
        // strace writes a call's start before it holds it: the listing is done.
        eventually(Duration::from_secs(20), "rm's first shmctl", || {
            std::fs::read_to_string(log.path()).is_ok_and(|t| t.contains("shmctl("))
        });
        let ipcrm = Command::new("ipcrm")
            .args(["-m", &vanishing.to_string()])
            .status()
            .unwrap();
        assert!(ipcrm.success(), "ipcrm -m {vanishing}");
        let out = wait_output(child, Duration::from_secs(60));
        assert!(
            out.status.success(),
            "{args:?}: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(&format!(
                "segment {vanishing} is already gone (removed since it was listed)"
            )),
            "{args:?}: {}",
            stderr(&out)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = report["results"].as_array().unwrap();
        assert!(
            results
                .iter()
                .any(|r| r["shmid"] == kept && r["action"] == done),
            "{args:?}: {report}"
        );
        assert!(
            results.iter().all(|r| r["shmid"] != vanishing),
            "{args:?}: {report}"
        );
    }
    assert!(segments().is_empty(), "{:?}", segments());
}

/// `chown USER:` sets the user and that user's login group, as chown(1) does; a user with
/// no passwd entry has none, and the segment is left as it was.
#[test]
fn chown_user_colon_sets_the_users_login_group() {
    isolate();
    let id = create(&["--size", "4096"]);
    let owner = |id: i64| {
        let s = segment(id).unwrap();
        (s["uid"].as_u64().unwrap(), s["gid"].as_u64().unwrap())
    };
    let nobody = nix::unistd::User::from_name("nobody").unwrap().unwrap();
    let nobody_group = u64::from(nobody.gid.as_raw());
    assert_ne!(
        nobody_group, 0,
        "the test needs a login group that is not root's"
    );
    let out = run(&["chown", "nobody:", &id.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(owner(id), (65534, nobody_group));
    // By number too, and root's own group is 0.
    let out = run(&["chown", "0:", &id.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(owner(id), (0, 0));
    // USER alone keeps the group.
    assert!(run(&["chown", ":12345", &id.to_string()]).status.success());
    assert!(run(&["chown", "nobody", &id.to_string()]).status.success());
    assert_eq!(owner(id), (65534, 12345));
    let unknown = (100_000..200_000u32)
        .find(|u| {
            nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(*u))
                .unwrap()
                .is_none()
        })
        .unwrap();
    let err = fails(&["chown", &format!("{unknown}:"), &id.to_string()], 2);
    assert!(err.contains("no passwd entry, so no login group"), "{err}");
    assert_eq!(owner(id), (65534, 12345));
}
