//! One refresh of a `--watch` view: on a terminal the screen cleared, a heading, then
//! what the view shows; to a pipe or a file no terminal codes, but a `---` line with the
//! time and the heading before each refresh, as watch-style tools write to logs. In JSON
//! and raw output each refresh is the value itself, one after another.

use super::{Render, View};
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// Clear the screen and move the cursor home.
const CLEAR: &str = "\x1b[H\x1b[2J";

pub struct Frame<'a, T: Render> {
    /// The heading line, e.g. `3 segments, every 1s; Ctrl-C to stop`.
    pub heading: String,
    pub body: &'a T,
    /// Clear the screen first (stdout is a terminal).
    pub clear: bool,
}

impl<T: Render> Serialize for Frame<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(s)
    }
}

impl<T: Render> Render for Frame<'_, T> {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        if self.clear {
            write!(out, "{CLEAR}{}\n\n", self.heading)?;
        } else {
            let time = crate::units::local_time(Some(view.now));
            writeln!(out, "--- {time}  {}", self.heading)?;
        }
        self.body.table(view, out)
    }

    fn raw(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        self.body.raw(view, out)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        self.body.json(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Detached;
    use crate::render::{Format, to_string};
    use crate::sys::shm::ShmId;

    #[test]
    fn a_frame_clears_the_screen_only_for_people() {
        let body = Detached { shmid: ShmId(3) };
        let frame = Frame {
            heading: "every 1s; Ctrl-C to stop".into(),
            body: &body,
            clear: true,
        };
        let view = View::at(0);
        assert_eq!(
            to_string(Format::Table, &frame, &view),
            "\x1b[H\x1b[2Jevery 1s; Ctrl-C to stop\n\ndetached shmid 3\n"
        );
        assert_eq!(to_string(Format::Json, &frame, &view), "");
        let logged = to_string(
            Format::Table,
            &Frame {
                clear: false,
                ..frame
            },
            &view,
        );
        let time = crate::units::local_time(Some(0));
        assert_eq!(
            logged,
            format!("--- {time}  every 1s; Ctrl-C to stop\ndetached shmid 3\n")
        );
    }
}
