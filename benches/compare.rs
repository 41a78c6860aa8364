//! `cargo bench` (as root): every performance figure in README, each measured side by side
//! with what it is compared to, in one run, in a private IPC namespace.
//!
//! 1. The ring protocol: this tool's producer and consumer against a C program of the
//!    document's protocol (tests/c/ring_peer.c), per item and batched, mixed both ways;
//!    unpinned and pinned to two CPUs.
//! 2. Transports: `shmctl-rs ring bench` (the document's ring, per item and batched, and a
//!    lock-free ring, at capacities 1024, 16384 and 262144, against pipes and Unix
//!    sockets at 1024 and 16384 items per write; then pinned, with round trips), with
//!    every ratio taken round by round in the same run; the chart goes to
//!    `target/ring-bench.svg`.
//! 3. Listing at 1024, 2048 and 4096 segments with processes attached: `ls`, `ls --json`,
//!    `ls --pids`, `info` against `ipcs -m` and `lsipc -m`.
//! 4. POSIX objects and memfds: 2,000 of each held by 500 processes, `ls --posix` and
//!    `ls --memfd` (one row per object, with its holders) against `lsfd` (one row per fd
//!    and mapping), in a private /dev/shm.
//!
//! 5. One refresh of `top` at 4096 segments and 200 holding processes (10 of the segments
//!    rings, 2 of those attached): CPU time per refresh, from getrusage; beside it, a
//!    refresh of the segments alone (no fds, no /dev/shm), to show what POSIX objects and
//!    memfds add, and refreshes that read every header again (each is read again 5 to 10 s
//!    after it was last read), from which a refresh every second is weighed.
//!
//! `SHMCTL_RS_BENCH_ITEMS` (default 5000000) and `SHMCTL_RS_BENCH_RUNS` (default 9) scale
//! it; `SHMCTL_RS_BENCH_ONLY=protocol|transports|listing|objects|top` runs one part.

use shmctl_rs::ring::layout;
use shmctl_rs::sys::shm::{self, CreateFlags, Key};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY: u32 = 0x5be7_0001;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn build_c(name: &str) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{name}"));
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/{name}.c"));
    let ok = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&out)
        .arg(&src)
        .arg("-lpthread")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "building {} with cc failed", src.display());
    out
}

fn tool() -> &'static str {
    env!("CARGO_BIN_EXE_shmctl-rs")
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// One end of the ring: the C program or this tool, per item or batched.
#[derive(Clone, Copy, PartialEq)]
enum End {
    C,
    Tool,
    ToolBatch,
}

impl End {
    fn name(self) -> &'static str {
        match self {
            End::C => "C",
            End::Tool => "tool",
            End::ToolBatch => "tool --batch",
        }
    }

    fn command(self, c_peer: &Path, producing: bool, n: u64, cpu: Option<usize>) -> Command {
        let mut cmd = match cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.args(["-c", &cpu.to_string()]);
                c
            }
            None => Command::new("env"),
        };
        match self {
            End::C => {
                cmd.arg(c_peer);
                cmd.args([
                    if producing { "produce" } else { "consume" },
                    &n.to_string(),
                    "0",
                    &format!("{KEY:x}"),
                    "0",
                    "quiet",
                ]);
            }
            End::Tool | End::ToolBatch => {
                cmd.arg(tool());
                cmd.args(["ring", if producing { "produce" } else { "consume" }]);
                cmd.args([
                    "--key",
                    &format!("{KEY:#x}"),
                    "-n",
                    &n.to_string(),
                    "-i",
                    "0",
                    "--json",
                ]);
                if self == End::ToolBatch {
                    cmd.arg("--batch");
                }
            }
        }
        cmd
    }
}

fn filled() -> Option<u32> {
    let id = shm::lookup(Key(KEY)).ok()?;
    let att = shm::attach(id, true).ok()?;
    layout::decode(&att.snapshot(0, layout::SIZE)?).map(|h| h.consumer.value)
}

