//! Who holds what: attached processes, orphans, other IPC namespaces and watch mode,
//! with real processes and namespaces.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

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

/// One process attached once read-write and once read-only: two attachments of one
/// process (rm and info count attachments where nattch is meant), and mixed access is
/// shown as such, not as read-write.
#[test]
fn attachments_are_not_processes_and_mixed_access_is_shown() {
    isolate();
    let id = create(&["--size", "4K", "--key", "0x55"]);
    let both = holder(id, 2, "rw+ro");
    let pid = both.pid().as_raw();
    let dry = stdout(&run(&["rm", "-n", "0x55"]));
    assert!(
        dry.contains("for destruction: 2 attachments left") && !dry.contains("process"),
        "{dry}"
    );
    let table = stdout(&run(&["ls", "--pids", "-o", "shmid,nattch,processes"]));
    assert!(table.contains(&format!("{pid} holder x2 rw+ro")), "{table}");
    let info = json(&["info", &id.to_string(), "--json"]);
    let h = &attached(&info)[0];
    assert_eq!(
        (
            &h["attachments"],
            &h["readonly"],
            &h["readonly_attachments"]
        ),
        (&Value::from(2), &Value::from(false), &Value::from(1)),
        "{info}"
    );
    let text = stdout(&run(&["info", &id.to_string()]));
    assert!(text.contains("2  read-write+read-only"), "{text}");
    let status = run(&["rm", "0x55"]);
    assert!(
        stdout(&status).contains("2 attachments left, freed when the last is detached"),
        "{}",
        stdout(&status)
    );
    let text = stdout(&run(&["info", &id.to_string()]));
    assert!(
        text.contains("freed when its last attachment is detached (2 left)"),
        "{text}"
    );
    drop(both);
}

/// A process names itself (its comm is its file's name): a terminal escape or a tab in
/// it reaches neither the terminal nor a raw row, in any listing that names holders.
#[test]
fn a_holders_name_cannot_write_to_the_terminal() {
    isolate();
    let id = create(&["--size", "4K", "--key", "0x4142"]);
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("ev\u{1b}[2Jil\tx");
    std::fs::copy(c_program("holder"), &evil).unwrap();
    let mut c = Command::new(&evil);
    c.args(["attach", &id.to_string(), "1", "rw"]);
    let mut p = Spawned::new(c);
    read_until(&mut p.lines(), |l| l.starts_with("ready"));
    let pid = p.pid().as_raw();
    let info = json(&["info", &id.to_string(), "--json"]);
    // JSON keeps the name as it is (its escaping is JSON's).
    assert_eq!(attached(&info)[0]["comm"], "ev\u{1b}[2Jil\tx");
    for args in [
        &["info", &id.to_string()][..],
        &["ls", "--pids"],
        &["ls", "--raw", "-o", "shmid,processes"],
        &["ls", "--raw", "-o", "shmid,command"],
        &["ls", "--export", "-o", "shmid,processes"],
    ] {
        let o = run(args);
        let text = stdout(&o);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            !text.contains('\u{1b}') && !text.contains("\x1b[2Jil\t"),
            "{args:?} printed the escape: {text:?}"
        );
    }
    let table = stdout(&run(&["ls", "--pids"]));
    assert!(
        table.contains(&format!("{pid} ev\\x1b[2Jil\\x09x")),
        "{table:?}"
    );
    let raw = stdout(&run(&["ls", "--raw", "-o", "shmid,command"]));
    assert_eq!(
        raw.matches('\t').count(),
        1,
        "one tab, between the two cells: {raw:?}"
    );
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
    use shmctl_rs::gather::liveness::{Viewer, creator};
    use shmctl_rs::model::Liveness;
    let me = std::process::id() as i32;
    let uid = nix::unistd::geteuid().as_raw();
    let viewer = Viewer::this_process();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert_eq!(creator(me, uid, Some(now), &viewer), Liveness::Running);
    assert_eq!(
        creator(me, uid, Some(1_000_000_000), &viewer),
        Liveness::Exited,
        "this process started after 2001"
    );
    // pid 0: a creator in a PID namespace this process cannot see.
    assert_eq!(creator(0, uid, Some(now), &viewer), Liveness::Unknown);
}

