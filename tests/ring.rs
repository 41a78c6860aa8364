//! The document's ring between real processes: this tool and the document's C program,
//! in both roles, each test in its own IPC namespace.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use shmctl_rs::bench::transport::expected_checksum;
use shmctl_rs::ring::square;
use shmctl_rs::sys::shm::{self, CreateFlags, Key, ShmId};
use std::time::{Duration, Instant};

fn document_key() -> String {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata("/tmp").unwrap();
    format!(
        "{:#010x}",
        shmctl_rs::ids::ftok_from(m.dev(), m.ino(), 65).0
    )
}

#[test]
fn the_tool_and_the_c_program_agree_on_the_key() {
    isolate();
    let out = c_peer_cmd("produce", 1, 0, "ftok", 0).output().unwrap();
    assert!(out.status.success());
    let s = segments();
    assert_eq!(s[0]["key_hex"], document_key());
    assert_eq!(s[0]["size"], 4176);
}

#[test]
fn rust_to_rust_100k_items_in_order() {
    isolate();
    let consumer = Spawned::new(cmd(&[
        "ring",
        "consume",
        "-n",
        "100000",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "20s",
    ]));
    let producer = run(&["ring", "produce", "-n", "100000", "-i", "0", "--json"]);
    let p = summary(&producer);
    let c = summary(&consumer.finish(Duration::from_secs(60)));
    assert_eq!(p["items"], 100_000);
    assert_eq!(c["items"], 100_000);
    assert_eq!(c["verified"], true);
    assert_eq!(p["checksum"], expected_checksum(100_000));
    assert_eq!(c["checksum"], p["checksum"]);
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "{st}");
    assert_eq!(st["filled_slots"], 0);
    assert_eq!(st["count"], 0, "atomic count on both sides: no drift");
}

#[test]
fn rust_producer_to_c_consumer_every_value_in_order() {
    isolate();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "-n", "100000", "-i", "0", "--json",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        !segments().is_empty()
    });
    let c = c_peer_cmd("consume", 100_000, 0, "ftok", 0)
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", stderr(&c));
    let text = stdout(&c);
    let mut lines = text.lines();
    for i in 0..100_000u64 {
        let v: i32 = lines.next().expect("a value per item").parse().unwrap();
        assert_eq!(v, square(i), "item {i}");
    }
    assert_eq!(
        lines.next().unwrap(),
        format!("done 100000 checksum {}", expected_checksum(100_000))
    );
    let p = summary(&producer.finish(Duration::from_secs(30)));
    assert_eq!(p["checksum"], expected_checksum(100_000));
}

#[test]
fn c_producer_to_rust_consumer_verified() {
    isolate();
    let producer = Spawned::new(c_peer_cmd("produce", 100_000, 0, "ftok", 0));
    let c = run(&[
        "ring",
        "consume",
        "-n",
        "100000",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "20s",
    ]);
    let c = summary(&c);
    assert_eq!(c["items"], 100_000);
    assert_eq!(c["verified"], true);
    assert_eq!(c["checksum"], expected_checksum(100_000));
    let p = producer.finish(Duration::from_secs(30));
    assert!(stdout(&p).contains(&format!("checksum {}", expected_checksum(100_000))));
}

#[test]
fn the_documents_demo_with_defaults() {
    isolate();
    let consumer = Spawned::new(cmd(&["ring", "consume", "--timeout", "20s"]));
    let producer = run(&["ring", "produce"]);
    assert!(producer.status.success(), "{}", stderr(&producer));
    let consumed = consumer.finish(Duration::from_secs(30));
    assert!(consumed.status.success(), "{}", stderr(&consumed));
    assert_eq!(stdout(&consumed).lines().count(), 101);
    let text = stdout(&producer);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 101, "{text}");
    assert_eq!(lines[0], "produced: 0 (1 in the ring)");
    for (i, line) in lines[..100].iter().enumerate() {
        assert!(line.starts_with(&format!("produced: {} ", i * i)), "{line}");
    }
    assert!(
        lines[100].starts_with("produced 100 items in"),
        "{}",
        lines[100]
    );
    let checksum = expected_checksum(100);
    assert!(lines[100].contains(&format!("checksum {checksum}")));
}

#[test]
fn the_documents_demo_consumer_prints_every_item() {
    isolate();
    let producer = Spawned::new(cmd(&["ring", "produce", "-i", "1ms"]));
    let consumer = run(&["ring", "consume", "-i", "1ms", "--timeout", "20s"]);
    assert!(consumer.status.success(), "{}", stderr(&consumer));
    let text = stdout(&consumer);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 101, "{text}");
    for (i, line) in lines[..100].iter().enumerate() {
        assert!(
            line.starts_with(&format!("consumed: {} (", i * i)),
            "{line}"
        );
    }
    assert!(lines[100].contains(&format!("checksum {}", expected_checksum(100))));
    assert!(producer.finish(Duration::from_secs(10)).status.success());
}

