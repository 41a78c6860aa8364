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
    assert!(err.contains("100 bytes, but a ring needs 4176"), "{err}");
    assert!(fails(&["create", "--size", "1", "--key", "0x0e0e"], 5).contains("100 B"));
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
        ("0x0a06", "the segment has 4096 bytes; a ring needs 4176"),
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
    assert!(
        run(&["ring", "produce", "-n", "20", "-i", "0", "--quiet"])
            .status
            .success()
    );
    let o = run(&[
        "ring",
        "consume",
        "-n",
        "20",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "5s",
    ]);
    let c: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (c["items"].as_i64(), c["verified"].as_bool()),
        (Some(20), Some(true))
    );
}

#[test]
fn a_producer_killed_between_its_two_semaphore_calls_loses_one_slot_and_says_so() {
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
            .contains("died between its two semaphore calls"),
        "{st}"
    );
    // Every item that was posted is still there for a new consumer.
    let o = run(&[
        "ring",
        "consume",
        "-n",
        "30",
        "-i",
        "0",
        "--verify",
        "--json",
        "--timeout",
        "5s",
    ]);
    let c: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (c["items"].as_i64(), c["last"].as_i64()),
        (Some(30), Some(i64::from(square(29))))
    );
    let err = fails(&["ring", "consume", "-n", "1", "--timeout", "300ms"], 8);
    assert!(
        err.contains("no item"),
        "the lost slot is never posted: {err}"
    );
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
