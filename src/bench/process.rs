//! The two processes of a benchmark run: each `ring bench-peer`, started, told to go,
//! and read for what it measured; killed if the run fails half-way.

use super::peer::Role;
use crate::error::{Error, Result};
use crate::model::bench::{Case, Transport};
use crate::signals;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A peer process, killed if the run fails half-way.
pub struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How the ring ends of a run wait: `--spin`, and the attempts measured by hand.
#[derive(Clone, Copy, Debug, Default)]
pub struct Knobs {
    pub spin: Option<std::time::Duration>,
    pub spin_tries: Option<u32>,
    pub batch_spin: Option<u32>,
}

impl Peer {
    pub fn spawn(
        case: Case,
        role: Role,
        count: u64,
        endpoint: &str,
        cpu: Option<usize>,
        knobs: Knobs,
    ) -> Result<Peer> {
        let exe = std::env::current_exe()
            .map_err(|e| Error::other(format!("cannot find this program: {e}")))?;
        let mut cmd = Command::new(exe);
        cmd.args(["ring", "bench-peer", "--transport", case.transport.name()])
            .args(["--role", role.name()])
            .args(["--count", &count.to_string(), "--endpoint", endpoint]);
        if let Some(cpu) = cpu {
            cmd.args(["--cpu", &cpu.to_string()]);
        }
        if let Some(w) = case.write_items {
            cmd.args(["--write-items", &w.to_string()]);
        }
        if let Some(spin) = knobs.spin {
            cmd.args(["--spin", &format!("{}ns", spin.as_nanos())]);
        }
        if let Some(n) = knobs.spin_tries {
            cmd.args(["--spin-tries", &n.to_string()]);
        }
        if let Some(n) = knobs.batch_spin {
            cmd.args(["--batch-spin", &n.to_string()]);
        }
        // Its stderr is read when it ends early, so that its reason is the one line the
        // benchmark fails with.
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::other(format!("cannot start a benchmark peer: {e}")))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .map(BufReader::new)
            .ok_or_else(|| Error::other("a benchmark peer has no stdout"))?;
        Ok(Peer {
            child,
            stdin,
            stdout,
        })
    }

    /// Wait until a line from the peer is there, checking the stop flag every 50 ms: a
    /// Ctrl-C, SIGTERM or SIGHUP sent to this process alone (not to its group) stops the
    /// run, and dropping the peers kills them.
    fn wait_readable(&mut self) -> Result<()> {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        use std::os::fd::AsFd;
        loop {
            if self.stdout.buffer().contains(&b'\n') {
                return Ok(());
            }
            if signals::stop_requested() {
                return Err(Error::interrupted());
            }
            let mut fds = [PollFd::new(
                self.stdout.get_ref().as_fd(),
                PollFlags::POLLIN,
            )];
            match poll(&mut fds, PollTimeout::from(50u8)) {
                Ok(n) if n > 0 => return Ok(()),
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(Error::other(format!("poll: {}", e.desc()))),
            }
        }
    }

    /// The next line the peer prints that starts with `word`.
    pub fn expect(&mut self, word: &str) -> Result<Vec<String>> {
        let mut line = String::new();
        loop {
            line.clear();
            self.wait_readable()?;
            if self.stdout.read_line(&mut line)? == 0 {
                // Ended by Ctrl-C, SIGTERM or SIGHUP (sent to the whole process group, as a
                // terminal does): the run was interrupted, not broken.
                use std::os::unix::process::ExitStatusExt;
                let signal = self.child.wait().ok().and_then(|s| s.signal());
                if matches!(signal, Some(libc::SIGINT | libc::SIGTERM | libc::SIGHUP)) {
                    return Err(Error::interrupted());
                }
                let mut said = String::new();
                if let Some(mut err) = self.child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut err, &mut said);
                }
                let why = said
                    .lines()
                    .last()
                    .map(|l| l.trim_start_matches("shmctl-rs: ").to_string())
                    .unwrap_or_default();
                return Err(Error::other(format!(
                    "a benchmark peer ended before saying '{word}'{}",
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {why}")
                    }
                )));
            }
            let fields: Vec<String> = line.split_whitespace().map(String::from).collect();
            if fields.first().map(String::as_str) == Some(word) {
                return Ok(fields);
            }
        }
    }

    pub fn go(&mut self) -> Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| Error::other("a benchmark peer has no stdin"))?;
        stdin.write_all(b"go\n")?;
        stdin.flush()?;
        Ok(())
    }
}

/// Start two peers in order (a listening consumer first), and wait until both are ready.
pub fn start_pair(
    case: Case,
    roles: (Role, Role),
    count: u64,
    endpoint: &str,
    pin: Option<(usize, usize)>,
    knobs: Knobs,
) -> Result<(Peer, Peer)> {
    let unix = matches!(case.transport, Transport::Unix | Transport::UnixBatch);
    let mut second = Peer::spawn(case, roles.1, count, endpoint, pin.map(|p| p.1), knobs)?;
    if unix {
        second.expect("listening")?;
    }
    let mut first = Peer::spawn(case, roles.0, count, endpoint, pin.map(|p| p.0), knobs)?;
    if !unix {
        first.expect("ready")?;
    }
    second.expect("ready")?;
    if unix {
        first.expect("ready")?;
    }
    Ok((first, second))
}
