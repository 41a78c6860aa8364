//! Whose a segment is: the app column and info line, and how each header is read (never
//! changing a segment that some process maps; attaching only as documented), and
//! status's one attach per command.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

fn holder(args: &[&str]) -> (Spawned, String) {
    c_holder(args)
}

/// The kernel's record of a segment: (lpid, atime, dtime, nattch, rss).
fn record(id: i64) -> (i64, i64, i64, i64, i64) {
    let text = std::fs::read_to_string("/proc/sysvipc/shm").unwrap();
    let f = sysvipc_fields(&text, id).expect("the segment");
    (f[5], f[11], f[12], f[6], f[14])
}

fn app_of(listing: &Value, id: i64) -> Value {
    listing["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["shmid"] == id)
        .expect("listed")["app"]
        .clone()
}

#[test]
fn the_ring_is_recognised_and_only_header_sized_segments_are_attached() {
    isolate();
    assert!(
        run(&[
            "ring", "produce", "-n", "3", "-i", "0", "-q", "--key", "0x4101"
        ])
        .status
        .success()
    );
    let ring = json(&["ls", "--json", "--key", "0x4101"])["segments"][0]["shmid"]
        .as_i64()
        .unwrap();
    let plain = create(&["--size", "4096", "--key", "0x4102"]);
    let zeros = create(&["--size", "4176", "--key", "0x4103"]);
    let before_plain = record(plain);
    let o = run(&["ls", "--app"]);
    assert!(o.status.success());
    let table = stdout(&o);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("0x00004101") && l.ends_with("ring (consistent, 3/1024 filled)")),
        "{table}"
    );
    // Nobody maps the ring: it was attached to, and ls says so.
    assert!(
        stderr(&o).contains(&format!(
            "app: read the header of segments {ring}, {zeros} with a read-only attach"
        )),
        "{}",
        stderr(&o)
    );
    let listing = json(&["ls", "--json", "--app"]);
    let app = app_of(&listing, ring);
    assert_eq!(app["name"], "ring");
    assert_eq!(app["state"], "consistent");
    assert_eq!(
        (app["filled"].as_u64(), app["capacity"].as_u64()),
        (Some(3), Some(1024))
    );
    assert_eq!(app["read"], "attach");
    // A segment of no header's size is not attached to: untouched, and unknown.
    assert_eq!(app_of(&listing, plain), Value::Null);
    assert_eq!(record(plain), before_plain, "not attached");
    // A ring-sized segment of zeros is no ring, and reading it allocated nothing.
    assert_eq!(app_of(&listing, zeros), Value::Null);
    assert_eq!(
        record(zeros).4,
        0,
        "rss still 0: the untouched page was not read"
    );
    // Without --app nothing is attached.
    let before = record(ring);
    json(&["ls", "--json", "-o", "+command"]);
    assert_eq!(record(ring), before);
}