#[test]
fn other_namespaces_are_listed_and_entered() {
    isolate();
    let here = create(&["--size", "4096", "--key", "0x1111"]);
    // A "container": a sleeping process in its own IPC namespace, holding one segment.
    let (_container, pid) = container("--size 8192 --key 0x2222");
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
    fails(&["ls", "--ns", "999999999"], 2);
    fails(&["ls", "--ns", "/proc/self/ns/net"], 2);
}

#[test]
fn hugetlb_segments_are_reported_as_such() {
    isolate();
    // Make sure two huge pages are free, and give back what this test added.
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let free: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("HugePages_Free:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let huge: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("Hugepagesize:"))
        .and_then(|v| v.trim().strip_suffix("kB")?.trim().parse().ok())
        .map_or(2 << 20, |kib: u64| kib * 1024);
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
    let _restore = (free < 2).then(|| {
        let _ = std::fs::write(path, (before + 2 - free).to_string());
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

    // A touched huge page that nobody maps any more: the kernel's rss counts it once per
    // small page in it (Linux 6.7 and later), which gives the segment away.
    let o = run(&["create", "--json", "--size", &huge.to_string(), "--hugetlb"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let touched = serde_json::from_slice::<Value>(&o.stdout).unwrap()["shmid"]
        .as_i64()
        .unwrap();
    let mut toucher = Command::new(c_program("holder"));
    toucher.args(["touch", &touched.to_string(), &huge.to_string()]);
    let mut toucher = Spawned::new(toucher);
    let mut lines = toucher.lines();
    read_until(&mut lines, |l| l == "ready");
    let proc_rss: u64 = std::fs::read_to_string("/proc/sysvipc/shm")
        .unwrap()
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(&touched.to_string()))
        .and_then(|l| l.split_whitespace().nth(14)?.parse().ok())
        .unwrap();
    let listed = segment(touched).unwrap();
    assert_eq!(listed["nattch"], 0);
    assert_eq!(listed["kernel_rss"], proc_rss);
    assert_eq!(listed["rss"], huge, "one huge page resident: {listed}");
    let small_pages = huge / 4096;
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let (major, minor) = {
        let mut v = release
            .split(['.', '-'])
            .map(|n| n.parse::<u32>().unwrap_or(0));
        (v.next().unwrap(), v.next().unwrap())
    };
    if (major, minor) >= (6, 7) {
        assert_eq!(proc_rss, huge * small_pages, "the kernel's miscount");
        assert!(
            listed["status"]
                .as_array()
                .unwrap()
                .contains(&Value::from("hugetlb")),
            "told from the segment itself: {listed}"
        );
    }
    let info = json(&["info", &touched.to_string(), "--json"]);
    assert_eq!(
        (info["pages"].as_u64(), info["page_size"].as_u64()),
        (Some(1), Some(huge))
    );
    let text = stdout(&run(&["info", &touched.to_string()]));
    assert!(
        text.contains(&format!(
            "1 huge page of {}",
            shmctl_rs::units::human_size(huge)
        )),
        "{text}"
    );
    // limits: the kernel's resident pages (as ipcs -u shows them), and the real ones.
    let limits = json(&["limits", "--json"]);
    let ipcs = Command::new("ipcs").args(["-m", "-u"]).output().unwrap();
    let resident: u64 = String::from_utf8_lossy(&ipcs.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("pages resident"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert_eq!(limits["kernel_rss_pages"], resident);
    let corrected = limits["rss_pages"].as_u64().unwrap();
    assert!(
        corrected <= resident && corrected >= small_pages,
        "{corrected} of {resident}"
    );
    if (major, minor) >= (6, 7) {
        assert_eq!(
            resident - corrected,
            small_pages * small_pages - small_pages
        );
    }
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

/// A ring in an IPC namespace of its own ("B"), made by a process that then sleeps there:
/// the sleeper and its pid.
fn ring_elsewhere(key: &str, items: u64) -> (Spawned, String) {
    let mut c = Command::new("unshare");
    c.args(["--ipc", "--", "sh", "-c"]).arg(format!(
        "'{}' ring produce --key {key} -n {items} -i 0 -q >/dev/null && exec sleep 600",
        bin().display()
    ));
    let p = Spawned::new(c);
    let pid = p.pid().as_raw().to_string();
    eventually(
        Duration::from_secs(10),
        "the other namespace's ring",
        || std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep"),
    );
    (p, pid)
}

/// A process mapping a segment of one namespace while it is (`after`), or one of its
/// threads is (`thread`), in another (tests/c/setns_attach.c).
fn setns_attach(how: &str, ns_of: &str, shmid: i64) -> Spawned {
    let mut c = Command::new(c_program("setns_attach"));
    c.args([how, &format!("/proc/{ns_of}/ns/ipc"), &shmid.to_string()]);
    let mut p = Spawned::new(c);
    let mut lines = p.lines();
    read_until(&mut lines, |l| l == "ready");
    p
}

fn holder_pids(listing: &Value, shmid: i64) -> Vec<i64> {
    let s = listing["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["shmid"] == shmid)
        .unwrap_or_else(|| panic!("segment {shmid} in {listing}"));
    s["attached"]
        .as_array()
        .map(|a| a.iter().map(|h| h["pid"].as_i64().unwrap()).collect())
        .unwrap_or_default()
}

/// shmids are per IPC namespace, and a process can map a segment of a namespace other than
/// the one /proc shows it in. Such a mapping is neither shown as a holder of the segment
/// of here with the same shmid nor read as its header: one whose key is not the
/// segment's is not its; and while the segment has no attachment (or fewer than the
/// mappings that could be its), none is trusted, and status reads with an attach.
#[test]
fn a_mapping_of_another_namespaces_segment_is_not_taken_for_this_ones() {
    isolate();
    produce("0x0c60", 5);
    let here = json(&["ls", "--json"]);
    let a = shmids_of(&here)[0];
    // A thread of a process of here attaches B's ring, same shmid, another key; a real
    // holder keeps here's ring attached.
    let (_b, b_pid) = ring_elsewhere("0x0c61", 700);
    let theirs = json(&["--ns", &b_pid, "ls", "--json"]);
    assert_eq!(shmids_of(&theirs), vec![a], "the same shmid there");
    let real = holder(a, 1, "ro");
    let thread = setns_attach("thread", &b_pid, a);
    let listing = json(&["ls", "--pids", "--json"]);
    assert_eq!(
        holder_pids(&listing, a),
        vec![i64::from(real.pid().as_raw())],
        "only the real holder: {listing}"
    );
    let (status, code) = status_json(&["0x0c60"]);
    assert_eq!((status["head"].as_i64(), code), (Some(5), 0), "{status}");
    drop(real);
    eventually(Duration::from_secs(5), "nobody attached here", || {
        json(&["ls", "--json"])["segments"][0]["nattch"] == 0
    });
    let listing = json(&["ls", "--pids", "--json"]);
    assert!(holder_pids(&listing, a).is_empty(), "{listing}");
    let (status, _) = status_json(&["0x0c60"]);
    assert_eq!(status["head"].as_i64(), Some(5), "{status}");
    drop(thread);
    // A process attaches here's ring, then enters C, whose ring has the same shmid, key
    // and size and no attachment: it is no holder there, and C's ring reads as C's.
    let (_c, c_pid) = ring_elsewhere("0x0c60", 700);
    let moved = setns_attach("after", &c_pid, a);
    let listing = json(&["--ns", &c_pid, "ls", "--pids", "--json"]);
    assert!(holder_pids(&listing, a).is_empty(), "{listing}");
    let (status, _) = status_json(&["--ns", &c_pid, "0x0c60"]);
    assert_eq!(status["head"].as_i64(), Some(700), "{status}");
    drop(moved);
}
