//! `top` driven as a person would: the real binary in a real terminal (tmux), keys typed,
//! the screen read back. Each test has its own tmux server (a socket in its own temporary
//! directory, started from the test's thread after `isolate()`, so that the server, its
//! shell and the view all live in the test's IPC namespace), killed when the test ends.
//! The server runs in a mount namespace of its own with a fresh tmpfs on /dev/shm: the
//! view lists the POSIX objects a test makes there, and no other's (nor the host's); the
//! tmpfs goes with the server's last process.

mod common;

use common::world::World;
use common::*;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A tmux server with one pane running `sh`, with a /dev/shm of its own, removed with the
/// guard.
struct Tmux {
    _dir: tempfile::TempDir,
    socket: PathBuf,
}

fn tmux_available() -> bool {
    prerequisite(
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success()),
        "tmux",
    )
}

impl Tmux {
    /// A fresh server whose pane is `width` × `height`, running `sh` (or `command`).
    fn start(width: u16, height: u16, command: Option<&str>) -> Tmux {
        let dir = tempfile::Builder::new()
            .prefix("shmctl-rs-top")
            .tempdir()
            .unwrap();
        let t = Tmux {
            socket: dir.path().join("socket"),
            _dir: dir,
        };
        let mut c = Command::new("unshare");
        c.args([
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            "mount -t tmpfs -o mode=1777,size=64m tmpfs /dev/shm && exec \"$0\" \"$@\"",
            "tmux",
            "-S",
        ])
        .arg(&t.socket)
        .stdin(Stdio::null());
        t.open_pane(c, width, height, command);
        t
    }

    /// A server as [`Tmux::start`] makes, inside `world` (its PID namespace and its
    /// /dev/shm): the view sees the world's processes, every one of them readable, so an
    /// object nobody holds is known to be unheld.
    fn start_in(world: &World, width: u16, height: u16) -> Tmux {
        let dir = tempfile::Builder::new()
            .prefix("shmctl-rs-top")
            .tempdir()
            .unwrap();
        let t = Tmux {
            socket: dir.path().join("socket"),
            _dir: dir,
        };
        let mut c = world.command("tmux");
        c.arg("-S").arg(&t.socket);
        t.open_pane(c, width, height, None);
        t
    }

