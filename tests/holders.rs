//! Who holds what: attached processes, orphans, other IPC namespaces, watch mode and
//! metrics, with real processes and namespaces.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

/// A C process that attaches `count` times to `id` and holds on.
fn holder(id: i64, count: u32, access: &str) -> Spawned {
    let mut c = Command::new(c_program("holder"));
    c.args(["attach", &id.to_string(), &count.to_string(), access]);
    let mut p = Spawned::new(c);
    let mut lines = p.lines();
    read_until(&mut lines, |l| l.starts_with("ready"));
    p
}

fn attached(info: &Value) -> Vec<Value> {
    info["attached"].as_array().unwrap().clone()
}

#[test]
fn info_lists_holders_with_their_mapping_counts_and_access() {
    isolate();
    let id = create(&["--size", "8K", "--key", "0x4141"]);
    let twice = holder(id, 2, "rw");
    let reader = holder(id, 1, "ro");
    let info = json(&["info", &id.to_string(), "--json"]);
    assert_eq!(info["nattch"], 3);
    let list = attached(&info);
    assert_eq!(list.len(), 2, "{info}");
    let by_pid = |pid: nix::unistd::Pid| {
        list.iter()
            .find(|h| h["pid"] == pid.as_raw())
            .unwrap()
            .clone()
    };
    let t = by_pid(twice.pid());
    assert_eq!(t["attachments"], 2);
    assert_eq!(t["readonly"], false);
    assert_eq!(t["comm"], "holder");
    assert_eq!(t["user"], "root");
    let r = by_pid(reader.pid());
    assert_eq!(r["attachments"], 1);
    assert_eq!(r["readonly"], true);

    let text = stdout(&run(&["info", &id.to_string()]));
    assert!(
        text.contains("read-only") && text.contains("holder"),
        "{text}"
    );

    let ls = json(&["ls", "--pids", "--json"]);
    assert_eq!(ls["segments"][0]["attached"].as_array().unwrap().len(), 2);
    let table = stdout(&run(&["ls", "--pids"]));
    assert!(
        table.contains(&format!("{} holder x2", twice.pid())),
        "{table}"
    );
    assert!(
        table.contains(&format!("{} holder ro", reader.pid())),
        "{table}"
    );
    let raw = stdout(&run(&["ls", "--raw", "-o", "shmid,processes"]));
    let mut pids = [twice.pid().as_raw(), reader.pid().as_raw()];
    pids.sort();
    assert_eq!(raw, format!("{id}\t{},{}\n", pids[0], pids[1]));
}

#[test]
fn after_rmid_info_shows_the_original_key_and_the_holder() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x5eed"]);
    let h = holder(id, 1, "rw");
    assert!(run(&["rm", "0x5eed"]).status.success());
    let listed = segment(id).unwrap();
    assert_eq!(listed["key"], 0, "/proc says 0 after IPC_RMID");
    let info = json(&["info", &id.to_string(), "--json"]);
    assert_eq!(info["key"], 0x5eed);
    assert_eq!(info["key_from_maps"], true);
    assert_eq!(info["status"], serde_json::json!(["dest"]));
    assert_eq!(attached(&info)[0]["pid"], h.pid().as_raw());
    let text = stdout(&run(&["info", &id.to_string()]));
    assert!(
        text.contains("0x00005eed") && text.contains("removed"),
        "{text}"
    );
}

