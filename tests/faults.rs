//! The fault matrix: races, unprivileged users, destroyed segments, limits, garbage rings,
//! killed peers and C peers that misbehave. Every process that can block runs under a
//! deadline; every test runs in its own IPC namespace.

mod common;

use common::*;
use nix::sys::signal::Signal;
use serde_json::Value;
use shmctl_rs::ring::{layout, square};
use shmctl_rs::sys::shm::{self, CreateFlags, Key, ShmId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[test]
fn segments_vanishing_under_ls_info_and_status_give_no_crash_and_no_wrong_exit() {
    isolate();
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let size = if n.is_multiple_of(2) {
                    layout::SIZE
                } else {
                    4096
                };
                let id = shm::create(Key(0x0c00 + (n % 4)), size, 0o600, CreateFlags::default())
                    .unwrap();
                std::thread::sleep(Duration::from_micros(200));
                shm::remove(id).unwrap();
                n += 1;
            }
            n
        })
    };
    let start = Instant::now();
    let mut seen = std::collections::BTreeMap::new();
    while start.elapsed() < Duration::from_secs(3) {
        for args in [
            &["ls"][..],
            &["ls", "--pids", "--json"],
            &["info", "0x00000c00"],
            &["info", "0"],
            &["status", "0x00000c00"],
            &["status", "1"],
            &["attach", "0x00000c01", "--timeout", "1ms"],
        ] {
            let o = run(args);
            let code = o.status.code().unwrap();
            let err = stderr(&o);
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            let allowed: &[i32] = match args[0] {
                "ls" => &[0],
                "info" | "attach" => &[0, 3],
                _ => &[0, 3, 7], // a status on a non-ring or half-made segment says so
            };
            assert!(allowed.contains(&code), "{args:?} exited {code}: {err}");
            if code == 3 {
                assert!(
                    err.contains("no such segment") || err.contains("no segment has this key"),
                    "{err}"
                );
            }
            *seen.entry((args[0], code)).or_insert(0) += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let made = churn.join().unwrap();
    assert!(made > 100, "only {made} segments came and went");
    eprintln!("outcomes while {made} segments came and went: {seen:?}");
}

#[test]
fn an_unprivileged_user_sees_everything_touches_nothing() {
    isolate();
    assert!(
        run(&["ring", "produce", "-n", "5", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let ring = segments()[0]["shmid"].as_i64().unwrap().to_string();
    let public = create(&["--size", "4096", "--key", "0x0644", "--mode", "644"]).to_string();
    assert!(
        run(&[
            "ring", "produce", "-n", "3", "-i", "0", "--quiet", "--key", "0x0645", "--mode", "644"
        ])
        .status
        .success()
    );

    let ls = as_nobody(&["ls", "--json"]);
    assert!(ls.status.success());
    let v: Value = serde_json::from_slice(&ls.stdout).unwrap();
    assert_eq!(v["segments"].as_array().unwrap().len(), 3);

    // info shows what /proc shows every user; only IPC_STAT's seq and the header need
    // read permission.
    let o = as_nobody(&["info", &ring, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let info: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(info["seq"], Value::Null);
    assert_eq!(info["needs_permission"], serde_json::json!(["seq", "app"]));
    for args in [
        &["attach", &ring, "--timeout", "1s"][..],
        &["status", &ring],
    ] {
        let o = as_nobody(args);
        assert_eq!(o.status.code(), Some(4), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("permission denied"), "{}", stderr(&o));
    }
    for args in [
        &["rm", &ring][..],
        &["chmod", "666", &ring],
        &["chown", "65534", &ring],
        &["chmod", "600", &public],
    ] {
        let o = as_nobody(args);
        assert_eq!(o.status.code(), Some(4), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("permission denied"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let s = segment(ring.parse().unwrap()).unwrap();
    assert_eq!(
        (s["perms"].as_str(), s["uid"].as_i64()),
        (Some("600"), Some(0)),
        "untouched"
    );
    assert_eq!(segment(public.parse().unwrap()).unwrap()["perms"], "644");
    let (st, code) = status_json(&[&ring]);
    assert_eq!(
        (code, st["filled_slots"].as_i64()),
        (0, Some(5)),
        "the ring is untouched"
    );

    // A 0644 ring can be inspected read-only by anyone.
    let o = as_nobody(&["status", "0x0645", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let st: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["filled_slots"], 3);
    // But not consumed: that needs write permission.
    let o = as_nobody(&[
        "ring",
        "consume",
        "--key",
        "0x0645",
        "-n",
        "1",
        "--timeout",
        "2s",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    // And the owner may change what it owns: chmod as root works.
    assert!(run(&["chmod", "640", &public]).status.success());
    assert_eq!(segment(public.parse().unwrap()).unwrap()["perms"], "640");
}

#[test]
fn a_destroyed_segment_stays_attachable_by_id_and_a_second_rm_is_harmless() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x0d0d"]);
    let att = shm::attach(ShmId(id as i32), false).unwrap();
    assert!(run(&["rm", "0x0d0d"]).status.success());
    let line = std::fs::read_to_string("/proc/sysvipc/shm").unwrap();
    let fields: Vec<&str> = line.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        (fields[0], fields[2]),
        ("0", "1600"),
        "key 0 and perms 01600 in /proc"
    );
    assert_eq!(segment(id).unwrap()["status"], serde_json::json!(["dest"]));
    fails(&["info", "0x0d0d"], 3);
    assert!(
        run(&["attach", &id.to_string(), "--force", "--timeout", "1ms"])
            .status
            .success()
    );
    assert!(
        run(&["rm", &id.to_string()]).status.success(),
        "a second rm is harmless"
    );
    drop(att);
    assert!(segment(id).is_none());
    fails(&["rm", &id.to_string()], 3);
}

#[test]
fn sizes_and_limits_each_get_their_own_message() {
    isolate();
    assert!(fails(&["create", "--size", "0"], 6).contains("SHMMIN"));
    std::fs::write("/proc/sys/kernel/shmmax", "1048576").unwrap();
    assert!(fails(&["create", "--size", "2M"], 6).contains("SHMMAX (1048576 bytes"));
    std::fs::write("/proc/sys/kernel/shmall", "16").unwrap();
    create(&["--size", "32K"]);
    let err = fails(&["create", "--size", "64K"], 6);
    assert!(
        err.contains("SHMALL (16 pages") && err.contains("8 pages in use"),
        "{err}"
    );
    std::fs::write("/proc/sys/kernel/shmmni", "1").unwrap();
    assert!(fails(&["create", "--size", "1"], 6).contains("all 1 segment ids are in use (SHMMNI"));
    std::fs::write("/proc/sys/kernel/shmmni", "4096").unwrap();
    // A key that exists with a smaller size is no ring.
    create(&["--size", "100", "--key", "0x0e0e"]);
    let err = fails(&["ring", "produce", "--key", "0x0e0e", "-n", "1"], 7);
    assert!(err.contains("100 bytes is not the size of a ring"), "{err}");
    assert!(fails(&["create", "--size", "1", "--key", "0x0e0e"], 5).contains("100 B"));
}

/// ENOMEM from shmget is memory, not SHMALL: for a plain segment the kernel's commit
/// accounting (no word of huge pages), for --hugetlb the free huge pages.
#[test]
fn not_enough_memory_names_what_ran_out() {
    isolate();
    let overcommit = std::fs::read_to_string("/proc/sys/vm/overcommit_memory").unwrap();
    if overcommit.trim() == "1" {
        eprintln!("vm.overcommit_memory is 1: the kernel never refuses a segment for memory");
        return;
    }
    // More than memory and swap together: refused by the heuristic and by strict mode.
    let kib = |field: &str| -> u64 {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
        meminfo
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    };
    let too_much = (kib("MemTotal:") + kib("SwapTotal:")) * 2 * 1024;
    let size = too_much.to_string();
    let err = fails(&["create", "--size", &size, "--private"], 6);
    assert!(
        err.contains("not enough memory: the kernel will not commit that much")
            && err.contains("CommitLimit")
            && err.contains("--noreserve"),
        "{err}"
    );
    assert!(!err.contains("huge"), "{err}");
    if kib("HugePages_Free:") == 0 {
        let err = fails(&["create", "--size", "2M", "--hugetlb", "--private"], 6);
        assert!(
            err.contains("not enough free huge pages (HugePages_Free"),
            "{err}"
        );
    }
    assert!(segments().is_empty());
}

#[test]
fn ftok_needs_a_real_path_and_says_when_bits_are_dropped() {
    isolate();
    let err = fails(&["create", "--size", "1", "--ftok", "/no/such/dir:1"], 1);
    assert!(
        err.contains("ftok /no/such/dir") && err.contains("No such file"),
        "{err}"
    );
    assert!(segments().is_empty(), "no segment with key 0xffffffff");
    let o = run(&["create", "--json", "--size", "1", "--ftok", "/tmp:321"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("only the low 8 bits of the project id: 321 counts as 65"),
        "{}",
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["key"].as_u64().unwrap() >> 24, 65);
}

/// A valid ring with `items` in it, then `corrupt` applied to its words.
fn corrupted_ring(key: &str, corrupt: impl FnOnce(&shm::Attachment)) -> ShmId {
    assert!(
        run(&[
            "ring", "produce", "--key", key, "-n", "10", "-i", "0", "--quiet"
        ])
        .status
        .success()
    );
    let id = ShmId(
        segments()
            .iter()
            .find(|s| s["key_hex"] == format!("0x{:0>8}", &key[2..]))
            .unwrap()["shmid"]
            .as_i64()
            .unwrap() as i32,
    );
    let att = shm::attach(id, false).unwrap();
    corrupt(&att);
    id
}

#[test]
fn garbage_rings_are_named_for_what_they_are_and_never_consumed() {
    isolate();
    let set = |att: &shm::Attachment, offset: usize, v: i32| {
        att.atomic_i32(offset).unwrap().store(v, Ordering::SeqCst);
    };
    corrupted_ring("0x0a01", |a| set(a, layout::HEAD, 5000));
    corrupted_ring("0x0a02", |a| set(a, layout::TAIL, -3));
    corrupted_ring("0x0a03", |a| set(a, layout::SEM_CONSUMER, -1));
    corrupted_ring("0x0a04", |a| {
        set(a, layout::SEM_PRODUCER + layout::PSHARED_FLAG, 0)
    });
    corrupted_ring("0x0a05", |a| set(a, layout::SEM_PRODUCER, 2000));
    let page = shm::create(Key(0x0a06), 4096, 0o600, CreateFlags::default()).unwrap();
    let _ = page;
    for (key, what) in [
        ("0x0a01", "head 5000 is outside 0..1024"),
        ("0x0a02", "tail -3 is outside 0..1024"),
        ("0x0a03", "sem_consumer value -1 is outside 0..=1024"),
        ("0x0a04", "sem_producer is not process-shared"),
        ("0x0a05", "sem_producer value 2000 is outside 0..=1024"),
        ("0x0a06", "4096 bytes is not the size of a ring"),
    ] {
        let (st, code) = status_json(&[key]);
        assert_eq!(code, 7, "{key}: {st}");
        let problems = st["problems"].to_string();
        assert!(problems.contains(what), "{key}: {problems}");
        consume_refuses(key);
    }
    // Nothing was consumed from the valid-looking part of any of them.
    let a = shm::attach(shm::lookup(Key(0x0a04)).unwrap(), true).unwrap();
    let bytes = a.snapshot(0, layout::SIZE).unwrap();
    assert_eq!(layout::decode(&bytes).unwrap().consumer.value, 10);
}

#[test]
fn a_consumer_killed_while_waiting_stays_counted_and_a_new_one_drains_the_ring() {
    isolate();
    ring_passed_through("1");
    let waiting = Spawned::new(cmd(&["ring", "consume", "-n", "5", "-i", "0", "--quiet"]));
    eventually(Duration::from_secs(10), "a waiting consumer", || {
        status_json(&[]).0["consumer_waiters"] == 1
    });
    waiting.signal(Signal::SIGKILL);
    drop(waiting);
    let (st, code) = status_json(&[]);
    assert_eq!(code, 0, "a stale waiter breaks nothing: {st}");
    assert_eq!(st["consumer_waiters"], 1, "a killed waiter stays counted");
    assert!(
        st["warnings"]
            .to_string()
            .contains("killed waiter stays counted"),
        "{st}"
    );
    // A repair forgets it (nobody is attached: every counted waiter is dead).
    let r = json(&["ring", "repair", "--json"]);
    let waiters = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "consumer_waiters")
        .cloned()
        .unwrap();
    assert_eq!(
        (waiters["before"].as_i64(), waiters["after"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(status_json(&[]).0["consumer_waiters"], 0);
    assert!(
        run(&["ring", "produce", "-n", "20", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let (c, _) = consume_verified(&[], 20);
    assert_eq!(
        (c["items"].as_i64(), c["verified"].as_bool()),
        (Some(20), Some(true))
    );
}

#[test]
fn a_producer_killed_between_its_two_semaphore_calls_strands_one_item_until_repaired() {
    isolate();
    let o = c_peer_cmd("die-mid-item", 30, 0, "ftok", 0)
        .output()
        .unwrap();
    assert_eq!(o.status.signal_or_code(), Some(-9), "killed by SIGKILL");
    let (st, code) = status_json(&[]);
    assert_eq!(code, 7, "{st}");
    assert_eq!(st["state"], "inconsistent");
    assert_eq!(
        (
            st["filled_slots"].as_i64(),
            st["free_slots"].as_i64(),
            st["in_flight"].as_i64()
        ),
        (Some(30), Some(993), Some(1))
    );
    assert!(
        st["problems"]
            .to_string()
            .contains("killed (or is stopped) between its two semaphore calls"),
        "{st}"
    );
    // A dry run says what a repair would do and changes nothing.
    let dry = json(&["ring", "repair", "--dry-run", "--json"]);
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["changed"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(dry["items_offered_again"], 1, "{dry}");
    assert_eq!(status_json(&[]).1, 7, "a dry run writes nothing");
    // The repair offers the item the producer wrote (head moved past it) again.
    let r = json(&["ring", "repair", "--json"]);
    assert_eq!(
        (r["state_before"].as_str(), r["state_after"].as_str()),
        (Some("inconsistent"), Some("consistent")),
        "{r}"
    );
    let field = |name: &str| {
        r["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        (
            field("filled")["before"].as_i64(),
            field("filled")["after"].as_i64()
        ),
        (Some(30), Some(31))
    );
    assert_eq!(field("free")["after"], 993);
    assert_eq!(field("head")["before"], field("head")["after"]);
    let (st, code) = status_json(&[]);
    assert_eq!((code, st["in_flight"].as_i64()), (0, Some(0)), "{st}");
    // A second repair finds nothing to do.
    let again = json(&["ring", "repair", "--json"]);
    assert_eq!(again["changed"], false, "{again}");
    let text = stdout(&run(&["ring", "repair"]));
    assert!(
        text.contains("nothing to repair, consistent -> consistent"),
        "{text}"
    );
    // Every item, the one that was stranded too, reaches a new consumer, in order.
    let (c, _) = consume_verified(&[], 31);
    assert_eq!(
        (
            c["items"].as_i64(),
            c["verified"].as_bool(),
            c["last"].as_i64()
        ),
        (Some(31), Some(true), Some(i64::from(square(30))))
    );
}

#[test]
fn an_end_alone_on_a_ring_gives_back_what_a_killed_end_stranded() {
    isolate();
    let o = c_peer_cmd("die-mid-item", 30, 0, "ftok", 0)
        .output()
        .unwrap();
    assert_eq!(o.status.signal_or_code(), Some(-9), "killed by SIGKILL");
    // Nobody else is attached: the consumer gives the stranded item back as it joins, and
    // says so.
    let (c, said) = consume_verified(&[], 31);
    assert!(
        said.contains("gave back what a killed producer or consumer left in flight (1 item(s) between tail and head offered again)"),
        "{said}"
    );
    assert_eq!(
        (c["items"].as_i64(), c["verified"].as_bool()),
        (Some(31), Some(true))
    );
    assert_eq!(status_json(&[]).1, 0);
}

/// A ring that `items` items went through: initialised and empty, head and tail at `items`.
fn ring_passed_through(items: &str) {
    for role in ["produce", "consume"] {
        assert!(
            run(&["ring", role, "-n", items, "-i", "0", "--quiet"])
                .status
                .success()
        );
    }
}

trait SignalOrCode {
    fn signal_or_code(&self) -> Option<i32>;
}
impl SignalOrCode for std::process::ExitStatus {
    fn signal_or_code(&self) -> Option<i32> {
        use std::os::unix::process::ExitStatusExt;
        self.signal().map(|s| -s).or(self.code())
    }
}

#[test]
fn a_c_producer_that_reinitialises_under_a_waiting_consumer_does_not_hang_it() {
    isolate();
    ring_passed_through("2");
    // Our consumer sleeps on the filled semaphore; the document's producer then re-runs
    // sem_init on it (the defect that hangs the document's consumer forever).
    let consumer = Spawned::new(cmd(&[
        "ring",
        "consume",
        "-n",
        "100",
        "-i",
        "0",
        "--json",
        "--verify",
        "--timeout",
        "10s",
    ]));
    eventually(Duration::from_secs(10), "a waiting consumer", || {
        status_json(&[]).0["consumer_waiters"] == 1
    });
    let p = c_peer_cmd("produce", 100, 0, "ftok", 0).output().unwrap();
    assert!(p.status.success());
    let out = consumer.finish(Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (c["items"].as_i64(), c["verified"].as_bool()),
        (Some(100), Some(true))
    );
}

#[test]
fn one_million_items_each_way_between_c_and_rust_verified() {
    isolate();
    let n = 1_000_000u64;
    let expected = shmctl_rs::bench::transport::expected_checksum(n);
    // C -> Rust
    let producer = Spawned::new(c_peer_cmd("produce", n, 0, "0x00ca0001", 0));
    let o = run(&[
        "ring",
        "consume",
        "--key",
        "0xca0001",
        "-n",
        &n.to_string(),
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "20s",
    ]);
    let c: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    assert_eq!(
        (
            c["items"].as_u64(),
            c["verified"].as_bool(),
            c["checksum"].as_u64()
        ),
        (Some(n), Some(true), Some(expected))
    );
    assert!(producer.finish(Duration::from_secs(60)).status.success());
    // Rust -> C: the C consumer prints every value; check them all, in order.
    let producer = Spawned::new(cmd(&[
        "ring",
        "produce",
        "--key",
        "0xca0002",
        "-n",
        &n.to_string(),
        "-i",
        "0",
        "--json",
    ]));
    eventually(Duration::from_secs(10), "the ring", || {
        segments().iter().any(|s| s["key"] == 0xca0002)
    });
    let consumer = Spawned::new(c_peer_cmd("consume", n, 0, "0x00ca0002", 0));
    let out = consumer.finish(Duration::from_secs(120));
    assert!(out.status.success());
    let text = stdout(&out);
    let mut lines = text.lines();
    for i in 0..n {
        assert_eq!(
            lines.next().and_then(|l| l.parse::<i32>().ok()),
            Some(square(i)),
            "item {i}"
        );
    }
    assert_eq!(
        lines.next(),
        Some(format!("done {n} checksum {expected}").as_str())
    );
    let p: Value =
        serde_json::from_slice(&producer.finish(Duration::from_secs(60)).stdout).unwrap();
    assert_eq!(p["checksum"].as_u64(), Some(expected));
}

#[test]
fn joining_a_ring_in_full_flow_never_mistakes_a_torn_reading_for_garbage() {
    isolate();
    let producer = Spawned::new(cmd(&["ring", "produce", "-n", "0", "-i", "0", "--quiet"]));
    eventually(Duration::from_secs(10), "the ring", || {
        !segments().is_empty()
    });
    // Both CPUs busy, as on a loaded host, so the producer is preempted mid-item often.
    let stop = Arc::new(AtomicBool::new(false));
    let hogs: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || while !stop.load(Ordering::Relaxed) {})
        })
        .collect();
    for round in 0..40 {
        let o = run(&[
            "ring",
            "consume",
            "-n",
            "500",
            "-i",
            "0",
            "--json",
            "--verify",
            "--timeout",
            "10s",
        ]);
        assert!(o.status.success(), "round {round}: {}", stderr(&o));
        for _ in 0..5 {
            let (st, code) = status_json(&[]);
            assert!(code == 0, "round {round}: status of a live ring: {st}");
        }
    }
    stop.store(true, Ordering::Relaxed);
    for h in hogs {
        h.join().unwrap();
    }
    // Ctrl-C, not the kill on drop: the run ends the clean way.
    producer.signal(Signal::SIGINT);
    assert_eq!(
        producer.finish(Duration::from_secs(5)).status.code(),
        Some(130)
    );
}

/// The index i of each printed `consumed: V` line (V = i*i as a C int), in order, found
/// by searching forward from the last one; `Err` on an item shown twice or out of order.
fn indices_of_shown_items(text: &str) -> Result<Vec<u64>, String> {
    let mut next = 0u64;
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(v) = line
            .strip_prefix("consumed: ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.parse::<i32>().ok())
        else {
            continue;
        };
        let i = (next..next + 100_000)
            .find(|&i| square(i) == v)
            .ok_or_else(|| format!("{v} after item {next}: shown twice or out of order"))?;
        out.push(i);
        next = i + 1;
    }
    Ok(out)
}

/// A small deterministic generator for kill timings (the seed is in every message).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Consumers killed with SIGKILL at random instants while a producer runs flat out. No
/// item is ever shown twice; each kill loses at most the one item its consumer was writing;
/// what killed consumers stranded is given back (the producer does it when it is alone on
/// the ring, the last consumer when it is); at the end the ring is consistent and a fresh
/// pair moves items.
fn kill_rounds(key: &str, batch: bool, shown: bool, rounds: u64) {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    let what = format!("key {key} batch {batch} shown {shown} seed {seed}");
    let mode: &[&str] = if batch { &["--batch"] } else { &[] };
    let mut p = cmd(&[
        "ring", "produce", "--key", key, "-n", "0", "-i", "0", "--json",
    ]);
    p.args(mode);
    let producer = Spawned::new(p);
    eventually(Duration::from_secs(10), "the ring", || {
        status_json(&[key]).1 == 0
    });
    let dir = tempfile::tempdir().unwrap();
    let consumer = |out: &std::path::Path, extra: &[&str]| {
        let mut c = cmd(&[
            "ring", "consume", "--key", key, "-n", "0", "-i", "0", "--verify",
        ]);
        c.args(mode).args(extra);
        if !shown {
            c.arg("--quiet");
        }
        Spawned::with_stdout(c, std::fs::File::create(out).unwrap())
    };
    for round in 0..rounds {
        let mut c = consumer(&dir.path().join(format!("{round:03}")), &[]);
        std::thread::sleep(Duration::from_millis(5 + rng.below(35)));
        c.signal(Signal::SIGKILL);
        let _ = c.child().wait();
        let (st, _) = status_json(&[key]);
        // A killed end strands at most what it held: one item, or one batch...
        let bound = if batch && !shown { 512 + 2 } else { 1 + 2 };
        assert!(
            st["in_flight"].as_u64().is_some_and(|n| n <= bound),
            "{what}, round {round}: {st}"
        );
        // ...and the producer, alone on the ring, gives it back.
        eventually(Duration::from_secs(10), "the stranded slots back", || {
            status_json(&[key]).0["in_flight"]
                .as_u64()
                .is_some_and(|n| n <= 2)
        });
    }
    producer.signal(Signal::SIGINT);
    let out = producer.finish(Duration::from_secs(10));
    let produced = summary(&out)["items"].as_u64().unwrap();
    // The last consumer is alone on the ring: it gives back what is stranded and drains it.
    let last = dir.path().join("last");
    let drain = consumer(&last, &["--timeout", "1s"]).finish(Duration::from_secs(60));
    assert_eq!(drain.status.code(), Some(8), "{what}: {}", stderr(&drain));
    let (st, code) = status_json(&[key]);
    assert_eq!(
        (code, st["in_flight"].as_u64(), st["filled_slots"].as_u64()),
        (0, Some(0), Some(0)),
        "{what}: {st}"
    );
    if shown {
        let mut text = String::new();
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            text.push_str(&std::fs::read_to_string(f).unwrap());
        }
        let shown_items = indices_of_shown_items(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
        let lost = produced - shown_items.len() as u64;
        assert!(
            lost <= rounds,
            "{what}: {lost} items lost in {rounds} kills (at most one each)"
        );
        assert_eq!(shown_items.last().map(|i| i + 1), Some(produced), "{what}");
    }
    // A fresh pair moves items through the ring.
    let p = Spawned::new(cmd(&[
        "ring", "produce", "--key", key, "-n", "3000", "-i", "0", "--quiet",
    ]));
    let (c, _) = consume_verified(&["--key", key], 3000);
    assert_eq!(c["verified"], true, "{what}");
    assert!(p.finish(Duration::from_secs(10)).status.success());
}

#[test]
fn killed_consumers_never_show_an_item_twice_and_lose_at_most_the_one_they_were_writing() {
    isolate();
    kill_rounds("0x0c01", false, true, 20);
    kill_rounds("0x0c02", true, true, 20);
}

#[test]
fn killed_batched_consumers_strand_at_most_a_batch_which_is_given_back() {
    isolate();
    kill_rounds("0x0c03", true, false, 20);
}

/// The ring's segment at `key`, attached read-write by this test process.
fn attached(key: u32) -> shm::Attachment {
    shm::attach(shm::lookup(Key(key)).unwrap(), false).unwrap()
}

#[test]
fn a_wedged_ring_is_given_back_while_both_ends_wait() {
    isolate();
    let producer = Spawned::new(cmd(&[
        "ring", "produce", "--key", "0x0c10", "-n", "0", "-i", "0", "--batch", "--quiet",
    ]));
    eventually(Duration::from_secs(10), "a full ring", || {
        status_json(&["0x0c10"]).0["filled_slots"] == 1024
    });
    // This process takes every filled slot and keeps them, as a consumer killed
    // mid-batch would have (killed, it would have detached; attached, it keeps any end
    // from calling itself alone on the ring).
    let att = attached(0x0c10);
    let ring = shmctl_rs::ring::shared::Ring::new(&att).unwrap();
    assert_eq!(ring.filled.try_take(1024), 1024);
    let (st, code) = status_json(&["0x0c10"]);
    assert_eq!((code, st["in_flight"].as_u64()), (7, Some(1024)), "{st}");
    let consumer = Spawned::new(cmd(&[
        "ring",
        "consume",
        "--key",
        "0x0c10",
        "-n",
        "2000",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "30s",
    ]));
    // Wedged: the producer waits for free slots, the consumer for filled ones.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(status_json(&["0x0c10"]).0["in_flight"], 1024);
    drop(att);
    // Both ends alive and waiting, nobody else attached: one of them gives the slots back.
    let out = consumer.finish(Duration::from_secs(30));
    assert!(out.status.success(), "{}", stderr(&out));
    let c = summary(&out);
    assert_eq!(
        (c["items"].as_u64(), c["verified"].as_bool()),
        (Some(2000), Some(true))
    );
    assert_eq!(
        c["first"], 0,
        "every item that was stranded comes out, the first first"
    );
    producer.signal(Signal::SIGINT);
    let p = producer.finish(Duration::from_secs(10));
    assert!(
        stderr(&p).contains("gave back") || stderr(&out).contains("gave back"),
        "{} / {}",
        stderr(&p),
        stderr(&out)
    );
}

#[test]
fn status_never_calls_a_healthy_ring_at_full_speed_inconsistent_but_sees_a_broken_one() {
    isolate();
    for (key, keyn, mode) in [
        ("0x0c20", 0x0c20u32, None),
        ("0x0c21", 0x0c21, Some("--batch")),
    ] {
        let mut p = cmd(&[
            "ring", "produce", "--key", key, "-n", "0", "-i", "0", "--quiet",
        ]);
        let mut c = cmd(&[
            "ring", "consume", "--key", key, "-n", "0", "-i", "0", "--quiet",
        ]);
        if let Some(m) = mode {
            p.arg(m);
            c.arg(m);
        }
        let producer = Spawned::new(p);
        eventually(Duration::from_secs(10), "the ring", || {
            status_json(&[key]).1 == 0
        });
        let consumer = Spawned::new(c);
        std::thread::sleep(Duration::from_millis(200));
        for call in 0..150 {
            let (st, code) = status_json(&[key]);
            assert_eq!(code, 0, "{key} {mode:?}, call {call}: {st}");
        }
        // A real inconsistency under the same flow: 10 free slots taken and kept.
        let att = attached(keyn);
        let ring = shmctl_rs::ring::shared::Ring::new(&att).unwrap();
        let mut took = 0;
        eventually(Duration::from_secs(10), "10 free slots", || {
            took += ring.free.try_take(10 - took);
            took == 10
        });
        for call in 0..10 {
            let (st, code) = status_json(&[key]);
            assert_eq!(code, 7, "{key} {mode:?}, call {call}: {st}");
            // The figures are one reading of a ring in full flow: a slot or two may have
            // moved between the loads of the two semaphores.
            assert!(st["in_flight"].as_u64().is_some_and(|n| n >= 7), "{st}");
        }
        ring.free.post(10).unwrap();
        assert_eq!(status_json(&[key]).1, 0);
        consumer.signal(Signal::SIGINT);
        producer.signal(Signal::SIGINT);
        assert_eq!(
            consumer.finish(Duration::from_secs(5)).status.code(),
            Some(130)
        );
        assert_eq!(
            producer.finish(Duration::from_secs(5)).status.code(),
            Some(130)
        );
    }
}

#[test]
fn repair_refuses_while_an_end_runs_or_others_are_attached_and_force_says_so() {
    isolate();
    produce("0x0c30", 30);
    // Five free slots taken and never posted, as by a batched producer killed before it
    // moved head.
    {
        let att = attached(0x0c30);
        let ring = shmctl_rs::ring::shared::Ring::new(&att).unwrap();
        assert_eq!(ring.free.try_take(5), 5);
    }
    // Another process attached (a monitor): no end may call itself alone on the ring.
    let mut holder = Spawned::new(cmd(&["attach", "0x0c30", "--readonly"]));
    let mut lines = holder.lines();
    read_until(&mut lines, |l| l.contains("attached"));
    let consumer = Spawned::new(cmd(&[
        "ring", "consume", "--key", "0x0c30", "-n", "0", "-i", "0", "--quiet",
    ]));
    eventually(
        Duration::from_secs(10),
        "the consumer to drain the ring",
        || status_json(&["0x0c30"]).0["filled_slots"] == 0,
    );
    let err = fails(&["ring", "repair", "0x0c30"], 1);
    assert!(
        err.contains("a consumer is running on this ring (pid ") && err.contains("stop it first"),
        "{err}"
    );
    consumer.signal(Signal::SIGINT);
    let out = consumer.finish(Duration::from_secs(5));
    assert!(
        stderr(&out).contains("the ring is inconsistent") && stderr(&out).contains("ring repair"),
        "a consumer joining an inconsistent ring says so: {}",
        stderr(&out)
    );
    let err = fails(&["ring", "repair", "0x0c30"], 1);
    assert!(
        err.contains("1 other process(es) attached (pid ") && err.contains("--force"),
        "{err}"
    );
    let r = json(&["ring", "repair", "0x0c30", "--force", "--json"]);
    assert_eq!(
        (
            r["forced"].as_bool(),
            r["attached"].as_u64(),
            r["state_after"].as_str()
        ),
        (Some(true), Some(1), Some("consistent")),
        "{r}"
    );
    assert_eq!(
        (r["items_offered_again"].as_u64(), r["slots_freed"].as_u64()),
        (Some(0), Some(5))
    );
    drop(lines);
    holder.signal(Signal::SIGINT);
    let _ = holder.finish(Duration::from_secs(5));
    // Not rings, or not there, or not ours.
    let page = create(&["--size", "4096", "--key", "0x0c31"]).to_string();
    assert!(fails(&["ring", "repair", &page], 7).contains("not the size of a ring"));
    create(&["--size", "4176", "--key", "0x0c32"]);
    assert!(fails(&["ring", "repair", "0x0c32"], 7).contains("never initialised"));
    fails(&["ring", "repair", "0x0c33"], 3);
    let o = as_nobody(&["ring", "repair", "0x0c30"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

/// Another process overwrites the sharing word of the semaphore a waiting end sleeps on
/// (glibc's `private` int, 128 for a process-shared semaphore): the end stops with exit 7
/// and one error line, and is never aborted inside the C library's futex wait.
#[test]
fn a_waiting_ends_semaphore_overwritten_is_not_a_valid_ring_never_an_abort() {
    isolate();
    for (key, role, sem, waiters) in [
        (
            "0x0c50",
            "produce",
            layout::SEM_PRODUCER,
            "producer_waiters",
        ),
        (
            "0x0c51",
            "consume",
            layout::SEM_CONSUMER,
            "consumer_waiters",
        ),
    ] {
        if role == "consume" {
            produce(key, 1);
        }
        let end = Spawned::new(cmd(&[
            "ring", role, "--key", key, "-n", "0", "-i", "0", "--quiet",
        ]));
        eventually(Duration::from_secs(10), "an end asleep on the ring", || {
            status_json(&[key]).0[waiters] == 1
        });
        let att = attached(u32::from_str_radix(&key[2..], 16).unwrap());
        let word = att.atomic_i32(sem + layout::PSHARED_FLAG).unwrap();
        word.store(0x7fff_ffff, Ordering::SeqCst);
        let out = end.finish(Duration::from_secs(10));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(7), "{role}: {err}");
        assert_eq!(err.lines().count(), 1, "{role}: {err}");
        assert!(
            err.starts_with("shmctl-rs: segment ") && err.contains("not a valid ring any more"),
            "{role}: {err}"
        );
    }
}
