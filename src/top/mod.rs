//! `top`: a live terminal view of every shared-memory object.
//!
//! As in bottom: a collector thread (`collect`) and an input thread (`input`) send events
//! over one channel to the main loop here, which owns the state (`app`) and draws it
//! (`draw`); signals (SIGTERM, SIGHUP, SIGINT) arrive on the same channel. The terminal is
//! restored on every way out (`output::screen`).

pub mod app;
pub mod collect;
pub mod draw;
pub mod input;

use crate::commands::{posix, rm};
use crate::error::{Error, Result, Status};
use crate::gather::overview::{Overview, Request};
use crate::gather::posix::Place;
use crate::output::screen;
use crate::signals;
use app::{Action, App, Target};
use collect::Control;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What `top` was asked for.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Refresh every this long.
    pub interval: Duration,
    /// Every IPC namespace on the host (and every mount namespace's `/dev/shm`).
    pub all_namespaces: bool,
    /// Call unheld what no process seen holds, although processes may be hidden.
    pub include_unknown: bool,
    /// Whose `/dev/shm` and memfds: the view's, or with `--ns PID` that process's mount
    /// namespace's; `None` with `--ns PATH`, which names no mount namespace.
    pub place: Option<Place>,
    /// Colours (off with `NO_COLOR`).
    pub color: bool,
}

/// What the main loop hears.
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize,
    /// A refresh, and when it began.
    Refreshed(Box<Overview>, Instant),
    RefreshFailed(String),
    /// The collector panicked.
    Crashed(String),
    /// The terminal cannot be read any more (it went away).
    InputGone(String),
    /// SIGTERM, SIGHUP or SIGINT.
    Stop,
}

/// The message a panic carried.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(drop)
        .map_err(|e| Error::other(format!("cannot start a thread: {e}")))
}

fn terminal_error(e: std::io::Error) -> Error {
    Error::from(e)
}

/// Where a deliberate panic is made, to test that a panic restores the terminal:
/// `SHMCTL_RS_TOP_PANIC=draw` (the main loop, after the first refresh) or `collect`.
fn fault(place: &str) -> bool {
    std::env::var("SHMCTL_RS_TOP_PANIC").as_deref() == Ok(place)
}

/// Remove a confirmed object. A segment: in the view's own namespace, or inside the
/// namespace of the process it was confirmed with (where `remove_confirmed` checks it is
/// the namespace confirmed). A POSIX object: in the `/dev/shm` it was confirmed in (the
/// view's, `place`, unless the view lists every namespace's), judged as the view judges
/// (`include_unknown`).
fn remove(
    target: Target,
    place: Option<Place>,
    include_unknown: bool,
) -> Result<crate::model::Outcome> {
    match target {
        Target::Segment {
            segment,
            namespace_pid,
        } => match (segment.namespace, namespace_pid) {
            (Some(ns), Some(pid)) if crate::proc::processes::current_namespace() != Some(ns) => {
                crate::namespaces::run_in(format!("/proc/{pid}/ns/ipc"), move || {
                    rm::remove_confirmed(&segment)
                })
            }
            _ => rm::remove_confirmed(&segment),
        },
        Target::Posix(object) => {
            let place = place.ok_or_else(|| {
                Error::other(format!(
                    "POSIX object {}: its /dev/shm is not known",
                    object.name
                ))
            })?;
            posix::remove_confirmed(&object, place, include_unknown)
        }
    }
}

/// The live view, for a person at a terminal (`ls --watch` is for anything else).
pub fn run(settings: &Settings) -> Result<Status> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "top draws a live view and needs a terminal on stdout; for a listing that refreshes into a pipe or a file, use `shmctl-rs ls --watch 1s`",
        ));
    }
    signals::install()?;
    let (events, inbox) = mpsc::channel();
    let stop = events.clone();
    spawn("signals", move || {
        if signals::wait_for_stop(None) {
            let _ = stop.send(Event::Stop);
        }
    })?;
    let (session, screen) =
        screen::enter().map_err(|e| Error::other(format!("cannot set up the terminal: {e}")))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(screen)).map_err(terminal_error)?;
    let keys = events.clone();
    spawn("input", move || input::run(keys))?;
    let (control, orders) = mpsc::channel();
    let request = Request {
        all_namespaces: settings.all_namespaces,
        include_unknown: settings.include_unknown,
        place: settings.place,
        detail: None,
    };
    let interval = settings.interval;
    let refreshes = events.clone();
    let crash = fault("collect");
    spawn("collector", move || {
        let crashed = refreshes.clone();
        // A panic while gathering is reported to the main loop, not a silent stop.
        let ran = catch_unwind(AssertUnwindSafe(move || {
            if crash {
                panic!("deliberate panic in the collector (SHMCTL_RS_TOP_PANIC=collect)");
            }
            collect::run(request, interval, orders, refreshes)
        }));
        if let Err(panic) = ran {
            let _ = crashed.send(Event::Crashed(panic_message(&*panic)));
        }
    })?;
    drop(events);
    let mut app = App::new(settings.interval, settings.all_namespaces, settings.color);
    let status = loop {
        let size = terminal.size().map_err(terminal_error)?;
        app.set_page(draw::page(size.height));
        terminal
            .draw(|f| draw::frame(f, &app))
            .map_err(terminal_error)?;
        let action = loop {
            let Ok(event) = inbox.recv() else {
                return Err(Error::other("the view's threads ended"));
            };
            let action = match event {
                Event::Key(k) => app.key(k),
                Event::Mouse(m) => app.mouse(m),
                Event::Resize => Action::Draw,
                Event::Refreshed(overview, taken) => {
                    app.refreshed(*overview, taken);
                    if fault("draw") {
                        panic!("deliberate panic in the main loop (SHMCTL_RS_TOP_PANIC=draw)");
                    }
                    Action::Draw
                }
                Event::RefreshFailed(message) => {
                    app.failed(message);
                    Action::Draw
                }
                Event::Crashed(message) => {
                    return Err(Error::other(format!(
                        "internal error while gathering: {message}"
                    )));
                }
                Event::InputGone(why) => {
                    return Err(Error::other(format!("the terminal went away ({why})")));
                }
                Event::Stop => Action::Quit(Status::Interrupted),
            };
            if action != Action::Nothing {
                break action;
            }
        };
        let sent = match action {
            Action::Quit(status) => break status,
            Action::Detail(d) => control.send(Control::Detail(d)),
            Action::Pause(p) => control.send(Control::Pause(p)),
            Action::Remove(target) => {
                app.removed(
                    remove(target, settings.place, settings.include_unknown).map_err(|e| e.message),
                );
                control.send(Control::Refresh)
            }
            Action::Draw | Action::Nothing => Ok(()),
        };
        if sent.is_err() {
            return Err(Error::other("the collector ended"));
        }
    };
    drop(terminal);
    drop(session);
    Ok(status)
}