    /// Start the server with its one pane, `tmux` being a command up to its `-S SOCKET`.
    fn open_pane(&self, mut c: Command, width: u16, height: u16, command: Option<&str>) {
        c.args(["-f", "/dev/null", "new-session", "-d", "-s", "top", "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .arg(command.unwrap_or("sh"));
        c.env("PS1", "$ ")
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env_remove("NO_COLOR")
            .env_remove("COLUMNS")
            .env_remove("LINES");
        let out = c.output().expect("tmux");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The files of the world's /dev/shm.
    fn dev_shm(world: &World) -> Vec<String> {
        world
            .sh("ls -1 /dev/shm")
            .lines()
            .map(String::from)
            .collect()
    }

    fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket).stdin(Stdio::null());
        c
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = self.command().args(args).output().expect("tmux");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Keys by tmux's names (`Enter`, `C-c`, `j`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "top"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// `/`, then `text` typed as it is (ending with Enter, the filter is kept).
    fn filter(&self, text: &str) {
        self.keys(&["/"]);
        self.tmux(&["send-keys", "-t", "top", "-l", text]);
    }

    /// Text typed as it is, then Enter.
    fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "top", "-l", text]);
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "top"])
    }

    fn ansi_screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", "top"])
    }

    /// Wait until the screen satisfies `pred`, returning it.
    fn wait(&self, what: &str, mut pred: impl FnMut(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Start the view in the pane's shell (`ARGS` after `top`), and wait for its first
    /// refresh.
    fn top(&self, args: &str) -> String {
        self.run_top("", args);
        self.wait("the first refresh", |s| s.contains("shmctl-rs top at "))
    }

    /// Run the view with `env` set; the shell says `exit=STATUS` when it ends (typed so
    /// that the command line itself does not say it).
    fn run_top(&self, env: &str, args: &str) {
        self.line(&format!(
            "{env} '{}' top {args}; printf 'e%sit=%s\\n' x $?",
            bin().display()
        ));
    }

    /// The pane's terminal state: alternate screen, cursor visible, mouse reporting.
    fn modes(&self) -> String {
        self.tmux(&[
            "display",
            "-p",
            "-t",
            "top",
            "#{alternate_on} #{cursor_flag} #{mouse_any_flag}",
        ])
        .trim()
        .to_string()
    }

    /// The pid of the process the pane started.
    fn pane_pid(&self) -> i32 {
        self.tmux(&["display", "-p", "-t", "top", "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap()
    }

    /// The view's pid: the pane shell's child running shmctl-rs.
    fn top_pid(&self) -> i32 {
        let shell = self.pane_pid();
        let mut found = None;
        eventually(Duration::from_secs(10), "the view's process", || {
            let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
                .unwrap_or_default();
            found = children.split_whitespace().find_map(|p| {
                let comm = std::fs::read_to_string(format!("/proc/{p}/comm")).ok()?;
                (comm.trim() == "shmctl-rs")
                    .then(|| p.parse().ok())
                    .flatten()
            });
            found.is_some()
        });
        found.unwrap()
    }

    /// After the view ended: its exit status, and the terminal back as it was (main
    /// screen, cursor shown, no mouse reporting, cooked mode with echo).
    fn ended(&self, status: i32) -> String {
        let screen = self.wait("the view's end", |s| s.contains("exit="));
        assert!(
            screen.contains(&format!("exit={status}")),
            "expected exit={status}:\n{screen}"
        );
        assert_eq!(
            self.modes(),
            "0 1 0",
            "alternate screen, cursor, mouse:\n{screen}"
        );
        self.line("clear; printf 'mo%s: %s\\n' des \"$(stty -a | tr -s ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo -e isig -e -isig | tr '\\n' ' ')\"");
        let stty = self.wait("stty", |s| s.contains("modes: "));
        let modes = line_with(&stty, "modes: ").unwrap_or_default();
        for mode in ["icanon", "echo", "isig"] {
            assert!(
                modes.split_whitespace().any(|m| m == mode),
                "not back in cooked mode ({mode}):\n{stty}"
            );
        }
        assert!(!modes.contains(" -"), "not back in cooked mode:\n{stty}");
        self.line("clear");
        self.wait("a clear screen", |s| matches!(s.trim(), "$" | "#"));
        screen
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .command()
            .arg("kill-server")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// After `isolate()`, a world (see tests/common/world.rs) and a view's terminal inside it
/// (`None` without tmux, where that is allowed).
fn world(width: u16, height: u16) -> Option<(World, Tmux)> {
    if !tmux_available() {
        return None;
    }
    isolate();
    let w = World::new();
    let t = Tmux::start_in(&w, width, height);
    Some((w, t))
}

/// The line of the screen that holds `needle`.
fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(needle))
}

/// The row of the table that holds `needle`: below the three heading lines, above the
/// status line (never the heading that repeats a filter).
fn row_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    let lines: Vec<&str> = screen.lines().collect();
    let rows = lines
        .get(3..lines.len().saturating_sub(1))
        .unwrap_or_default();
    rows.iter().copied().find(|l| l.contains(needle))
}

/// The order in which `keys` appear on the screen.
fn order(screen: &str, keys: &[&str]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = keys
        .iter()
        .filter_map(|k| screen.find(k).map(|at| (at, k.to_string())))
        .collect();
    found.sort();
    found.into_iter().map(|(_, k)| k).collect()
}

fn shmids() -> Vec<i64> {
    segments()
        .iter()
        .map(|s| s["shmid"].as_i64().unwrap())
        .collect()
}

#[test]
fn without_a_terminal_it_refuses_and_points_to_ls_watch() {
    let err = fails(&["top"], 2);
    assert!(err.contains("needs a terminal on stdout"), "{err}");
    assert!(err.contains("ls --watch"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = cmd(&["top"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = fails(&["top", "--interval", "10ms"], 2);
    assert!(err.contains("at least 100ms"), "{err}");
    fails(&["top", "--interval", "soon"], 2);
}

#[test]
fn the_view_lists_segments_and_a_new_one_appears_within_two_refreshes() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "64K", "--key", "0x1601"]);
    create(&["--size", "1M", "--key", "0x1602"]);
    let t = Tmux::start(120, 40, None);
    let screen = t.top("--interval 1s");
    assert!(
        line_with(&screen, "0x00001601").is_some_and(|l| l.contains("64 KiB")),
        "{screen}"
    );
    assert!(
        line_with(&screen, "0x00001602").is_some_and(|l| l.contains("1 MiB")),
        "{screen}"
    );
    // Per kind, System V's against SHMMNI and SHMALL (at 120 columns, without the
    // percentages); the private /dev/shm has no POSIX objects, the test's processes no
    // memfds.
    assert!(
        screen.contains("SysV 2/4096 segments, 1.1 MiB/") && !screen.contains("SHMMNI"),
        "per kind, against SHMMNI and SHMALL: {screen}"
    );
    assert!(
        screen.contains("POSIX 0 objects, 0 B  memfd 0 memfds, 0 B"),
        "per kind: {screen}"
    );
    // The refresh time in the heading tells refreshes apart (they are a second apart).
    let stamp = |s: &str| {
        let at = s.find("shmctl-rs top at ")?;
        s.get(at + 17..at + 25).map(String::from)
    };
    let before = stamp(&screen);
    create(&["--size", "8K", "--key", "0x1603"]);
    let mut stamps = Vec::new();
    let screen = t.wait("the new segment", |s| {
        let st = stamp(s);
        if st != before && !stamps.contains(&st) {
            stamps.push(st);
        }
        s.contains("0x00001603")
    });
    let refreshes = stamps.len().max(1);
    assert!(
        refreshes <= 2,
        "appeared after {refreshes} refreshes: {stamps:?}"
    );
    let row = line_with(&screen, "0x00001603").unwrap();
    assert!(row.starts_with("+ "), "a new row is marked: {row}");
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn sorting_and_filtering_change_the_order() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "12K", "--key", "0x100"]);
    create(&["--size", "4K", "--key", "0x200"]);
    create(&["--size", "8K", "--key", "0x300"]);
    let keys = ["0x00000100", "0x00000200", "0x00000300"];
    let t = Tmux::start(120, 40, None);
    let screen = t.top("--interval 300ms");
    assert_eq!(order(&screen, &keys), keys, "by id:\n{screen}");
    // s: id, key, owner, size.
    t.keys(&["s", "s", "s"]);
    let screen = t.wait("sorted by size", |s| s.contains("sort size"));
    assert_eq!(
        order(&screen, &keys),
        ["0x00000200", "0x00000300", "0x00000100"],
        "{screen}"
    );
    t.keys(&["r"]);
    let screen = t.wait("reversed", |s| s.contains("sort size reversed"));
    assert_eq!(
        order(&screen, &keys),
        ["0x00000100", "0x00000300", "0x00000200"],
        "{screen}"
    );
    t.filter("0x00000300");
    t.keys(&["Enter"]);
    let screen = t.wait("filtered", |s| s.contains("filter '0x00000300'"));
    assert_eq!(order(&screen, &keys), ["0x00000300"], "{screen}");
    t.keys(&["C-c"]);
    t.ended(130);
}

#[test]
fn enter_shows_the_holders_of_a_segment() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "4K", "--key", "0x501"]);
    let id = create(&["--size", "4K", "--key", "0x502"]).to_string();
    let mut c = cmd(&["attach", &id, "--readonly"]);
    c.stdout(Stdio::piped());
    let mut holder = Spawned::new(c);
    let mut lines = holder.lines();
    read_until(&mut lines, |l| l.contains("attached"));
    let pid = holder.pid().as_raw();
    let t = Tmux::start(120, 40, None);
    t.top("--interval 300ms");
    t.filter("0x00000502");
    t.keys(&["Enter", "Enter"]);
    let screen = t.wait("the detail pane", |s| s.contains("PID  COMMAND"));
    assert!(screen.contains(&format!("segment {id}")), "{screen}");
    let holder_line =
        line_with(&screen, &format!("{pid}  shmctl-rs")).unwrap_or_else(|| panic!("{screen}"));
    assert!(holder_line.contains("read-only"), "{holder_line}");
    assert!(screen.contains("nattch    1"), "{screen}");
    t.keys(&["Escape"]);
    t.wait("the table again", |s| !s.contains("PID  COMMAND"));
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn d_removes_exactly_the_selected_segment_and_only_after_yes() {
    if !tmux_available() {
        return;
    }
    isolate();
    let a = create(&["--size", "4K", "--key", "0x701"]);
    let b = create(&["--size", "4K", "--key", "0x702"]);
    let c = create(&["--size", "4K", "--key", "0x703"]);
    let mut attach = cmd(&["attach", &c.to_string()]);
    attach.stdout(Stdio::piped());
    let mut held = Spawned::new(attach);
    let mut lines = held.lines();
    read_until(&mut lines, |l| l.contains("attached"));
    let t = Tmux::start(120, 40, None);
    t.top("--interval 300ms");
    // The second row, then d: the question names it and says nobody has it attached.
    t.keys(&["j", "d"]);
    let screen = t.wait("the question", |s| s.contains("Remove segment"));
    assert!(
        screen.contains(&format!("Remove segment {b} (key 0x00000702, 4096 bytes")),
        "{screen}"
    );
    assert!(screen.contains("Nobody has it attached"), "{screen}");
    t.keys(&["n"]);
    t.wait("kept", |s| s.contains(&format!("kept segment {b}")));
    assert_eq!(shmids(), [a, b, c], "a no removes nothing");
    t.keys(&["d", "Escape"]);
    t.wait("kept", |s| s.contains(&format!("kept segment {b}")));
    assert_eq!(shmids(), [a, b, c], "Esc removes nothing");
    t.keys(&["d", "y"]);
    let screen = t.wait("the removal", |s| s.contains("removed shmid"));
    assert!(
        screen.contains(&format!("removed shmid {b} (key 0x00000702")),
        "{screen}"
    );
    assert_eq!(shmids(), [a, c], "exactly the selected one went");
    // The attached one: said so, and only marked for destruction.
    t.keys(&["G", "d"]);
    let screen = t.wait("the question", |s| s.contains("Remove segment"));
    assert!(screen.contains(&format!("Remove segment {c}")), "{screen}");
    assert!(screen.contains("It is ATTACHED by 1 process"), "{screen}");
    t.keys(&["y"]);
    t.wait("marked", |s| s.contains(&format!("marked shmid {c}")));
    let left = segments();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0]["shmid"], a);
    assert_eq!(left[0]["status"], serde_json::json!([]));
    assert_eq!(left[1]["status"], serde_json::json!(["dest"]));
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn a_running_ring_shows_a_moving_fill_gauge_read_without_touching_it() {
    if !tmux_available() {
        return;
    }
    isolate();
    let mut producer = cmd(&[
        "ring",
        "produce",
        "-n",
        "0",
        "--interval",
        "20ms",
        "--quiet",
        "--key",
        "0x4242",
    ]);
    producer.stdout(Stdio::piped());
    let producer = Spawned::new(producer);
    let pid = producer.pid().as_raw();
    eventually(Duration::from_secs(10), "the ring", || {
        segments().first().is_some_and(|s| s["lpid"] == pid)
    });
    let t = Tmux::start(160, 40, None);
    t.top("--interval 300ms");
    let filled = |s: &str| -> Option<u32> {
        let row = line_with(s, "0x00004242")?;
        let at = row.find("ring ")?;
        row[at + 5..].split('/').next()?.parse().ok()
    };
    let first = t.wait("the gauge", |s| filled(s).is_some());
    let row = line_with(&first, "0x00004242").unwrap().to_string();
    assert!(row.contains("/1024 [#"), "{row}");
    assert!(row.contains(" consistent"), "{row}");
    assert!(row.contains(&format!("prod {pid} shmctl-rs")), "{row}");
    let was = filled(&first).unwrap();
    let later = t.wait("the gauge moving", |s| {
        filled(s).is_some_and(|n| n > was + 5)
    });
    let row = line_with(&later, "0x00004242").unwrap();
    let rate: f64 = row
        .split_whitespace()
        .find_map(|w| w.strip_suffix("/s")?.parse().ok())
        .unwrap_or_else(|| panic!("no items/s in {row}"));
    assert!(rate > 0.0, "{row}");
    // Read through the producer's mapping: the view never became the segment's lpid.
    assert_eq!(segments()[0]["lpid"], pid, "the view attached to the ring");
    t.keys(&["q"]);
    t.ended(0);
    drop(producer);
}