#[test]
fn orphans_are_unattached_segments_whose_creator_is_gone() {
    isolate();
    // Made by `create`, which has exited: an orphan.
    let orphan = create(&["--size", "64K"]);
    // Made by a process that is still running, nobody attached: not an orphan.
    let mut c = Command::new(c_program("holder"));
    c.args(["create", "0x6161", "4096"]);
    let mut creator = Spawned::new(c);
    let live: i64 = read_until(&mut creator.lines(), |_| true)
        .trim()
        .parse()
        .unwrap();
    // Attached by a live process though its creator is gone: not an orphan.
    let held = create(&["--size", "4096"]);
    let _holder = holder(held, 1, "ro");

    let ids = |v: Value| -> Vec<i64> {
        v["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["shmid"].as_i64().unwrap())
            .collect()
    };
    let orphans = json(&["ls", "--orphans", "--json"]);
    assert_eq!(ids(orphans.clone()), vec![orphan]);
    assert_eq!(orphans["segments"][0]["orphan"], true);

    let dry = run(&["rm", "--orphans", "--dry-run"]);
    assert!(
        stdout(&dry).contains("would remove 1 orphaned segment, 64 KiB freed"),
        "{}",
        stdout(&dry)
    );
    assert!(segment(orphan).is_some());
    let report = json(&["rm", "--orphans", "--json"]);
    assert_eq!(report["freed_bytes"], 65536);
    assert_eq!(report["results"].as_array().unwrap().len(), 1);
    assert!(segment(orphan).is_none());
    assert!(segment(live).is_some() && segment(held).is_some());

    // Once its creator exits, the live creator's segment becomes an orphan.
    drop(creator);
    assert_eq!(ids(json(&["ls", "--orphans", "--json"])), vec![live]);
}

#[test]
fn a_reused_pid_is_not_the_creator() {
    use shmctl_rs::proc::processes::creator_alive;
    let me = std::process::id() as i32;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(creator_alive(me, Some(now)));
    assert!(
        !creator_alive(me, Some(1_000_000_000)),
        "this process started after 2001"
    );
    assert!(!creator_alive(0, Some(now)));
}

#[test]
fn other_namespaces_are_listed_and_entered() {
    isolate();
    let here = create(&["--size", "4096", "--key", "0x1111"]);
    // A "container": a sleeping process in its own IPC namespace, holding one segment.
    let mut c = Command::new("unshare");
    c.arg("--ipc").arg("--").arg("sh").arg("-c").arg(format!(
        "'{}' create --size 8192 --key 0x2222 -q && exec sleep 600",
        bin().display()
    ));
    let container = Spawned::new(c);
    let pid = container.pid().as_raw().to_string();
    eventually(Duration::from_secs(10), "the container's segment", || {
        let o = run(&["ls", "--ns", &pid, "--json"]);
        o.status.success()
            && serde_json::from_slice::<Value>(&o.stdout).is_ok_and(|v| {
                // Until unshare(2) has run, the pid is still in our namespace.
                v["segments"].as_array().is_some_and(|a| a.len() == 1)
                    && v["segments"][0]["key"] == 0x2222
            })
    });
    eventually(Duration::from_secs(10), "the container's sleep", || {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep")
    });
    let theirs = json(&["ls", "--ns", &pid, "--json"]);
    assert_eq!(theirs["segments"][0]["key"], 0x2222);
    assert_eq!(segments().len(), 1, "our namespace still holds only ours");
    assert_eq!(segments()[0]["shmid"], here);

    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(format!("/proc/{pid}/ns/ipc"))
        .unwrap()
        .ino();
    let ours = std::fs::metadata("/proc/thread-self/ns/ipc").unwrap().ino();
    let all = json(&["ls", "--all-namespaces", "--json"]);
    let all = all["segments"].as_array().unwrap();
    let in_container: Vec<&Value> = all
        .iter()
        .filter(|s| s["namespace"]["inode"] == inode)
        .collect();
    assert_eq!(in_container.len(), 1);
    assert_eq!(in_container[0]["key"], 0x2222);
    assert_eq!(in_container[0]["namespace"]["comm"], "sleep");
    assert!(
        all.iter()
            .any(|s| s["namespace"]["inode"] == ours && s["key"] == 0x1111)
    );
    let table = stdout(&run(&["ls", "-A"]));
    assert!(table.contains(&format!("{inode} ({pid} sleep)")), "{table}");

    let info = json(&["--ns", &pid, "info", "0x2222", "--json"]);
    assert_eq!(info["size"], 8192);
    fails(&["status", "--ns", &pid], 3);
    assert!(run(&["rm", "--ns", &pid, "0x2222"]).status.success());
    assert_eq!(
        json(&["ls", "--ns", &pid, "--json"])["segments"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert!(segment(here).is_some());
    fails(&["ls", "--ns", "999999999"], 3);
    fails(&["ls", "--ns", "/proc/self/ns/net"], 2);
}

#[test]
fn hugetlb_segments_are_reported_as_such() {
    isolate();
    // Make sure one huge page is free, and give back what this test added.
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let free: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("HugePages_Free:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let path = "/proc/sys/vm/nr_hugepages";
    let before: u64 = std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    struct Restore(u64);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = std::fs::write("/proc/sys/vm/nr_hugepages", self.0.to_string());
        }
    }
    let _restore = (free == 0).then(|| {
        let _ = std::fs::write(path, (before + 1).to_string());
        Restore(before)
    });
    let o = run(&["create", "--json", "--size", "4096", "--hugetlb"]);
    if !prerequisite(
        o.status.success(),
        &format!("a huge page ({})", stderr(&o).trim()),
    ) {
        return;
    }
    let id = serde_json::from_slice::<Value>(&o.stdout).unwrap()["shmid"]
        .as_i64()
        .unwrap();
    let _h = holder(id, 1, "rw");
    let info = json(&["info", &id.to_string(), "--json"]);
    assert!(
        info["status"]
            .as_array()
            .unwrap()
            .contains(&Value::from("hugetlb")),
        "{info}"
    );
    assert_eq!(attached(&info)[0]["hugetlb"], true);
    let plain = create(&["--size", "4096"]);
    let _p = holder(plain, 1, "rw");
    let info = json(&["info", &plain.to_string(), "--json"]);
    assert_eq!(attached(&info)[0]["hugetlb"], false);
    assert!(
        !info["status"]
            .as_array()
            .unwrap()
            .contains(&Value::from("hugetlb"))
    );
}

#[test]
fn watch_marks_changes_and_ctrl_c_ends_it() {
    isolate();
    let first = create(&["--size", "4096", "--key", "0x7a7a"]);
    let mut w = Spawned::new(cmd(&["ls", "--watch", "100ms", "-o", "shmid,nattch"]));
    let mut lines = w.lines();
    read_until(&mut lines, |l| l.contains("1 segments, every"));
    let second = create(&["--size", "4096"]);
    read_until(&mut lines, |l| {
        l.trim_start().starts_with('+') && l.contains(&format!(" {second} "))
    });
    let h = holder(first, 1, "ro");
    read_until(&mut lines, |l| {
        l.trim_start().starts_with('~') && l.contains(&format!(" {first} "))
    });
    drop(h);
    assert!(run(&["rm", &second.to_string()]).status.success());
    read_until(&mut lines, |l| {
        l.trim_start().starts_with('-') && l.contains(&format!(" {second} "))
    });
    drop(lines);
    w.signal(Signal::SIGINT);
    let out = w.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
}

#[test]
fn openmetrics_output_parses_with_a_real_parser() {
    isolate();
    let id = create(&["--size", "64K", "--key", "0x0e0e"]);
    let _h = holder(id, 2, "rw");
    let o = run(&["ls", "--format", "openmetrics"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.ends_with("# EOF\n"), "{text}");
    if !prometheus_client() {
        return;
    }
    let parsed = parse_openmetrics(&text);
    let size = &parsed["sysv_shm_segment_size_bytes"][0];
    assert_eq!(size[0]["key"], "0x00000e0e");
    assert_eq!(size[0]["shmid"], id.to_string());
    assert_eq!(size[1], 65536.0);
    assert_eq!(parsed["sysv_shm_segment_attached"][0][1], 2.0);
    assert_eq!(parsed["sysv_shm_segments"][0][1], 1.0);
    assert_eq!(parsed["sysv_shm_segments_limit"][0][1], 4096.0);
}
