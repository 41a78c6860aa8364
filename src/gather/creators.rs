//! The command lines of the processes that created segments, while they run: one look
//! per creator, however many segments it made.

use crate::model::Segment;
use crate::proc::{cmdline, processes};
use std::collections::{HashMap, HashSet};

/// Creators looked at so far: their start time and command line, by pid.
#[derive(Default)]
pub struct Creators {
    seen: HashMap<i32, Option<(f64, String)>>,
    /// The pids in /proc, read once: most creators are long gone, and one read of the
    /// directory is cheaper than a failed look at each.
    running: Option<HashSet<i32>>,
}

impl Creators {
    /// The command line of the process that created `s`, if it still runs: a pid reused
    /// by a process that started after the segment's last change is not its creator.
    pub fn command(&mut self, s: &Segment) -> Option<String> {
        let running = self
            .running
            .get_or_insert_with(|| processes::pids().into_iter().collect());
        if !running.contains(&s.cpid) {
            return None;
        }
        let (started, command) = self
            .seen
            .entry(s.cpid)
            .or_insert_with(|| {
                let started = processes::start_time(s.cpid)?;
                Some((started, cmdline::read(s.cpid)?))
            })
            .as_ref()?;
        let creator = s.ctime.is_none_or(|c| *started <= c as f64 + 1.0);
        creator.then(|| command.clone())
    }

    /// Fill in the command of each segment.
    pub fn fill(&mut self, segments: &mut [Segment]) {
        for s in segments {
            s.command = self.command(s);
        }
    }
}