fn remove_ring() {
    if let Ok(id) = shm::lookup(Key(KEY)) {
        let _ = shm::remove(id);
    }
}

/// Items per second through a producer/consumer pair, timed by the consumer from its
/// attach (with the ring already full) to its last item.
fn pair(c_peer: &Path, producer: End, consumer: End, n: u64, pin: bool) -> f64 {
    remove_ring();
    let mut p = producer
        .command(c_peer, true, n, pin.then_some(0))
        .stdout(Stdio::null())
        .spawn()
        .expect("producer");
    let start = Instant::now();
    while filled() != Some(layout::CAPACITY as u32) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the producer never filled the ring"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let out = consumer
        .command(c_peer, false, n, pin.then_some(1))
        .output()
        .expect("consumer");
    assert!(
        p.wait().expect("producer").success() && out.status.success(),
        "a ring run failed"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let secs = match consumer {
        End::C => {
            let ns: f64 = text
                .lines()
                .find_map(|l| l.strip_prefix("elapsed_ns "))
                .and_then(|v| v.trim().parse().ok())
                .expect("the C consumer's elapsed_ns");
            ns / 1e9
        }
        _ => {
            let v: serde_json::Value =
                serde_json::from_str(&text).expect("the tool's JSON summary");
            assert_eq!(v["items"].as_u64(), Some(n));
            v["elapsed_s"].as_f64().expect("elapsed_s")
        }
    };
    n as f64 / secs
}

/// How many times `n` items a pair moves, for about a second a run whatever its speed: a
/// batched end is 5 to 10 times faster, and a run of a tenth of a second is mostly
/// process start-up and scheduling noise.
fn scale(p: End, c: End) -> u64 {
    match (p == End::ToolBatch, c == End::ToolBatch) {
        (true, true) => 10,
        (true, false) | (false, true) => 5,
        (false, false) => 1,
    }
}

fn protocol(c_peer: &Path, n: u64, runs: u64) {
    println!(
        "\n## 1. The document's ring protocol, {n} items per item-by-item pair (x5 with one batched end, x10 with two), zero interval, median of {runs} runs\n"
    );
    println!(
        "{:<28} {:>14} {:>14} {:>11} {:>15}",
        "producer -> consumer", "unpinned /s", "cpus 0,1 /s", "vs C->C", "paired, median"
    );
    let pairs = [
        (End::C, End::C),
        (End::Tool, End::Tool),
        (End::ToolBatch, End::ToolBatch),
        (End::C, End::Tool),
        (End::C, End::ToolBatch),
        (End::Tool, End::C),
        (End::ToolBatch, End::C),
    ];
    // Runs of every pair interleave, so that drifting load on a shared machine hits
    // each pair alike.
    let mut rates = vec![[Vec::new(), Vec::new()]; pairs.len()];
    for _ in 0..runs {
        for (k, &(p, c)) in pairs.iter().enumerate() {
            for (i, pin) in [false, true].into_iter().enumerate() {
                rates[k][i].push(pair(c_peer, p, c, n * scale(p, c), pin));
            }
        }
    }
    // Each run's ratio to the C -> C run of the same round, next to it in time: a
    // steadier figure than the ratio of medians when the load drifts between rounds.
    let paired = |k: usize, i: usize| {
        let mut r: Vec<f64> = rates[k][i]
            .iter()
            .zip(&rates[0][i])
            .map(|(x, c)| x / c)
            .collect();
        median(&mut r)
    };
    let ratios: Vec<(f64, f64)> = (0..pairs.len())
        .map(|k| (paired(k, 0), paired(k, 1)))
        .collect();
    let medians: Vec<(f64, f64)> = rates
        .iter_mut()
        .map(|[u, q]| (median(u), median(q)))
        .collect();
    let base = medians[0];
    for ((&(p, c), (u, q)), (pu, pq)) in pairs.iter().zip(medians).zip(ratios) {
        println!(
            "{:<28} {:>12.2} M {:>12.2} M {:>5.2}x {:>4.2}x {:>8.2}x {:>4.2}x",
            format!("{} -> {}", p.name(), c.name()),
            u / 1e6,
            q / 1e6,
            u / base.0,
            q / base.1,
            pu,
            pq
        );
    }
    remove_ring();
}

fn transports() {
    println!(
        "\n## 2. Transports between two processes (shmctl-rs ring bench: 3 interleaved rounds of about a second per transport; median and min-max)\n"
    );
    let chart = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ring-bench.svg");
    let chart = chart.display().to_string();
    for args in [
        &[
            "ring",
            "bench",
            "--capacity",
            "1024,16384,262144",
            "--latency",
            "--svg",
            &chart,
        ][..],
        &["ring", "bench", "--pin", "0,1", "--latency"],
    ] {
        let out = Command::new(tool())
            .args(args)
            .stderr(Stdio::null())
            .output()
            .expect("ring bench");
        println!(
            "$ shmctl-rs {}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

fn time_command(cmd: &[&str], runs: u64) -> f64 {
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let ok = Command::new(cmd[0])
            .args(&cmd[1..])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "{cmd:?} failed");
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    median(&mut times)
}

fn listing(holder: &Path) {
    let runs = 15;
    println!(
        "\n## 3. Listing, with 8 processes each attached to a quarter of the segments (median of {runs} runs, ms)\n"
    );
    println!(
        "{:>8} {:>9} {:>11} {:>11} {:>9} {:>9} {:>9} {:>10} {:>12}",
        "segments",
        "ls",
        "ls --json",
        "ls --pids",
        "info",
        "ipcs -m",
        "lsipc -m",
        "ls/ipcs",
        "ls us/seg"
    );
    for n in [1024usize, 2048, 4096] {
        let ids: Vec<i32> = (0..n)
            .map(|_| {
                shm::create(Key::PRIVATE, 4096, 0o600, CreateFlags::default())
                    .expect("shmget")
                    .0
            })
            .collect();
        let mut holders = Vec::new();
        for h in 0..8 {
            let quarter = n / 4;
            let from = (h * quarter / 2) % n;
            let list: Vec<String> = ids[from..(from + quarter).min(n)]
                .iter()
                .map(|i| i.to_string())
                .collect();
            let mut c = Command::new(holder);
            c.arg("attach-list")
                .arg("rw")
                .args(&list)
                .stdout(Stdio::piped());
            let mut child = c.spawn().expect("holder");
            let mut line = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
                &mut line,
            )
            .unwrap();
            holders.push(child);
        }
        let mid = ids[n / 2].to_string();
        let ls = time_command(&[tool(), "ls"], runs);
        let json = time_command(&[tool(), "ls", "--json"], runs);
        let pids = time_command(&[tool(), "ls", "--pids"], runs);
        let info = time_command(&[tool(), "info", &mid], runs);
        let ipcs = time_command(&["ipcs", "-m"], runs);
        let lsipc = time_command(&["lsipc", "-m"], runs);
        println!(
            "{n:>8} {ls:>9.1} {json:>11.1} {pids:>11.1} {info:>9.1} {ipcs:>9.1} {lsipc:>9.1} {:>9.2}x {:>12.1}",
            ls / ipcs,
            ls * 1e3 / n as f64
        );
        for mut h in holders {
            let _ = h.kill();
            let _ = h.wait();
        }
        for id in ids {
            let _ = shm::remove(shm::ShmId(id));
        }
    }
}

/// CPU seconds (user + system) this process has used so far.
fn cpu_seconds() -> f64 {
    use nix::sys::resource::{UsageWho, getrusage};
    let u = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage");
    let secs = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    secs(u.user_time()) + secs(u.system_time())
}

/// Spawn `holder attach-list rw IDS…` and wait until it holds them.
fn hold(holder: &Path, ids: &[i32]) -> std::process::Child {
    let mut child = Command::new(holder)
        .arg("attach-list")
        .arg("rw")
        .args(ids.iter().map(|i| i.to_string()))
        .stdout(Stdio::piped())
        .spawn()
        .expect("holder");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "ready", "holder");
    child
}

fn top(holder: &Path) {
    use shmctl_rs::gather::overview::{Gatherer, Request};
    const SEGMENTS: usize = 4096;
    const HOLDERS: usize = 200;
    const RINGS: usize = 10;
    let refreshes = 20;
    println!(
        "\n## 5. One refresh of top: {SEGMENTS} segments ({RINGS} rings), {HOLDERS} holding processes (mean of {refreshes} refreshes)\n"
    );
    let mut ids: Vec<i32> = (0..RINGS)
        .map(|i| {
            let key = format!("0x{:x}", 0x5be7_1000 + i);
            let ok = Command::new(tool())
                .args([
                    "ring", "produce", "-n", "300", "-i", "0", "--quiet", "--key", &key,
                ])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "ring produce");
            shm::lookup(Key(0x5be7_1000 + i as u32))
                .expect("the ring")
                .0
        })
        .collect();
    ids.extend((RINGS..SEGMENTS).map(|_| {
        shm::create(Key::PRIVATE, 4096, 0o600, CreateFlags::default())
            .expect("shmget")
            .0
    }));
    // Each holder maps its share of the segments (two of the rings among them).
    let attached = &ids[RINGS - 2..];
    let share = |h: usize| h * attached.len() / HOLDERS;
    let holders = KillOnDrop(
        (0..HOLDERS)
            .map(|h| hold(holder, &attached[share(h)..share(h + 1)]))
            .collect(),
    );
    assert_eq!(holders.0.len(), HOLDERS);
    let mut gatherer = Gatherer::new();
    let request = Request::default();
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let first = gatherer.refresh(&request).expect("refresh");
    let first_cpu = (cpu_seconds() - cpu) * 1e3;
    let first_wall = wall.elapsed().as_secs_f64() * 1e3;
    let segments = |o: &shmctl_rs::gather::overview::Overview| {
        o.objects.iter().filter(|o| o.segment().is_some()).count()
    };
    assert_eq!(segments(&first), SEGMENTS);
    assert_eq!(first.rings.len(), RINGS, "every ring recognised");
    // POSIX objects and memfds of the host are listed too: only segments are counted.
    let held: usize = first
        .objects
        .iter()
        .filter(|o| o.segment().is_some() && !o.holders().is_empty())
        .count();
    assert_eq!(held, SEGMENTS - RINGS + 2, "every holder seen");
    // Side by side with refreshes of segments alone (no fds read, no /dev/shm), as `top
    // --ns PATH` takes them: what POSIX objects and memfds add.
    let mut alone = Gatherer::new();
    let segments_alone = Request {
        place: None,
        ..Request::default()
    };
    alone.refresh(&segments_alone).expect("refresh");
    let (mut cpu_ms, mut wall_ms, mut alone_cpu, mut alone_wall) = (0.0, 0.0, 0.0, 0.0);
    let mut overviews = Vec::new();
    for _ in 0..refreshes {
        let (cpu, wall) = (cpu_seconds(), Instant::now());
        let o = gatherer.refresh(&request).expect("refresh");
        cpu_ms += (cpu_seconds() - cpu) * 1e3 / refreshes as f64;
        wall_ms += wall.elapsed().as_secs_f64() * 1e3 / refreshes as f64;
        assert_eq!(segments(&o), SEGMENTS);
        overviews.push(o);
        let (cpu, wall) = (cpu_seconds(), Instant::now());
        let o = alone.refresh(&segments_alone).expect("refresh");
        alone_cpu += (cpu_seconds() - cpu) * 1e3 / refreshes as f64;
        alone_wall += wall.elapsed().as_secs_f64() * 1e3 / refreshes as f64;
        assert_eq!(o.objects.len(), SEGMENTS);
    }
    // The headers of plain segments are read again 5 to 10 s after they were last read:
    // refreshes that read every header, to weigh that in.
    let mut reread = Gatherer::new();
    reread.refresh(&request).expect("refresh");
    let (mut reread_cpu, mut reread_wall) = (0.0, 0.0);
    for _ in 0..refreshes {
        reread.forget_headers();
        let (cpu, wall) = (cpu_seconds(), Instant::now());
        let o = reread.refresh(&request).expect("refresh");
        reread_cpu += (cpu_seconds() - cpu) * 1e3 / refreshes as f64;
        reread_wall += wall.elapsed().as_secs_f64() * 1e3 / refreshes as f64;
        assert_eq!(segments(&o), SEGMENTS);
    }
    // What the main loop does with each: take it into the state, and draw a 120x40 screen.
    let mut app = shmctl_rs::top::app::App::new(Duration::from_secs(1), false, true);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    app.set_page(shmctl_rs::top::draw::page(40));
    let (draw_cpu, draw_wall) = (cpu_seconds(), Instant::now());
    for o in overviews {
        app.refreshed(o, Instant::now());
        terminal
            .draw(|f| shmctl_rs::top::draw::frame(f, &app))
            .expect("draw");
    }
    let draw_cpu = (cpu_seconds() - draw_cpu) * 1e3 / refreshes as f64;
    let draw_wall = draw_wall.elapsed().as_secs_f64() * 1e3 / refreshes as f64;
    println!("{:>22} {:>10} {:>10}", "", "CPU ms", "wall ms");
    println!(
        "{:>22} {first_cpu:>10.1} {first_wall:>10.1}",
        "first gathering"
    );
    println!(
        "{:>22} {cpu_ms:>10.1} {wall_ms:>10.1}",
        "each gathering after"
    );
    println!(
        "{:>22} {alone_cpu:>10.1} {alone_wall:>10.1}",
        "  segments alone"
    );
    println!(
        "{:>22} {draw_cpu:>10.1} {draw_wall:>10.1}",
        "taking it in, drawing"
    );
    println!(
        "{:>22} {reread_cpu:>10.1} {reread_wall:>10.1}",
        "  every header read"
    );
    // At the default interval of 1 s a refresh reads again the headers last read 5 to 10 s
    // before: on average 1/7.5 of them, at most about 1/5.
    let headers = (reread_cpu - cpu_ms).max(0.0);
    let average = cpu_ms + headers / 7.5 + draw_cpu;
    let most = cpu_ms + headers / 5.0 + draw_cpu;
    println!(
        "\none refresh every 1 s: {average:.1} ms of CPU on average, {most:.1} at most (budget 100 ms: {})",
        if most < 100.0 { "within it" } else { "OVER IT" }
    );
    drop(holders);
    for id in ids {
        let _ = shm::remove(shm::ShmId(id));
    }
}

