//! The one path to the user. Results go to stdout through [`Output`], in the format the
//! command line chose; messages (warnings, notes, the final error) go to stderr through
//! [`warn`], [`note`] and [`error`]. A stderr that cannot be written is ignored: the
//! command still does what it was asked and exits with its own code.

pub mod progress;
pub mod screen;
pub mod stream;
pub mod textfile;

use crate::error::Result;
use crate::render::{self, Format, Render, View};
use std::fmt::Display;
use std::io::{IsTerminal, Write};

/// Stdout, the format chosen for it and the view renderers draw with.
pub struct Output<'a> {
    out: &'a mut dyn stream::Sink,
    format: Format,
    view: View,
    /// stdout is a terminal (progress bars, screen refreshes).
    terminal: bool,
}

impl<'a> Output<'a> {
    pub fn new(
        out: &'a mut dyn stream::Sink,
        format: Format,
        view: View,
        terminal: bool,
    ) -> Output<'a> {
        Output {
            out,
            format,
            view,
            terminal,
        }
    }

    /// The process's stdout as it is: a terminal's width, sizes as asked, the time now.
    pub fn for_stdout(out: &'a mut dyn stream::Sink, format: Format, bytes: bool) -> Output<'a> {
        let terminal = std::io::stdout().is_terminal();
        let view = View {
            bytes,
            width: terminal.then(terminal_width).flatten(),
            now: chrono::Utc::now().timestamp(),
        };
        Output::new(out, format, view, terminal)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// How results are shown (the terminal's width among it).
    pub fn view(&self) -> &View {
        &self.view
    }

    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Take the time again, for a refresh shown at its own time (`--watch`).
    pub fn refresh_clock(&mut self) {
        self.view.now = chrono::Utc::now().timestamp();
    }

    /// Show one result in the chosen format.
    pub fn show<T: Render + ?Sized>(&mut self, value: &T) -> Result<()> {
        render::render(self.format, value, &self.view, self.out)?;
        Ok(())
    }

    /// Show a result, then flush it (a refresh, or a line that must appear now).
    pub fn show_now<T: Render + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.show(value)?;
        self.flush()
    }

    /// The stream itself, for output that goes out as it happens (one line per item).
    pub fn writer(&mut self) -> &mut dyn stream::Sink {
        self.out
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// The terminal's width: `COLUMNS` when set, else what the terminal says.
fn terminal_width() -> Option<u16> {
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(cols);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0)
}

/// Something worth knowing that did not stop the command.
pub fn warn(message: impl Display) {
    line(format_args!("warning: {message}"));
}

/// What the command is doing, for a person watching (`waiting for a producer …`).
pub fn note(message: impl Display) {
    line(format_args!("{message}"));
}

/// Why something failed.
pub fn error(message: impl Display) {
    line(format_args!("{message}"));
}

/// A usage text under an error line (the commands a command line could have named).
pub fn usage(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn line(text: std::fmt::Arguments<'_>) {
    #[cfg(test)]
    if capture::take(&text) {
        return;
    }
    // One write per message, so that messages of several threads do not interleave.
    let _ = stream::stderr().write_all(format!("shmctl-rs: {text}\n").as_bytes());
}

#[cfg(test)]
pub mod capture {
    //! Messages said on this thread while a test listens, instead of stderr.
    use std::cell::RefCell;

    thread_local! {
        static LINES: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    }

    pub(super) fn take(text: &std::fmt::Arguments<'_>) -> bool {
        LINES.with(|l| match l.borrow_mut().as_mut() {
            Some(lines) => {
                lines.push(text.to_string());
                true
            }
            None => false,
        })
    }

    /// Run `f`, returning what it said on stderr, one message per line.
    pub fn messages<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
        LINES.with(|l| *l.borrow_mut() = Some(Vec::new()));
        let value = f();
        let lines = LINES.with(|l| l.borrow_mut().take()).unwrap_or_default();
        (value, lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Detached;
    use crate::sys::shm::ShmId;

    #[test]
    fn one_output_chooses_the_format() {
        let mut buf = Vec::new();
        let mut out = Output::new(&mut buf, Format::Table, View::at(0), false);
        out.show(&Detached { shmid: ShmId(1) }).unwrap();
        assert_eq!(buf, b"detached shmid 1\n");
        let mut buf = Vec::new();
        Output::new(&mut buf, Format::Json, View::at(0), false)
            .show(&Detached { shmid: ShmId(1) })
            .unwrap();
        assert!(buf.is_empty());
    }

    #[test]
    fn messages_can_be_listened_to() {
        let ((), said) = capture::messages(|| {
            warn("ring segment 3 has perms 666");
            note("waiting");
        });
        assert_eq!(said, ["warning: ring segment 3 has perms 666", "waiting"]);
    }
}
