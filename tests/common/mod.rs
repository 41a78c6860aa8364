//! The isolated world every integration test runs in: a private IPC namespace for the
//! test's thread (so its segments are invisible to other tests and die with it), the real
//! binary, and children that are killed if the test fails.
#![allow(dead_code)]

pub mod world;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a command may take to end after SIGINT or SIGTERM. The tool checks for a
/// stop every 50 ms (a "fraction of a second"); the margin is for a loaded 2-core machine,
/// where starting to run again after the signal can itself take a second.
pub const PROMPT_EXIT: Duration = Duration::from_secs(3);

/// A prerequisite of a test (a shell, a parser, a huge page). Under CI (`CI=true`, where
/// `.ci/run` installs every prerequisite) a missing one fails the test; elsewhere the test
/// is skipped, and says so.
pub fn prerequisite(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} is missing under CI: .ci/run installs it"
    );
    eprintln!("skipped: {what} is not available here (.ci/run installs it)");
    false
}

/// Move this test's thread into a fresh IPC namespace. Every process the test spawns
/// inherits it; when the test ends, the namespace and every segment in it are destroyed,
/// pass or fail. Needs root (CAP_SYS_ADMIN).
pub fn isolate() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "the integration tests need root: they make a private IPC namespace per test"
    );
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWIPC)
        .expect("unshare(CLONE_NEWIPC) failed");
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_shmctl-rs"))
}

/// The binary with an environment that cannot change its output.
pub fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args)
        .env_remove("COLUMNS")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    c
}

/// Run to completion, with a deadline so that a hang fails the test instead of CI.
pub fn run(args: &[&str]) -> Output {
    let child = cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn shmctl-rs");
    wait_output(child, Duration::from_secs(60))
}