#[test]
fn every_way_out_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "4K", "--key", "0x901"]);
    let t = Tmux::start(120, 40, None);
    t.top("--interval 300ms");
    assert_eq!(t.modes(), "1 0 1", "the view runs on the alternate screen");
    t.keys(&["q"]);
    t.ended(0);
    t.top("--interval 300ms");
    t.keys(&["Escape"]);
    t.ended(0);
    t.top("--interval 300ms");
    t.keys(&["C-c"]);
    t.ended(130);
    t.top("--interval 300ms");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(t.top_pid()),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    t.ended(130);
    t.top("--interval 300ms");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(t.top_pid()),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    t.ended(130);
    // A panic on the main thread, and one on the collector's.
    t.run_top("SHMCTL_RS_TOP_PANIC=draw", "");
    let screen = t.ended(101);
    assert!(
        screen.contains("deliberate panic in the main loop"),
        "{screen}"
    );
    t.run_top("SHMCTL_RS_TOP_PANIC=collect", "");
    let screen = t.ended(1);
    assert!(
        screen.contains(
            "shmctl-rs: internal error while gathering: deliberate panic in the collector"
        ),
        "{screen}"
    );
}

#[test]
fn a_terminal_that_goes_away_ends_the_view() {
    if !tmux_available() {
        return;
    }
    isolate();
    let t = Tmux::start(
        100,
        30,
        Some(&format!("exec '{}' top --interval 300ms", bin().display())),
    );
    t.wait("the first refresh", |s| s.contains("shmctl-rs top at "));
    let pid = t.pane_pid();
    let alive = || {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
            && std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| !s.contains(") Z "))
    };
    assert!(alive());
    t.tmux(&["kill-server"]);
    let start = Instant::now();
    while alive() {
        assert!(
            start.elapsed() < PROMPT_EXIT,
            "the view outlived its terminal"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn at_80_by_24_columns_are_dropped_not_wrapped_and_a_resize_redraws() {
    if !tmux_available() {
        return;
    }
    isolate();
    let mut ring = cmd(&[
        "ring",
        "produce",
        "-n",
        "50",
        "--interval",
        "0",
        "--quiet",
        "--key",
        "0x4243",
    ]);
    ring.stdout(Stdio::piped());
    assert!(ring.status().unwrap().success());
    let ids: Vec<String> = (0..30)
        .map(|i| create(&["--size", "4K", "--key", &format!("0x{:x}", 0x800 + i)]).to_string())
        .collect();
    // Two holders make the table wider than 80 columns.
    let mut attach = cmd(&["attach", &ids[0]]);
    attach.stdout(Stdio::piped());
    let mut one = Spawned::new(attach);
    let mut lines = one.lines();
    read_until(&mut lines, |l| l.contains("attached"));
    let mut c = Command::new(c_program("holder"));
    c.args(["attach", &ids[0], "1", "rw"]);
    let mut two = Spawned::new(c);
    let mut lines = two.lines();
    read_until(&mut lines, |l| l.contains("ready"));
    let t = Tmux::start(80, 24, None);
    let screen = t.top("--interval 300ms");
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), 24, "{screen}");
    let heading = lines[2];
    assert!(
        heading.contains("KEY") && heading.contains("SIZE") && heading.contains("APP"),
        "{screen}"
    );
    assert!(!heading.contains("STATUS"), "{screen}");
    assert!(
        line_with(&screen, "0x00000800").is_some_and(|l| l.contains("2 shmctl-rs,holder")),
        "{screen}"
    );
    assert!(screen.lines().all(|l| l.len() <= 80), "{screen}");
    // Every row on one line: the ring's row, then the next segment's.
    let ring_row = lines.iter().position(|l| l.contains("0x00004243")).unwrap();
    assert!(lines[ring_row].contains("ring 50/1024"), "{screen}");
    assert!(lines[ring_row + 1].contains("0x00000800"), "{screen}");
    // 20 rows fit; the last ones are paged, never squeezed.
    assert!(lines[23].starts_with("q quit"), "{screen}");
    assert!(!screen.contains("0x0000081d"), "{screen}");
    t.keys(&["End"]);
    t.wait("the last row", |s| s.contains("0x0000081d"));
    t.tmux(&["resize-window", "-t", "top", "-x", "150", "-y", "50"]);
    // Redrawn at 150 x 50: every row fits, the first and the last on one screen (the
    // 80-column heading has STATUS too, so the rows are what tells the new screen).
    let screen = t.wait("a wider screen", |s| {
        s.contains("0x00000800") && s.contains("0x0000081d")
    });
    assert!(
        screen.lines().nth(2).is_some_and(|h| h.contains("STATUS")),
        "{screen}"
    );
    t.keys(&["q"]);
    t.ended(0);
    drop((one, two));
}

