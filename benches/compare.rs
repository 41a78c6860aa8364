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
//!
//! `SHMCTL_RS_BENCH_ITEMS` (default 5000000) and `SHMCTL_RS_BENCH_RUNS` (default 9) scale
//! it; `SHMCTL_RS_BENCH_ONLY=protocol|transports|listing` runs one part.

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
    if part("protocol") {
        protocol(&c_peer, n, runs);
    }
    if part("transports") {
        transports();
    }
    if part("listing") {
        listing(&holder);
    }
}