/// Wait for `child` (killing it after `limit`), draining its pipes meanwhile so that a
/// chatty child never blocks on a full pipe.
pub fn wait_output(mut child: Child, limit: Duration) -> Output {
    fn drain(
        pipe: Option<impl std::io::Read + Send + 'static>,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    }
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = out.join().unwrap_or_default();
            let stderr = err.join().unwrap_or_default();
            panic!(
                "timed out after {limit:?}: stdout {} stderr {}",
                String::from_utf8_lossy(&stdout[..stdout.len().min(2000)]),
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run, expect success, parse stdout as JSON.
pub fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: bad JSON {e}: {}", stdout(&o)))
}

/// Run, expect failure with `code`, and one clear line on stderr with no panic.
pub fn fails(args: &[&str], code: i32) -> String {
    failed(&run(args), args, code)
}

/// What a run of `args` that must fail with `code` said on stderr: a line naming the tool,
/// and no panic.
pub fn failed(o: &Output, args: &[&str], code: i32) -> String {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}: stdout {} stderr {err}",
        stdout(o)
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(err.starts_with("shmctl-rs: "), "{args:?}: {err}");
    err
}

/// `ls --json` segments.
/// The shmids of a listing (`ls --json`).
pub fn shmids_of(listing: &Value) -> Vec<i64> {
    listing["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["shmid"].as_i64().unwrap())
        .collect()
}

pub fn segments() -> Vec<Value> {
    json(&["ls", "--json"])["segments"]
        .as_array()
        .unwrap()
        .clone()
}

pub fn segment(shmid: i64) -> Option<Value> {
    segments().into_iter().find(|s| s["shmid"] == shmid)
}

/// Create a segment with the tool and return its shmid.
pub fn create(args: &[&str]) -> i64 {
    let mut all = vec!["create", "--json"];
    all.extend_from_slice(args);
    json(&all)["shmid"].as_i64().unwrap()
}

/// A child process that is stopped when dropped (a failing test leaves nothing running).
pub struct Spawned {
    child: Option<Child>,
}

impl Spawned {
    pub fn new(command: Command) -> Spawned {
        Spawned::with_stdout(command, Stdio::piped())
    }

    /// With stdout going to `stdout` (a file, say) instead of a pipe.
    pub fn with_stdout(mut command: Command, stdout: impl Into<Stdio>) -> Spawned {
        let child = command
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        Spawned { child: Some(child) }
    }

    /// Take charge of a child spawned elsewhere.
    pub fn from(child: Child) -> Spawned {
        Spawned { child: Some(child) }
    }

    pub fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("running")
    }

    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.child.as_ref().expect("running").id() as i32)
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(self.pid(), sig).expect("kill");
    }

    /// Read stdout line by line (on a thread, so every read has a deadline and the pipe
    /// keeps draining after the test stops looking).
    pub fn lines(&mut self) -> Lines {
        let stdout = self.child().stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        Lines(rx)
    }

    /// Wait for it to end (killing it after `limit`), with what it printed.
    pub fn finish(mut self, limit: Duration) -> Output {
        wait_output(self.child.take().expect("running"), limit)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM first, so that this tool ends its run the clean way (detached, its
            // ring lock file removed); whatever still runs a second later is killed.
            if matches!(child.try_wait(), Ok(None)) {
                let pid = nix::unistd::Pid::from_raw(child.id() as i32);
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
                let deadline = Instant::now() + Duration::from_secs(1);
                while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A child's stdout, a line at a time.
pub struct Lines(std::sync::mpsc::Receiver<String>);

/// Read lines until one satisfies `pred`; fail after 30 s or when the process ends.
pub fn read_until(lines: &mut Lines, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.0.recv_timeout(left) {
            Ok(line) if pred(&line) => return line,
            Ok(_) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!("no expected line within 30 s")
            }
            Err(_) => panic!("process ended before the expected line"),
        }
    }
}

/// Poll until `cond` holds, or fail after `limit`.
pub fn eventually(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The binary as user and group 65534 (nobody), from a world-readable copy in a private
/// temporary directory (the build directory may not be reachable for nobody), which lives
/// as long as the returned guard; with `caps`, these capabilities only, as ambient
/// capabilities, under no_new_privs (what a systemd unit with `User=`,
/// `AmbientCapabilities=`, `CapabilityBoundingSet=` and `NoNewPrivileges=yes` gives its
/// process): `["sys_ptrace"]`.
pub fn nobody_cmd_with(caps: &[&str], args: &[&str]) -> (tempfile::TempDir, Command) {
    let (dir, binary) = world_readable_bin();
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
    if !caps.is_empty() {
        let list: Vec<String> = caps.iter().map(|c| format!("+{c}")).collect();
        let list = list.join(",");
        c.args([
            format!("--inh-caps={list}"),
            format!("--ambient-caps={list}"),
            format!("--bounding-set=-all,{list}"),
            "--no-new-privs".to_string(),
        ]);
    }
    c.arg(&binary)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    (dir, c)
}

/// [`nobody_cmd_with`] without capabilities.
pub fn nobody_cmd(args: &[&str]) -> (tempfile::TempDir, Command) {
    nobody_cmd_with(&[], args)
}

/// A copy of the binary that every user may run, in a directory removed with the guard.
pub fn world_readable_bin() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("shmctl-rs-test")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.path().join("shmctl-rs");
    if std::fs::hard_link(bin(), &binary).is_err() {
        std::fs::copy(bin(), &binary).unwrap();
    }
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, binary)
}

/// Run the binary as nobody (see [`nobody_cmd`]) to completion, under a deadline.
pub fn as_nobody(args: &[&str]) -> Output {
    as_nobody_with(&[], args)
}

/// [`as_nobody`] with capabilities (see [`nobody_cmd_with`]).
pub fn as_nobody_with(caps: &[&str], args: &[&str]) -> Output {
    let (_dir, mut c) = nobody_cmd_with(caps, args);
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("setpriv (util-linux)");
    let out = wait_output(child, Duration::from_secs(60));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    out
}

/// `setpriv` (as `setpriv`, the command that runs it: `nsenter … setpriv` in a world of
/// its own) making a [`world_readable_bin`] copy of the binary nobody's.
pub fn nobody_through(mut setpriv: Command, args: &[&str]) -> Output {
    let (_dir, binary) = world_readable_bin();
    let out = setpriv
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&binary)
        .args(args)
        .output()
        .expect("setpriv (util-linux)");
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    out
}