#[test]
fn status_on_a_ring_the_c_program_filled_part_way() {
    isolate();
    let out = c_peer_cmd("produce", 300, 0, "ftok", 0).output().unwrap();
    assert!(out.status.success());
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "{st}");
    assert_eq!(st["state"], "consistent");
    assert_eq!(st["head"], 300);
    assert_eq!(st["tail"], 0);
    assert_eq!(st["count"], 300);
    assert_eq!(st["free_slots"], 724);
    assert_eq!(st["filled_slots"], 300);
    assert_eq!(st["capacity"], 1024);
    assert_eq!(st["producer_waiters"], 0);
    assert_eq!(st["consumer_waiters"], 0);
    assert_eq!(st["producer_pshared"], true);
    assert_eq!(st["problems"], serde_json::json!([]));

    let out = c_peer_cmd("consume", 100, 0, "ftok", 0).output().unwrap();
    assert!(out.status.success());
    let (st, _) = status_json(&[]);
    assert_eq!(
        (st["head"].as_i64(), st["tail"].as_i64()),
        (Some(300), Some(100))
    );
    assert_eq!(
        (st["free_slots"].as_i64(), st["filled_slots"].as_i64()),
        (Some(824), Some(200))
    );
    let text = stdout(&run(&["status"]));
    assert!(text.contains("200/1024"), "{text}");
}

