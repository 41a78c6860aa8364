//! Fidelity to util-linux: the same segments seen by lsipc, ipcs and this tool, column by
//! column; where util-linux is wrong or has no such column, /proc and the kernel's rules.

mod common;

use common::*;
use serde_json::Value;
use shmctl_rs::sys::shm::{self, ShmId};
use std::collections::HashMap;
use std::process::Command;

fn holder(args: &[&str]) -> (Spawned, String) {
    c_holder(args)
}

/// util-linux's own program, with the environment the tool's tests run with.
fn util_linux(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("{program} (util-linux): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// lsipc's JSON value as text (numbers and strings alike), None for null.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `KEY="…" SHMID="…"` lines parsed back, as a shell's eval would (\xHH escapes).
fn exported(line: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = line;
    while let Some((name, after)) = rest.split_once("=\"") {
        let end = after.find('"').expect("a closing quote");
        let raw = &after[..end];
        let mut bytes = Vec::new();
        let mut i = 0;
        let b = raw.as_bytes();
        while i < b.len() {
            if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
                bytes.push(u8::from_str_radix(&raw[i + 2..i + 4], 16).unwrap());
                i += 4;
            } else {
                bytes.push(b[i]);
                i += 1;
            }
        }
        out.insert(name.trim().to_string(), String::from_utf8(bytes).unwrap());
        rest = &after[end + 1..];
    }
    out
}

/// Segments as varied as an administrator meets: made by another program (ipcmk), by a
/// creator that still runs, by a creator of another group, with uids and gids that have
/// no names, a high key, attached, locked, marked for destruction, one byte, 1 GiB.
struct Zoo {
    _processes: Vec<Spawned>,
    live_creator: i64,
    nameless: i64,
    other_group: i64,
    locked: i64,
    dest: i64,
}

fn zoo() -> Zoo {
    let mut processes = Vec::new();
    util_linux("ipcmk", &["-M", "4096"]);
    util_linux("ipcmk", &["-M", "1", "-p", "0640"]);
    let (p, first) = holder(&["create", "2a2a", "8192"]);
    let live_creator: i64 = first.trim().parse().unwrap();
    processes.push(p);
    let nameless = create(&["--size", "64K", "--key", "0x81000001", "--mode", "640"]);
    shm::set(ShmId(nameless as i32), 100_000, 100_123, 0o640).unwrap();
    let out = Command::new("setpriv")
        .args(["--regid=65534", "--clear-groups"])
        .arg(bin())
        .args(["create", "--json", "--size", "100"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let other_group = serde_json::from_slice::<Value>(&out.stdout).unwrap()["shmid"]
        .as_i64()
        .unwrap();
    let attached = create(&["--size", "1G", "--noreserve"]);
    let (p, _) = holder(&["attach", &attached.to_string(), "2", "ro"]);
    processes.push(p);
    let locked = create(&["--size", "4096"]);
    let (p, _) = holder(&["lock", &locked.to_string()]);
    processes.push(p);
    let dest = create(&["--size", "4096", "--key", "0x5151"]);
    let (p, _) = holder(&["attach", &dest.to_string(), "1", "rw"]);
    processes.push(p);
    assert!(run(&["rm", &dest.to_string()]).status.success());
    Zoo {
        _processes: processes,
        live_creator,
        nameless,
        other_group,
        locked,
        dest,
    }
}

#[test]
fn every_column_lsipc_shows_agrees_and_where_lsipc_errs_proc_decides() {
    isolate();
    let z = zoo();
    let columns = "KEY,ID,OWNER,PERMS,CUID,CUSER,CGID,CGROUP,UID,USER,GID,GROUP,CTIME,SIZE,NATTCH,STATUS,ATTACH,DETACH,COMMAND,CPID,LPID";
    let lsipc: Value = serde_json::from_str(&util_linux(
        "lsipc",
        &[
            "-m",
            "--json",
            "--bytes",
            "--notruncate",
            "--time-format",
            "iso",
            "-o",
            columns,
        ],
    ))
    .unwrap();
    let theirs = lsipc["sharedmemory"].as_array().unwrap();
    let ours = segments();
    // The same columns from this tool, in lsipc's names and case, as export pairs.
    let export = stdout(&run(&[
        "ls",
        "-e",
        "-b",
        "--time-format",
        "iso",
        "-o",
        &columns.replace(",USER", ""),
    ]));
    let export: Vec<HashMap<String, String>> = export.lines().map(exported).collect();
    let kernel = std::fs::read_to_string("/proc/sysvipc/shm").unwrap();
    assert_eq!(ours.len(), 8);
    assert_eq!(theirs.len(), ours.len());
    assert_eq!(export.len(), ours.len());
    for t in theirs {
        let id: i64 = text(&t["id"]).unwrap().parse().unwrap();
        let o = ours.iter().find(|o| o["shmid"] == id).expect("same ids");
        let e = export
            .iter()
            .find(|e| e["SHMID"] == id.to_string())
            .expect("exported");
        let k = sysvipc_fields(&kernel, id).unwrap();
        let num = |v: &Value| text(v).unwrap().parse::<i64>().unwrap();
        assert_eq!(text(&t["key"]).unwrap(), o["key_hex"], "{id}");
        assert_eq!(e["KEY"], o["key_hex"].as_str().unwrap());
        assert_eq!(text(&t["owner"]).unwrap(), o["owner"], "{id}");
        assert_eq!(text(&t["perms"]).unwrap(), e["PERMS"], "{id}");
        for (field, col) in [
            ("uid", "uid"),
            ("gid", "gid"),
            ("cuid", "cuid"),
            ("size", "size"),
            ("nattch", "nattch"),
            ("cpid", "cpid"),
            ("lpid", "lpid"),
        ] {
            assert_eq!(num(&t[field]), o[col].as_i64().unwrap(), "{id} {field}");
        }
        // Names: null where the id has none, in both.
        assert_eq!(
            text(&t["user"]).as_deref(),
            o["owner"].as_str().filter(|n| n.parse::<u32>().is_err()),
            "{id}"
        );
        for field in ["group", "cuser", "cgroup"] {
            assert_eq!(text(&t[field]), text(&o[field]), "{id} {field}");
        }
        // lsipc's CGID is the creator's uid; this tool shows /proc's cgid.
        assert_eq!(num(&t["cgid"]), o["cuid"].as_i64().unwrap(), "lsipc's CGID");
        assert_eq!(o["cgid"].as_i64().unwrap(), k[10], "{id} cgid");
        // Times in lsipc's ISO form, never-set times missing in both.
        for (field, name) in [("ctime", "CTIME"), ("attach", "ATIME"), ("detach", "DTIME")] {
            assert_eq!(
                text(&t[field]).unwrap_or_else(|| "-".into()),
                e[name],
                "{id} {field}"
            );
        }
        assert_eq!(
            text(&t["status"]).unwrap_or_default(),
            status_text(o, ","),
            "{id}"
        );
        // The command line of a creator that still runs, as lsipc reads it.
        assert_eq!(text(&t["command"]), text(&o["command"]), "{id} command");
    }
    let by_id = |id: i64| ours.iter().find(|o| o["shmid"] == id).unwrap();
    let live = by_id(z.live_creator);
    assert!(
        live["command"]
            .as_str()
            .unwrap()
            .ends_with("holder create 2a2a 8192"),
        "{live}"
    );
    let nameless = by_id(z.nameless);
    assert_eq!(
        (&nameless["owner"], &nameless["group"]),
        (&Value::from("100000"), &Value::Null)
    );
    let other = by_id(z.other_group);
    assert_eq!(
        (other["cuid"].as_i64(), other["cgid"].as_i64()),
        (Some(0), Some(65534))
    );
    assert_eq!(other["cgroup"], "nogroup");
    assert_eq!(by_id(z.locked)["status"], serde_json::json!(["locked"]));
    assert_eq!(by_id(z.dest)["status"], serde_json::json!(["dest"]));
    // The table shows a nameless gid as a number, as ipcs does.
    let raw = stdout(&run(&[
        "ls",
        "--raw",
        "--key",
        "0x81000001",
        "-o",
        "owner,group,cuser,cgroup",
    ]));
    assert_eq!(raw, "100000\t100123\troot\troot\n");
}

#[test]
fn ipcs_shows_the_same_segments_owners_creators_times_and_pids() {
    isolate();
    let _z = zoo();
    let ours = segments();
    let rows = |args: &[&str]| -> Vec<Vec<String>> {
        util_linux("ipcs", args)
            .lines()
            .filter(|l| {
                l.split_whitespace()
                    .next()
                    .is_some_and(|w| w.starts_with("0x") || w.parse::<u64>().is_ok())
            })
            .map(|l| l.split_whitespace().map(String::from).collect())
            .collect()
    };
    // ipcs -m: key shmid owner perms bytes nattch status.
    let plain = rows(&["-m"]);
    assert_eq!(plain.len(), ours.len());
    for r in &plain {
        let o = ours
            .iter()
            .find(|o| o["shmid"] == r[1].parse::<i64>().unwrap())
            .unwrap();
        assert_eq!(r[0], o["key_hex"].as_str().unwrap());
        assert_eq!(r[2], o["owner"].as_str().unwrap());
        assert_eq!(r[3], o["perms"].as_str().unwrap());
        assert_eq!(r[4], o["size"].to_string());
        assert_eq!(r[5], o["nattch"].to_string());
        assert_eq!(
            r.get(6..).map(|s| s.join(" ")).unwrap_or_default(),
            status_text(o, " ")
        );
    }
    // ipcs -m -c: shmid perms cuid cgid uid gid, as names (numbers without), against
    // --creator's columns.
    let creators = rows(&["-m", "-c"]);
    let ours_creators = stdout(&run(&[
        "ls",
        "--raw",
        "-o",
        "shmid,perms,cuser,cgroup,owner,group",
    ]));
    let mut mine: Vec<Vec<String>> = ours_creators
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect();
    let mut theirs = creators;
    mine.sort();
    theirs.sort();
    assert_eq!(mine, theirs);
    // ipcs -m -p: shmid owner cpid lpid.
    for r in rows(&["-m", "-p"]) {
        let o = ours
            .iter()
            .find(|o| o["shmid"] == r[0].parse::<i64>().unwrap())
            .unwrap();
        assert_eq!(
            (r[2].as_str(), r[3].as_str()),
            (
                o["cpid"].to_string().as_str(),
                o["lpid"].to_string().as_str()
            )
        );
    }
    // ipcs -m -t: "Not set" exactly where this tool has no time.
    for l in util_linux("ipcs", &["-m", "-t"]).lines().filter(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|w| w.parse::<u64>().is_ok())
    }) {
        let id: i64 = l.split_whitespace().next().unwrap().parse().unwrap();
        let o = ours.iter().find(|o| o["shmid"] == id).unwrap();
        let not_set = l.matches("Not set").count();
        let none = ["atime", "dtime", "ctime"]
            .iter()
            .filter(|f| o[**f].is_null())
            .count();
        assert_eq!(not_set, none, "{l}");
    }
    // --time's columns are ipcs -t's.
    let table = stdout(&run(&["ls", "--time"]));
    let heading: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        heading,
        ["KEY", "SHMID", "OWNER", "ATTACHED", "DETACHED", "CHANGED"]
    );
}