/// Bytes a process has written so far (`/proc/PID/io`, wchar).
pub fn bytes_written(pid: nix::unistd::Pid) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("wchar:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Wait up to `limit` for a child to end, reading none of its output (a reader that
/// stopped reading); its exit status, or `None` if it still runs.
pub fn ends_within(child: &mut Spawned, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.child().try_wait().expect("wait") {
            return Some(status);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Each (format, text) parsed by prometheus_client's parser for that format: per document,
/// the samples by name as `[labels, value]` pairs. A document the parser rejects fails.
pub fn parse_expositions(docs: &[(&str, String)]) -> Vec<Value> {
    let script = r#"
import sys, json
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
from prometheus_client.parser import text_string_to_metric_families as text
out = []
for kind, doc in json.load(sys.stdin):
    parse = openmetrics if kind == "openmetrics" else text
    samples = {}
    for family in parse(doc):
        for s in family.samples:
            samples.setdefault(s.name, []).append([s.labels, s.value])
    out.append(samples)
print(json.dumps(out))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    let input = serde_json::to_vec(
        &docs
            .iter()
            .map(|(k, d)| serde_json::json!([k, d]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the parser rejected a document: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// An OpenMetrics text parsed by prometheus_client: the samples by name as
/// `[labels, value]` pairs. A text the parser rejects fails the test.
pub fn parse_openmetrics(text: &str) -> Value {
    parse_expositions(&[("openmetrics", text.to_string())])
        .pop()
        .unwrap()
}

/// A C program from tests/c, built once per test binary with the system C compiler.
pub fn c_program(name: &'static str) -> PathBuf {
    c_program_with(name, "", &[])
}

/// A C program from tests/c built with extra compiler flags (`-DN=16384`), named
/// `NAME_VARIANT`, once per test binary.
pub fn c_program_with(name: &'static str, variant: &str, flags: &[&str]) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    let binary = if variant.is_empty() {
        name.to_string()
    } else {
        format!("{name}_{variant}")
    };
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, path)) = built.iter().find(|(n, _)| *n == binary) {
        return path.clone();
    }
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/{name}.c"));
    // One directory per test process, so parallel test binaries never race on a file and
    // the program keeps its own name (its comm).
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory for the C programs");
    let out = dir.join(&binary);
    let status = Command::new("cc")
        .args(["-O2", "-Wall"])
        .args(flags)
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .arg("-lpthread")
        .status()
        .expect("a C compiler (cc) is needed for the tests with C peers");
    assert!(status.success(), "building {} failed", src.display());
    built.push((binary, out.clone()));
    out
}

/// The document's C program with `int buffer[capacity]`.
pub fn c_peer_of(capacity: usize) -> PathBuf {
    c_program_with(
        "ring_peer",
        &capacity.to_string(),
        &[&format!("-DN={capacity}")],
    )
}

/// The document's C program (tests/c/ring_peer.c).
pub fn c_peer() -> PathBuf {
    c_program("ring_peer")
}

/// `ring_peer ROLE COUNT INTERVAL_US KEY STARTUP_MS`; KEY is hex or `ftok` for the document's.
pub fn c_peer_cmd(role: &str, count: u64, interval_us: u64, key: &str, startup_ms: u64) -> Command {
    let mut c = Command::new(c_peer());
    c.args([
        role,
        &count.to_string(),
        &interval_us.to_string(),
        key,
        &startup_ms.to_string(),
    ]);
    c
}

/// `ring consume` refuses the segment at `key` as not a ring (exit 7), without waiting.
pub fn consume_refuses(key: &str) {
    let err = fails(
        &[
            "ring",
            "consume",
            "--key",
            key,
            "-n",
            "1",
            "--timeout",
            "3s",
        ],
        7,
    );
    assert!(err.contains("not a valid ring"), "{key}: {err}");
}

/// A C process that attaches `count` times to `id` (`rw` or `ro`) and holds on.
pub fn holder(id: i64, count: u32, access: &str) -> Spawned {
    let mut c = Command::new(c_program("holder"));
    c.args(["attach", &id.to_string(), &count.to_string(), access]);
    let mut p = Spawned::new(c);
    let mut lines = p.lines();
    read_until(&mut lines, |l| l.starts_with("ready"));
    p
}

/// Python's prometheus_client (`.ci/run` installs it from PyPI).
pub fn prometheus_client() -> bool {
    let available = Command::new("python3")
        .args(["-c", "import prometheus_client"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    prerequisite(available, "python3 with prometheus_client")
}

/// `status --json ARGS…`: the report (null if none) and the exit code, never a panic.
pub fn status_json(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["status", "--json"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    (
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
        o.status.code().unwrap_or(-1),
    )
}

/// The JSON a ring run printed as its summary.
pub fn summary(out: &Output) -> Value {
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad summary {e}: {} / {}", stdout(out), stderr(out)))
}

/// A process from tests/c/holder.c, once it printed its first line (`ready`, or the
/// shmid it made), with that line.
pub fn c_holder(args: &[&str]) -> (Spawned, String) {
    let mut c = Command::new(c_program("holder"));
    c.args(args);
    let mut p = Spawned::new(c);
    let mut lines = p.lines();
    let first = read_until(&mut lines, |_| true);
    (p, first)
}

/// A "container": a sleeping process in an IPC namespace of its own, where this tool
/// first ran `create ARGS` (quietly). Returns it and its pid.
pub fn container(create: &str) -> (Spawned, String) {
    let mut c = Command::new("unshare");
    c.arg("--ipc").arg("--").arg("sh").arg("-c").arg(format!(
        "'{}' create {create} -q >/dev/null && exec sleep 600",
        bin().display()
    ));
    let p = Spawned::new(c);
    let pid = p.pid().as_raw().to_string();
    eventually(Duration::from_secs(10), "the container's sleep", || {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep")
    });
    (p, pid)
}

/// `n` private 4 KiB segments (mode 600), made with the kernel's call; their shmids.
pub fn private_segments(n: usize) -> Vec<String> {
    use shmctl_rs::sys::shm::{self, CreateFlags, Key};
    (0..n)
        .map(|_| {
            shm::create(Key::PRIVATE, 4096, 0o600, CreateFlags::default())
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The fields of segment `id`'s line in a `/proc/sysvipc/shm` text, as numbers: key 0,
/// shmid 1, perms 2 (as printed), size 3, cpid 4, lpid 5, nattch 6, uid 7, gid 8, cuid 9,
/// cgid 10, atime 11, dtime 12, ctime 13, rss 14, swap 15.
pub fn sysvipc_fields(text: &str, id: i64) -> Option<Vec<i64>> {
    text.lines()
        .skip(1)
        .map(|l| {
            l.split_whitespace()
                .map(|v| v.parse::<i128>().map_or(-1, |v| v as i64))
                .collect::<Vec<i64>>()
        })
        .find(|f| f.get(1) == Some(&id))
}

/// The JSON `status` list of a segment as one string, joined with `sep`.
pub fn status_text(segment: &Value, sep: &str) -> String {
    segment["status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(sep)
}

/// `ring produce --key KEY -n N -i 0 --quiet`, which must succeed.
pub fn produce(key: &str, n: u64) {
    let o = run(&[
        "ring",
        "produce",
        "--key",
        key,
        "-n",
        &n.to_string(),
        "-i",
        "0",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `ring consume ARGS… -n N -i 0 --verify --json --timeout 5s`, which must succeed: its
/// summary and what it said on stderr.
pub fn consume_verified(args: &[&str], n: u64) -> (Value, String) {
    let mut all = vec!["ring", "consume"];
    all.extend_from_slice(args);
    let n = n.to_string();
    all.extend_from_slice(&["-n", &n, "-i", "0", "--verify", "--json", "--timeout", "5s"]);
    let o = run(&all);
    assert!(o.status.success(), "{all:?}: {}", stderr(&o));
    (summary(&o), stderr(&o))
}