/// Processes killed when it goes, also when an assertion fails.
struct KillOnDrop(Vec<std::process::Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        for h in &mut self.0 {
            let _ = h.kill();
            let _ = h.wait();
        }
    }
}

/// Start `count` holders, each `args(i)`, and wait until every one is ready.
fn holders(
    holder: &Path,
    count: usize,
    args: impl Fn(usize) -> Vec<String>,
) -> Vec<std::process::Child> {
    let mut children = Vec::new();
    for i in 0..count {
        let mut child = Command::new(holder)
            .args(args(i))
            .stdout(Stdio::piped())
            .spawn()
            .expect("shm_holder");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        assert!(line.starts_with("ready"), "a holder failed: {line}");
        children.push(child);
    }
    children
}

/// Medians of interleaved runs of each command, in ms.
fn side_by_side(commands: &[Vec<String>], runs: u64) -> Vec<f64> {
    let mut times = vec![Vec::new(); commands.len()];
    for _ in 0..runs {
        for (i, cmd) in commands.iter().enumerate() {
            let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
            times[i].push(time_command(&args, 1));
        }
    }
    times.iter_mut().map(|t| median(t)).collect()
}

fn objects(holder: &Path) {
    let (objects, processes, runs) = (2000usize, 500usize, 15);
    let per = objects / processes;
    // A private /dev/shm: this part's objects never meet the host's.
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNS).expect("unshare(CLONE_NEWNS)");
    for args in [
        &["--make-rprivate", "/"][..],
        &[
            "-t",
            "tmpfs",
            "-o",
            "mode=1777,size=1g",
            "tmpfs",
            "/dev/shm",
        ],
    ] {
        assert!(
            Command::new("mount")
                .args(args)
                .status()
                .is_ok_and(|s| s.success()),
            "mount {args:?}"
        );
    }
    println!(
        "\n## 4. POSIX objects and memfds: {objects} of each, held by {processes} processes ({per} each, mapped and open), median of {runs} interleaved runs, ms\n"
    );
    for i in 0..objects {
        std::fs::write(format!("/dev/shm/bench.{i}"), [1u8; 4096]).expect("an object");
    }
    println!("{:<40} {:>9}", "command", "ms");
    let mut kids = holders(holder, processes, |i| {
        let from = (i * per).to_string();
        ["many-posix", "/bench", &from, &per.to_string()]
            .map(String::from)
            .to_vec()
    });
    against_lsfd("--posix", "^/dev/shm/", runs);
    for k in &mut kids {
        let _ = k.kill();
        let _ = k.wait();
    }
    for i in 0..objects {
        let _ = std::fs::remove_file(format!("/dev/shm/bench.{i}"));
    }
    let mut kids = holders(holder, processes, |_| {
        ["many-memfd", &per.to_string(), "4096"]
            .map(String::from)
            .to_vec()
    });
    against_lsfd("--memfd", "^/memfd:", runs);
    for k in &mut kids {
        let _ = k.kill();
        let _ = k.wait();
    }
}