/// Whether an ANSI capture has an SGR parameter that `wanted` accepts.
fn has_sgr(ansi: &str, wanted: impl Fn(u32) -> bool) -> bool {
    ansi.split("\x1b[").skip(1).any(|seq| {
        let Some(end) = seq.find('m') else {
            return false;
        };
        seq[..end]
            .split(';')
            .any(|p| p.parse::<u32>().is_ok_and(&wanted))
    })
}

/// Whether an ANSI capture sets any colour (SGR 30–37, 38, 40–47, 48, 90–97, 100–107).
fn has_color(ansi: &str) -> bool {
    has_sgr(
        ansi,
        |n| matches!(n, 30..=37 | 38 | 40..=47 | 48 | 90..=97 | 100..=107),
    )
}

#[test]
fn no_color_turns_colours_off() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "4K", "--key", "0xc01"]);
    let t = Tmux::start(120, 40, None);
    t.top("--interval 300ms");
    let coloured = t.ansi_screen();
    assert!(has_color(&coloured), "{coloured:?}");
    t.keys(&["q"]);
    t.ended(0);
    t.run_top("NO_COLOR=1", "--interval 300ms");
    t.wait("the first refresh", |s| s.contains("shmctl-rs top at "));
    let plain = t.ansi_screen();
    assert!(!has_color(&plain), "{plain:?}");
    assert!(
        has_sgr(&plain, |n| n == 7),
        "the selection is still shown (reversed)"
    );
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn the_mouse_wheel_scrolls() {
    if !tmux_available() {
        return;
    }
    isolate();
    for i in 0..40 {
        create(&["--size", "4K", "--key", &format!("0x{:x}", 0xa00 + i)]);
    }
    let t = Tmux::start(100, 20, None);
    let screen = t.top("--interval 300ms");
    assert!(!screen.contains("0x00000a27"), "{screen}");
    // Wheel-down reports (SGR mouse encoding), as a terminal sends them.
    for _ in 0..15 {
        t.tmux(&["send-keys", "-t", "top", "-l", "\x1b[<65;10;10M"]);
    }
    t.wait("scrolled to the end", |s| s.contains("0x00000a27"));
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn other_namespaces_with_ns_and_all_namespaces() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "4K", "--key", "0x1111"]);
    let mut c = Command::new("unshare");
    c.arg("--ipc").arg("--").arg("sh").arg("-c").arg(format!(
        "'{}' create --size 4096 --key 0x2222 -q && exec sleep 600",
        bin().display()
    ));
    let container = Spawned::new(c);
    let pid = container.pid().as_raw();
    eventually(Duration::from_secs(10), "the container's sleep", || {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep")
    });
    let t = Tmux::start(140, 40, None);
    let screen = t.top(&format!("--ns {pid} --interval 300ms"));
    assert!(
        screen.contains("0x00002222") && !screen.contains("0x00001111"),
        "{screen}"
    );
    t.keys(&["q"]);
    t.ended(0);
    t.top("-A --interval 300ms");
    // Filtered: other namespaces of the host may hold thousands of segments.
    t.filter("0x00001111");
    t.keys(&["Enter"]);
    t.wait("ours", |s| {
        s.contains("filter '0x00001111'") && row_with(s, "0x00001111").is_some()
    });
    t.keys(&["/", "C-u"]);
    t.tmux(&["send-keys", "-t", "top", "-l", "0x00002222"]);
    let screen = t.wait("theirs", |s| row_with(s, "0x00002222").is_some());
    let theirs = row_with(&screen, "0x00002222").unwrap();
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(format!("/proc/{pid}/ns/ipc"))
        .unwrap()
        .ino();
    assert!(theirs.contains(&inode.to_string()), "{theirs}");
    // Both segments are shmid 0 of their namespace, of the same size: d on the
    // container's removes the container's, inside its namespace, and not ours.
    assert_eq!(shmids(), [0]);
    t.keys(&["Enter", "d"]);
    t.wait("the question", |s| {
        s.contains("Remove segment 0 (key 0x00002222")
    });
    t.keys(&["y"]);
    t.wait("the removal", |s| {
        s.contains("removed shmid 0 (key 0x00002222")
    });
    t.keys(&["q"]);
    t.ended(0);
    let pid = pid.to_string();
    let theirs = json(&["ls", "--ns", &pid, "--json"]);
    assert_eq!(theirs["segments"].as_array().unwrap().len(), 0, "{theirs}");
    assert_eq!(segments()[0]["key"], 0x1111, "ours is untouched");
}