#[test]
fn a_segment_some_process_maps_is_read_through_its_mapping_and_left_unchanged() {
    isolate();
    assert!(
        run(&[
            "ring", "produce", "-n", "5", "-i", "0", "-q", "--key", "0x4201"
        ])
        .status
        .success()
    );
    let ring = json(&["ls", "--json"])["segments"][0]["shmid"]
        .as_i64()
        .unwrap();
    let (h, _) = holder(&["attach", &ring.to_string(), "1", "ro"]);
    let before = record(ring);
    assert_eq!(
        before.0,
        h.pid().as_raw() as i64,
        "the holder attached last"
    );
    std::thread::sleep(Duration::from_millis(1100)); // a new second, for atime
    let app = app_of(&json(&["ls", "--json", "--app"]), ring);
    assert_eq!(
        (app["name"].as_str(), app["read"].as_str()),
        (Some("ring"), Some("map-files"))
    );
    assert_eq!(app["filled"], 5);
    let info = json(&["info", &ring.to_string(), "--json"]);
    assert_eq!(info["header_read"], "map-files");
    assert_eq!(info["app"]["name"], "ring");
    let (st, code) = status_json(&[&ring.to_string()]);
    assert_eq!(code, 0);
    assert_eq!(st["header_read"], "map-files");
    assert_eq!(st["lpid"], h.pid().as_raw());
    assert_eq!(st["lpid_is_status"], false);
    assert_eq!(record(ring), before, "lpid, atime and dtime as they were");
    // As a user without CAP_SYS_ADMIN, map_files is closed: the header stays unread.
    let o = as_nobody(&["ls", "--json", "--app"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["segments"][0]["app"], Value::Null);
    assert_eq!(record(ring), before);
}

#[test]
fn otherwise_the_creators_command_names_it() {
    isolate();
    let (p, first) = holder(&["create", "4301", "4096"]);
    let id: i64 = first.trim().parse().unwrap();
    let app = app_of(&json(&["ls", "--json", "--app"]), id);
    assert_eq!(app["name"], "command");
    assert!(
        app["command"]
            .as_str()
            .unwrap()
            .ends_with("holder create 4301 4096"),
        "{app}"
    );
    drop(p);
    let listing = json(&["ls", "--json", "--app"]);
    assert_eq!(app_of(&listing, id), Value::Null, "a creator that is gone");
    assert_eq!(listing["segments"][0]["command"], Value::Null);
}

#[test]
fn info_attaches_only_when_nothing_else_can_and_says_so() {
    isolate();
    let id = create(&["--size", "8192"]).to_string();
    assert_eq!(record(id.parse().unwrap()).0, 0);
    let text = stdout(&run(&["info", &id]));
    assert!(
        text.lines().any(|l| l
            == "app       - (header read with a read-only attach, which the kernel records: lpid, atime and dtime now name this command)"),
        "{text}"
    );
    // info showed the segment as it was before its own attach.
    assert!(text.contains("\nlpid      0\n"), "{text}");
    let after = record(id.parse().unwrap());
    assert!(after.0 > 0 && after.1 > 0 && after.2 > 0, "{after:?}");
    let info = json(&["info", &id, "--json"]);
    assert_eq!(info["header_read"], "attach");
}

#[test]
fn status_watch_attaches_once_and_knows_its_own_pid() {
    isolate();
    assert!(
        run(&["ring", "produce", "-n", "2", "-i", "0", "-q"])
            .status
            .success()
    );
    let ring = segments()[0]["shmid"].as_i64().unwrap();
    let lpid_before = record(ring).0;
    let mut w = Spawned::new(cmd(&["status", "--watch", "200ms", &ring.to_string()]));
    let pid = w.pid().as_raw() as i64;
    let mut lines = w.lines();
    let line = read_until(&mut lines, |l| l.starts_with("last pid"));
    assert_eq!(
        line,
        format!("last pid      {pid} (this status command's own attach; before it: {lpid_before})")
    );
    let first = record(ring);
    assert_eq!((first.0, first.3), (pid, 1), "its one attach");
    // Several refreshes later, in another second: still that one attach.
    for _ in 0..8 {
        read_until(&mut lines, |l| l.starts_with("last pid"));
    }
    std::thread::sleep(Duration::from_millis(1100));
    read_until(&mut lines, |l| l.starts_with("last pid"));
    assert_eq!(record(ring), first, "no attach per refresh");
    w.signal(Signal::SIGINT);
    let out = w.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(record(ring).3, 0, "detached at the end");
    let (st, _) = status_json(&[&ring.to_string()]);
    assert_eq!(st["header_read"], "attach");
    assert_eq!(st["lpid_is_status"], true);
    assert_eq!(st["nattch"], 0, "its own attach is not counted");
}

#[test]
fn a_copied_postgresql_header_cannot_borrow_a_servers_data_directory() {
    isolate();
    use std::os::unix::fs::MetadataExt;
    // A "data directory" of root's, and a root process working in it.
    let dir = tempfile::tempdir().unwrap();
    let meta = std::fs::metadata(dir.path()).unwrap();
    let mut sleeper = Command::new("sleep");
    sleeper.arg("600").current_dir(dir.path());
    let sleeper = Spawned::new(sleeper);
    let pid = sleeper.pid().as_raw().to_string();
    let header = |setpriv: bool| {
        let mut c = if setpriv {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(c_program("holder"));
            c
        } else {
            Command::new(c_program("holder"))
        };
        c.args([
            "pg-header",
            "56",
            &pid,
            &meta.dev().to_string(),
            &meta.ino().to_string(),
        ]);
        let mut p = Spawned::new(c);
        let mut lines = p.lines();
        let id: i64 = read_until(&mut lines, |_| true).trim().parse().unwrap();
        (p, id)
    };
    // Root's segment naming root's directory: the directory is found; without a
    // postmaster.pid naming the segment, no postmaster is said to run for it.
    let (_mine, mine) = header(false);
    // Another user's copy of the same header.
    let (_theirs, theirs) = header(true);
    let listing = json(&["ls", "--json", "--app"]);
    let app = app_of(&listing, mine);
    assert_eq!(
        app["name"], "postgresql",
        "a 56-byte header-only segment is read: {app}"
    );
    assert_eq!(app["read"], "attach");
    assert_eq!(app["data_directory"], dir.path().display().to_string());
    assert_eq!(app["pid_file_names_it"], false);
    assert_eq!(app["postmaster"], "gone");
    let app = app_of(&listing, theirs);
    assert_eq!(app["name"], "postgresql", "{app}");
    assert_eq!(
        app["data_directory"],
        Value::Null,
        "not root's directory: {app}"
    );
    assert_eq!(app["postmaster"], "gone");
    // A postmaster.pid that is a FIFO nobody writes is neither waited on nor read.
    nix::unistd::mkfifo(
        &dir.path().join("postmaster.pid"),
        nix::sys::stat::Mode::from_bits_truncate(0o600),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let listing = json(&["ls", "--json", "--app"]);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(app_of(&listing, mine)["pid_file_names_it"], false);
    drop(sleeper);
}