/// `ls KIND` and `ls KIND --json` against `lsfd` and `lsfd` filtered to the files whose
/// names match `pattern`, side by side.
fn against_lsfd(kind: &str, pattern: &str, runs: u64) {
    let filter = format!("NAME =~ \"{pattern}\"");
    let commands: Vec<Vec<String>> = [
        vec![tool(), "ls", kind],
        vec![tool(), "ls", kind, "--json"],
        vec!["lsfd"],
        vec!["lsfd", "-Q", &filter],
    ]
    .iter()
    .map(|c| c.iter().map(|s| s.to_string()).collect())
    .collect();
    let t = side_by_side(&commands, runs);
    let names = [
        format!("shmctl-rs ls {kind}"),
        format!("shmctl-rs ls {kind} --json"),
        "lsfd".to_string(),
        format!("lsfd -Q '{filter}'"),
    ];
    for (n, v) in names.iter().zip(&t) {
        println!("{n:<40} {v:>9.1}");
    }
    println!("ls {kind} / lsfd -Q: {:.2}x", t[0] / t[3]);
}

fn main() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: the benchmarks need root (a private IPC namespace, and taskset)");
        return;
    }
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWIPC).expect("unshare(CLONE_NEWIPC)");
    let n = env_or("SHMCTL_RS_BENCH_ITEMS", 5_000_000);
    let runs = env_or("SHMCTL_RS_BENCH_RUNS", 9);
    let only = std::env::var("SHMCTL_RS_BENCH_ONLY").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only == name;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "# shmctl-rs benchmarks: {cpus} CPUs, kernel {}",
        std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
    );
    let c_peer = build_c("ring_peer");
    let holder = build_c("holder");
    let shm_holder = build_c("shm_holder");
    if part("protocol") {
        protocol(&c_peer, n, runs);
    }
    if part("transports") {
        transports();
    }
    if part("listing") {
        listing(&holder);
    }
    if part("objects") {
        objects(&shm_holder);
    }
    if part("top") {
        top(&holder);
    }
}