#[test]
fn as_nobody_info_shows_what_ipcs_shows_and_names_what_needs_permission() {
    isolate();
    let id = create(&["--size", "4096", "--key", "0x6006"]).to_string();
    let theirs = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "ipcs",
            "-m",
            "-i",
            &id,
        ])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(theirs.status.success());
    let theirs = String::from_utf8_lossy(&theirs.stdout).into_owned();
    assert!(theirs.contains("bytes=4096"), "{theirs}");
    let o = as_nobody(&["info", &id, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let info: Value = serde_json::from_slice(&o.stdout).unwrap();
    let root = json(&["info", &id, "--json"]);
    for field in [
        "uid", "gid", "cuid", "cgid", "size", "cpid", "lpid", "nattch", "perms", "ctime", "atime",
        "dtime",
    ] {
        assert_eq!(info[field], root[field], "{field}");
        let word = match field {
            "size" => "bytes",
            "perms" => "access_perms",
            other => other,
        };
        if let Some(v) = root[field].as_i64().filter(|_| !field.ends_with("time")) {
            assert!(
                theirs.contains(&format!("{word}={v}")),
                "{word}={v} in {theirs}"
            );
        }
    }
    assert_eq!(info["seq"], Value::Null);
    assert_eq!(root["seq"], 0);
    assert_eq!(info["needs_permission"], serde_json::json!(["seq", "app"]));
    assert_eq!(root["needs_permission"], serde_json::json!([]));
    let text = stdout(&as_nobody(&["info", &id]));
    assert!(
        text.contains("seq       - (needs read permission: IPC_STAT)"),
        "{text}"
    );
    assert!(
        text.contains(
            "uid 65534 may not read this segment (perms 600, owner root): seq and app unknown."
        ),
        "{text}"
    );
}

#[test]
fn lsipc_style_options_shape_the_table() {
    isolate();
    let a = create(&["--size", "4096", "--key", "0x7a01", "--mode", "640"]);
    create(&["--size", "1M", "--key", "0x7a02"]);
    // -o +COLUMNS adds to the default columns; names in any case.
    let table = stdout(&run(&["ls", "-o", "+CUSER,cgroup,Command"]));
    let heading = table.lines().next().unwrap();
    assert!(
        heading.starts_with("KEY") && heading.ends_with("RSS  CUSER  CGROUP  COMMAND"),
        "{heading}"
    );
    let only = stdout(&run(&["ls", "-o", "KEY,ID,SIZE", "--noheadings", "-b"]));
    assert_eq!(only, "0x00007a01  0     4096\n0x00007a02  1  1048576\n");
    let perms = stdout(&run(&["ls", "-P", "-o", "shmid,perms", "--noheadings"]));
    assert_eq!(perms, "0  640\n1  600\n");
    // --time-format full and iso write the times as lsipc does.
    let ctime = segment(a).unwrap()["ctime"].as_i64().unwrap().to_string();
    for format in ["full", "iso"] {
        let ours = stdout(&run(&[
            "ls",
            "--time-format",
            format,
            "-o",
            "ctime",
            "--noheadings",
            "--key",
            "0x7a01",
        ]));
        let theirs = util_linux(
            "lsipc",
            &[
                "-m",
                "--time-format",
                format,
                "-o",
                "CTIME",
                "--noheadings",
                "-i",
                &a.to_string(),
            ],
        );
        let theirs = theirs.trim().trim_start_matches("Last change:").trim();
        assert_eq!(ours.trim(), theirs, "{format} of {ctime}");
    }
    // --export as lsipc -e, --newline as lsipc -n, byte for byte on shared columns.
    let ours = stdout(&run(&["ls", "-e", "-b", "-o", "KEY,SIZE,NATTCH,CPID,LPID"]));
    let theirs = util_linux(
        "lsipc",
        &["-m", "-e", "-b", "-o", "KEY,SIZE,NATTCH,CPID,LPID"],
    );
    assert_eq!(ours, theirs.replace(" \n", "\n"));
    let ours = stdout(&run(&["ls", "-n", "-b", "-o", "KEY,SIZE"]));
    let theirs = util_linux("lsipc", &["-m", "-n", "-b", "-o", "KEY,SIZE"]);
    assert_eq!(ours, theirs);
    // --notruncate: one line per segment on a narrow terminal, however wide.
    let tty = |args: &str| {
        let out = Command::new("script")
            .args(["-qec"])
            .arg(format!("COLUMNS=40 TZ=UTC '{}' {args}", bin().display()))
            .arg("/dev/null")
            .output()
            .expect("script (util-linux) runs a command on a terminal");
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    // The default columns fit by leaving some out (and saying which); columns named
    // with -o are all kept, one line per segment.
    let fitted = tty("ls -o +group,cuser,cgroup");
    let (note, table) = fitted.split_once('\n').expect("a note and a table");
    assert!(note.contains("left out to fit 40 columns"), "{fitted}");
    assert_eq!(table.lines().count(), 3, "{fitted}");
    assert!(table.lines().all(|l| l.chars().count() <= 40), "{fitted}");
    let columns = "-o key,shmid,perms,owner,group,cuser,cgroup,status";
    let named = tty(&format!("ls {columns}"));
    assert_eq!(named.lines().count(), 3, "{named}");
    assert!(named.starts_with("KEY "), "no note: {named}");
    for heading in ["GROUP", "CUSER", "CGROUP", "STATUS"] {
        assert!(named.contains(heading), "{heading} kept: {named}");
    }
    let wide = tty(&format!("ls {columns} --notruncate"));
    assert_eq!(wide.lines().count(), 3, "{wide}");
    assert!(wide.lines().all(|l| l.chars().count() > 40), "{wide}");
    fails(&["ls", "-o", "key,bogus"], 2);
    fails(&["ls", "-o", "key,,size"], 2);
    fails(&["ls", "-e", "--json"], 2);
}

#[test]
fn export_survives_eval_for_any_command_line() {
    isolate();
    // A creator whose path holds every character a shell would take apart.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("we$ird \"name\" `x` \\ ü");
    std::fs::copy(c_program("holder"), &odd).unwrap();
    let mut c = Command::new(&odd);
    c.args(["create", "3b3b", "4096"]);
    let mut p = Spawned::new(c);
    let mut lines = p.lines();
    let id = read_until(&mut lines, |_| true);
    let line = stdout(&run(&[
        "ls",
        "-e",
        "-o",
        "shmid,command",
        "--key",
        "0x3b3b",
    ]));
    let theirs = util_linux("lsipc", &["-m", "-e", "-o", "ID,COMMAND", "-i", id.trim()]);
    assert!(
        theirs.contains(
            line.trim()
                .trim_start_matches("SHMID=")
                .split_once(' ')
                .unwrap()
                .1
        ),
        "lsipc -e writes the same: {line} / {theirs}"
    );
    // The escapes decode to the command line itself; eval runs nothing of it.
    let pairs = exported(line.trim());
    assert_eq!(
        pairs["COMMAND"],
        format!("{} create 3b3b 4096", odd.display())
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg("eval \"$1\"; printf '%s\\n%s' \"$SHMID\" \"$COMMAND\"")
        .arg("-")
        .arg(&line)
        .output()
        .unwrap();
    let text = stdout(&out);
    let escaped = line
        .trim()
        .split_once("COMMAND=\"")
        .unwrap()
        .1
        .trim_end_matches('"');
    assert_eq!(text, format!("{}\n{escaped}", id.trim()));
    assert!(
        stderr(&out).is_empty(),
        "eval ran part of it: {}",
        stderr(&out)
    );
    // Terminal escapes in a command line never reach a table.
    let table = stdout(&run(&["ls", "-o", "command", "--key", "0x3b3b"]));
    assert!(!table.contains('\u{1b}'));
    drop(p);
}

#[test]
fn create_picks_a_random_unused_key_as_ipcmk_does() {
    isolate();
    let a = json(&["create", "--json", "--size", "4096"]);
    let b = json(&["create", "--json", "--size", "4096"]);
    for c in [&a, &b] {
        assert_eq!(c["key_random"], true);
        let key = c["key"].as_u64().unwrap();
        assert!(key != 0 && key != 0xffff_ffff);
        let s = segment(c["shmid"].as_i64().unwrap()).unwrap();
        assert_eq!(s["key"], c["key"]);
    }
    assert_ne!(a["key"], b["key"]);
    let text = stdout(&run(&["create", "--size", "1"]));
    assert!(
        text.contains("(picked at random; --private for none), 1 B (1 byte)"),
        "{text}"
    );
    let private = json(&["create", "--json", "--size", "1", "--private"]);
    assert_eq!(
        (private["key"].as_u64(), private["key_random"].as_bool()),
        (Some(0), Some(false))
    );
    // Negative keys as /proc prints them, large keys in hex or decimal.
    let neg = json(&["create", "--json", "--size", "1", "--key", "-1"]);
    assert_eq!(neg["key_hex"], "0xffffffff");
    assert_eq!(
        json(&["ls", "--json", "--key", "-1"])["segments"][0]["shmid"],
        neg["shmid"]
    );
    let big = json(&["create", "--json", "--size", "1", "--key", "4294967294"]);
    assert_eq!(big["key_hex"], "0xfffffffe");
    let err = fails(&["create", "--size", "1", "--key", "4294967296"], 2);
    assert!(
        err.contains("a key is 32 bits") && err.contains("-2147483648 to -1"),
        "{err}"
    );
    let err = fails(&["create", "--size", "-5"], 2);
    assert!(err.contains("size '-5'"), "{err}");
    assert!(run(&["rm", "--key", "-1"]).status.success());
}

#[test]
fn typing_mistakes_get_help() {
    let err = fails(&["lss"], 2);
    assert_eq!(
        err,
        "shmctl-rs: unrecognized subcommand 'lss'; a similar subcommand exists: 'ls' (see --help)\n"
    );
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some("shmctl-rs: no command given (see --help)")
    );
    assert_eq!(lines.next(), Some("Usage: shmctl-rs [OPTIONS] <COMMAND>"));
    assert!(err.contains("\nCommands:\n  ls "), "{err}");
    assert!(
        !err.contains("generate") && !err.contains("Exit status"),
        "{err}"
    );
    let err = stderr(&run(&["ring"]));
    assert!(
        err.starts_with("shmctl-rs: ring: no command given"),
        "{err}"
    );
    assert!(err.contains("  produce "), "{err}");
    let err = fails(&["status", "--key", "0x1"], 2);
    assert!(
        !err.contains("'-- --key'"),
        "no advice that cannot work: {err}"
    );
}

#[test]
fn limits_print_shmall_in_bytes_exactly() {
    isolate();
    let shmall: u128 = std::fs::read_to_string("/proc/sys/kernel/shmall")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let product = shmall * 4096;
    let o = run(&["limits", "--json"]);
    let text = stdout(&o);
    assert!(
        text.contains(&format!("\"shmall_bytes\": {product}")),
        "{product} in {text}"
    );
    let table = stdout(&run(&["limits", "--bytes"]));
    assert!(
        table.contains(&format!("{shmall} × 4096 = {product}")),
        "{table}"
    );
    if shmall == 18_446_744_073_692_774_399 {
        assert!(stdout(&run(&["limits"])).contains("= 64 ZiB"));
    }
}

#[test]
fn info_counts_pages_as_the_kernel_allocates_them() {
    isolate();
    let one = create(&["--size", "1"]).to_string();
    let text = stdout(&run(&["info", &one]));
    assert!(
        text.contains("size      1 B (1 byte, 1 page of 4096 bytes)"),
        "{text}"
    );
    let info = json(&["info", &one, "--json"]);
    assert_eq!(
        (info["pages"].as_u64(), info["page_size"].as_u64()),
        (Some(1), Some(4096))
    );
}

#[test]
fn ls_in_another_namespace_says_which() {
    isolate();
    let (_container, pid) = container("--size 4096 --key 0x4e4e");
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(format!("/proc/{pid}/ns/ipc"))
        .unwrap()
        .ino();
    let listed = json(&["ls", "--ns", &pid, "--json"]);
    assert_eq!(listed["segments"][0]["namespace"]["inode"], inode);
    assert_eq!(listed["segments"][0]["namespace"]["comm"], "sleep");
    let table = stdout(&run(&["--ns", &pid, "ls"]));
    assert!(
        table.starts_with("NAMESPACE") && table.contains(&format!("{inode} (")),
        "{table}"
    );
    let raw = stdout(&run(&["ls", "--ns", &pid, "--raw", "-o", "namespace,key"]));
    assert_eq!(raw, format!("{inode}\t0x00004e4e\n"));
}

#[test]
fn rm_all_removes_what_the_caller_may_as_ipcrm_a_does() {
    isolate();
    let mine = create(&["--size", "4096", "--key", "0x7101"]);
    let theirs = create(&["--size", "4096", "--key", "0x7102"]);
    assert!(
        run(&["chown", "65534:65534", &theirs.to_string()])
            .status
            .success()
    );
    let root_only = create(&["--size", "4096", "--key", "0x7103", "--mode", "644"]);
    // As nobody: its own segment goes, the others are left alone and said once.
    let dry = as_nobody(&["rm", "--all", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let o = as_nobody(&["rm", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("removed shmid {theirs}")),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        stderr(&o),
        "shmctl-rs: left alone 2 segments the caller may not remove (permission denied)\n"
    );
    assert!(segment(theirs).is_none());
    assert!(segment(mine).is_some() && segment(root_only).is_some());
    // As root, everything, an attached one marked for destruction.
    let (_h, _) = c_holder(&["attach", &mine.to_string(), "1", "ro"]);
    let j = json(&["rm", "--all", "--json"]);
    let actions: Vec<&str> = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["marked", "removed"]);
    assert_eq!(segments().len(), 1, "the attached one lingers, marked");
    fails(&["rm", "--all", "0x7101"], 2);
}

#[test]
fn rm_orphans_as_a_user_leaves_others_orphans_alone_as_all_does() {
    isolate();
    // Both creators have exited: two orphans, root's and nobody's.
    let roots = create(&["--size", "4096", "--key", "0x7111"]);
    let made = as_nobody(&["create", "--size", "4096", "--key", "0x7112", "--json"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let nobodys = serde_json::from_slice::<Value>(&made.stdout).unwrap()["shmid"]
        .as_i64()
        .unwrap();
    let listed = json(&["ls", "--orphans", "--json"]);
    assert_eq!(listed["segments"].as_array().unwrap().len(), 2, "{listed}");
    let note = "shmctl-rs: left alone 1 segment the caller may not remove (permission denied)\n";
    let dry = as_nobody(&["rm", "--orphans", "--dry-run"]);
    assert_eq!((dry.status.code(), stderr(&dry).as_str()), (Some(0), note));
    assert!(segment(nobodys).is_some(), "a dry run removes nothing");
    let o = as_nobody(&["rm", "--orphans"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), note));
    assert!(
        stdout(&o).contains(&format!("removed shmid {nobodys}")),
        "{}",
        stdout(&o)
    );
    assert!(segment(nobodys).is_none() && segment(roots).is_some());
    // Root may remove every orphan.
    let j = json(&["rm", "--orphans", "--json"]);
    assert_eq!(j["results"][0]["shmid"], roots, "{j}");
    assert!(segments().is_empty());
}

/// `ARGS` run in a terminal (script(1)'s pty) of `columns` columns: what it printed,
/// stdout and stderr together.
fn in_terminal(columns: u16, args: &str) -> String {
    let out = Command::new("script")
        .args(["-qec"])
        .arg(format!("'{}' {args}", bin().display()))
        .arg("/dev/null")
        .env("COLUMNS", columns.to_string())
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux)");
    assert!(out.status.success(), "{args}: {}", stderr(&out));
    stdout(&out).replace('\r', "")
}

/// A narrow terminal leaves columns out (and says which, and how to get them back)
/// rather than wrap a cell: a key, a time or perms is never split over two lines; a
/// wide one shows every column.
#[test]
fn ls_fits_a_narrow_terminal_by_leaving_columns_out_never_by_wrapping() {
    isolate();
    let prerequisites = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !prerequisite(prerequisites, "script (util-linux)") {
        return;
    }
    let id = create(&["--size", "1M", "--key", "0x4100c4a7"]);
    create(&["--size", "3000"]);
    let (h, _) = holder(&["attach", &id.to_string(), "2", "rw+ro"]);
    let default = [
        "KEY", "SHMID", "OWNER", "PERMS", "SIZE", "NATTCH", "STATUS", "CPID", "LPID", "CHANGED",
        "RSS",
    ];
    for args in ["ls", "ls --pids"] {
        let text = in_terminal(80, args);
        let (notes, table): (Vec<&str>, Vec<&str>) =
            text.lines().partition(|l| l.starts_with("shmctl-rs: "));
        assert!(
            table.iter().all(|l| l.chars().count() <= 80),
            "{args}:\n{text}"
        );
        assert_eq!(
            table.len(),
            3,
            "a line a row, nothing wrapped: {args}:\n{text}"
        );
        let row = table
            .iter()
            .find(|l| l.starts_with("0x4100c4a7 "))
            .unwrap_or_else(|| panic!("the key whole, at the start of its row: {args}:\n{text}"));
        assert!(row.contains(" rw------- "), "{row}");
        let headings: Vec<&str> = table[0].split_whitespace().collect();
        let left_out: Vec<&str> = default
            .iter()
            .copied()
            .filter(|h| !headings.contains(h))
            .collect();
        assert!(!left_out.is_empty(), "{text}");
        let note = notes
            .iter()
            .find(|n| n.contains("left out to fit 80 columns"))
            .unwrap_or_else(|| panic!("a note: {args}:\n{text}"));
        assert!(
            note.ends_with(&format!(
                "{} (--notruncate shows every column; -o chooses them)",
                left_out.join(", ")
            )),
            "{note}"
        );
        for kept in ["KEY", "SHMID", "OWNER", "PERMS", "SIZE", "NATTCH"] {
            assert!(headings.contains(&kept), "ipcs -m's columns stay: {text}");
        }
        if args.contains("--pids") {
            assert!(headings.contains(&"PROCESSES"), "{text}");
            assert!(row.contains(&format!(" {} holder", h.pid())), "{row}");
        }
    }
    // A column asked for by name stays, however narrow: with -o +LIST, --pids or --app.
    for (args, heading) in [
        ("ls -o +processes", "PROCESSES"),
        ("ls --pids", "PROCESSES"),
        ("ls -o +swap", "SWAP"),
        ("ls --app", "APP"),
    ] {
        let text = in_terminal(40, args);
        let table = text.lines().find(|l| l.starts_with("KEY ")).unwrap_or("");
        assert!(
            table.split_whitespace().any(|h| h == heading),
            "{args}: {heading} kept:\n{text}"
        );
    }
    // --notruncate: every column, the lines as long as they are.
    let text = in_terminal(80, "ls --notruncate");
    assert_eq!(
        text.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        default
    );
    assert!(!text.contains("left out"), "{text}");
    // Wide enough: every column, no note.
    let text = in_terminal(120, "ls");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert_eq!(
        text.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        default
    );
    drop(h);
}
