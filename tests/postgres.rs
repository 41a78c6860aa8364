//! A real PostgreSQL server from Debian's packages (`.ci/run` installs it), started by
//! the test as user postgres in an IPC namespace of its own with `shared_memory_type =
//! sysv`, recognised by its main segment's header while it runs, after its postmaster
//! is killed, and after every process of it is gone; stopped and removed after.

mod common;

use common::*;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The newest server installed: `/usr/lib/postgresql/N/bin/postgres` (Debian's layout;
/// pg_config belongs to the client package and may point elsewhere).
fn server_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Every process of the server, killed (and its data directory removed) however the
/// test ends.
struct Server {
    dir: tempfile::TempDir,
    /// Its output goes to a file: a pipe would stay open in any backend that outlives
    /// it (a stopped one does).
    postmaster: Option<Child>,
    pids: Vec<i32>,
}

impl Drop for Server {
    fn drop(&mut self) {
        for &pid in &self.pids {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        if let Some(mut pm) = self.postmaster.take() {
            let _ = pm.kill();
            let _ = pm.wait();
        }
        let _ = std::fs::remove_dir_all(self.dir.path());
    }
}

impl Server {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pid_file(&self) -> Vec<String> {
        std::fs::read_to_string(self.data().join("postmaster.pid"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

fn as_postgres(program: &Path) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=postgres",
        "--regid=postgres",
        "--init-groups",
        "--reset-env",
        "--",
    ])
    .arg(program);
    c
}

/// initdb and start a server in the IPC namespace of process `ns`.
fn start(bin: &Path, ns: i32) -> Server {
    let dir = tempfile::Builder::new()
        .prefix("pg")
        .tempdir_in("/tmp")
        .unwrap();
    let chown = Command::new("chown")
        .args(["postgres:", &dir.path().display().to_string()])
        .status()
        .unwrap();
    assert!(chown.success());
    let mut server = Server {
        dir,
        postmaster: None,
        pids: Vec::new(),
    };
    let data = server.data();
    let out = as_postgres(&bin.join("initdb"))
        .args(["-D", &data.display().to_string()])
        .args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ])
        .current_dir(server.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "initdb: {}", stderr(&out));
    // nsenter execs (it forks only to enter a pid namespace): its pid is the postmaster's.
    let mut c = Command::new("nsenter");
    c.arg(format!("--ipc=/proc/{ns}/ns/ipc"))
        .args([
            "--",
            "setpriv",
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--reset-env",
            "--",
        ])
        .arg(bin.join("postgres"))
        .args(["-D", &data.display().to_string(), "-p", "54329"])
        .args(["-c", "listen_addresses="])
        .arg("-c")
        .arg(format!(
            "unix_socket_directories={}",
            server.dir.path().display()
        ))
        .args([
            "-c",
            "shared_memory_type=sysv",
            // sysv too, so that nothing outlives the namespace (posix's live in /dev/shm).
            "-c",
            "dynamic_shared_memory_type=sysv",
            "-c",
            "shared_buffers=1MB",
            "-c",
            "max_connections=20",
            "-c",
            "fsync=off",
            "-c",
            "huge_pages=off",
            "-c",
            "logging_collector=off",
        ])
        .current_dir(server.dir.path())
        .stdin(Stdio::null());
    let log = std::fs::File::create(server.dir.path().join("postgres.log")).unwrap();
    c.stdout(log.try_clone().unwrap()).stderr(log);
    let postmaster = c.spawn().expect("nsenter (util-linux)");
    server.pids.push(postmaster.id() as i32);
    server.postmaster = Some(postmaster);
    let started = std::time::Instant::now();
    while server.pid_file().get(7).is_none_or(|s| s.trim() != "ready") {
        let exited = server.postmaster.as_mut().unwrap().try_wait().unwrap();
        let log =
            std::fs::read_to_string(server.dir.path().join("postgres.log")).unwrap_or_default();
        assert!(exited.is_none(), "the server exited: {log}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not ready: {log}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    server
}

/// The kernel's record of segment `id` in the namespace of `ns`: (lpid, atime, dtime, nattch).
fn record(ns: &str, id: i64) -> (i64, i64, i64, i64) {
    let out = Command::new("nsenter")
        .arg(format!("--ipc=/proc/{ns}/ns/ipc"))
        .args(["cat", "/proc/sysvipc/shm"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let f = sysvipc_fields(&text, id).unwrap_or_else(|| panic!("segment {id} in {text}"));
    (f[5], f[11], f[12], f[6])
}

fn find(listing: &Value, id: i64) -> Value {
    listing["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["shmid"] == id)
        .unwrap_or_else(|| panic!("segment {id} in {listing}"))
        .clone()
}

#[test]
fn a_postgresql_server_is_named_by_its_segment_while_it_runs_and_after_it_is_killed() {
    let bin = server_bin();
    let have_user = nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .is_some();
    if !prerequisite(
        bin.is_some() && have_user,
        "a PostgreSQL server (Debian's postgresql package) and its postgres user",
    ) {
        return;
    }
    let bin = bin.unwrap();
    // A namespace of its own that outlives the server's processes.
    let mut keeper = Command::new("unshare");
    keeper.args(["--ipc", "sleep", "600"]);
    let keeper = Spawned::new(keeper);
    let ns = keeper.pid().as_raw();
    eventually(Duration::from_secs(10), "the namespace", || {
        std::fs::read_to_string(format!("/proc/{ns}/comm")).is_ok_and(|c| c.trim() == "sleep")
    });
    let nss = ns.to_string();
    let mut server = start(&bin, ns);
    let pm = server.pids[0];
    let pid_file = server.pid_file();
    assert_eq!(pid_file[0], pm.to_string());
    let ids: Vec<i64> = pid_file[6]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let (key, shmid) = (ids[0], ids[1]);
    let data = server.data();
    let meta = std::fs::metadata(&data).unwrap();
    assert_eq!(
        key as u64,
        meta.ino(),
        "PostgreSQL's key is the data directory's inode"
    );
    let device = format!(
        "{}:{}",
        nix::sys::stat::major(meta.dev()),
        nix::sys::stat::minor(meta.dev())
    );

    // Running: read through a backend's mapping, nothing of the segment changed.
    let before = record(&nss, shmid);
    std::thread::sleep(Duration::from_millis(1100));
    let listing = json(&["--ns", &nss, "ls", "--json", "--app"]);
    let s = find(&listing, shmid);
    assert_eq!(s["key"], key);
    assert_eq!(s["owner"], "postgres");
    let app = &s["app"];
    assert_eq!(app["name"], "postgresql", "{s}");
    assert_eq!(app["data_directory"], data.display().to_string());
    assert_eq!(app["device"], device);
    assert_eq!(app["inode"], meta.ino());
    assert_eq!(app["postmaster_pid"], pm);
    assert_eq!(app["postmaster"], "running");
    assert_eq!(app["pid_file_names_it"], true);
    assert_eq!(app["read"], "map-files");
    assert_eq!(record(&nss, shmid), before, "lpid, atime, dtime untouched");
    let table = stdout(&run(&["--ns", &nss, "ls", "-o", "shmid,app"]));
    assert!(
        table.contains(&format!(
            "postgresql (data directory {}, postmaster PID {pm} running)",
            data.display()
        )),
        "{table}"
    );
    // lsipc sees the same segment, made by the same command line.
    let lsipc = Command::new("nsenter")
        .arg(format!("--ipc=/proc/{ns}/ns/ipc"))
        .args(["lsipc", "-m", "--json", "--bytes", "-i", &shmid.to_string()])
        .output()
        .unwrap();
    let lsipc = String::from_utf8_lossy(&lsipc.stdout);
    assert!(
        lsipc.contains(&format!("\"{}\"", s["size"]))
            || lsipc.contains(&format!(": {}", s["size"])),
        "{lsipc}"
    );
    let command = s["command"].as_str().unwrap();
    assert!(
        command.starts_with(&bin.join("postgres").display().to_string()),
        "{command}"
    );
    assert!(lsipc.contains(command), "{lsipc}");
    let info = json(&["--ns", &nss, "info", &shmid.to_string(), "--json"]);
    assert_eq!(info["app"]["name"], "postgresql");
    assert_eq!(info["header_read"], "map-files");
    assert_eq!(record(&nss, shmid), before);

    // The postmaster killed, one backend stopped: it still maps the segment and works in
    // the data directory.
    let children: Vec<i32> = String::from_utf8_lossy(
        &Command::new("pgrep")
            .args(["-P", &pm.to_string()])
            .output()
            .unwrap()
            .stdout,
    )
    .split_whitespace()
    .map(|p| p.parse().unwrap())
    .collect();
    assert!(!children.is_empty());
    server.pids.extend(&children);
    let stopped = children[0];
    kill(Pid::from_raw(stopped), Signal::SIGSTOP).unwrap();
    kill(Pid::from_raw(pm), Signal::SIGKILL).unwrap();
    server.postmaster.as_mut().unwrap().wait().unwrap();
    let gone = json(&["--ns", &nss, "ls", "--json", "--app"]);
    let app = find(&gone, shmid)["app"].clone();
    assert_eq!(app["name"], "postgresql", "{app}");
    assert_eq!(app["postmaster"], "gone");
    assert_eq!(app["data_directory"], data.display().to_string());
    assert_eq!(app["read"], "map-files");
    let table = stdout(&run(&["--ns", &nss, "ls", "-o", "shmid,app"]));
    assert!(
        table.contains(&format!("postmaster PID {pm} gone)")),
        "{table}"
    );

    // Every process gone: nobody to ask where the data directory is. ls leaves the
    // segment alone (its size is no header's own); info attaches and says so.
    for &pid in &server.pids {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    eventually(Duration::from_secs(10), "every process detached", || {
        record(&nss, shmid).3 == 0
    });
    let before = record(&nss, shmid);
    let listing = json(&["--ns", &nss, "ls", "--json", "--app"]);
    assert_eq!(find(&listing, shmid)["app"], Value::Null);
    assert_eq!(find(&listing, shmid)["command"], Value::Null);
    assert_eq!(record(&nss, shmid), before, "ls attached nothing");
    let info = json(&["--ns", &nss, "info", &shmid.to_string(), "--json"]);
    let app = &info["app"];
    assert_eq!(app["name"], "postgresql", "{info}");
    assert_eq!(app["data_directory"], Value::Null);
    assert_eq!(
        (app["device"].as_str(), app["inode"].as_u64()),
        (Some(device.as_str()), Some(meta.ino()))
    );
    assert_eq!(app["postmaster"], "gone");
    assert_eq!(info["header_read"], "attach");
    assert_eq!(
        info["lpid"], before.0,
        "info shows the segment as it was before its attach"
    );
    assert_ne!(
        record(&nss, shmid).0,
        before.0,
        "the attach is recorded, as documented"
    );
    let text = stdout(&run(&["--ns", &nss, "info", &shmid.to_string()]));
    assert!(
        text.contains(&format!(
            "postgresql (data directory not found (device {device}, inode {}), postmaster PID {pm} gone) (header read with a read-only attach",
            meta.ino()
        )),
        "{text}"
    );
    drop(server);
    drop(keeper);
}