#[test]
fn sigint_to_a_consumer_blocked_on_an_empty_ring() {
    isolate();
    assert!(
        run(&["ring", "produce", "-n", "5", "-i", "0", "--quiet"])
            .status
            .success()
    );
    assert!(
        run(&["ring", "consume", "-n", "5", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let consumer = Spawned::new(cmd(&["ring", "consume", "-n", "10", "-i", "0"]));
    eventually(Duration::from_secs(10), "the consumer to wait", || {
        status_json(&[]).0["consumer_waiters"] == 1
    });
    let start = Instant::now();
    consumer.signal(Signal::SIGINT);
    let out = consumer.finish(Duration::from_secs(5));
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(took < PROMPT_EXIT, "took {took:?}");
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "{st}");
    assert_eq!(st["nattch"], 0, "the consumer detached");
    assert_eq!(st["filled_slots"], 0);
    assert_eq!(st["free_slots"], 1024);
    // It still works afterwards.
    assert!(
        run(&["ring", "produce", "-n", "3", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let c = summary(&run(&[
        "ring",
        "consume",
        "-n",
        "3",
        "-i",
        "0",
        "--json",
        "--timeout",
        "5s",
    ]));
    assert_eq!(c["items"], 3);
}

#[test]
fn sigint_to_a_producer_blocked_on_a_full_ring_then_a_consumer_drains_it() {
    isolate();
    let mut producer = Spawned::new(cmd(&["ring", "produce", "-n", "2000", "-i", "0"]));
    let mut lines = producer.lines();
    read_until(&mut lines, |l| l.starts_with("produced: 1046529 ")); // item 1023, the 1024th
    drop(lines);
    eventually(Duration::from_secs(10), "the producer to wait", || {
        status_json(&[]).0["producer_waiters"] == 1
    });
    let start = Instant::now();
    producer.signal(Signal::SIGINT);
    let out = producer.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
    assert!(start.elapsed() < PROMPT_EXIT, "took {:?}", start.elapsed());
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "{st}");
    assert_eq!(st["filled_slots"], 1024);
    assert_eq!(st["nattch"], 0, "the producer detached");
    let (c, _) = consume_verified(&[], 1024);
    assert_eq!(c["items"], 1024);
    assert_eq!(c["verified"], true);
    assert_eq!(c["first"], 0);
    assert_eq!(c["last"], square(1023));
}

#[test]
fn a_second_producer_or_consumer_is_refused() {
    isolate();
    let first = Spawned::new(cmd(&[
        "ring", "produce", "-n", "0", "-i", "10ms", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        !segments().is_empty()
    });
    eventually(
        Duration::from_secs(10),
        "the first producer to attach",
        || segments()[0]["nattch"] == 1,
    );
    let err = fails(&["ring", "produce", "-n", "1"], 1);
    assert!(err.contains("another producer is already running"), "{err}");
    let consumer = Spawned::new(cmd(&["ring", "consume", "-n", "0", "-i", "0", "--quiet"]));
    eventually(Duration::from_secs(10), "the consumer to attach", || {
        segments()[0]["nattch"] == 2
    });
    let err = fails(&["ring", "consume", "-n", "1", "--timeout", "2s"], 1);
    assert!(err.contains("another consumer is already running"), "{err}");
    drop(consumer);
    drop(first);
}

#[test]
fn a_consumer_started_first_waits_for_the_producer() {
    isolate();
    let consumer = Spawned::new(cmd(&[
        "ring",
        "consume",
        "-n",
        "50",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "20s",
    ]));
    std::thread::sleep(Duration::from_millis(300));
    assert!(segments().is_empty());
    assert!(
        run(&["ring", "produce", "-n", "50", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let c = summary(&consumer.finish(Duration::from_secs(20)));
    assert_eq!(c["items"], 50);
    assert_eq!(c["verified"], true);
}

#[test]
fn a_consumer_times_out_without_a_producer_and_can_remove_when_done() {
    isolate();
    let err = fails(&["ring", "consume", "--timeout", "200ms"], 8);
    assert!(err.contains("no ring appeared"), "{err}");
    assert!(
        run(&["ring", "produce", "-n", "5", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let err = fails(
        &[
            "ring",
            "consume",
            "-n",
            "6",
            "-i",
            "0",
            "--quiet",
            "--timeout",
            "200ms",
        ],
        8,
    );
    assert!(err.contains("no item"), "{err}");
    assert!(
        run(&["ring", "produce", "-n", "5", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let c = summary(&run(&[
        "ring",
        "consume",
        "-n",
        "5",
        "-i",
        "0",
        "--json",
        "--remove-when-done",
    ]));
    assert_eq!(c["removed"], true);
    assert!(segments().is_empty());
}

#[test]
fn rings_with_other_keys_modes_and_ids() {
    isolate();
    let p = summary(&run(&[
        "ring", "produce", "-n", "10", "-i", "0", "--json", "--key", "0x5000", "--mode", "640",
    ]));
    assert_eq!(p["key"], 0x5000);
    let s = segments();
    assert_eq!(s[0]["perms"], "640");
    let id = s[0]["shmid"].to_string();
    let c = summary(&run(&[
        "ring", "consume", "-n", "10", "-i", "0", "--json", "--id", &id, "--verify",
    ]));
    assert_eq!(c["checksum"], p["checksum"]);
    let o = run(&[
        "ring", "produce", "-n", "1", "-i", "0", "--quiet", "--key", "0x5001", "--mode", "666",
    ]);
    assert!(
        stderr(&o).contains("other users can write"),
        "{}",
        stderr(&o)
    );
    assert_eq!(run(&["status", "0x5001"]).status.code(), Some(0));
}

/// Make a segment of `size` bytes filled by `fill`, as another program might have.
fn segment_with(key: u32, size: usize, mut fill: impl FnMut(usize) -> i32) -> ShmId {
    let id = shm::create(Key(key), size, 0o600, CreateFlags::default()).unwrap();
    let att = shm::attach(id, false).unwrap();
    if let Some(words) = att.atomic_i32_slice(0, size / 4) {
        for (i, w) in words.iter().enumerate() {
            w.store(fill(i), std::sync::atomic::Ordering::Relaxed);
        }
    }
    id
}

#[test]
fn status_and_consume_on_segments_that_are_not_rings() {
    isolate();
    segment_with(0x100, 100, |_| 7);
    segment_with(0x200, 4176, |_| 0);
    let mut seed = 0x2545_f491u32;
    segment_with(0x300, 4176, move |_| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as i32
    });
    segment_with(0x400, 4170, |_| 0);
    for (key, state) in [
        ("0x100", "wrong-size"),
        ("0x200", "uninitialised"),
        ("0x300", "invalid"),
        ("0x400", "wrong-size"),
    ] {
        let o = run(&["status", key, "--json"]);
        assert_eq!(o.status.code(), Some(7), "{key}: {}", stderr(&o));
        let st: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(st["state"], state, "{key}: {st}");
        assert!(!st["problems"].as_array().unwrap().is_empty());
        let o = run(&["status", key]);
        assert_eq!(o.status.code(), Some(7));
        assert!(stdout(&o).contains("problem:"), "{}", stdout(&o));
        consume_refuses(key);
        let err = fails(&["ring", "produce", "--key", key, "-n", "1"], 7);
        assert!(err.contains("left untouched"), "{key}: {err}");
    }
    fails(&["status"], 3);
}

/// Batched Rust producer, per-item C consumer: every value, in order.
#[test]
fn batch_producer_feeds_a_per_item_c_consumer() {
    isolate();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "--batch", "-n", "300000", "-i", "0", "--json",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        !segments().is_empty()
    });
    let c = c_peer_cmd("consume", 300_000, 0, "ftok", 0)
        .output()
        .unwrap();
    assert!(c.status.success());
    let text = stdout(&c);
    let mut lines = text.lines();
    for i in 0..300_000u64 {
        assert_eq!(
            lines.next().and_then(|l| l.parse().ok()),
            Some(square(i)),
            "item {i}"
        );
    }
    let p = summary(&producer.finish(Duration::from_secs(30)));
    assert_eq!(p["checksum"], expected_checksum(300_000));
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "{st}");
}

/// Per-item C producer, batched Rust consumer.
#[test]
fn batch_consumer_drains_a_per_item_c_producer() {
    isolate();
    let producer = Spawned::new(c_peer_cmd("produce", 300_000, 0, "ftok", 0));
    let c = summary(&run(&[
        "ring",
        "consume",
        "--batch",
        "-n",
        "300000",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "20s",
    ]));
    assert_eq!(
        (c["items"].as_u64(), c["verified"].as_bool()),
        (Some(300_000), Some(true))
    );
    assert_eq!(c["checksum"], expected_checksum(300_000));
    assert!(producer.finish(Duration::from_secs(30)).status.success());
}

/// The C side sleeps in sem_wait between items (a slow producer on our side): each
/// batched post must wake it, or it hangs.
#[test]
fn batch_posts_wake_a_sleeping_c_consumer() {
    isolate();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "--batch", "-n", "200", "-i", "2ms", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        !segments().is_empty()
    });
    let consumer = Spawned::new(c_peer_cmd("consume", 200, 0, "ftok", 0));
    let out = consumer.finish(Duration::from_secs(20));
    assert!(out.status.success());
    assert!(stdout(&out).ends_with(&format!("done 200 checksum {}\n", expected_checksum(200))));
    assert!(producer.finish(Duration::from_secs(10)).status.success());
}

/// The C producer sleeps on a full ring (a slow batched consumer): each batched free
/// must wake it. Then the reverse: our batched consumer sleeps on an empty ring while the
/// C producer trickles items.
#[test]
fn batch_frees_wake_a_sleeping_c_producer_and_c_posts_wake_a_batch_consumer() {
    isolate();
    let producer = Spawned::new(c_peer_cmd("produce", 3000, 0, "ftok", 0));
    eventually(Duration::from_secs(10), "a full ring", || {
        status_json(&[]).0["filled_slots"] == 1024
    });
    let c = summary(&run(&[
        "ring",
        "consume",
        "--batch",
        "-n",
        "3000",
        "-i",
        "1ms",
        "--verify",
        "--json",
        "--timeout",
        "10s",
    ]));
    assert_eq!(
        (c["items"].as_u64(), c["verified"].as_bool()),
        (Some(3000), Some(true))
    );
    assert!(producer.finish(Duration::from_secs(10)).status.success());

    let producer = Spawned::new(c_peer_cmd("produce", 100, 3000, "ftok", 0));
    let c = summary(&run(&[
        "ring",
        "consume",
        "--batch",
        "-n",
        "100",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "10s",
    ]));
    assert_eq!(
        (c["items"].as_u64(), c["verified"].as_bool()),
        (Some(100), Some(true))
    );
    assert!(producer.finish(Duration::from_secs(10)).status.success());
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "{st}");
}

/// Three C consumers on one ring (the document's program does not stop a second one)
/// sleep on the filled semaphore together, so its word counts up to three waiters: our
/// posts, per item and batched, slow and at full speed, must wake every one of them.
#[test]
fn posts_wake_several_sleeping_c_consumers() {
    isolate();
    for (interval, each) in [("200us", 1000u64), ("0", 100_000)] {
        for batch in [false, true] {
            let total = (3 * each).to_string();
            let mut args = vec!["ring", "produce", "-n", &total, "-i", interval, "--quiet"];
            if batch {
                args.push("--batch");
            }
            let producer = Spawned::new(cmd(&args));
            eventually(Duration::from_secs(10), "the ring", || {
                !segments().is_empty()
            });
            let consumers: Vec<Spawned> = (0..3)
                .map(|_| {
                    let mut c = c_peer_cmd("consume", each, 0, "ftok", 0);
                    c.arg("quiet");
                    Spawned::new(c)
                })
                .collect();
            for c in consumers {
                let out = c.finish(Duration::from_secs(30));
                assert!(
                    out.status.success() && stdout(&out).contains(&format!("done {each} ")),
                    "interval {interval}, batch {batch}: {}",
                    stdout(&out)
                );
            }
            assert!(producer.finish(Duration::from_secs(10)).status.success());
            let (st, _) = status_json(&[]);
            assert_eq!(st["filled_slots"], 0, "{st}");
            let id = segments()[0]["shmid"].to_string();
            assert_eq!(run(&["rm", &id]).status.code(), Some(0));
        }
    }
}

#[test]
fn batch_ends_stop_cleanly_on_sigint() {
    isolate();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "--batch", "-n", "5000", "-i", "0", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "a full ring", || {
        status_json(&[]).0["filled_slots"] == 1024
    });
    let start = Instant::now();
    producer.signal(Signal::SIGINT);
    assert_eq!(
        producer.finish(Duration::from_secs(5)).status.code(),
        Some(130)
    );
    assert!(start.elapsed() < PROMPT_EXIT, "took {:?}", start.elapsed());
    let consumer = Spawned::new(cmd(&[
        "ring", "consume", "--batch", "-n", "2000", "-i", "0", "--verify", "--json",
    ]));
    eventually(Duration::from_secs(10), "an empty ring", || {
        status_json(&[]).0["filled_slots"] == 0
    });
    let start = Instant::now();
    consumer.signal(Signal::SIGINT);
    let out = consumer.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
    assert!(start.elapsed() < PROMPT_EXIT, "took {:?}", start.elapsed());
    let c = summary(&out);
    assert_eq!(
        (c["items"].as_u64(), c["verified"].as_bool()),
        (Some(1024), Some(true))
    );
    let (st, code) = status_json(&[]);
    assert_eq!((code, st["free_slots"].as_u64()), (0, Some(1024)), "{st}");
}

#[test]
fn ring_bench_measures_every_transport_with_a_verified_checksum() {
    isolate();
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("bench.svg");
    let o = run(&[
        "ring",
        "bench",
        "-n",
        "20000",
        "-r",
        "2",
        "--capacity",
        "1024,16384",
        "--write-items",
        "1000,4096",
        "--latency",
        "200",
        "--json",
        "--svg",
        chart.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let labels: Vec<&str> = r["transports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "ring@1024",
            "ring@16384",
            "ring-batch@1024",
            "ring-batch@16384",
            "spsc@1024",
            "spsc@16384",
            "pipe",
            "pipe-batch/1000",
            "pipe-batch/4096",
            "unix",
            "unix-batch/1000",
            "unix-batch/4096"
        ]
    );
    for t in r["transports"].as_array().unwrap() {
        assert_eq!(t["checksum_ok"], true, "{t}");
        assert_eq!(t["checksum"], expected_checksum(20_000));
        assert_eq!(t["items"], 20_000);
        assert_eq!(t["runs_items_per_s"].as_array().unwrap().len(), 2);
        let (lo, mid, hi) = (
            t["min_items_per_s"].as_f64().unwrap(),
            t["items_per_s"].as_f64().unwrap(),
            t["max_items_per_s"].as_f64().unwrap(),
        );
        assert!(0.0 < lo && lo <= mid && mid <= hi, "{t}");
    }
    assert_eq!(r["transports"][0]["ratio_to_ring"], 1.0);
    let ratios: Vec<&str> = r["ratios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(
        ratios.contains(&"ring-batch@16384 / spsc@16384")
            && ratios.contains(&"spsc@1024 / best pipe or socket"),
        "{ratios:?}"
    );
    let latency: Vec<(&str, Option<u64>)> = r["latency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["transport"].as_str().unwrap(), l["spin_ns"].as_u64()))
        .collect();
    assert_eq!(
        latency,
        [
            ("ring", None),
            ("ring", Some(100_000)),
            ("pipe", None),
            ("unix", None)
        ]
    );
    assert!(r["latency"][0]["median_ns"].as_u64().unwrap() > 0);
    // The chart is well-formed XML that names every case and the round trips.
    let svg = std::fs::read_to_string(&chart).unwrap();
    for label in &labels {
        assert!(svg.contains(&format!(">{label}<")), "{label} in the chart");
    }
    assert!(svg.contains("round trip of one item"));
    if prerequisite(
        std::process::Command::new("python3")
            .arg("--version")
            .output()
            .is_ok(),
        "python3",
    ) {
        let parsed = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(r.tag, len(list(r.iter())))",
            ])
            .arg(&chart)
            .output()
            .unwrap();
        assert!(
            parsed.status.success()
                && String::from_utf8_lossy(&parsed.stdout)
                    .starts_with("{http://www.w3.org/2000/svg}svg"),
            "{}",
            String::from_utf8_lossy(&parsed.stderr)
        );
    }
    let o = run(&[
        "ring", "bench", "-t", "pipe", "-n", "5000", "-r", "1", "--pin", "0,0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("pipe") && stdout(&o).contains("ok"),
        "{}",
        stdout(&o)
    );
    assert!(segments().is_empty(), "the benchmark rings are gone");
    fails(&["ring", "bench", "--pin", "0"], 2);
    fails(&["ring", "bench", "--capacity", "1000"], 2);
    fails(&["ring", "bench", "--write-items", "0"], 2);
    let err = fails(
        &[
            "ring",
            "bench",
            "-t",
            "pipe",
            "-n",
            "10",
            "--svg",
            "/no/such/dir/x.svg",
        ],
        1,
    );
    assert!(err.contains("cannot write the chart"), "{err}");
}

#[test]
fn status_watch_refreshes_until_ctrl_c() {
    isolate();
    assert!(
        run(&["ring", "produce", "-n", "7", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let mut w = Spawned::new(cmd(&["status", "--watch", "100ms"]));
    let mut lines = w.lines();
    read_until(&mut lines, |l| l.contains("7/1024"));
    assert!(
        run(&["ring", "produce", "-n", "5", "-i", "0", "--quiet"])
            .status
            .success()
    );
    read_until(&mut lines, |l| l.contains("12/1024"));
    drop(lines);
    w.signal(Signal::SIGINT);
    let out = w.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
}

#[test]
fn ctrl_c_ends_a_bench_with_130_and_leaves_no_ring() {
    isolate();
    // In a process group of its own, as in a terminal, so the peers get the SIGINT too.
    let mut c = cmd(&["ring", "bench", "-t", "ring", "-n", "50000000", "-r", "1"]);
    std::os::unix::process::CommandExt::process_group(&mut c, 0);
    let bench = Spawned::new(c);
    eventually(Duration::from_secs(10), "the benchmark ring", || {
        !segments().is_empty()
    });
    std::thread::sleep(Duration::from_millis(200));
    nix::sys::signal::killpg(bench.pid(), Signal::SIGINT).unwrap();
    let out = bench.finish(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    eventually(Duration::from_secs(5), "the ring to go", || {
        segments().is_empty()
    });
}

/// `status --json` of the ring at `key`: (filled slots, in flight).
fn fill_of(key: &str) -> (u64, u64) {
    let (st, _) = status_json(&[key]);
    (
        st["filled_slots"].as_u64().unwrap(),
        st["in_flight"].as_u64().unwrap(),
    )
}

#[test]
fn a_consumer_stops_at_the_first_line_it_cannot_write_and_leaves_that_item_in_the_ring() {
    isolate();
    produce("0x0d01", 500);
    // A full disk: nothing is taken, one line says why.
    for batch in [false, true] {
        let mut c = cmd(&["ring", "consume", "--key", "0x0d01", "-n", "500", "-i", "0"]);
        if batch {
            c.arg("--batch");
        }
        let out = wait_output(
            c.stdout(std::fs::File::create("/dev/full").unwrap())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap(),
            Duration::from_secs(30),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("shmctl-rs: stdout: No space left on device")
                && err.contains(
                    "stopped after 0 items; the item it could not write stays in the ring"
                )
                && err.lines().count() == 1,
            "{err}"
        );
        assert_eq!(fill_of("0x0d01"), (500, 0));
    }
    // A reader that goes away after three lines: the fourth item stays in the ring.
    for batch in [false, true] {
        let mut c = cmd(&[
            "ring", "consume", "--key", "0x0d01", "-n", "0", "-i", "30ms",
        ]);
        if batch {
            c.arg("--batch");
        }
        let mut consumer = Spawned::new(c);
        let mut stdout = std::io::BufReader::new(consumer.child().stdout.take().unwrap());
        let mut line = String::new();
        for _ in 0..3 {
            line.clear();
            std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        }
        drop(stdout);
        let status = ends_within(&mut consumer, PROMPT_EXIT);
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(0),
            "a reader that left is no error"
        );
    }
    // Two consumers took three items each: the next one is item 6, nothing was skipped.
    let next = json(&[
        "ring", "consume", "--key", "0x0d01", "-n", "1", "-i", "0", "--json",
    ]);
    assert_eq!(next["first"], square(6), "{next}");
    assert_eq!(fill_of("0x0d01"), (500 - 7, 0));
    // A producer stops at its first line that cannot be written, too.
    for (batch, n) in [(false, "0"), (true, "0")] {
        let mut c = cmd(&["ring", "produce", "--key", "0x0d02", "-n", n, "-i", "0"]);
        if batch {
            c.arg("--batch");
        }
        let mut producer = Spawned::new(c);
        let mut stdout = std::io::BufReader::new(producer.child().stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert!(line.starts_with("produced: 0 "), "{line}");
        drop(stdout);
        let status = ends_within(&mut producer, PROMPT_EXIT);
        assert_eq!(status.and_then(|s| s.code()), Some(0));
        // What it published stays for a consumer.
        let (filled, in_flight) = fill_of("0x0d02");
        assert!(filled > 0 && in_flight == 0, "{filled} {in_flight}");
        let _ = run(&[
            "ring", "consume", "--key", "0x0d02", "-n", "0", "-i", "0", "-q", "-t", "200ms",
        ]);
    }
    // Waiting, with nothing to write, either end still sees its reader leave: a
    // producer on a full ring nobody drains, a consumer on an empty one.
    for role in ["produce", "consume"] {
        if role == "produce" {
            produce("0x0d04", 1024);
        }
        let mut end = Spawned::new(cmd(&[
            "ring", role, "--key", "0x0d04", "-n", "0", "-i", "0",
        ]));
        std::thread::sleep(Duration::from_millis(300));
        drop(end.child().stdout.take());
        let status = ends_within(&mut end, PROMPT_EXIT);
        assert_eq!(status.and_then(|s| s.code()), Some(0), "{role}");
        let _ = run(&[
            "ring", "consume", "--key", "0x0d04", "-n", "0", "-i", "0", "-q", "-t", "200ms",
        ]);
    }
    let out = wait_output(
        cmd(&["ring", "produce", "--key", "0x0d03", "-n", "5", "-i", "0"])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stopped after 1 items"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fill_of("0x0d03"), (1, 0));
}

#[test]
fn ctrl_c_while_nobody_reads_gives_the_unwritten_item_back() {
    isolate();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "--key", "0x0d10", "-n", "0", "-i", "0", "--quiet", "--json",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        status_json(&["0x0d10"]).1 == 0
    });
    // stdout is a pipe that nobody reads until the consumer has stopped.
    let mut consumer = Spawned::new(cmd(&[
        "ring", "consume", "--key", "0x0d10", "-n", "0", "-i", "0", "--verify",
    ]));
    let mut pipe = consumer.child().stdout.take().unwrap();
    let pid = consumer.pid();
    let mut last = 0;
    eventually(Duration::from_secs(30), "a full pipe", || {
        std::thread::sleep(Duration::from_millis(200));
        let now = bytes_written(pid);
        let full = now > 30_000 && now == last;
        last = now;
        full
    });
    consumer.signal(Signal::SIGINT);
    let status = ends_within(&mut consumer, PROMPT_EXIT);
    assert_eq!(status.and_then(|s| s.code()), Some(130));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut pipe, &mut text).unwrap();
    let shown: Vec<i32> = text
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    let n = shown.len() as u64;
    assert_eq!(
        shown.last(),
        Some(&square(n - 1)),
        "{n} items shown in order"
    );
    producer.signal(Signal::SIGINT);
    let produced = summary(&producer.finish(Duration::from_secs(10)))["items"]
        .as_u64()
        .unwrap();
    // The item it was about to write, and every one after it, is still in the ring.
    let rest = consume_verified(&["--key", "0x0d10"], produced - n).0;
    assert_eq!(
        (
            rest["first"].as_i64(),
            rest["items"].as_u64(),
            rest["verified"].as_bool()
        ),
        (Some(i64::from(square(n))), Some(produced - n), Some(true)),
        "{rest}"
    );
    assert_eq!(status_json(&["0x0d10"]).1, 0, "consistent");
}

/// Processes whose parent is `parent`, from /proc/PID/stat.
fn children_of(parent: nix::unistd::Pid) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let ppid: i32 = after.split(' ').nth(1).unwrap().parse().unwrap();
        if ppid == parent.as_raw() {
            found.push(pid);
        }
    }
    found
}

/// Gone, or a zombie waiting for whoever inherited it.
fn dead(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_or(true, |s| s[s.rfind(')').unwrap() + 2..].starts_with('Z'))
}

/// A long `ring bench` of `transport` with its temporary files in a directory of the
/// test's own, running until both peers are there (and past their start-up).
fn long_bench(transport: &str, tmp: &std::path::Path) -> (Spawned, Vec<i32>) {
    let mut c = cmd(&[
        "ring",
        "bench",
        "-t",
        transport,
        "-n",
        "500000000",
        "-r",
        "1",
    ]);
    c.env("TMPDIR", tmp);
    let bench = Spawned::new(c);
    let mut peers = Vec::new();
    eventually(Duration::from_secs(20), "two benchmark peers", || {
        peers = children_of(bench.pid());
        peers.len() == 2
    });
    std::thread::sleep(Duration::from_millis(300));
    (bench, peers)
}

#[test]
fn ring_bench_ends_its_peers_however_it_is_stopped_and_leaves_nothing_behind() {
    isolate();
    let tmp = tempfile::tempdir().unwrap();
    // A signal to its own pid, not to its process group (kill PID, a supervisor).
    for (signal, transport) in [
        (Signal::SIGINT, "ring"),
        (Signal::SIGTERM, "pipe"),
        (Signal::SIGHUP, "unix"),
    ] {
        let (mut bench, peers) = long_bench(transport, tmp.path());
        bench.signal(signal);
        let status = ends_within(&mut bench, PROMPT_EXIT);
        assert_eq!(status.and_then(|s| s.code()), Some(130), "{signal:?}");
        assert!(
            peers.iter().all(|&p| dead(p)),
            "{signal:?}: peers {peers:?} ended"
        );
    }
    // SIGKILL: the peers die with it (PR_SET_PDEATHSIG), their FIFO or socket is long gone,
    // and the ring goes with the last of them.
    for transport in ["ring", "pipe", "unix"] {
        let (mut bench, peers) = long_bench(transport, tmp.path());
        bench.signal(Signal::SIGKILL);
        let _ = bench.child().wait();
        eventually(Duration::from_secs(5), "the peers to die", || {
            peers.iter().all(|&p| dead(p))
        });
        eventually(Duration::from_secs(5), "the ring to go", || {
            segments().is_empty()
        });
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(segments().is_empty());
}

#[test]
fn bench_and_its_peer_refuse_bad_arguments_without_a_panic() {
    isolate();
    let zeroed = create(&["--size", "4176"]).to_string();
    let both = format!("{zeroed},{zeroed}");
    let peer = |args: &str| format!("ring bench-peer --count 1 {args}");
    for (args, code) in [
        (peer("--transport ring --role pinger --endpoint 0"), 2),
        (peer("--transport pipe --role pinger --endpoint 0"), 2),
        (
            peer(&format!("--transport ring --role pinger --endpoint {both}")),
            7,
        ),
        (
            peer(&format!(
                "--transport ring --role producer --endpoint {zeroed}"
            )),
            7,
        ),
        (peer("--transport ring --role producer --endpoint x"), 2),
        (
            peer(&format!(
                "--transport ring-batch --role ponger --endpoint {both}"
            )),
            2,
        ),
        (peer("--transport pipe --role producer --endpoint a,b"), 2),
        (
            format!(
                "ring bench-peer --count 100000000000000000 --transport ring --role pinger --endpoint {both}"
            ),
            2,
        ),
    ] {
        fails(&args.split_whitespace().collect::<Vec<_>>(), code);
    }
    fails(
        &[
            "ring",
            "bench-peer",
            "--transport",
            "ring",
            "--role",
            "producer",
            "--count",
            "1",
            "--endpoint",
            "",
        ],
        2,
    );
    for latency in ["100000000000000000", "0"] {
        let err = fails(
            &[
                "ring",
                "bench",
                "-t",
                "ring",
                "-n",
                "10",
                "--latency",
                latency,
            ],
            2,
        );
        assert!(err.contains("round trips"), "{err}");
    }
}

#[test]
fn a_ring_removed_under_its_ends_is_said_so() {
    isolate();
    produce("0x0d20", 1);
    let consumer = Spawned::new(cmd(&[
        "ring",
        "consume",
        "--key",
        "0x0d20",
        "-n",
        "5",
        "-i",
        "0",
        "--quiet",
        "--timeout",
        "1s",
    ]));
    eventually(Duration::from_secs(10), "the consumer waiting", || {
        status_json(&["0x0d20"]).0["consumer_waiters"] == 1
    });
    assert!(run(&["rm", "0x0d20"]).status.success());
    let out = consumer.finish(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("was removed (rm) meanwhile"),
        "{}",
        stderr(&out)
    );
    // A producer filling a ring that is removed under it says so, once, and goes on.
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "--key", "0x0d21", "-n", "0", "-i", "1ms", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        status_json(&["0x0d21"]).1 == 0
    });
    assert!(run(&["rm", "0x0d21"]).status.success());
    std::thread::sleep(Duration::from_millis(1500));
    producer.signal(Signal::SIGINT);
    let out = producer.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(
        stderr(&out)
            .matches("was removed (rm) while this producer runs")
            .count(),
        1,
        "{}",
        stderr(&out)
    );
    // Joining one by id, a producer is told too.
    produce("0x0d22", 1);
    let mut holder = Spawned::new(cmd(&["attach", "0x0d22"]));
    let mut lines = holder.lines();
    read_until(&mut lines, |l| l.contains("attached"));
    let id = status_json(&["0x0d22"]).0["shmid"].to_string();
    assert!(run(&["rm", "0x0d22"]).status.success());
    let o = run(&[
        "ring", "produce", "--id", &id, "-n", "1", "-i", "0", "--quiet",
    ]);
    assert!(
        o.status.success() && stderr(&o).contains("is marked for destruction"),
        "{}",
        stderr(&o)
    );
}

/// The document's C program with its 1024 replaced by N, against this tool, both ways,
/// the tool's end per item and batched: every value arrives, in order, checksums agree.
#[test]
fn a_c_peer_of_any_capacity_interoperates_both_ways_per_item_and_batched() {
    isolate();
    for (k, capacity) in [1024usize, 16384, 262144].into_iter().enumerate() {
        let c_peer = c_peer_of(capacity);
        // Enough to wrap the ring more than once.
        let n = (capacity as u64) * 5 / 2 + 1001;
        let expected = expected_checksum(n);
        for (j, batch) in [false, true].into_iter().enumerate() {
            let key = format!("0x00{:02x}{:02x}01", k + 0x40, j);
            // The tool produces (it creates the ring with --capacity), C consumes.
            let mut p = cmd(&[
                "ring",
                "produce",
                "--key",
                &key,
                "-n",
                &n.to_string(),
                "-i",
                "0",
                "--json",
                "--capacity",
                &capacity.to_string(),
            ]);
            if batch {
                p.arg("--batch");
            }
            let producer = Spawned::new(p);
            eventually(Duration::from_secs(10), "the ring", || {
                status_json(&[&key]).0["capacity"] == capacity
            });
            let mut c = std::process::Command::new(&c_peer);
            c.args(["consume", &n.to_string(), "0", &key, "0", "quiet"]);
            let out = Spawned::new(c).finish(Duration::from_secs(60));
            assert!(out.status.success(), "{capacity}: {}", stderr(&out));
            assert!(
                stdout(&out).contains(&format!("done {n} checksum {expected}")),
                "{capacity} batch {batch}: {}",
                stdout(&out)
            );
            assert_eq!(
                summary(&producer.finish(Duration::from_secs(10)))["checksum"],
                expected
            );
            let (st, code) = status_json(&[&key]);
            assert_eq!(
                (code, st["size"].as_u64()),
                (0, Some((76 + 4 * capacity as u64).next_multiple_of(8))),
                "{st}"
            );
            // C produces (it creates the ring with its own N), the tool consumes it.
            let key = format!("0x00{:02x}{:02x}02", k + 0x40, j);
            let mut p = std::process::Command::new(&c_peer);
            p.args(["produce", &n.to_string(), "0", &key, "0", "quiet"]);
            let producer = Spawned::new(p);
            let mut args = vec!["--key", key.as_str()];
            if batch {
                args.push("--batch");
            }
            let (c, _) = consume_verified(&args, n);
            assert_eq!(
                (
                    c["items"].as_u64(),
                    c["checksum"].as_u64(),
                    c["first"].as_i64()
                ),
                (Some(n), Some(expected), Some(0)),
                "{capacity} batch {batch}"
            );
            assert!(producer.finish(Duration::from_secs(10)).status.success());
            assert_eq!(status_json(&[&key]).0["capacity"], capacity);
        }
    }
    // A ring exists with one capacity; asking for another is refused, not ignored.
    let err = fails(
        &[
            "ring",
            "produce",
            "--key",
            "0x00400001",
            "-n",
            "1",
            "--capacity",
            "2048",
        ],
        5,
    );
    assert!(err.contains("exists with 1024 slots, not 2048"), "{err}");
    for bad in ["1000", "1", "0", "536870912"] {
        fails(&["ring", "produce", "-n", "1", "--capacity", bad], 2);
    }
}
