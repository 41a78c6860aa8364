//! POSIX shared memory and memfds beside System V, with real clients: Python's
//! multiprocessing.shared_memory and os.memfd_create, a C program of shm_open, mmap,
//! shm_unlink and memfd_create, and a second mount namespace with its own /dev/shm. Each
//! test runs in a private world (its own PID namespace, mount namespace and /dev/shm,
//! see common/world.rs), so it sees exactly the objects and processes it made.

mod common;

use common::world::World;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

/// Python: create a 10000-byte SharedMemory, fill it, and hold it.
const PY_CREATE: &str = r#"
import os, time
from multiprocessing import shared_memory
s = shared_memory.SharedMemory(create=True, size=10000)
s.buf[:10000] = b"x" * 10000
print("ready", os.getpid(), os.fstat(s._fd).st_ino, s.name, flush=True)
time.sleep(3600)
"#;

/// Python: attach to the SharedMemory named by argv[1] and hold it.
const PY_ATTACH: &str = r#"
import os, sys, time
from multiprocessing import shared_memory
s = shared_memory.SharedMemory(name=sys.argv[1])
print("ready", os.getpid(), flush=True)
time.sleep(3600)
"#;

/// Python: a sealable memfd held only by its fd (never mapped), sealed against shrinking
/// and growing.
const PY_MEMFD: &str = r#"
import fcntl, os, time
fd = os.memfd_create("py-fd-only", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
os.ftruncate(fd, 8192)
os.write(fd, b"y" * 100)
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW)
print("ready", os.getpid(), os.fstat(fd).st_ino, flush=True)
time.sleep(3600)
"#;

fn python() -> bool {
    let ok = std::process::Command::new("python3")
        .args([
            "-c",
            "import multiprocessing.shared_memory, os; os.memfd_create",
        ])
        .status()
        .is_ok_and(|s| s.success());
    prerequisite(
        ok,
        "python3 with multiprocessing.shared_memory and os.memfd_create",
    )
}

fn names(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

fn by_name<'a>(objects: &'a [Value], name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {objects:?}"))
}

fn holder_pids(o: &Value) -> Vec<i64> {
    o["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["pid"].as_i64().unwrap())
        .collect()
}

/// What the world's `stat` says of every file in its /dev/shm: name -> (size, uid, perms).
fn stat_of_dev_shm(w: &World) -> std::collections::BTreeMap<String, (u64, u64, String)> {
    w.sh("for f in /dev/shm/*; do [ -f \"$f\" ] && stat -c '%n|%s|%u|%a' \"$f\"; done; true")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            (
                f[0].trim_start_matches("/dev/shm").to_string(),
                (
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].to_string(),
                ),
            )
        })
        .collect()
}

