//! `metrics`: what it exposes against `ls --json` and `limits --json`, parsed by Prometheus'
//! own Python client; the HTTP endpoint under real curl clients (fresh scrapes while
//! segments come and go, bad requests, 200 scrapes at once, slow clients, signals); the
//! textfile rewritten under a reader; the capabilities the systemd unit keeps.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// What Prometheus 2 sends.
const OPENMETRICS: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const OPENMETRICS_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const TEXT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

fn curl_available() -> bool {
    let available = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    prerequisite(available, "curl")
}

/// A running `metrics --listen 127.0.0.1:0 …`, at the address it said on stderr.
struct Endpoint {
    process: Spawned,
    base: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Endpoint {
    fn start(extra: &[&str]) -> Endpoint {
        let mut args = vec!["metrics", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        Endpoint::spawn(cmd(&args))
    }

    /// The endpoint with at most `files` file descriptors (soft and hard limit).
    fn with_open_files(files: u32) -> Endpoint {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                r#"ulimit -Sn {files} && ulimit -Hn {files} && exec "$0" metrics --listen 127.0.0.1:0"#
            ))
            .arg(bin())
            .stdin(Stdio::null());
        Endpoint::spawn(c)
    }

    fn spawn(command: Command) -> Endpoint {
        let mut process = Spawned::new(command);
        let pipe = process.child().stderr.take().expect("stderr");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let seen = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line.clone());
                seen.lock().unwrap().push(line);
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the endpoint says where it listens");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        assert!(url.ends_with("/metrics"), "{line}");
        Endpoint {
            process,
            base: url.trim_end_matches("/metrics").to_string(),
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn still_running(&mut self) -> bool {
        matches!(self.process.child().try_wait(), Ok(None))
    }
}

/// An HTTP answer as curl saw it.
#[derive(Debug)]
struct Reply {
    code: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// `curl ARGS… URL`: status, headers and body (a failed connection fails the test).
fn curl(args: &[&str], url: &str) -> Reply {
    let dir = tempfile::tempdir().unwrap();
    let (headers, body) = (dir.path().join("headers"), dir.path().join("body"));
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20", "-o"])
        .arg(&body)
        .arg("-D")
        .arg(&headers)
        .args(["-w", "%{http_code}"])
        .args(args)
        .arg(url)
        .output()
        .expect("curl");
    assert!(
        out.status.success(),
        "curl {args:?} {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Reply {
        code: String::from_utf8_lossy(&out.stdout).trim().parse().unwrap(),
        headers: std::fs::read_to_string(&headers).unwrap_or_default(),
        body: std::fs::read_to_string(&body).unwrap_or_default(),
    }
}

/// One sample's value per `label` value, of the family `name`.
fn by_label(doc: &Value, name: &str, label: &str) -> HashMap<String, f64> {
    doc[name]
        .as_array()
        .map(|samples| {
            samples
                .iter()
                .map(|s| {
                    (
                        s[0][label].as_str().unwrap_or("").to_string(),
                        s[1].as_f64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn single(doc: &Value, name: &str) -> f64 {
    let samples = doc[name].as_array().unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(samples.len(), 1, "{name}");
    samples[0][1].as_f64().unwrap()
}

/// Every per-segment, per-owner and per-namespace value of `doc` is what `ls --json --pids`
/// and `limits --json` said right after it.
fn matches_ls(doc: &Value, ls: &Value, limits: &Value) {
    let segments = ls["segments"].as_array().unwrap();
    let size = by_label(doc, "shmctl_rs_sysv_segment_size_bytes", "shmid");
    let mut ids: Vec<&String> = size.keys().collect();
    ids.sort();
    let mut expected: Vec<String> = segments.iter().map(|s| s["shmid"].to_string()).collect();
    expected.sort();
    assert_eq!(
        ids,
        expected.iter().collect::<Vec<_>>(),
        "the same segments"
    );
    let family = |name: &str| by_label(doc, name, "shmid");
    let (rss, swap, attachments, processes, dest) = (
        family("shmctl_rs_sysv_segment_rss_bytes"),
        family("shmctl_rs_sysv_segment_swap_bytes"),
        family("shmctl_rs_sysv_segment_attachments"),
        family("shmctl_rs_sysv_segment_processes"),
        family("shmctl_rs_sysv_segment_marked_for_destruction"),
    );
    let no_samples = Vec::new();
    let info: HashMap<String, &Value> = doc["shmctl_rs_sysv_segment_info"]
        .as_array()
        .unwrap_or(&no_samples)
        .iter()
        .map(|s| (s[0]["shmid"].as_str().unwrap().to_string(), s))
        .collect();
    for s in segments {
        let id = s["shmid"].to_string();
        let f = |v: &Value| v.as_f64().unwrap();
        assert_eq!(size[&id], f(&s["size"]), "size of {id}");
        assert_eq!(rss[&id], f(&s["rss"]), "rss of {id}");
        assert_eq!(swap[&id], f(&s["swap"]), "swap of {id}");
        assert_eq!(attachments[&id], f(&s["nattch"]), "nattch of {id}");
        let holders = s["attached"].as_array().unwrap().len() as f64;
        assert_eq!(processes[&id], holders, "processes of {id}");
        let is_dest = s["status"].as_array().unwrap().contains(&json!("dest"));
        assert_eq!(dest[&id], f64::from(u8::from(is_dest)), "dest of {id}");
        let i = info[&id];
        assert_eq!(i[0]["key"], s["key_hex"], "key of {id}");
        assert_eq!(i[0]["owner"], s["owner"], "owner of {id}");
        assert!(i[0].get("app").is_some(), "an app label");
        assert_eq!(i[1], 1.0);
    }
    let mut owners: HashMap<String, (f64, f64)> = HashMap::new();
    for s in segments {
        let o = owners
            .entry(s["owner"].as_str().unwrap().to_string())
            .or_default();
        o.0 += 1.0;
        o.1 += s["size"].as_f64().unwrap();
    }
    let owner_segments = by_label(doc, "shmctl_rs_sysv_owner_segments", "owner");
    let owner_size = by_label(doc, "shmctl_rs_sysv_owner_size_bytes", "owner");
    assert_eq!(owner_segments.len(), owners.len());
    for (owner, (count, bytes)) in owners {
        assert_eq!(owner_segments[&owner], count, "segments of {owner}");
        assert_eq!(owner_size[&owner], bytes, "bytes of {owner}");
    }
    let limit = |k: &str| limits[k].as_f64().unwrap();
    assert_eq!(single(doc, "shmctl_rs_sysv_segments"), limit("segments"));
    assert_eq!(
        single(doc, "shmctl_rs_sysv_segments_limit"),
        limit("shmmni")
    );
    assert_eq!(single(doc, "shmctl_rs_sysv_pages"), limit("pages"));
    assert_eq!(single(doc, "shmctl_rs_sysv_pages_limit"), limit("shmall"));
    assert_eq!(
        single(doc, "shmctl_rs_sysv_allocated_bytes"),
        limit("bytes")
    );
    assert_eq!(
        single(doc, "shmctl_rs_sysv_segment_size_limit_bytes"),
        limit("shmmax")
    );
    assert!(single(doc, "shmctl_rs_scrape_duration_seconds") > 0.0);
}

#[test]
fn every_scrape_is_fresh_parses_and_matches_ls() {
    isolate();
    if !curl_available() || !prometheus_client() {
        return;
    }
    let endpoint = Endpoint::start(&[]);
    let mut docs = Vec::new();
    let mut truth = Vec::new();
    // Alternately as Prometheus asks (OpenMetrics) and as a text-only scraper does.
    let mut scrape = |step: usize| {
        let (accept, kind, content_type) = if step.is_multiple_of(2) {
            (OPENMETRICS, "openmetrics", OPENMETRICS_TYPE)
        } else {
            ("text/plain;version=0.0.4", "text", TEXT_TYPE)
        };
        let reply = curl(
            &["-H", &format!("Accept: {accept}")],
            &endpoint.url("/metrics"),
        );
        assert_eq!(reply.code, 200, "{reply:?}");
        assert_eq!(reply.header("Content-Type").as_deref(), Some(content_type));
        assert_eq!(kind == "openmetrics", reply.body.ends_with("# EOF\n"));
        docs.push((kind, reply.body));
        truth.push((
            json(&["ls", "--json", "--pids"]),
            json(&["limits", "--json"]),
        ));
    };
    scrape(0); // nothing yet
    let a = create(&["--size", "64K", "--key", "0x5151"]);
    scrape(1);
    let b = create(&["--size", "1M"]);
    let twice = holder(a, 2, "rw");
    let reader = holder(b, 1, "ro");
    scrape(2);
    assert!(run(&["chown", "nobody", &b.to_string()]).status.success());
    scrape(3);
    assert!(run(&["rm", &a.to_string()]).status.success()); // attached: marked
    scrape(4);
    drop(twice);
    eventually(Duration::from_secs(10), "the marked segment to go", || {
        segment(a).is_none()
    });
    scrape(5);
    for i in 0..20 {
        create(&["--size", &format!("{}K", 4 * (i + 1))]);
    }
    scrape(6);
    drop(reader);
    let parsed = parse_expositions(&docs);
    for (i, (doc, (ls, limits))) in parsed.iter().zip(&truth).enumerate() {
        let segments = ls["segments"].as_array().unwrap().len();
        assert_eq!(
            segments,
            [0, 1, 2, 2, 2, 1, 21][i],
            "step {i}: the scrape saw the segments of that moment"
        );
        matches_ls(doc, ls, limits);
    }
    // The holders were seen as processes, and the creator of the segments as their app.
    let with_holders = by_label(&parsed[2], "shmctl_rs_sysv_segment_processes", "shmid");
    assert_eq!(with_holders[&a.to_string()], 1.0);
    assert_eq!(
        by_label(&parsed[2], "shmctl_rs_sysv_segment_attachments", "shmid")[&a.to_string()],
        2.0
    );
    let owners = by_label(&parsed[3], "shmctl_rs_sysv_owner_segments", "owner");
    assert_eq!(owners.get("nobody"), Some(&1.0), "{owners:?}");
}

#[test]
fn requests_other_than_a_scrape_get_404_405_and_the_index() {
    isolate();
    if !curl_available() {
        return;
    }
    let mut endpoint = Endpoint::start(&[]);
    let index = curl(&[], &endpoint.url("/"));
    assert_eq!(index.code, 200);
    assert!(
        index.body.contains("<a href=\"/metrics\">"),
        "{}",
        index.body
    );
    assert!(
        index
            .header("Content-Type")
            .unwrap()
            .starts_with("text/html")
    );
    for path in ["/nothing", "/metrics/x", "/metricsx", "/index.html"] {
        let r = curl(&[], &endpoint.url(path));
        assert_eq!(r.code, 404, "{path}: {r:?}");
        assert!(r.body.contains("/metrics"), "{path}: {}", r.body);
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        for path in ["/metrics", "/"] {
            let r = curl(&["-X", method, "--data", "x"], &endpoint.url(path));
            assert_eq!(r.code, 405, "{method} {path}");
            assert_eq!(r.header("Allow").as_deref(), Some("GET, HEAD"));
        }
    }
    let head = curl(&["-I"], &endpoint.url("/metrics?x=1"));
    assert_eq!(head.code, 200);
    let length: usize = head.header("Content-Length").unwrap().parse().unwrap();
    assert!(length > 1000, "the length GET would send");
    assert!(!head.body.contains("# HELP"), "no body: {}", head.body);
    // Garbage on the wire: 400 from the HTTP layer, and the server goes on.
    let mut raw = TcpStream::connect(("127.0.0.1", endpoint.port())).unwrap();
    raw.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = raw.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert_eq!(curl(&[], &endpoint.url("/metrics")).code, 200);
    assert!(endpoint.still_running());
}

#[test]
fn two_hundred_scrapes_at_once_get_answers_or_503_and_the_server_stays_up() {
    isolate();
    if !curl_available() {
        return;
    }
    for _ in 0..200 {
        create(&["--size", "4096"]);
    }
    let mut endpoint = Endpoint::start(&["--max-scrapes", "4"]);
    let url = endpoint.url("/metrics");
    let mut c = Command::new("curl");
    c.args([
        "-sS",
        "--parallel",
        "--parallel-immediate",
        "--parallel-max",
        "200",
        "--max-time",
        "60",
        "-w",
        "%{http_code}\n",
    ]);
    for _ in 0..200 {
        c.args(["-o", "/dev/null", &url]);
    }
    let out = c.output().expect("curl");
    let codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(codes.len(), 200, "{}", String::from_utf8_lossy(&out.stderr));
    let ok = codes.iter().filter(|c| *c == "200").count();
    let busy = codes.iter().filter(|c| *c == "503").count();
    assert_eq!(ok + busy, 200, "only 200 and 503: {codes:?}");
    assert!(ok >= 1, "some scrapes were answered");
    eprintln!("200 scrapes at once: {ok} answered, {busy} told 503");
    assert!(endpoint.still_running());
    let after = curl(&[], &url);
    assert_eq!(after.code, 200);
    assert!(after.body.contains("shmctl_rs_sysv_segments 200\n"));
}

/// A client that asks for the metrics and then reads nothing, with a receive buffer made
/// tiny before it connects, so that the endpoint's write to it blocks.
fn client_that_never_reads(port: u16) -> TcpStream {
    use nix::sys::socket::{
        AddressFamily, SockFlag, SockType, SockaddrIn, connect, setsockopt, socket, sockopt,
    };
    use std::os::fd::AsRawFd;
    let fd = socket(
        AddressFamily::Inet,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .unwrap();
    setsockopt(&fd, sockopt::RcvBuf, &2048).unwrap();
    connect(fd.as_raw_fd(), &SockaddrIn::new(127, 0, 0, 1, port)).unwrap();
    let mut stream = TcpStream::from(fd);
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    stream
}

/// How a client that reads its answer a little at a time saw it end.
#[derive(Debug)]
struct Trickled {
    /// Bytes received, head included.
    got: usize,
    /// The status line.
    status: String,
    /// What the head said the body is.
    content_length: usize,
    /// Whether the endpoint ended the connection (EOF or reset) within the wait.
    ended: bool,
}

/// Read the answer of `stream` 2 KiB every 250 ms, for at most `wait`; `first` is told
/// once the first bytes arrived.
fn trickle(mut stream: TcpStream, wait: Duration, first: mpsc::Sender<()>) -> Trickled {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut got = 0;
    let mut buf = [0u8; 2048];
    let mut ended = false;
    while started.elapsed() < wait {
        match stream.read(&mut buf) {
            Ok(0) => {
                ended = true;
                break;
            }
            Ok(n) => {
                if got == 0 {
                    let _ = first.send(());
                }
                got += n;
                if head.len() < 4096 {
                    head.extend_from_slice(&buf[..n]);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => {
                ended = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let head = String::from_utf8_lossy(&head);
    let status = head.lines().next().unwrap_or_default().to_string();
    let content_length = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Trickled {
        got,
        status,
        content_length,
        ended,
    }
}

#[test]
fn slow_readers_hold_no_scrape_place_and_are_cut_off_by_a_deadline_in_all() {
    isolate();
    if !curl_available() {
        return;
    }
    // Enough segments for an answer far larger than the socket buffers (about 1.7 MB).
    for _ in 0..4000 {
        shmctl_rs::sys::shm::create(
            shmctl_rs::sys::shm::Key::PRIVATE,
            4096,
            0o600,
            Default::default(),
        )
        .unwrap();
    }
    let mut endpoint = Endpoint::start(&["--max-scrapes", "1"]);
    let url = endpoint.url("/metrics");
    // Half a request, and a client that never reads.
    let mut half = TcpStream::connect(("127.0.0.1", endpoint.port())).unwrap();
    half.write_all(b"GET /metr").unwrap();
    let never = client_that_never_reads(endpoint.port());
    never
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut status = [0u8; 12];
    never.peek(&mut status).expect("the first answer starts");
    assert_eq!(&status, b"HTTP/1.1 200");
    // A client that reads a little now and then, so that every write of the endpoint
    // moves on: its answer is being sent once its first bytes are here.
    let (tx, rx) = mpsc::channel();
    let slow = client_that_never_reads(endpoint.port());
    let reader = std::thread::spawn(move || trickle(slow, Duration::from_secs(120), tx));
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the slow reader's answer starts");
    // The one scrape place is free again: the next scrapes are answered.
    for _ in 0..3 {
        let r = curl(&["--max-time", "15"], &url);
        assert_eq!(r.code, 200, "a slow client held up the next scrape: {r:?}");
    }
    // The slow reader is cut off by the deadline on the whole answer, long before it has
    // taken it all at its pace (about 8 KiB a second: minutes).
    let seen = reader.join().unwrap();
    assert_eq!(seen.status, "HTTP/1.1 200 OK");
    assert!(seen.content_length > 1_000_000, "{seen:?}");
    assert!(
        seen.ended && seen.got < seen.content_length,
        "the answer's sending was bounded: {seen:?}"
    );
    drop((never, half));
    assert_eq!(curl(&["--max-time", "15"], &url).code, 200);
    assert!(endpoint.still_running());
}

/// Whether the endpoint closed this (non-blocking) connection.
fn closed_by_peer(mut stream: &TcpStream) -> bool {
    match stream.read(&mut [0u8; 64]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

#[test]
fn idle_connections_beyond_the_cap_make_room_for_a_scrape() {
    isolate();
    if !curl_available() {
        return;
    }
    create(&["--size", "4096"]);
    let mut endpoint = Endpoint::start(&[]);
    let over = 40;
    let idle: Vec<TcpStream> = (0..shmctl_rs::endpoint::MAX_CONNECTIONS + over)
        .map(|_| TcpStream::connect(("127.0.0.1", endpoint.port())).unwrap())
        .collect();
    for stream in &idle {
        stream.set_nonblocking(true).unwrap();
    }
    // Every place is taken (some idle connections were closed to keep the cap).
    eventually(
        Duration::from_secs(8),
        "idle connections over the cap closed",
        || {
            let closed = idle.iter().filter(|s| closed_by_peer(s)).count();
            closed >= over
        },
    );
    let r = curl(&["--max-time", "8"], &endpoint.url("/metrics"));
    assert_eq!(r.code, 200, "{r:?}");
    assert!(r.body.contains("shmctl_rs_sysv_segments 1\n"));
    drop(idle);
    assert!(endpoint.still_running());
}

#[test]
fn running_out_of_file_descriptors_is_waited_out() {
    isolate();
    if !curl_available() {
        return;
    }
    create(&["--size", "4096"]);
    let mut endpoint = Endpoint::with_open_files(40);
    let flood: Vec<TcpStream> = (0..60)
        .map(|_| TcpStream::connect(("127.0.0.1", endpoint.port())).unwrap())
        .collect();
    eventually(Duration::from_secs(10), "a warning about accept(2)", || {
        endpoint
            .stderr
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("cannot accept a connection: Too many open files"))
    });
    drop(flood);
    eventually(
        Duration::from_secs(15),
        "a scrape once the flood is gone",
        || curl(&["--max-time", "5"], &endpoint.url("/metrics")).code == 200,
    );
    assert!(endpoint.still_running());
    let warnings = endpoint.stderr.lock().unwrap().len();
    assert!(
        warnings <= 3,
        "said now and then, not per attempt: {warnings} lines"
    );
}

#[test]
fn ctrl_c_and_sigterm_stop_the_endpoint_with_130() {
    isolate();
    if !curl_available() {
        return;
    }
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let endpoint = Endpoint::start(&[]);
        assert_eq!(curl(&[], &endpoint.url("/metrics")).code, 200);
        let port = endpoint.port();
        endpoint.process.signal(signal);
        let started = Instant::now();
        let Endpoint {
            process, stderr, ..
        } = endpoint;
        let out = process.finish(Duration::from_secs(30));
        assert!(
            started.elapsed() < PROMPT_EXIT,
            "{signal}: {:?}",
            started.elapsed()
        );
        assert_eq!(
            out.status.code(),
            Some(130),
            "{signal}: {:?}",
            stderr.lock()
        );
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "{signal}: nothing listens any more"
        );
    }
}

/// Only a regular file is replaced: a link another user planted where the textfile goes,
/// a FIFO, or a device such as /dev/null stays as it was, and the command says why.
#[test]
fn a_textfile_path_that_is_not_a_regular_file_is_left_alone() {
    isolate();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let link = dir.path().join("shmctl-rs.prom");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let err = fails(&["metrics", "--textfile", link.to_str().unwrap()], 2);
    assert!(err.contains("a symbolic link, not a regular file"), "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    let fifo = dir.path().join("fifo.prom");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = fails(&["metrics", "--textfile", fifo.to_str().unwrap()], 2);
    assert!(err.contains("a FIFO"), "{err}");
    // No temporary file left behind for any of them.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn the_textfile_is_never_seen_half_written() {
    isolate();
    for i in 0..100 {
        create(&["--size", &format!("{}K", i + 4)]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shmctl-rs.prom");
    let target = path.to_str().unwrap().to_string();
    assert!(run(&["metrics", "--textfile", &target]).status.success());
    let whole = std::fs::read_to_string(&path).unwrap();
    let lines = whole.lines().count();
    assert!(lines > 100 * 8, "{lines}");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (done, path) = (Arc::clone(&done), path.clone());
        std::thread::spawn(move || {
            let mut reads = 0u64;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let text = std::fs::read_to_string(&path).expect("the file is always there");
                // Whole: every line, from the first family to the last sample.
                assert!(
                    text.starts_with("# HELP shmctl_rs_sysv_segment_info ")
                        && text.lines().last().is_some_and(|l| {
                            l.starts_with("shmctl_rs_scrape_duration_seconds ")
                        })
                        && text.ends_with('\n'),
                    "a reader saw a half-written file ({} bytes) after {reads} reads",
                    text.len()
                );
                reads += 1;
            }
            reads
        })
    };
    // 1000 runs, each its own process as from cron; in a PID namespace with its own /proc,
    // so that each run reads the maps of a few processes, not of the whole machine.
    let writer = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "sh", "-c"])
        .arg(r#"i=0; while [ $i -lt 1000 ]; do "$0" metrics --textfile "$1" || exit 1; i=$((i+1)); done"#)
        .arg(bin())
        .arg(&target)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unshare (util-linux)");
    let o = wait_output(writer, Duration::from_secs(300));
    assert!(o.status.success(), "{}", stderr(&o));
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let reads = reader.join().expect("the reader saw only whole files");
    assert!(reads > 0);
    eprintln!("{reads} reads of the textfile while it was rewritten 1000 times");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644, "node_exporter may read it");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["shmctl-rs.prom"], "no temporary file left");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("# EOF") && !text.contains("# UNIT"),
        "node_exporter's format"
    );
    if prometheus_client() {
        parse_expositions(&[("text", text)]);
    }
}

#[test]
fn aggregate_keeps_totals_and_ls_openmetrics_is_an_alias() {
    isolate();
    if !prometheus_client() {
        return;
    }
    let a = create(&["--size", "64K", "--key", "0x6161"]);
    let b = create(&["--size", "8K"]);
    assert!(run(&["chown", "nobody", &b.to_string()]).status.success());
    let _h = holder(a, 1, "rw");
    let text = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let without_duration = |t: &str| -> String {
        t.lines()
            .filter(|l| !l.starts_with("shmctl_rs_scrape_duration_seconds "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let metrics = text(&["metrics"]);
    assert_eq!(
        without_duration(&text(&["ls", "--format", "openmetrics"])),
        without_duration(&metrics)
    );
    let aggregate = text(&["metrics", "--aggregate"]);
    let only_a = text(&["ls", "--format", "openmetrics", "--key", "0x6161"]);
    let docs = parse_expositions(&[
        ("openmetrics", metrics),
        ("openmetrics", aggregate.clone()),
        ("openmetrics", only_a),
    ]);
    assert!(
        !aggregate.contains("shmctl_rs_sysv_segment_info") && !aggregate.contains("shmid="),
        "{aggregate}"
    );
    for doc in &docs[..2] {
        let size = by_label(doc, "shmctl_rs_sysv_owner_size_bytes", "owner");
        assert_eq!(size["root"], 65536.0);
        assert_eq!(size["nobody"], 8192.0);
        assert_eq!(single(doc, "shmctl_rs_sysv_segments"), 2.0);
    }
    let sizes = by_label(&docs[2], "shmctl_rs_sysv_segment_size_bytes", "shmid");
    assert_eq!(sizes.keys().collect::<Vec<_>>(), [&a.to_string()]);
    // The documented families are the printed ones.
    let documented: Vec<&str> = shmctl_rs::render::openmetrics::FAMILIES
        .iter()
        .map(|f| f.name)
        .collect();
    let all = text(&["metrics", "-A", "--format", "text"]);
    let printed: Vec<&str> = all
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(printed, documented);
}

#[test]
fn the_unit_s_one_capability_is_what_reading_every_process_s_maps_needs() {
    isolate();
    let id = create(&["--size", "64K", "--key", "0x7171"]).to_string();
    let _h = holder(id.parse().unwrap(), 1, "rw"); // a root process
    let processes = |out: &std::process::Output| -> (String, String) {
        assert!(out.status.success(), "{}", stderr(out));
        let text = stdout(out);
        let value = |prefix: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(prefix))
                .unwrap_or_else(|| panic!("no {prefix} in {text}"))
                .to_string()
        };
        (
            value(&format!(
                "shmctl_rs_sysv_segment_processes{{shmid=\"{id}\"}} "
            )),
            value("shmctl_rs_unreadable_processes "),
        )
    };
    let (root_sees, root_unreadable) = processes(&run(&["metrics"]));
    assert_eq!(root_sees, "1");
    // As nobody, no capability: the root holder's maps are closed.
    let (seen, unreadable) = processes(&as_nobody(&["metrics"]));
    assert_eq!(seen, "0");
    assert!(unreadable.parse::<u64>().unwrap() > root_unreadable.parse::<u64>().unwrap());
    // As nobody with CAP_SYS_PTRACE alone, under no_new_privs (the systemd unit): all of it.
    let (seen, unreadable) = processes(&as_nobody_with(&["sys_ptrace"], &["metrics"]));
    assert_eq!(seen, "1");
    assert_eq!(unreadable, root_unreadable);
    // -A enters every IPC namespace: CAP_SYS_ADMIN too, and without it one clear error.
    let refused = as_nobody_with(&["sys_ptrace"], &["metrics", "-A"]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("needs CAP_SYS_ADMIN"),
        "{}",
        stderr(&refused)
    );
    let every = as_nobody_with(&["sys_ptrace", "sys_admin"], &["metrics", "-A"]);
    assert!(every.status.success(), "{}", stderr(&every));
    let here = std::fs::metadata("/proc/thread-self/ns/ipc").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    });
    let line = format!(
        "shmctl_rs_sysv_segment_processes{{shmid=\"{id}\",namespace=\"{}\"}} 1",
        here.unwrap()
    );
    assert!(
        stdout(&every).contains(&line),
        "{line} in {}",
        stdout(&every)
    );
}

#[test]
fn bad_metrics_arguments_get_one_line() {
    for (args, code, says) in [
        (
            &["metrics", "--listen", ":9100"][..],
            2,
            "0.0.0.0:9100 for every interface",
        ),
        (&["metrics", "--listen", "x"][..], 2, "expected [ADDR:]PORT"),
        (&["metrics", "--max-scrapes", "2"][..], 2, "--listen"),
        (
            &["metrics", "--listen", "0", "--max-scrapes", "0"][..],
            2,
            "--max-scrapes",
        ),
        (
            &["metrics", "--listen", "0", "--textfile", "x.prom"][..],
            2,
            "cannot be used with",
        ),
        (
            &["metrics", "--listen", "0", "--format", "text"][..],
            2,
            "cannot be used with",
        ),
        (
            &["metrics", "--textfile", "/nonexistent/dir/x.prom"][..],
            1,
            "textfile /nonexistent/dir/x.prom",
        ),
        (
            &["ls", "--format", "openmetrics", "--watch", "1s"][..],
            2,
            "--watch does not apply",
        ),
    ] {
        let err = fails(args, code);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    // Busy port: one line, exit 1.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let err = fails(&["metrics", "--listen", &port], 1);
    assert!(err.contains("Address already in use"), "{err}");
}

/// When /dev/shm cannot be read (no permission, or none at all, as in a chroot or a
/// minimal container), `metrics` and `ls --format openmetrics` still serve the System V
/// series: the POSIX part is left out, said on stderr and by shmctl_rs_posix_up 0.
#[test]
fn without_a_readable_dev_shm_the_system_v_series_are_still_served() {
    isolate();
    let w = common::world::World::new();
    let id = create(&["--size", "8192"]);
    w.sh("echo x > /dev/shm/seen");
    let sample = |text: &str, name: &str| -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ').map(String::from))
    };
    let size_series = format!("shmctl_rs_sysv_segment_size_bytes{{shmid=\"{id}\"}}");
    let readable = w.run(&["metrics"]);
    assert!(readable.status.success(), "{}", stderr(&readable));
    let text = stdout(&readable);
    assert_eq!(sample(&text, "shmctl_rs_posix_up").as_deref(), Some("1"));
    assert_eq!(
        sample(&text, "shmctl_rs_posix_objects").as_deref(),
        Some("1")
    );

    let check = |out: &std::process::Output, what: &str| {
        assert!(
            out.status.success(),
            "{what}: {:?} {}",
            out.status,
            stderr(out)
        );
        let text = stdout(out);
        assert_eq!(
            sample(&text, &size_series).as_deref(),
            Some("8192"),
            "{what}: {text}"
        );
        assert_eq!(
            sample(&text, "shmctl_rs_posix_up").as_deref(),
            Some("0"),
            "{what}"
        );
        assert!(!text.contains("shmctl_rs_posix_object"), "{what}: {text}");
        assert!(text.ends_with("# EOF\n"), "{what}: {text}");
        let err = stderr(out);
        assert!(
            err.starts_with("shmctl-rs: warning: /dev/shm")
                && err.contains("POSIX objects are left out of the metrics")
                && err.lines().count() == 1,
            "{what}: {err}"
        );
        if prometheus_client() {
            let doc = parse_openmetrics(&text);
            assert_eq!(single(&doc, "shmctl_rs_posix_up"), 0.0, "{what}");
        }
    };
    // Not nobody's to read.
    w.sh("chmod 000 /dev/shm");
    for args in [&["metrics"][..], &["ls", "--format", "openmetrics"]] {
        check(&w.as_nobody(args), &format!("nobody, mode 000: {args:?}"));
    }
    // None at all: the world's /dev is a fresh, empty tmpfs.
    w.sh("mount -t tmpfs tmpfs /dev");
    for args in [&["metrics"][..], &["ls", "--format", "openmetrics"]] {
        check(&w.run(args), &format!("no /dev/shm: {args:?}"));
    }
}