#[test]
fn a_segment_that_vanishes_before_the_yes_is_reported_and_nothing_else_goes() {
    if !tmux_available() {
        return;
    }
    isolate();
    let a = create(&["--size", "4K", "--key", "0xd01"]);
    let b = create(&["--size", "4K", "--key", "0xd02"]);
    let t = Tmux::start(120, 40, None);
    t.top("--interval 5s");
    t.keys(&["d"]);
    t.wait("the question", |s| {
        s.contains(&format!("Remove segment {a}"))
    });
    assert!(run(&["rm", &a.to_string()]).status.success());
    // Another segment takes its place in the listing meanwhile.
    let c = create(&["--size", "4K", "--key", "0xd03"]);
    t.keys(&["y"]);
    let screen = t.wait("the outcome", |s| s.contains("no such segment"));
    assert!(
        screen.contains(&format!("segment {a}: no such segment")),
        "{screen}"
    );
    assert_eq!(shmids(), [b, c]);
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn an_unprivileged_user_sees_everything_and_is_refused_removal() {
    if !tmux_available() {
        return;
    }
    isolate();
    let a = create(&["--size", "4K", "--key", "0xe01", "--mode", "600"]);
    let (_dir, binary) = world_readable_bin();
    let t = Tmux::start(120, 40, None);
    t.line(&format!(
        "setpriv --reuid=65534 --regid=65534 --clear-groups '{}' top -d 300ms < /dev/null; printf 'e%sit=%s\\n' x $?",
        binary.display()
    ));
    let screen = t.wait("the first refresh", |s| s.contains("shmctl-rs top at "));
    assert!(screen.contains("0x00000e01"), "{screen}");
    t.keys(&["d", "y"]);
    let screen = t.wait("the refusal", |s| s.contains("permission denied"));
    assert!(
        screen.contains(&format!("segment {a}: permission denied")),
        "{screen}"
    );
    assert_eq!(shmids(), [a]);
    t.keys(&["Enter"]);
    // IPC_STAT is refused: the detail is what /proc shows every user, and says so.
    // (The pane opens at once, saying "gathering..." until the collector's next refresh.)
    let screen = t.wait("the detail", |s| {
        s.contains("(Esc back") && !s.contains("gathering...")
    });
    assert!(
        screen.contains("uid 65534 may not read this segment") && screen.contains("0x00000e01"),
        "{screen}"
    );
    t.keys(&["Escape", "q"]);
    t.ended(0);
}

#[test]
fn posix_objects_and_memfds_are_listed_beside_segments_and_tab_switches_kinds() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "64K", "--key", "0x1401"]);
    let w = World::new();
    let t = Tmux::start_in(&w, 140, 40);
    let held = w.holder(&["posix", "/top.held", "65536"]);
    w.sh("head -c 5000 /dev/zero > /dev/shm/top.idle");
    let memfd = w.holder(&["memfd", "top-memfd", "8192"]);
    // Inside a PID namespace the processes outside it cannot be seen: nothing is called
    // unheld, and the header says why.
    let screen = t.top("--interval 300ms");
    assert!(
        screen.contains("processes may be hidden: nothing called unheld"),
        "{screen}"
    );
    let idle = line_with(&screen, "/top.idle").unwrap_or_else(|| panic!("{screen}"));
    assert!(!idle.contains("unheld"), "{idle}");
    t.keys(&["q"]);
    t.ended(0);
    // The world's /dev/shm is its own: none of them can reach it.
    let screen = t.top("--interval 300ms --include-unknown");
    assert!(!screen.contains("processes may be hidden"), "{screen}");
    assert!(
        screen.contains("SHMMNI 1/4096 (<0.1%)  SHMALL 64 KiB/")
            && screen.contains("SysV 1 segment, 64 KiB  POSIX 2 objects, 68.9 KiB")
            && screen.contains("memfd 1 memfd, 8 KiB"),
        "totals per kind: {screen}"
    );
    let heading = screen.lines().nth(2).unwrap();
    assert!(
        heading.contains("KIND") && heading.contains("KEY/NAME") && heading.contains("RSS/ALLOC"),
        "{screen}"
    );
    let segment = line_with(&screen, "0x00001401").unwrap_or_else(|| panic!("{screen}"));
    assert!(segment.starts_with("  SysV "), "{segment}");
    // A POSIX object: its inode for an id, allocated bytes, no nattch, its holder.
    let row = line_with(&screen, "/top.held").unwrap_or_else(|| panic!("{screen}"));
    assert!(row.starts_with("  POSIX /top.held"), "{row}");
    for cell in [
        format!(" {} ", held.inode),
        "64 KiB 64 KiB".to_string(),
        " - 1 shm_holder".to_string(),
    ] {
        assert!(row.contains(&cell), "{cell} in {row}");
    }
    let idle = line_with(&screen, "/top.idle").unwrap_or_else(|| panic!("{screen}"));
    assert!(idle.contains("unheld"), "{idle}");
    let row = line_with(&screen, "memfd:top-memfd").unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.starts_with("  memfd memfd:top-memfd") && row.contains(&format!(" {} ", memfd.inode)),
        "{row}"
    );
    // Tab: each kind alone, then all again.
    let kinds = |s: &str| {
        (
            s.contains("0x00001401"),
            s.contains("/top.held"),
            s.contains("memfd:top-memfd"),
        )
    };
    t.keys(&["Tab"]);
    let screen = t.wait("segments only", |s| s.contains("showing SysV"));
    assert_eq!(kinds(&screen), (true, false, false), "{screen}");
    assert!(!screen.lines().nth(2).unwrap().contains("KIND"), "{screen}");
    t.keys(&["Tab"]);
    let screen = t.wait("POSIX objects only", |s| s.contains("showing POSIX"));
    assert_eq!(kinds(&screen), (false, true, false), "{screen}");
    assert!(screen.contains("/top.idle"), "{screen}");
    let heading = screen.lines().nth(2).unwrap();
    assert!(
        heading.contains("NAME") && heading.contains("ALLOC") && !heading.contains("KEY"),
        "{screen}"
    );
    t.keys(&["Tab"]);
    let screen = t.wait("memfds only", |s| s.contains("showing memfd"));
    assert_eq!(kinds(&screen), (false, false, true), "{screen}");
    t.keys(&["Tab"]);
    let screen = t.wait("all kinds", |s| s.contains("showing all kinds"));
    assert_eq!(kinds(&screen), (true, true, true), "{screen}");
    // The filter matches names; an object made now appears.
    t.filter("top.");
    t.keys(&["Enter"]);
    w.sh("head -c 100 /dev/zero > /dev/shm/top.new");
    let screen = t.wait("the new object", |s| s.contains("/top.new"));
    assert_eq!(kinds(&screen), (false, true, false), "{screen}");
    assert!(
        line_with(&screen, "/top.new").is_some_and(|l| l.starts_with("+ ")),
        "{screen}"
    );
    t.keys(&["q"]);
    t.ended(0);
    drop((held, memfd));
}