/// `lsipc -M --json` (util-linux 2.41 and later), when this machine's lsipc has it.
fn lsipc_posix(w: &World) -> Option<Vec<Value>> {
    let out = w
        .command("lsipc")
        .args([
            "-M",
            "--json",
            "--bytes",
            "--notruncate",
            "-o",
            "NAME,SIZE,UID,PERMS",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    v.as_object()?.values().next()?.as_array().cloned()
}

#[test]
fn python_shared_memory_held_by_a_second_process_agrees_with_stat_and_lsipc() {
    if !python() {
        return;
    }
    isolate();
    let w = World::new();
    let a = w.python(PY_CREATE);
    let file = a.words[2].clone();
    let name = format!("/{file}");
    let b = w.spawn("python3", &["-c", PY_ATTACH, &file]);

    let objects = w.objects(&["--posix"]);
    assert_eq!(names(&objects), std::slice::from_ref(&name));
    let o = &objects[0];
    assert_eq!(o["kind"], "posix");
    assert_eq!(o["inode"], a.inode);
    assert_eq!(o["size"], 10000);
    assert_eq!(o["allocated"], 12288, "three pages written");
    assert_eq!(
        (&o["uid"], &o["owner"], &o["perms"]),
        (&json!(0), &json!("root"), &json!("600"))
    );
    assert_eq!(o["status"], json!([]));
    assert_eq!(o["seals"], Value::Null);
    assert!(o["mtime"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(holder_pids(o), [a.pid, b.pid]);
    for h in o["holders"].as_array().unwrap() {
        assert_eq!(h["command"], "python3");
        assert_eq!(h["mappings"], 1, "{h}");
        assert!(h["fds"].as_u64().unwrap() >= 1, "{h}");
        assert_eq!(h["readonly"], false);
    }

    let info = w.json(&["info", &name, "--json"]);
    assert_eq!(info["path"], format!("/dev/shm/{file}"));
    assert_eq!(info["unreadable_processes"], 0);
    assert_eq!(holder_pids(&info), [a.pid, b.pid]);
    let text = stdout(&w.run(&["info", &name]));
    assert!(text.contains("holders    2 processes"), "{text}");
    let table = stdout(&w.run(&["ls", "--posix"]));
    assert!(
        table.contains(&format!("{} python3 (2 fds, map)", a.pid)),
        "{table}"
    );

    // Another object beside it, another owner and mode, to compare with what others say.
    w.sh("head -c 5000 /dev/zero > /dev/shm/other && chown 65534:65534 /dev/shm/other && chmod 644 /dev/shm/other");
    let ours = w.objects(&["--posix"]);
    let stat = stat_of_dev_shm(&w);
    assert_eq!(stat.len(), 2);
    for (n, (size, uid, perms)) in &stat {
        let o = by_name(&ours, n);
        assert_eq!(
            (o["size"].as_u64(), o["uid"].as_u64()),
            (Some(*size), Some(*uid)),
            "{n}"
        );
        assert_eq!(o["perms"], *perms.as_str(), "{n}");
    }
    assert_eq!(by_name(&ours, "/other")["owner"], "nobody");
    if let Some(theirs) = lsipc_posix(&w) {
        assert_eq!(theirs.len(), ours.len(), "{theirs:?}");
        for t in &theirs {
            let n = format!("/{}", t["name"].as_str().unwrap().trim_start_matches('/'));
            let o = by_name(&ours, &n);
            let num = |v: &Value| v.as_u64().or_else(|| v.as_str()?.parse().ok());
            assert_eq!(num(&t["size"]), o["size"].as_u64(), "{n}");
            assert_eq!(num(&t["uid"]), o["uid"].as_u64(), "{n}");
            let perms = t["perms"].as_str().unwrap_or_default();
            let mode = u32::from_str_radix(o["perms"].as_str().unwrap(), 8).unwrap();
            assert!(
                perms == o["perms"] || perms == shmctl_rs::units::mode_string(mode),
                "{n}: {perms}"
            );
        }
    } else {
        eprintln!("lsipc has no -M here (util-linux before 2.41): compared with stat only");
    }
}

#[test]
fn an_object_unlinked_while_mapped_is_listed_as_deleted_with_its_holder() {
    isolate();
    let w = World::new();
    let gone = w.holder(&["posix", "/cdel", "20000", "unlink", "close"]);
    assert!(stat_of_dev_shm(&w).is_empty(), "no name left");
    let again = w.holder(&["posix", "/cdel", "4096"]);

    let objects = w.objects(&["--posix"]);
    assert_eq!(objects.len(), 2, "one object per inode: {objects:?}");
    let deleted: Vec<&Value> = objects
        .iter()
        .filter(|o| o["status"] == json!(["deleted"]))
        .collect();
    assert_eq!(deleted.len(), 1);
    let d = deleted[0];
    assert_eq!(d["name"], "/cdel");
    assert_eq!(d["inode"], gone.inode);
    assert_eq!(d["size"], 20000, "read through /proc/PID/map_files");
    assert_eq!(d["allocated"], 20480);
    assert_eq!(d["perms"], "600");
    assert_eq!(
        d["holders"],
        json!([{"pid": gone.pid, "command": "shm_holder", "uid": 0, "user": "root", "fds": 0, "mappings": 1, "readonly": false}])
    );
    let linked = objects.iter().find(|o| o["inode"] == again.inode).unwrap();
    assert_eq!(linked["status"], json!([]));
    assert_eq!(linked["holders"][0]["fds"], 1);

    // info names the linked one, and says there is more.
    let info = w.json(&["info", "/cdel", "--json"]);
    assert_eq!(info["inode"], again.inode);
    let text = stdout(&w.run(&["info", "/cdel"]));
    assert!(
        text.contains("1 more unlinked object of this name"),
        "{text}"
    );

    // rm unlinks the linked one; it lives on, nameless, with its holder.
    let rm = stdout(&w.run(&["rm", "/cdel"]));
    assert_eq!(
        rm,
        format!(
            "unlinked POSIX object /cdel (4 KiB, 4 KiB allocated): still held by 1 process ({} shm_holder), freed when the last one lets go\n",
            again.pid
        )
    );
    let objects = w.objects(&["--posix"]);
    assert!(
        objects.iter().all(|o| o["status"] == json!(["deleted"])),
        "{objects:?}"
    );
    let info = w.json(&["info", "/cdel", "--json"]);
    assert_eq!(info["status"], json!(["deleted"]));
    assert_eq!(info["path"], Value::Null);
    let err = w.fails(&["rm", "/cdel"], 3);
    assert!(err.contains("unlinked and is still held by"), "{err}");

    // Its memory goes with its last holder.
    w.kill(gone.pid);
    eventually(Duration::from_secs(10), "the deleted object to go", || {
        w.objects(&["--posix"]).len() == 1
    });
    assert!(
        w.objects(&["--posix", "--unheld", "--include-unknown"])
            .is_empty(),
        "deleted is never unheld"
    );
}

#[test]
fn memfds_held_only_by_an_fd_or_only_by_a_mapping() {
    if !python() {
        return;
    }
    isolate();
    let w = World::new();
    let fd_only = w.python(PY_MEMFD);
    let map_only = w.holder(&["memfd", "c-map-only", "16384", "close"]);
    let sealed = w.holder(&["memfd", "c-sealed", "4096", "seal"]);

    let objects = w.objects(&["--memfd"]);
    let find = |inode: u64| {
        objects
            .iter()
            .find(|o| o["inode"] == inode)
            .unwrap_or_else(|| panic!("memfd {inode} in {objects:?}"))
            .clone()
    };
    let f = find(fd_only.inode);
    assert_eq!(f["kind"], "memfd");
    assert_eq!(f["name"], "memfd:py-fd-only");
    assert_eq!((&f["size"], &f["allocated"]), (&json!(8192), &json!(4096)));
    assert_eq!(f["seals"], json!(["shrink", "grow"]));
    assert_eq!(f["holders"][0]["pid"], fd_only.pid);
    assert_eq!(
        (&f["holders"][0]["fds"], &f["holders"][0]["mappings"]),
        (&json!(1), &json!(0))
    );
    assert_eq!(f["status"], json!([]));

    let m = find(map_only.inode);
    assert_eq!(m["name"], "memfd:c-map-only");
    assert_eq!(
        (&m["size"], &m["allocated"]),
        (&json!(16384), &json!(16384))
    );
    assert_eq!(
        m["seals"],
        json!(["seal"]),
        "not sealable: F_SEAL_SEAL from birth"
    );
    assert_eq!(
        (&m["holders"][0]["fds"], &m["holders"][0]["mappings"]),
        (&json!(0), &json!(1))
    );

    let s = find(sealed.inode);
    assert_eq!(s["seals"], json!(["shrink", "grow"]));
    assert_eq!(
        (&s["holders"][0]["fds"], &s["holders"][0]["mappings"]),
        (&json!(1), &json!(1))
    );

    let info = w.json(&["info", &format!("memfd:{}", map_only.inode), "--json"]);
    assert_eq!(info["name"], "memfd:c-map-only");
    let text = stdout(&w.run(&["info", &format!("memfd:{}", fd_only.inode)]));
    assert!(text.contains("seals      shrink, grow"), "{text}");
    w.fails(&["info", "memfd:1"], 3);
    let err = w.fails(&["rm", &format!("memfd:{}", fd_only.inode)], 2);
    assert!(err.contains("a memfd has no name to remove"), "{err}");

    let both = w.objects(&["--posix", "--memfd"]);
    assert!(
        both.iter().all(|o| o["kind"] == "memfd"),
        "no POSIX object here"
    );
    let table = stdout(&w.run(&["ls", "--memfd"]));
    assert!(
        table.contains(&format!("{} shm_holder (map)", map_only.pid)),
        "{table}"
    );

    // Gone with its holder: a memfd exists only while held.
    w.kill(map_only.pid);
    eventually(Duration::from_secs(10), "the memfd to go", || {
        !w.objects(&["--memfd"])
            .iter()
            .any(|o| o["inode"] == map_only.inode)
    });

    // Someone who may read no holder sees none of them, and is told why.
    let out = w.as_nobody(&["ls", "--memfd", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["objects"], json!([]));
    let out = w.as_nobody(&["ls", "--memfd"]);
    assert!(
        stderr(&out).contains("could not be read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_object_in_another_mount_namespace_is_found_through_ns_and_all_namespaces() {
    isolate();
    let w = World::new();
    let here = w.holder(&["posix", "/here", "4096"]);
    // A container: its own mount namespace with its own tmpfs on /dev/shm.
    let boxed = |cmd: &str| {
        let script = format!(
            "mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec '{}' {cmd}",
            c_program("shm_holder").display()
        );
        w.spawn(
            "unshare",
            &[
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                &script,
            ],
        )
    };
    let inside = boxed("posix /inbox 8192");
    let pid = inside.pid.to_string();
    let mnt = |p: &str| -> u64 {
        w.sh(&format!("stat -L -c %i /proc/{p}/ns/mnt"))
            .trim()
            .parse()
            .unwrap()
    };
    let (theirs, ours) = (mnt(&pid), mnt("self"));
    assert_ne!(theirs, ours);
    // A mount namespace that shares our /dev/shm: its objects are ours, listed once.
    let sharing = w.spawn(
        "unshare",
        &[
            "--mount",
            "--",
            "sh",
            "-c",
            "echo ready $$; exec sleep 3600",
        ],
    );
    assert_ne!(mnt(&sharing.pid.to_string()), ours);

    assert_eq!(names(&w.objects(&["--posix"])), ["/here"]);
    let there = w.objects(&["--posix", "--ns", &pid]);
    assert_eq!(names(&there), ["/inbox"]);
    assert_eq!(holder_pids(&there[0]), [inside.pid]);
    assert_eq!(there[0]["inode"], inside.inode);
    let info = w.json(&["--ns", &pid, "info", "/inbox", "--json"]);
    assert_eq!(info["path"], format!("/proc/{pid}/root/dev/shm/inbox"));
    w.fails(&["info", "/inbox"], 3);

    let all = w.objects(&["--posix", "-A"]);
    assert_eq!(all.len(), 2, "{all:?}");
    let inbox = by_name(&all, "/inbox");
    assert_eq!(inbox["namespace"]["inode"], theirs);
    assert_eq!(inbox["namespace"]["pid"], inside.pid);
    assert_eq!(by_name(&all, "/here")["namespace"]["inode"], ours);
    let table = stdout(&w.run(&["ls", "--posix", "-A"]));
    assert!(table.starts_with("NAMESPACE"), "{table}");
    assert!(
        table.contains(&format!("{theirs} ({pid} shm_holder)")),
        "{table}"
    );

    // create and rm act in that namespace's /dev/shm.
    let made = w.json(&[
        "create", "--ns", &pid, "--posix", "/made-in", "--size", "4K", "--json",
    ]);
    assert_eq!(made["path"], format!("/proc/{pid}/root/dev/shm/made-in"));
    assert_eq!(
        names(&w.objects(&["--posix", "--ns", &pid])),
        ["/inbox", "/made-in"]
    );
    assert_eq!(names(&w.objects(&["--posix"])), ["/here"]);
    assert!(w.run(&["rm", "--ns", &pid, "/made-in"]).status.success());
    assert_eq!(names(&w.objects(&["--posix", "--ns", &pid])), ["/inbox"]);
    w.fails(&["rm", "/inbox"], 3);
    assert_eq!(names(&w.objects(&["--posix", "--ns", &pid])), ["/inbox"]);

    // memfds belong to their holders' mount namespace.
    let memfd = boxed("memfd boxed 4096");
    let mine = w.holder(&["memfd", "mine", "4096"]);
    let inodes = |args: &[&str]| -> BTreeSet<u64> {
        w.objects(args)
            .iter()
            .map(|o| o["inode"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(inodes(&["--memfd"]), BTreeSet::from([mine.inode]));
    let mpid = memfd.pid.to_string();
    assert_eq!(
        inodes(&["--memfd", "--ns", &mpid]),
        BTreeSet::from([memfd.inode])
    );
    let all = w.objects(&["--memfd", "-A"]);
    let boxed_one = all.iter().find(|o| o["inode"] == memfd.inode).unwrap();
    assert_eq!(boxed_one["namespace"]["pid"], memfd.pid);

    // An ipc namespace file names no /dev/shm; a missing process names no namespace (a
    // bad --ns, as for segments).
    let err = w.fails(&["ls", "--posix", "--ns", "/proc/self/ns/ipc"], 2);
    assert!(err.contains("give a process instead"), "{err}");
    let err = w.fails(&["ls", "--posix", "--ns", "999999"], 2);
    assert!(err.contains("no such namespace"), "{err}");
    drop(here);
}

#[test]
fn unheld_objects_are_listed_and_removing_them_is_shown_then_done() {
    isolate();
    let w = World::new();
    assert!(
        w.run(&["create", "--posix", "/idle-empty", "--size", "64K"])
            .status
            .success()
    );
    w.sh("head -c 10000 /dev/zero > /dev/shm/idle-full");
    let busy = w.holder(&["posix", "/busy", "4096"]);
    // Held only by an fd (a shell's, opened for reading): held all the same.
    let reader = w.spawn(
        "sh",
        &[
            "-c",
            ": > /dev/shm/fd-only && exec 3</dev/shm/fd-only && echo ready $$ && exec sleep 3600",
        ],
    );
    let fd_only = by_name(&w.objects(&["--posix"]), "/fd-only").clone();
    assert_eq!(fd_only["status"], json!([]));
    assert_eq!(
        fd_only["holders"],
        json!([{"pid": reader.pid, "command": "sleep", "uid": 0, "user": "root", "fds": 1, "mappings": 0, "readonly": true}])
    );

    let unheld = w.objects(&["--posix", "--unheld", "--include-unknown"]);
    assert_eq!(names(&unheld), ["/idle-empty", "/idle-full"]);
    assert!(unheld.iter().all(|o| o["status"] == json!(["unheld"])));
    assert_eq!(
        by_name(&w.objects(&["--posix"]), "/busy")["status"],
        json!([])
    );
    assert_eq!(
        names(&w.objects(&["--posix", "--attached"])),
        ["/busy", "/fd-only"]
    );

    let dry = w.run(&[
        "rm",
        "--posix",
        "--unheld",
        "--include-unknown",
        "--dry-run",
    ]);
    assert_eq!(
        stdout(&dry),
        "would remove POSIX object /idle-empty (64 KiB, 0 B allocated)\n\
         would remove POSIX object /idle-full (9.8 KiB, 12 KiB allocated)\n\
         would remove 2 unheld POSIX objects, 12 KiB freed\n"
    );
    assert_eq!(
        w.objects(&["--posix"]).len(),
        4,
        "a dry run removes nothing"
    );

    // Someone who cannot read every process is told so, and nothing is called unheld.
    let out = w.as_nobody(&["ls", "--posix", "--unheld", "--include-unknown"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "shmctl-rs: cannot tell which POSIX objects are unheld: the maps or fds of"
        ),
        "{}",
        stderr(&out)
    );
    let out = w.as_nobody(&[
        "rm",
        "--posix",
        "--unheld",
        "--include-unknown",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let out = w.as_nobody(&["ls", "--posix", "--json"]);
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    for o in seen["objects"].as_array().unwrap() {
        assert_eq!(o["status"], json!([]), "{o}");
        assert_eq!(o["holders"], json!([]), "{o}");
    }
    assert!(
        stderr(&w.as_nobody(&["ls", "--posix"])).contains("no object is called unheld"),
        "the table says why"
    );

    let done = w.json(&["rm", "--posix", "--unheld", "--include-unknown", "--json"]);
    assert_eq!(done["freed_bytes"], 12288);
    let results = done["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["action"] == "removed" && r["shmid"].is_null())
    );
    assert_eq!(results[1]["allocated"], 12288);
    assert_eq!(names(&w.objects(&["--posix"])), ["/busy", "/fd-only"]);
    assert!(
        w.objects(&["--posix", "--unheld", "--include-unknown"])
            .is_empty()
    );
    let none = stdout(&w.run(&["rm", "--posix", "--unheld", "--include-unknown"]));
    assert_eq!(none, "removed 0 unheld POSIX objects, 0 B freed\n");

    w.fails(&["rm", "--unheld"], 2);
    w.fails(&["rm", "--posix"], 2);
    w.fails(&["rm", "--posix", "--unheld", "/busy"], 2);
    drop(busy);
}

#[test]
fn create_posix_makes_an_exact_object_that_a_c_program_opens() {
    isolate();
    let w = World::new();
    let made = w.sh(&format!(
        "umask 077; '{}' create --posix /made --size 64K --mode 640 --json",
        bin().display()
    ));
    let made: Value = serde_json::from_str(&made).unwrap();
    let mut printed: Vec<&String> = made.as_object().unwrap().keys().collect();
    printed.sort();
    let mut documented: Vec<String> = shmctl_rs::docs::OBJECT_CREATE_FIELDS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    documented.sort();
    assert_eq!(printed, documented.iter().collect::<Vec<_>>());
    assert_eq!(made["name"], "/made");
    assert_eq!(made["path"], "/dev/shm/made");
    assert_eq!(made["size"], 65536);
    assert_eq!(
        made["perms"], "640",
        "the mode as asked, whatever the umask"
    );
    assert_eq!(w.sh("stat -c '%a %s %U' /dev/shm/made"), "640 65536 root\n");
    let reader = w.holder(&["open", "/made", "ro"]);
    assert_eq!(reader.inode, made["inode"].as_u64().unwrap());
    let o = &w.objects(&["--posix"])[0];
    assert_eq!(
        (
            &o["holders"][0]["fds"],
            &o["holders"][0]["mappings"],
            &o["holders"][0]["readonly"]
        ),
        (&json!(1), &json!(1), &json!(true))
    );

    let text = stdout(&w.run(&["create", "--posix", "/sentence", "-s", "1M"]));
    assert_eq!(
        text,
        "created POSIX object /sentence (/dev/shm/sentence), 1 MiB (1048576 bytes), perms 600 (rw-------)\n"
    );
    assert_eq!(
        stdout(&w.run(&["create", "--posix", "/quiet", "-s", "0", "-q"])),
        "/quiet\n"
    );
    let err = w.fails(&["create", "--posix", "/made", "--size", "1"], 5);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        w.sh("stat -c %s /dev/shm/made"),
        "65536\n",
        "left as it was"
    );

    // A name another user planted as a symlink is not followed, nor its target made.
    let target = tempfile::tempdir().unwrap();
    w.sh(&format!(
        "setpriv --reuid=65534 --regid=65534 --clear-groups ln -s '{}/made-by-root' /dev/shm/planted",
        target.path().display()
    ));
    let err = w.fails(&["create", "--posix", "/planted", "--size", "1"], 5);
    assert!(err.contains("already exists"), "{err}");
    assert!(!target.path().join("made-by-root").exists());

    for bad in ["/a/b", "x", "/", "/.."] {
        w.fails(&["create", "--posix", bad, "--size", "1"], 2);
    }
    w.fails(
        &["create", "--posix", "/k", "--size", "1", "--key", "0x10"],
        2,
    );
    w.fails(&["create", "--posix", "/h", "--size", "1", "--hugetlb"], 2);
    let err = w.fails(&["create", "--posix", "/huge", "--size", "8EiB"], 6);
    assert!(err.contains("larger than a file"), "{err}");
    assert!(
        !stat_of_dev_shm(&w).contains_key("/huge"),
        "nothing left behind"
    );
}

#[test]
fn rm_unlinks_exactly_the_named_objects_and_says_who_still_holds_them() {
    if !python() {
        return;
    }
    isolate();
    let w = World::new();
    assert!(
        w.run(&["create", "--posix", "/a", "--size", "4096"])
            .status
            .success()
    );
    let holder = w.python(PY_CREATE);
    let b = format!("/{}", holder.words[2]);
    assert!(
        w.run(&["create", "--posix", "/untouched", "--size", "1"])
            .status
            .success()
    );

    let dry = stdout(&w.run(&["rm", "--include-unknown", "--dry-run", "/a", &b]));
    assert_eq!(
        dry,
        format!(
            "would remove POSIX object /a (4 KiB, 0 B allocated)\n\
             would unlink POSIX object {b} (9.8 KiB, 12 KiB allocated): held by 1 process ({} python3), freed when the last one lets go\n",
            holder.pid
        )
    );
    assert_eq!(w.objects(&["--posix"]).len(), 3);

    // A segment and objects in one command, one report.
    let id = w.json(&["create", "--size", "4096", "--json"])["shmid"].to_string();
    let report = w.json(&["rm", "--include-unknown", "/a", &b, &id, "/a", "--json"]);
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "/a named twice is removed once: {report}");
    assert_eq!(
        (&results[0]["target"], &results[0]["action"]),
        (&json!("/a"), &json!("removed"))
    );
    assert_eq!(results[1]["action"], "marked");
    assert_eq!(results[1]["holders"][0]["pid"], holder.pid);
    assert_eq!(results[2]["shmid"].to_string(), id);
    assert!(
        results[2].get("holders").is_none(),
        "segments keep their fields"
    );
    assert_eq!(
        report["freed_bytes"], 4096,
        "the segment's size, /a's blocks"
    );
    let now = w.objects(&["--posix"]);
    assert_eq!(names(&now), [b.clone(), "/untouched".to_string()]);
    assert_eq!(by_name(&now, &b)["status"], json!(["deleted"]));

    let err = w.fails(&["rm", "/nope"], 3);
    assert_eq!(
        err,
        "shmctl-rs: POSIX object /nope: no such object in /dev/shm (it may have been removed)\n"
    );
    // A symlink, a FIFO, a directory or a socket in /dev/shm is no object, is said to be
    // what it is, and is left alone.
    w.sh("ln -s /etc/passwd /dev/shm/link && mkfifo /dev/shm/fifo && mkdir /dev/shm/dir");
    w.sh("python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind(\"/dev/shm/sock\")'");
    for (other, kind) in [
        ("/link", "a symbolic link"),
        ("/fifo", "a FIFO"),
        ("/dir", "a directory"),
        ("/sock", "a socket"),
    ] {
        let said = format!(
            "shmctl-rs: POSIX object {other}: /dev/shm{other} is {kind}, not a shared-memory object\n"
        );
        assert_eq!(w.fails(&["rm", other], 3), said);
        assert_eq!(w.fails(&["info", other], 3), said);
        let err = w.fails(&["create", "--posix", other, "--size", "4096"], 5);
        assert!(
            err.contains(&format!(
                "is {kind}, not a shared-memory object; choose another name"
            )),
            "{err}"
        );
    }
    assert_eq!(
        w.sh("ls /dev/shm | sort | tr '\\n' ' '"),
        "dir fifo link sock untouched "
    );

    // Another user may not unlink what is not theirs: the sticky bit.
    let out = w.as_nobody(&["rm", "/untouched"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("sticky"), "{}", stderr(&out));
    assert_eq!(
        names(&w.objects(&["--posix"])),
        [b, "/untouched".to_string()]
    );
}

#[test]
fn ls_posix_filters_sorts_and_prints_like_ls() {
    isolate();
    let w = World::new();
    w.sh(
        "head -c 100 /dev/zero > /dev/shm/a; \
         head -c 1048576 /dev/zero > /dev/shm/b; chown 65534:65534 /dev/shm/b; chmod 644 /dev/shm/b; \
         head -c 65536 /dev/zero > /dev/shm/c; \
         : > \"/dev/shm/new\nline\"; head -c 32 /dev/zero > /dev/shm/sem.lock",
    );
    let _c = w.holder(&["open", "/c"]);
    // A FIFO of /dev/shm held open and unlinked is no object, deleted or not.
    let _fifo = w.spawn(
        "sh",
        &["-c", "mkfifo /dev/shm/fifo && exec 3<>/dev/shm/fifo && rm /dev/shm/fifo && echo ready $$ && exec sleep 3600"],
    );
    let list = |args: &[&str]| {
        let mut all = vec!["--posix"];
        all.extend_from_slice(args);
        names(&w.objects(&all))
    };
    let nl = "/new\nline".to_string();
    assert_eq!(
        list(&[]),
        ["/a", "/b", "/c", &nl],
        "semaphores are left out"
    );
    assert_eq!(list(&["--sort", "size", "-r"]), ["/b", "/c", "/a", &nl]);
    assert_eq!(list(&["--min-size", "64K"]), ["/b", "/c"]);
    assert_eq!(list(&["--owner", "nobody"]), ["/b"]);
    assert_eq!(list(&["--attached"]), ["/c"]);
    assert_eq!(list(&["--sort", "holders", "-r"])[0], "/c");

    let raw = stdout(&w.run(&["ls", "--posix", "--raw", "-o", "name,size,uid,perms"]));
    assert_eq!(
        raw,
        "/a\t100\t0\t644\n/b\t1048576\t65534\t644\n/c\t65536\t0\t644\n/new\\x0aline\t0\t0\t644\n"
    );
    let table = stdout(&w.run(&["ls", "--posix"]));
    assert_eq!(table.lines().count(), 5, "one line per object: {table}");
    assert!(
        table.lines().any(|l| l.starts_with("/new\\x0aline")),
        "{table}"
    );
    assert!(stdout(&w.run(&["ls", "--posix", "--bytes"])).contains("1048576"));
    let all = stdout(&w.run(&["ls", "--posix", "--output-all"]));
    assert!(
        all.starts_with("KIND   NAME") && !all.contains("NAMESPACE"),
        "{all}"
    );

    let err = w.fails(&["ls", "--posix", "-o", "shmid"], 2);
    assert!(
        err.contains("column 'shmid' is a column of System V segments"),
        "{err}"
    );
    let err = w.fails(&["ls", "-o", "name"], 2);
    assert!(err.contains("add --posix or --memfd"), "{err}");
    w.fails(&["ls", "--posix", "--sort", "nattch"], 2);
    w.fails(&["ls", "--posix", "--key", "0x1"], 2);
    w.fails(&["ls", "--posix", "--watch", "1s"], 2);
    w.fails(&["ls", "--unheld"], 2);
    let err = w.fails(&["info", "/sem.lock"], 3);
    assert!(err.contains("is a POSIX semaphore"), "{err}");

    // Every field printed is documented, and every documented one printed.
    let mut documented: Vec<&str> = shmctl_rs::docs::OBJECT_FIELDS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.contains('.'))
        .collect();
    documented.sort();
    let with_ns = w.objects(&["--posix", "-A"]);
    let mut printed: Vec<String> = with_ns[0].as_object().unwrap().keys().cloned().collect();
    printed.sort();
    assert_eq!(printed, documented);
    let mut holder_fields: Vec<String> = by_name(&with_ns, "/c")["holders"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("holders[].{k}"))
        .collect();
    holder_fields.sort();
    let mut documented_holder: Vec<&str> = shmctl_rs::docs::OBJECT_FIELDS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| n.starts_with("holders[]."))
        .collect();
    documented_holder.sort();
    assert_eq!(holder_fields, documented_holder);
    let info = w.json(&["info", "/c", "--json"]);
    let mut info_fields: Vec<String> = info.as_object().unwrap().keys().cloned().collect();
    info_fields.sort();
    let mut documented_info: Vec<&str> = shmctl_rs::docs::OBJECT_FIELDS
        .iter()
        .chain(shmctl_rs::docs::OBJECT_INFO_FIELDS)
        .map(|(n, _)| *n)
        .filter(|n| !n.contains('.') && *n != "namespace")
        .collect();
    documented_info.sort();
    assert_eq!(info_fields, documented_info);
}

/// lsipc's `--export`, `--noheadings`, `-P` and `--time-format` shape the objects'
/// listing too; a name any user can plant in /dev/shm is never run by `eval`.
#[test]
fn export_of_objects_is_safe_to_eval() {
    isolate();
    let w = World::new();
    w.sh("setpriv --reuid=65534 --regid=65534 --clear-groups touch '/dev/shm/x$(touch${IFS}pwned)`touch${IFS}pwned`'; \
          head -c 4096 /dev/zero > /dev/shm/plain");
    let dir = tempfile::tempdir().unwrap();
    let export = stdout(&w.run(&["ls", "--posix", "-e", "-o", "name,size,perms"]));
    assert_eq!(export.lines().count(), 2, "{export}");
    assert!(
        export
            .lines()
            .any(|l| l == "NAME=\"/plain\" SIZE=\"4 KiB\" PERMS=\"rw-r--r--\""),
        "{export}"
    );
    let script = format!("{export}\necho \"$NAME\"");
    let out = w
        .command("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // As lsipc writes it: `$` and `` ` `` as \xHH, which double quotes keep as text.
    assert_eq!(
        stdout(&out),
        "/x\\x24(touch\\x24{IFS}pwned)\\x60touch\\x24{IFS}pwned\\x60\n"
    );
    assert!(!dir.path().join("pwned").exists(), "eval ran a file's name");
    let pairs = stdout(&w.run(&["ls", "--posix", "-e", "-n", "-o", "name,size"]));
    assert_eq!(pairs.lines().count(), 4, "{pairs}");
    let table = stdout(&w.run(&["ls", "--posix", "--noheadings", "-P", "-o", "name,perms"]));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("/plain") && l.ends_with("644")),
        "{table}"
    );
    assert!(!table.contains("NAME"), "{table}");
    let iso = stdout(&w.run(&["ls", "--posix", "--time-format", "iso", "-o", "name,mtime"]));
    assert!(iso.contains("+00:00"), "{iso}");
}

#[test]
fn a_reader_that_stops_and_a_full_stdout_are_handled() {
    isolate();
    let w = World::new();
    w.sh(
        "i=0; while [ $i -lt 1000 ]; do : > /dev/shm/object-with-a-long-name.$i; i=$((i+1)); done",
    );
    let bin = bin();
    let out = w
        .command("bash")
        .args([
            "-c",
            &format!(
                "'{}' ls --posix --output-all | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
                bin.display()
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "0", "{}", stderr(&out));
    assert!(
        stderr(&out).is_empty(),
        "a broken pipe is said nowhere: {}",
        stderr(&out)
    );
    let full = w
        .command("sh")
        .args(["-c", &format!("'{}' ls --posix >/dev/full", bin.display())])
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(1));
    assert_eq!(stderr(&full).lines().count(), 1, "{}", stderr(&full));
    let quiet_err = w
        .command("sh")
        .args([
            "-c",
            &format!(
                "'{}' ls --posix -o nope 2>/dev/full; echo $?",
                bin.display()
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&quiet_err).trim(), "2");
}

#[test]
fn openmetrics_has_per_object_gauges_that_a_real_parser_reads() {
    isolate();
    let w = World::new();
    let gone = w.holder(&["posix", "/metric", "8192", "unlink"]);
    let memfd = w.holder(&["memfd", "m", "4096"]);
    let o = w.run(&["ls", "--posix", "--memfd", "--format", "openmetrics"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.ends_with("# EOF\n"), "{text}");
    if !prometheus_client() {
        return;
    }
    let parsed = parse_openmetrics(&text);
    let size = &parsed["shmctl_rs_posix_object_size_bytes"][0];
    assert_eq!(size[0]["name"], "/metric");
    assert_eq!(size[0]["inode"], gone.inode.to_string());
    assert_eq!(size[1], 8192.0);
    assert_eq!(parsed["shmctl_rs_posix_object_deleted"][0][1], 1.0);
    assert_eq!(parsed["shmctl_rs_posix_object_processes"][0][1], 1.0);
    assert_eq!(parsed["shmctl_rs_posix_objects"][0][1], 1.0);
    let m = parsed["shmctl_rs_memfd_processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0]["inode"].as_str() == Some(memfd.inode.to_string().as_str()))
        .unwrap();
    assert_eq!(m[1], 1.0);
}

#[test]
fn a_process_root_whose_dev_shm_is_a_symlink_resolves_inside_that_root() {
    if !python() {
        return;
    }
    isolate();
    let w = World::new();
    let jail = |root: &std::path::Path| {
        w.python(&format!(
            "import os, time\nos.chroot({:?})\nos.chdir('/')\nprint('ready', os.getpid(), flush=True)\ntime.sleep(3600)",
            root.display().to_string()
        ))
    };
    // A hostile root: its /dev/shm points at a directory of ours, by an absolute path.
    let victim = tempfile::tempdir().unwrap();
    std::fs::write(victim.path().join("precious"), b"keep").unwrap();
    let hostile = tempfile::tempdir().unwrap();
    std::fs::create_dir(hostile.path().join("dev")).unwrap();
    std::os::unix::fs::symlink(victim.path(), hostile.path().join("dev/shm")).unwrap();
    let h = jail(hostile.path()).pid.to_string();
    w.fails(&["ls", "--posix", "--ns", &h], 3);
    w.fails(&["rm", "--ns", &h, "/precious"], 3);
    w.fails(
        &["create", "--ns", &h, "--posix", "/planted", "--size", "1"],
        3,
    );
    assert!(victim.path().join("precious").exists());
    assert!(!victim.path().join("planted").exists());
    assert!(
        !names(&w.objects(&["--posix", "-A"])).contains(&"/precious".to_string()),
        "nothing of ours is listed as theirs"
    );
    // An old-style root whose /dev/shm -> /run/shm: that root's /run/shm.
    let old = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(old.path().join("run/shm")).unwrap();
    std::fs::create_dir(old.path().join("dev")).unwrap();
    std::fs::write(old.path().join("run/shm/inside"), b"x").unwrap();
    std::os::unix::fs::symlink("/run/shm", old.path().join("dev/shm")).unwrap();
    let o = jail(old.path()).pid.to_string();
    assert_eq!(names(&w.objects(&["--posix", "--ns", &o])), ["/inside"]);
}

#[test]
fn objects_and_holders_that_come_and_go_under_ls_give_no_crash() {
    isolate();
    let w = World::new();
    let holder = c_program("shm_holder");
    // Objects made, held, unlinked and let go in a loop while ls looks.
    let churn = w
        .command("sh")
        .args([
            "-c",
            &format!(
                "i=0; while [ $i -lt 200 ]; do \
                   '{h}' posix /churn.$i 8192 unlink & p=$!; : > /dev/shm/plain.$i; \
                   sleep 0.01; kill -9 $p; rm -f /dev/shm/plain.$i; wait $p 2>/dev/null; i=$((i+1)); done",
                h = holder.display()
            ),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut churn = Spawned::from(churn);
    let mut runs = 0;
    while matches!(churn.child().try_wait(), Ok(None)) && runs < 200 {
        for args in [
            &["ls", "--posix", "--memfd", "--json"][..],
            &["ls", "--posix", "--output-all"],
            &["ls", "--posix", "--unheld", "--include-unknown"],
        ] {
            let o = w.run(args);
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        }
        runs += 1;
    }
    assert!(runs > 3, "listed {runs} times");
}

#[test]
fn one_pass_over_proc_serves_segments_and_posix_objects() {
    use shmctl_rs::gather::{holders, objects};
    use shmctl_rs::proc::processes;
    isolate();
    // The host's /dev/shm, under a name no one else uses, removed however the test ends.
    struct Unlink(String);
    impl Drop for Unlink {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(format!("/dev/shm{}", self.0));
        }
    }
    let name = format!("/shmctl-rs-test-one-pass.{}", std::process::id());
    let _unlink = Unlink(name.clone());
    let id = create(&["--size", "4096"]);
    let mut c = std::process::Command::new(c_program("holder"));
    c.args(["attach", &id.to_string(), "1", "rw"]);
    let mut segment_holder = Spawned::new(c);
    read_until(&mut segment_holder.lines(), |l| l.starts_with("ready"));
    let mut c = std::process::Command::new(c_program("shm_holder"));
    c.args(["posix", &name, "4096"]);
    let mut object_holder = Spawned::new(c);
    read_until(&mut object_holder.lines(), |l| l.starts_with("ready"));

    let namespace = processes::current_namespace();
    let scan = processes::scan_with(processes::Options {
        namespace,
        files: true,
    });
    let mut names = shmctl_rs::users::Names::default();
    let table = shmctl_rs::proc::sysvipc::read().unwrap();
    let segments = table
        .records
        .iter()
        .map(|r| (r.shmid.0, shmctl_rs::gather::peek::identity_of_record(r)))
        .collect();
    let by_shmid = holders::by_shmid(&scan, namespace, &segments, &mut names);
    let segment: Vec<i32> = by_shmid[&(id as i32)].iter().map(|h| h.pid).collect();
    assert_eq!(segment, [segment_holder.pid().as_raw()]);
    let query = objects::Query {
        posix: true,
        names: Some(vec![name.parse().unwrap()]),
        ..Default::default()
    };
    let listing = objects::gather_from(&query, &scan).unwrap();
    assert_eq!(listing.objects.len(), 1);
    let holders: Vec<i32> = listing.objects[0].holders.iter().map(|h| h.pid).collect();
    assert_eq!(holders, [object_holder.pid().as_raw()]);
    // Without files asked for, the scan is the System V one: no fds read.
    let sysv = processes::scan(namespace);
    assert!(
        sysv.processes
            .iter()
            .all(|p| p.fds.is_empty() && p.file_mappings.is_empty())
    );
    assert!(
        sysv.processes
            .iter()
            .any(|p| p.pid == segment_holder.pid().as_raw())
    );
}

/// A process whose main thread has exited while another runs on (pthread_exit in main):
/// /proc shows its leader as a zombie with empty maps and fds and no ns, yet it runs and
/// holds its object and segments. It is read through its live thread: it holds the
/// object and the attached segment, its unattached segment is no orphan, and --ns names it.
#[test]
fn a_process_whose_main_thread_exited_still_holds_and_creates() {
    isolate();
    let w = World::new();
    let daemon = w.spawn(c_program("exited_leader"), &["/held"]);
    let (attached, detached) = (&daemon.words[2], &daemon.words[3]);
    let pid = daemon.pid.to_string();
    eventually(Duration::from_secs(10), "the leader is a zombie", || {
        w.sh(&format!("sed -n 's/^State:\\t//p' /proc/{pid}/status"))
            .starts_with('Z')
    });
    assert_eq!(
        w.sh(&format!("cat /proc/{pid}/maps")),
        "",
        "the leader shows no maps"
    );

    let held = by_name(&w.objects(&["--posix"]), "/held").clone();
    assert_eq!(holder_pids(&held), [daemon.pid], "{held}");
    assert_eq!(held["inode"], daemon.inode);
    let unheld = w.run(&["rm", "--posix", "--unheld", "--include-unknown"]);
    assert!(unheld.status.success(), "{}", stderr(&unheld));
    assert_eq!(w.sh("ls /dev/shm"), "held\n", "a held object is kept");

    let ls = w.json(&["ls", "--pids", "--json"]);
    let segment = |id: &str| {
        ls["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["shmid"].as_i64().map(|v| v.to_string()).as_deref() == Some(id))
            .unwrap_or_else(|| panic!("segment {id} in {ls}"))
            .clone()
    };
    let holders = segment(attached)["attached"].clone();
    assert_eq!(holders.as_array().unwrap().len(), 1, "{holders}");
    assert_eq!(holders[0]["pid"], daemon.pid);
    assert!(segment(detached)["attached"].as_array().unwrap().is_empty());

    let orphans = w.json(&["ls", "--orphans", "--json"]);
    assert_eq!(orphans["segments"], json!([]), "its creator runs");
    let rm = w.run(&["rm", "--orphans"]);
    assert!(rm.status.success(), "{}", stderr(&rm));
    assert!(
        w.sh("cat /proc/sysvipc/shm")
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some(detached.as_str())),
        "the unattached segment of a running creator is kept"
    );

    // Its namespaces are its live thread's.
    let here = w.json(&["ls", "--posix", "--json", "--ns", &pid]);
    assert_eq!(names(here["objects"].as_array().unwrap()), ["/held"]);
    let segments = w.json(&["ls", "--json", "--ns", &pid]);
    assert_eq!(
        segments["segments"].as_array().unwrap().len(),
        2,
        "{segments}"
    );
}

/// Inside a PID namespace (a container sharing /dev/shm with the host, as a world is)
/// processes outside cannot be seen, and one of them may hold an object: nothing is
/// called unheld, rm --posix --unheld refuses (4) and says why, and the table says it
/// once; --include-unknown is the admin's word that no hidden process can reach it.
#[test]
fn objects_are_not_called_unheld_where_processes_may_be_hidden() {
    isolate();
    let w = World::new();
    w.sh(": > /dev/shm/in_use");
    // A process outside the world holds the world's object open.
    let mut c = std::process::Command::new("sh");
    c.args([
        "-c",
        &format!(
            "exec 3</proc/{}/root/dev/shm/in_use && echo ready && exec sleep 3600",
            w.init
        ),
    ]);
    let mut outside = Spawned::new(c);
    read_until(&mut outside.lines(), |l| l == "ready");

    let why = "cannot tell which POSIX objects are unheld: processes outside this PID namespace cannot be seen from here (--include-unknown if none of them can reach this /dev/shm)";
    let err = w.fails(&["rm", "--posix", "--unheld"], 4);
    assert_eq!(err, format!("shmctl-rs: {why}\n"));
    assert_eq!(w.sh("ls /dev/shm"), "in_use\n", "the held object is kept");
    w.fails(&["rm", "--posix", "--unheld", "--dry-run"], 4);
    w.fails(&["ls", "--posix", "--unheld"], 4);
    let o = by_name(&w.objects(&["--posix"]), "/in_use").clone();
    assert_eq!(o["status"], json!([]), "{o}");
    let table = w.run(&["ls", "--posix"]);
    assert!(table.status.success());
    let note = stderr(&table);
    assert_eq!(note.lines().count(), 1, "{note}");
    assert!(
        note.contains("Processes outside this PID namespace cannot be seen from here.")
            && note.contains("no object is called unheld"),
        "{note}"
    );
    // Removing it by name says it may still be held.
    let dry = stdout(&w.run(&["rm", "--dry-run", "/in_use"]));
    assert!(dry.contains("could not be seen or read"), "{dry}");

    // With the admin's word, the world's own objects are judged by what it sees.
    let taken = w.objects(&["--posix", "--unheld", "--include-unknown"]);
    assert_eq!(names(&taken), ["/in_use"]);
    w.fails(&["rm", "--include-unknown", "--all"], 2);
    drop(outside);
}

/// POSIX names are taken byte for byte, as shm_open takes them: "/x " is not "/x".
#[test]
fn names_with_spaces_are_exact() {
    isolate();
    let w = World::new();
    for name in ["/x", "/x "] {
        let made = w.run(&["create", "--posix", name, "--size", "4096"]);
        assert!(made.status.success(), "{}", stderr(&made));
    }
    let spaced = w.sh("stat -c %i '/dev/shm/x '");
    let info = w.json(&["info", "/x ", "--json"]);
    assert_eq!(info["name"], "/x ");
    assert_eq!(info["inode"].to_string(), spaced.trim());
    let rm = w.run(&["rm", "/x "]);
    assert!(rm.status.success(), "{}", stderr(&rm));
    assert_eq!(w.sh("ls /dev/shm"), "x\n", "only the spaced one is gone");
    let err = w.fails(&["rm", "/x "], 3);
    assert!(err.contains("POSIX object /x : no such object"), "{err}");
    let err = w.fails(&["rm", " /x"], 2);
    assert!(err.contains("' /x'"), "{err}");
    assert_eq!(w.sh("ls /dev/shm"), "x\n");
}

/// A /dev/shm file whose name is not UTF-8 is listed (its bytes escaped as \xHH), counted
/// in metrics, named by info with its own bytes, and removed by rm --unheld, never
/// mistaken for a file whose name reads the same with a real backslash.
#[test]
fn a_name_that_is_not_utf8_is_listed_escaped_and_can_be_removed() {
    use std::os::unix::ffi::OsStrExt;
    isolate();
    let w = World::new();
    w.sh("head -c 100000 /dev/zero > \"/dev/shm/$(printf 'bad\\377')\"");
    // A file whose name is the escaped text itself, held open.
    let look_alike = w.spawn(
        "sh",
        &[
            "-c",
            ": > '/dev/shm/bad\\xff' && exec 3<'/dev/shm/bad\\xff' && echo ready $$ && exec sleep 3600",
        ],
    );
    // One unlinked while a process still holds it: named from that process's fd.
    let unlinked = w.spawn(
        "sh",
        &[
            "-c",
            "f=\"/dev/shm/$(printf 'gone\\376')\" && : > \"$f\" && exec 3<\"$f\" && rm \"$f\" && echo ready $$ && exec sleep 3600",
        ],
    );
    let objects = w.objects(&["--posix"]);
    let gone = by_name(&objects, "/gone\\xfe");
    assert_eq!(
        (&gone["status"], holder_pids(gone)),
        (&json!(["deleted"]), vec![unlinked.pid]),
        "{gone}"
    );
    // The byte 0xff is \xff; the look-alike's real backslash is \x5c: no two read the same.
    let bad = by_name(&objects, "/bad\\xff");
    assert_eq!(
        (&bad["size"], &bad["holders"]),
        (&json!(100000), &json!([]))
    );
    let real = by_name(&objects, "/bad\\x5cxff");
    assert_eq!(
        (&real["size"], holder_pids(real)),
        (&json!(0), vec![look_alike.pid])
    );
    let table = stdout(&w.run(&["ls", "--posix", "-o", "name,size"]));
    for row in [["/bad\\xff", "97.7", "KiB"], ["/bad\\x5cxff", "0", "B"]] {
        assert!(
            table.lines().any(|l| l.split_whitespace().eq(row)),
            "{row:?}: {table}"
        );
    }
    let raw = stdout(&w.run(&["ls", "--posix", "--raw", "-o", "name"]));
    let mut listed: Vec<&str> = raw.lines().collect();
    listed.sort();
    assert_eq!(listed, ["/bad\\x5cxff", "/bad\\xff", "/gone\\xfe"], "{raw}");
    let metrics = stdout(&w.run(&["ls", "--posix", "--format", "openmetrics"]));
    if prometheus_client() {
        let parsed = parse_openmetrics(&metrics);
        let sizes = parsed["shmctl_rs_posix_object_size_bytes"]
            .as_array()
            .unwrap();
        assert!(
            sizes
                .iter()
                .any(|s| s[0]["name"] == "/bad\\xff" && s[1] == 100000.0),
            "{sizes:?}"
        );
    }

    // info takes a name as shown, and reads it back as exactly that name.
    for (shown, size) in [("/bad\\xff", 100000), ("/bad\\x5cxff", 0)] {
        let info = w.json(&["info", shown, "--json"]);
        assert_eq!(
            (&info["name"], &info["size"]),
            (&json!(shown), &json!(size))
        );
    }
    // rm of a name copied from the listing removes that one, not its look-alike.
    w.sh("head -c 8192 /dev/zero > \"/dev/shm/$(printf 'twin\\375')\" && : > '/dev/shm/twin\\xfd'");
    w.json(&["rm", "/twin\\xfd", "--json"]);
    assert_eq!(
        w.sh("ls /dev/shm | grep twin"),
        "twin\\xfd\n",
        "the real backslash is kept"
    );
    w.json(&["rm", "/twin\\x5cxfd", "--json"]);
    assert_eq!(w.sh("ls /dev/shm | grep -c twin || :"), "0\n");

    // info takes the name's own bytes too.
    let raw = std::ffi::OsStr::from_bytes(b"/bad\xff");
    let out = w
        .command(bin())
        .args([
            std::ffi::OsStr::new("info"),
            raw,
            std::ffi::OsStr::new("--json"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&info["name"], &info["size"]),
        (&json!("/bad\\xff"), &json!(100000))
    );

    let rm = w.json(&["rm", "--posix", "--unheld", "--include-unknown", "--json"]);
    assert_eq!(rm["freed_bytes"], bad["allocated"], "{rm}");
    let left = w.objects(&["--posix"]);
    assert_eq!(
        names(&left),
        ["/bad\\x5cxff", "/gone\\xfe"],
        "the held look-alike and the held unlinked one are kept: {left:?}"
    );
    assert_eq!(left[0]["size"], 0, "{left:?}");
}

/// A POSIX semaphore (sem_open) is a 32-byte `sem.*` file of /dev/shm, one held open and
/// mapped, one unlinked while still mapped; beside it, shm_open("/sem.cache") makes real
/// shared memory whose name also starts with `sem.`.
const PY_SEMAPHORES: &str = r#"
import ctypes, os, time
libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.sem_open.restype = ctypes.c_void_p
for name in (b"/lock", b"/gone"):
    assert libc.sem_open(name, os.O_CREAT, 0o600, 1), ctypes.get_errno()
assert libc.sem_unlink(b"/gone") == 0
fd = libc.shm_open(b"/sem.cache", os.O_CREAT | os.O_RDWR, 0o600)
assert fd >= 0 and libc.ftruncate(fd, 1 << 20) == 0
os.close(fd)
print("ready", os.getpid(), flush=True)
time.sleep(3600)
"#;

#[test]
fn only_a_semaphore_is_left_out_and_a_sem_named_object_is_shared_memory() {
    isolate();
    let w = World::new();
    let holder = w.python(PY_SEMAPHORES);
    assert_eq!(
        w.sh("stat -c '%n %s' /dev/shm/sem.lock /dev/shm/sem.cache"),
        "/dev/shm/sem.lock 32\n/dev/shm/sem.cache 1048576\n"
    );
    let objects = w.objects(&["--posix"]);
    assert_eq!(
        names(&objects),
        ["/sem.cache"],
        "the semaphores (linked and unlinked) are left out, the object is listed: {objects:?}"
    );
    assert_eq!(objects[0]["size"], 1 << 20);
    let metrics = stdout(&w.run(&["metrics"]));
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("shmctl_rs_posix_object_size_bytes{")
                && l.contains("name=\"/sem.cache\"")
                && l.ends_with(" 1048576")),
        "{metrics}"
    );
    assert!(
        !metrics.contains("sem.lock") && !metrics.contains("sem.gone"),
        "{metrics}"
    );
    let info = w.json(&["info", "/sem.cache", "--json"]);
    assert_eq!(
        (&info["name"], &info["size"]),
        (&json!("/sem.cache"), &json!(1 << 20))
    );

    // A semaphore is named for what it is, and never removed.
    for args in [["info", "/sem.lock"], ["rm", "/sem.lock"]] {
        let err = w.fails(&args, 3);
        assert!(
            err.contains("/dev/shm/sem.lock is a POSIX semaphore (sem_open)"),
            "{err}"
        );
    }
    let err = w.fails(&["create", "--posix", "/sem.new", "--size", "32"], 2);
    assert!(err.contains("POSIX semaphore"), "{err}");
    assert_eq!(w.sh("ls /dev/shm"), "sem.cache\nsem.lock\n");

    let rm = w.json(&["rm", "/sem.cache", "--json"]);
    assert_eq!(
        rm["freed_bytes"], 0,
        "nothing written, nothing allocated: {rm}"
    );
    assert_eq!(
        w.sh("ls /dev/shm"),
        "sem.lock\n",
        "only the object is removed"
    );
    drop(holder);
}

/// A create whose result cannot be said takes the new object back, as one of a segment
/// does: a retry then makes it, rather than failing as "already exists".
#[test]
fn create_posix_that_cannot_say_so_removes_its_object() {
    isolate();
    let w = World::new();
    w.sh("printf keep > /dev/shm/keep");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let to_full = w
        .command(bin())
        .args(["create", "--posix", "/a", "--size", "10"])
        .stdout(full())
        .output()
        .unwrap();
    let closed = w
        .command("sh")
        .args(["-c", r#"exec "$0" create --posix /b --size 10 >&-"#])
        .arg(bin())
        .output()
        .unwrap();
    for (out, name, why) in [
        (&to_full, "a", "No space left on device"),
        (&closed, "b", "Bad file descriptor"),
    ] {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!("cannot write to stdout ({why}")),
            "{err}"
        );
        assert!(
            err.contains(&format!("the new object /dev/shm/{name} was removed again")),
            "{err}"
        );
    }
    assert_eq!(
        w.sh("ls /dev/shm"),
        "keep\n",
        "nothing left behind, nothing else removed"
    );
    let retry = w.run(&["create", "--posix", "/a", "--size", "10"]);
    assert!(retry.status.success(), "{}", stderr(&retry));
}

#[test]
fn openmetrics_labels_carry_no_terminal_escape() {
    isolate();
    let w = World::new();
    w.sh("printf x > \"/dev/shm/$(printf 'm\\033[2J\\342\\200\\256x')\"");
    for args in [
        &["metrics"][..],
        &["ls", "--posix", "--format", "openmetrics"],
    ] {
        let out = w.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{args:?}: {text:?}"
        );
        assert!(
            text.contains(
                "shmctl_rs_posix_object_size_bytes{name=\"/m\\\\x1b[2J\\\\xe2\\\\x80\\\\xaex\""
            ),
            "{args:?}: {text}"
        );
    }
}
