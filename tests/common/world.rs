//! A private world for the tests of POSIX shared memory and memfds: its own PID namespace
//! (every process in it can be read, and no other test's processes are there: on a
//! machine whose pid 1 even root may not read, only there can an object be called
//! unheld), its own mount namespace with a fresh tmpfs on /dev/shm (no other test's
//! objects, and nothing left on the host's), and the test thread's IPC namespace. When
//! the world is dropped its init dies, and the kernel kills every process in it and frees
//! its tmpfs, pass or fail.

use super::*;
use std::ffi::OsStr;

pub struct World {
    /// `unshare --kill-child`, whose child is the world's init.
    _unshare: Spawned,
    /// The init's pid on the host, to enter the world through.
    pub init: i32,
}

/// A process in the world that announced itself with `ready PID [INODE]`.
pub struct Holder {
    pub process: Spawned,
    /// Its pid as the world sees it.
    pub pid: i64,
    /// The inode it printed (0 when none).
    pub inode: u64,
    /// The rest of its ready line.
    pub words: Vec<String>,
}

impl Holder {
    /// Start `command` and wait for its `ready PID …` line.
    pub fn start(command: Command) -> Holder {
        let mut process = Spawned::new(command);
        let mut lines = process.lines();
        let ready = read_until(&mut lines, |l| l.starts_with("ready "));
        let words: Vec<String> = ready.split_whitespace().skip(1).map(String::from).collect();
        Holder {
            process,
            pid: words[0].parse().expect("ready PID"),
            inode: words.get(1).and_then(|w| w.parse().ok()).unwrap_or(0),
            words,
        }
    }
}

impl World {
    pub fn new() -> World {
        let mut c = Command::new("unshare");
        c.args([
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            "mount -t tmpfs -o mode=1777,size=512m tmpfs /dev/shm && echo ready && exec sleep 3600",
        ]);
        let mut unshare = Spawned::new(c);
        let mut lines = unshare.lines();
        read_until(&mut lines, |l| l == "ready");
        let host = unshare.pid().as_raw();
        let init = std::fs::read_to_string(format!("/proc/{host}/task/{host}/children"))
            .ok()
            .and_then(|c| c.split_whitespace().next()?.parse().ok())
            .expect("the world's init");
        World {
            _unshare: unshare,
            init,
        }
    }

    /// A command that runs `program` inside the world.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut c = Command::new("nsenter");
        c.args(["-t", &self.init.to_string(), "--pid", "--mount", "--"])
            .arg(program)
            .env_remove("COLUMNS")
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .stdin(Stdio::null());
        c
    }

    /// The tool inside the world, run to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        let child = self
            .command(bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nsenter (util-linux)");
        let out = wait_output(child, Duration::from_secs(60));
        assert!(
            !stderr(&out).contains("panicked"),
            "{args:?}: {}",
            stderr(&out)
        );
        out
    }

    /// Run, expect success, parse stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: bad JSON {e}: {}", stdout(&o)))
    }

    /// Run, expect failure with `code` and one clear line on stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let err = failed(&self.run(args), args, code);
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        err
    }

    /// `ls ARGS… --json` objects.
    pub fn objects(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["ls", "--json"];
        all.extend_from_slice(args);
        self.json(&all)["objects"].as_array().unwrap().clone()
    }

    /// Start `program` in the world and wait for its `ready PID …` line.
    pub fn spawn(&self, program: impl AsRef<OsStr>, args: &[&str]) -> Holder {
        let mut c = self.command(program);
        c.args(args);
        Holder::start(c)
    }

    /// A Python program in the world (it prints `ready PID …` itself).
    pub fn python(&self, script: &str) -> Holder {
        self.spawn("python3", &["-c", script])
    }

    /// tests/c/shm_holder.c in the world.
    pub fn holder(&self, args: &[&str]) -> Holder {
        self.spawn(c_program("shm_holder"), args)
    }

    /// A shell command in the world, which must succeed.
    pub fn sh(&self, script: &str) -> String {
        let out = self
            .command("sh")
            .args(["-c", script])
            .output()
            .expect("sh");
        assert!(out.status.success(), "{script}: {}", stderr(&out));
        stdout(&out)
    }

    /// Kill a process of the world by its pid there.
    pub fn kill(&self, pid: i64) {
        self.sh(&format!("kill -9 {pid}"));
    }

    /// The tool as user and group 65534 (nobody), inside the world.
    pub fn as_nobody(&self, args: &[&str]) -> Output {
        nobody_through(self.command("setpriv"), args)
    }
}