#[test]
fn enter_shows_the_holders_of_a_posix_object() {
    let Some((w, t)) = world(120, 40) else {
        return;
    };
    let maker = w.holder(&["posix", "/top.info", "20000"]);
    let reader = w.holder(&["open", "/top.info", "ro"]);
    t.top("--interval 300ms");
    t.filter("/top.info");
    t.keys(&["Enter", "Enter"]);
    let screen = t.wait("the detail pane", |s| s.contains("PID  COMMAND"));
    for expected in [
        "POSIX object /top.info  (Esc back".to_string(),
        "name       /top.info".to_string(),
        "kind       POSIX shared memory (shm_open)".to_string(),
        "path       /dev/shm/top.info".to_string(),
        format!("inode      {}", maker.inode),
        "size       19.5 KiB (20000 bytes)".to_string(),
        "holders    2 processes".to_string(),
    ] {
        assert!(screen.contains(&expected), "{expected}:\n{screen}");
    }
    let line = |pid: i64| {
        line_with(&screen, &format!("{pid}  shm_holder"))
            .unwrap_or_else(|| panic!("{pid}:\n{screen}"))
            .to_string()
    };
    assert!(line(maker.pid).contains("read-write"), "{screen}");
    assert!(line(reader.pid).contains("read-only"), "{screen}");
    t.keys(&["Escape"]);
    t.wait("the table again", |s| !s.contains("PID  COMMAND"));
    t.keys(&["q"]);
    t.ended(0);
    drop((maker, reader));
}

#[test]
fn d_unlinks_exactly_the_selected_posix_object_and_only_after_yes() {
    let Some((w, t)) = world(140, 40) else {
        return;
    };
    w.sh("for n in a b; do head -c 4096 /dev/zero > /dev/shm/top.$n; done");
    let held = w.holder(&["posix", "/top.c", "8192"]);
    // A segment of the same size beside them: never the one removed.
    let segment = create(&["--size", "4K", "--key", "0x1701"]);
    t.top("--interval 300ms --include-unknown");
    let select = |name: &str| {
        t.keys(&["/", "C-u"]);
        t.tmux(&["send-keys", "-t", "top", "-l", name]);
        t.keys(&["Enter"]);
        t.wait("the filter", |s| s.contains(&format!("filter '{name}'")));
    };
    select("/top.b");
    t.keys(&["d"]);
    let screen = t.wait("the question", |s| s.contains("Remove POSIX object"));
    assert!(
        screen.contains("Remove POSIX object /top.b (inode ")
            && screen.contains("4 KiB allocated of 4 KiB, owner"),
        "{screen}"
    );
    assert!(screen.contains("Nobody holds it"), "{screen}");
    t.keys(&["n"]);
    t.wait("kept", |s| s.contains("kept POSIX object /top.b"));
    assert_eq!(
        Tmux::dev_shm(&w),
        ["top.a", "top.b", "top.c"],
        "a no removes nothing"
    );
    t.keys(&["d", "Escape"]);
    t.wait("kept", |s| s.contains("kept POSIX object /top.b"));
    assert_eq!(
        Tmux::dev_shm(&w),
        ["top.a", "top.b", "top.c"],
        "Esc removes nothing"
    );
    t.keys(&["d", "y"]);
    t.wait("the removal", |s| {
        s.contains("removed POSIX object /top.b (4 KiB, 4 KiB allocated)")
    });
    assert_eq!(
        Tmux::dev_shm(&w),
        ["top.a", "top.c"],
        "exactly the selected one went"
    );
    assert_eq!(shmids(), [segment]);
    // A held one: said so; its name goes, and it lives on, unlinked, with its holder.
    select("/top.c");
    t.keys(&["d"]);
    let screen = t.wait("the question", |s| s.contains("Remove POSIX object"));
    assert!(
        screen.contains("Remove POSIX object /top.c (inode"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "It is still HELD by 1 process ({} shm_holder (fd, map))",
            held.pid
        )),
        "{screen}"
    );
    t.keys(&["y"]);
    t.wait("unlinked", |s| {
        s.contains("unlinked POSIX object /top.c") && s.contains("still held by 1 process")
    });
    assert_eq!(Tmux::dev_shm(&w), ["top.a"]);
    let screen = t.wait("the unlinked object", |s| {
        s.lines()
            .any(|l| l.get(2..).is_some_and(|r| r.starts_with("/top.c")) && l.contains("deleted"))
    });
    assert!(screen.contains("1 shm_holder"), "{screen}");
    // It has no name left: d says so and asks nothing.
    t.keys(&["d"]);
    t.wait("the refusal", |s| {
        s.contains("POSIX object /top.c is already unlinked: no name is left to remove")
    });
    t.keys(&["y"]);
    assert_eq!(Tmux::dev_shm(&w), ["top.a"]);
    // A name that is not UTF-8 is shown escaped, and d removes that very file.
    w.sh("printf x > \"$(printf '/dev/shm/top.n\\377')\"");
    select("/top.n\\xff");
    t.wait("the object", |s| line_with(s, "/top.n\\xff   ").is_some());
    t.keys(&["d"]);
    t.wait("the question", |s| {
        s.contains("Remove POSIX object /top.n\\xff (inode")
    });
    t.keys(&["y"]);
    t.wait("the removal", |s| {
        s.contains("removed POSIX object /top.n\\xff")
    });
    assert_eq!(Tmux::dev_shm(&w), ["top.a"]);
    t.keys(&["q"]);
    t.ended(0);
    drop(held);
}

#[test]
fn an_object_made_again_under_its_name_before_the_yes_is_left_alone() {
    let Some((w, t)) = world(140, 40) else {
        return;
    };
    w.sh("head -c 4096 /dev/zero > /dev/shm/top.again");
    t.top("--interval 5s");
    t.filter("/top.again");
    t.keys(&["Enter", "d"]);
    t.wait("the question", |s| {
        s.contains("Remove POSIX object /top.again")
    });
    // Meanwhile it is removed and made again under its name: another file.
    let inode = |w: &World| w.sh("stat -c %i /dev/shm/top.again").trim().to_string();
    let before = inode(&w);
    w.sh("rm /dev/shm/top.again && head -c 100 /dev/zero > /dev/shm/top.marker && head -c 8192 /dev/zero > /dev/shm/top.again");
    let after = inode(&w);
    assert_ne!(before, after);
    t.keys(&["y"]);
    let screen = t.wait("the outcome", |s| s.contains("left alone"));
    assert!(
        screen.contains(&format!(
            "POSIX object /top.again: the name now reaches another file (inode {after}) than the one confirmed (inode {before}): left alone"
        )),
        "{screen}"
    );
    assert_eq!(Tmux::dev_shm(&w), ["top.again", "top.marker"]);
    assert_eq!(inode(&w), after);
    // Confirmed, then removed by someone else before the yes: said, nothing else goes.
    t.wait("the new one alone", |s| {
        let rows: Vec<&str> = s
            .lines()
            .skip(3)
            .take(36)
            .filter(|l| l.contains("/top.again"))
            .collect();
        rows.len() == 1 && rows[0].contains(&format!(" {after} "))
    });
    t.keys(&["d"]);
    t.wait("the question", |s| {
        s.contains("Remove POSIX object /top.again")
    });
    w.sh("rm /dev/shm/top.again");
    t.keys(&["y"]);
    let screen = t.wait("the outcome", |s| s.contains("no such object"));
    assert!(
        screen.contains("POSIX object /top.again: no such object in /dev/shm"),
        "{screen}"
    );
    assert_eq!(Tmux::dev_shm(&w), ["top.marker"]);
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn an_unprivileged_user_is_refused_unlinking_anothers_object_and_names_show_escaped() {
    let Some((w, t)) = world(140, 40) else {
        return;
    };
    // Root's object, and one planted with a name that would move the cursor and clear
    // the screen if it reached the terminal as it is.
    w.sh("head -c 4096 /dev/zero > /dev/shm/top.roots && chmod 644 /dev/shm/top.roots");
    w.sh("printf x > \"/dev/shm/top.$(printf '\\033[2J\\033[H')evil\"");
    let (_dir, binary) = world_readable_bin();
    t.line(&format!(
        "setpriv --reuid=65534 --regid=65534 --clear-groups '{}' top -d 300ms < /dev/null; printf 'e%sit=%s\\n' x $?",
        binary.display()
    ));
    let screen = t.wait("the first refresh", |s| s.contains("shmctl-rs top at "));
    assert!(
        screen.contains("/top.\\x1b[2J\\x1b[Hevil"),
        "escaped, not drawn: {screen}"
    );
    t.filter("/top.roots");
    t.keys(&["Enter", "d"]);
    t.wait("the question", |s| {
        s.contains("Remove POSIX object /top.roots")
    });
    t.keys(&["y"]);
    let screen = t.wait("the refusal", |s| s.contains("permission denied"));
    assert!(
        screen.contains("POSIX object /top.roots: permission denied") && screen.contains("sticky"),
        "{screen}"
    );
    assert!(Tmux::dev_shm(&w).contains(&"top.roots".to_string()));
    t.keys(&["q"]);
    t.ended(0);
}

#[test]
fn d_on_a_memfd_says_it_cannot_be_removed_and_removes_nothing() {
    let Some((w, t)) = world(140, 40) else {
        return;
    };
    let memfd = w.holder(&["memfd", "top-keep", "4096"]);
    w.sh("head -c 4096 /dev/zero > /dev/shm/top.beside");
    t.top("--interval 300ms");
    t.filter("memfd:top-keep");
    t.keys(&["Enter", "d"]);
    t.wait("the refusal", |s| {
        s.contains(&format!(
            "memfd:top-keep (inode {}): a memfd has no name to remove",
            memfd.inode
        ))
    });
    t.keys(&["y"]);
    std::thread::sleep(Duration::from_millis(700));
    let screen = t.screen();
    assert!(!screen.contains("Remove"), "{screen}");
    assert!(line_with(&screen, "memfd:top-keep").is_some(), "{screen}");
    assert_eq!(Tmux::dev_shm(&w), ["top.beside"]);
    // Still held, still listed.
    let listed = w.objects(&["--memfd"]);
    assert!(
        listed.iter().any(|o| o["inode"] == memfd.inode),
        "{listed:?}"
    );
    t.keys(&["q"]);
    t.ended(0);
    drop(memfd);
}

#[test]
fn posix_objects_of_other_namespaces_with_ns_and_all_namespaces() {
    if !tmux_available() {
        return;
    }
    isolate();
    // A container with an object of the same name as one of ours.
    let container = World::new();
    container.sh("head -c 8192 /dev/zero > /dev/shm/top.same");
    use std::os::unix::fs::MetadataExt;
    let theirs = std::fs::metadata(format!("/proc/{}/ns/mnt", container.init))
        .unwrap()
        .ino()
        .to_string();
    let t = Tmux::start(160, 40, None);
    t.line("head -c 4096 /dev/zero > /dev/shm/top.same && clear");
    // --ns PID: that process's /dev/shm, as ls --ns PID lists it.
    let screen = t.top(&format!("--ns {} --interval 300ms", container.init));
    let row = line_with(&screen, "/top.same").unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.contains("8 KiB") && screen.contains("POSIX 1 object"),
        "{screen}"
    );
    t.keys(&["q"]);
    t.ended(0);
    // An ipc namespace file names no /dev/shm: said, and none listed.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("ipc");
    std::os::unix::fs::symlink(format!("/proc/{}/ns/ipc", container.init), &link).unwrap();
    let screen = t.top(&format!("--ns {} --interval 300ms", link.display()));
    assert!(
        screen.contains("no POSIX objects or memfds (--ns PATH names no /dev/shm)")
            && !screen.contains("/top.same"),
        "{screen}"
    );
    t.keys(&["q"]);
    t.ended(0);
    let screen = t.top("-A --interval 300ms");
    assert!(screen.lines().nth(2).unwrap().contains("NS"), "{screen}");
    t.filter("/top.same");
    t.keys(&["Enter"]);
    let rows = |s: &str| -> Vec<String> {
        // The table's rows: below the headings, above the status line.
        s.lines()
            .skip(3)
            .take(36)
            .filter(|l| l.contains(" /top.same "))
            .map(String::from)
            .collect()
    };
    // Both are inode 2 of their tmpfs: told apart by their namespace (and device).
    let screen = t.wait("both objects", |s| rows(s).len() == 2);
    let at = rows(&screen)
        .iter()
        .position(|r| r.contains(&format!(" {theirs} ")))
        .unwrap_or_else(|| panic!("theirs ({theirs}) in {screen}"));
    if at == 1 {
        t.keys(&["j"]);
    }
    t.keys(&["d"]);
    let screen = t.wait("the question", |s| {
        s.contains("Remove POSIX object /top.same")
    });
    assert!(
        screen.contains("8 KiB allocated of 8 KiB"),
        "theirs: {screen}"
    );
    t.keys(&["y"]);
    // Some process of the host cannot be read, so it is "unlinked", not known "removed".
    t.wait("the removal", |s| {
        s.contains(" POSIX object /top.same (8 KiB, 8 KiB allocated)")
    });
    let screen = t.wait("ours alone", |s| rows(s).len() == 1);
    assert!(
        !rows(&screen)[0].contains(&format!(" {theirs} ")),
        "{screen}"
    );
    assert!(Tmux::dev_shm(&container).is_empty(), "theirs went");
    // Confirmed in a namespace whose last process exits before the yes: nothing is
    // removed anywhere else.
    container.sh("head -c 12288 /dev/zero > /dev/shm/top.same");
    let screen = t.wait("theirs again", |s| rows(s).len() == 2);
    let at = rows(&screen)
        .iter()
        .position(|r| r.contains(&format!(" {theirs} ")))
        .unwrap_or_else(|| panic!("theirs ({theirs}) in {screen}"));
    t.keys(&["g"]);
    if at == 1 {
        t.keys(&["j"]);
    }
    t.keys(&["d"]);
    t.wait("the question", |s| s.contains("12 KiB allocated of 12 KiB"));
    drop(container);
    t.keys(&["y"]);
    let screen = t.wait("the refusal", |s| s.contains("left alone"));
    assert!(
        screen.contains(&format!(
            "POSIX object /top.same: no process is left in mount namespace {theirs}, where it was confirmed: left alone"
        )),
        "{screen}"
    );
    t.keys(&["q"]);
    t.ended(0);
    t.line("ls /dev/shm");
    t.wait("ours is there", |s| s.lines().any(|l| l == "top.same"));
}

#[test]
fn a_dev_shm_that_cannot_be_read_leaves_the_segments_and_says_why() {
    if !tmux_available() {
        return;
    }
    isolate();
    create(&["--size", "4K", "--key", "0x1901"]);
    // A process whose root has no /dev/shm (an empty /dev), in the test's IPC namespace.
    let mut c = Command::new("unshare");
    c.args([
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        "mount -t tmpfs tmpfs /dev && echo ready && exec sleep 600",
    ]);
    let mut bare = Spawned::new(c);
    let mut lines = bare.lines();
    read_until(&mut lines, |l| l == "ready");
    let pid = bare.pid().as_raw();
    let t = Tmux::start(160, 40, None);
    let screen = t.top(&format!("--ns {pid} --interval 300ms"));
    assert!(screen.contains("0x00001901"), "{screen}");
    assert!(
        screen.contains(&format!(
            "no POSIX objects: /proc/{pid}/root/dev/shm: No such file or directory"
        )),
        "{screen}"
    );
    assert!(screen.contains("memfd 0, 0 B"), "memfds still: {screen}");
    t.keys(&["q"]);
    t.ended(0);
}
