//! The view's state, and what each key does to it. Pure: a refresh or a key goes in, the
//! state changes, and what the main loop must do (ask the collector for something,
//! remove the confirmed object, quit) comes out as an [`Action`].

use crate::commands::posix::{ConfirmedObject, MEMFD_NOT_REMOVABLE};
use crate::commands::rm::Confirmed;
use crate::error::Status;
use crate::gather::overview::{Detail, Files, Overview};
use crate::ids::PosixName;
use crate::model::object::{Kind, Object, ObjectId};
use crate::model::posix::ShmObject;
use crate::model::ring::RingReading;
use crate::model::{LimitsReport, Segment};
use crate::model::{Outcome, Unreadable};
use crate::render::cell::printable;
use crate::render::plural;
use crate::render::rm::describe;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The keys, as `?` and the man page list them.
pub const KEYS: &[(&str, &str)] = &[
    ("Up, Down, j, k", "move the selection"),
    (
        "PgUp, PgDn, Home, End",
        "move a page, to the first, to the last",
    ),
    ("mouse wheel", "scroll"),
    ("s", "sort by the next column"),
    ("r", "reverse the order"),
    (
        "/",
        "filter by owner, key, name or command (Enter keeps it, Esc clears it)",
    ),
    (
        "Tab, Shift-Tab",
        "show one kind (System V segments, POSIX objects, memfds), or all",
    ),
    (
        "Enter",
        "details of the selected object, as info shows them, holders included",
    ),
    (
        "d",
        "remove the selected segment or POSIX object, after a confirmation",
    ),
    ("p", "pause or resume refreshing"),
    ("?", "this list"),
    ("q, Esc, Ctrl-C", "quit"),
];

/// What a row is marked with for one refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    None,
    Appeared,
    Changed,
    Vanished,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::None => " ",
            Mark::Appeared => "+",
            Mark::Changed => "~",
            Mark::Vanished => "-",
        }
    }
}

/// A ring's reading, and how fast its head moved since the refresh before.
#[derive(Clone, Debug, PartialEq)]
pub struct RingRow {
    pub reading: RingReading,
    /// Items per second, from the head's movement (modulo the capacity).
    pub rate: Option<f64>,
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub object: Object,
    pub mark: Mark,
    /// Bytes per second by which rss grew (negative: shrank) since the refresh before.
    pub rss_rate: Option<f64>,
    pub ring: Option<RingRow>,
}

/// The column rows are sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Name,
    Id,
    Owner,
    Size,
    Rss,
    Nattch,
    Holders,
    Status,
    App,
}

impl Sort {
    pub const CYCLE: &'static [Sort] = &[
        Sort::Id,
        Sort::Name,
        Sort::Owner,
        Sort::Size,
        Sort::Rss,
        Sort::Nattch,
        Sort::Holders,
        Sort::Status,
        Sort::App,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Sort::Name => "key",
            Sort::Id => "id",
            Sort::Owner => "owner",
            Sort::Size => "size",
            Sort::Rss => "rss",
            Sort::Nattch => "nattch",
            Sort::Holders => "holders",
            Sort::Status => "status",
            Sort::App => "app",
        }
    }

    fn next(self) -> Sort {
        let i = Sort::CYCLE.iter().position(|s| *s == self).unwrap_or(0);
        Sort::CYCLE[(i + 1) % Sort::CYCLE.len()]
    }

    fn compare(self, a: &Row, b: &Row) -> Ordering {
        let (x, y) = (&a.object, &b.object);
        let fill = |r: &Row| r.ring.as_ref().map(|g| g.reading.filled);
        match self {
            Sort::Name => x.name().cmp(y.name()),
            Sort::Id => x.id().cmp(&y.id()),
            Sort::Owner => x.owner().cmp(y.owner()),
            Sort::Size => x.size().cmp(&y.size()),
            Sort::Rss => x.rss().cmp(&y.rss()),
            Sort::Nattch => x.nattch().cmp(&y.nattch()),
            Sort::Holders => x.holders().len().cmp(&y.holders().len()),
            Sort::Status => x.status().cmp(y.status()),
            Sort::App => (x.app(), fill(a)).cmp(&(y.app(), fill(b))),
        }
        .then_with(|| x.id().cmp(&y.id()))
    }
}

/// What the screen shows on top of the table.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Table,
    /// Typing a filter.
    Filter,
    /// The detail pane of one object, scrolled by this many lines.
    Detail {
        id: ObjectId,
        scroll: u16,
    },
    /// Asking whether to remove this object.
    Confirm(Box<Confirm>),
    Help,
}

/// What a confirmed removal removes, as it was shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A segment (`IPC_RMID`), and a process in its IPC namespace (with `-A`), to enter
    /// it by.
    Segment {
        segment: Confirmed,
        namespace_pid: Option<i32>,
    },
    /// A POSIX object (`shm_unlink`).
    Posix(ConfirmedObject),
}

/// A removal waiting for its yes or no.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub target: Target,
    /// The object in a sentence (`segment 5`, `POSIX object /app`).
    pub what: String,
    /// The question, naming the object and saying whether it is attached or held.
    pub question: Vec<String>,
    /// The second line warns: it lives on after the removal.
    pub warns: bool,
}

/// What the main loop must do after a key or a refresh.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Nothing beyond drawing again.
    Draw,
    /// Nothing changed on screen.
    Nothing,
    /// Gather this object in full on every refresh (or stop), and refresh now.
    Detail(Option<ObjectId>),
    /// Remove exactly this object.
    Remove(Target),
    Pause(bool),
    Quit(Status),
}

/// Everything the view shows.
#[derive(Clone, Debug)]
pub struct App {
    pub rows: Vec<Row>,
    pub limits: Option<LimitsReport>,
    pub unreadable: Unreadable,
    /// Whether POSIX objects and memfds were gathered.
    pub files: Files,
    /// With `-A`: namespaces that could not be entered.
    pub not_entered: usize,
    pub detail: Option<(ObjectId, Detail)>,
    /// Unix seconds of the last refresh; `None` before the first.
    pub now: Option<i64>,
    pub interval: Duration,
    pub all_namespaces: bool,
    pub sort: Sort,
    pub reverse: bool,
    pub filter: String,
    /// `None`: every kind.
    pub kind: Option<Kind>,
    pub selected: Option<ObjectId>,
    /// The first row shown.
    pub offset: usize,
    /// Rows the table has room for (set from the terminal's size).
    pub page: usize,
    pub mode: Mode,
    pub paused: bool,
    /// The last thing said on the status line (a removal's outcome, an error).
    pub message: Option<String>,
    pub color: bool,
    taken: Option<Instant>,
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// An object in a sentence: `segment 5`, `POSIX object /app`, `memfd:wl_shm (inode 1234)`.
pub fn what(object: &Object) -> String {
    match object {
        Object::Sysv(s) => format!("segment {}", s.shmid),
        Object::File(o) if object.kind() == Kind::Posix => {
            format!("POSIX object {}", printable(&o.name))
        }
        Object::File(o) => format!("{} (inode {})", printable(&o.name), o.inode),
    }
}

/// Up to three holders, and how many more: ` (42 app, 43 tool ro, ...)`.
fn some_holders(object: &Object) -> String {
    let holders = object.holders();
    let shown = holders.first(3);
    if shown.is_empty() {
        return String::new();
    }
    let more = if holders.len() > 3 { ", ..." } else { "" };
    format!(" ({}{more})", shown.join(", "))
}

impl App {
    pub fn new(interval: Duration, all_namespaces: bool, color: bool) -> App {
        App {
            rows: Vec::new(),
            limits: None,
            unreadable: Unreadable::default(),
            files: Files::Gathered,
            not_entered: 0,
            detail: None,
            now: None,
            interval,
            all_namespaces,
            sort: Sort::Id,
            reverse: false,
            filter: String::new(),
            kind: None,
            selected: None,
            offset: 0,
            page: 10,
            mode: Mode::Table,
            paused: false,
            message: None,
            color,
            taken: None,
        }
    }

    /// Take a refresh gathered at `taken`: rates from the one before, marks for what
    /// appeared, changed or vanished.
    pub fn refreshed(&mut self, overview: Overview, taken: Instant) {
        let elapsed = self
            .taken
            .map(|t| taken.saturating_duration_since(t).as_secs_f64())
            .filter(|s| *s > 0.0);
        let first = self.taken.is_none();
        let mut rings = overview.rings;
        // The rows of the refresh before (not those already gone then), moved rather than
        // copied: at thousands of rows a copy costs more than the rest of taking it in.
        let mut previous: HashMap<ObjectId, Row> = std::mem::take(&mut self.rows)
            .into_iter()
            .filter(|r| r.mark != Mark::Vanished)
            .map(|r| (r.object.id(), r))
            .collect();
        let mut rows: Vec<Row> = overview
            .objects
            .into_iter()
            .map(|object| {
                let id = object.id();
                let before = previous.remove(&id);
                let before = before.as_ref();
                let mark = match before {
                    None if first => Mark::None,
                    None => Mark::Appeared,
                    Some(b) if object.changed_from(&b.object) => Mark::Changed,
                    Some(_) => Mark::None,
                };
                let rss_rate = match (before.and_then(|b| b.object.rss()), object.rss(), elapsed) {
                    (Some(a), Some(b), Some(s)) => Some((b as f64 - a as f64) / s),
                    _ => None,
                };
                let ring = rings.remove(&id).map(|reading| {
                    let rate = match (before.and_then(|b| b.ring.as_ref()), elapsed) {
                        (Some(b), Some(s)) if b.reading.capacity == reading.capacity => {
                            let moved = (i64::from(reading.head) - i64::from(b.reading.head))
                                .rem_euclid(reading.capacity.max(1) as i64);
                            Some(moved as f64 / s)
                        }
                        _ => None,
                    };
                    RingRow { reading, rate }
                });
                Row {
                    object,
                    mark,
                    rss_rate,
                    ring,
                }
            })
            .collect();
        // What is left of the refresh before has vanished: shown once more, marked.
        let mut vanished: Vec<Row> = previous
            .into_values()
            .map(|r| Row {
                mark: Mark::Vanished,
                rss_rate: None,
                ..r
            })
            .collect();
        vanished.sort_by_key(|r| r.object.id());
        rows.append(&mut vanished);
        self.rows = rows;
        self.limits = overview.limits;
        self.unreadable = overview.unreadable;
        self.files = overview.files;
        self.not_entered = overview.not_entered.len();
        self.now = Some(overview.now);
        self.taken = Some(taken);
        // A detail of another object (asked for before the last key) is not shown.
        self.detail = overview
            .detail
            .filter(|(id, _)| matches!(self.mode, Mode::Detail { id: shown, .. } if shown == *id));
        self.keep_selection_in_view();
    }

    /// The refresh failed: said on the status line; the last rows stay.
    pub fn failed(&mut self, message: String) {
        self.message = Some(message);
    }

    /// The rows shown, in order: of the kind chosen, passing the filter, sorted.
    pub fn visible(&self) -> Vec<&Row> {
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| self.kind.is_none_or(|k| r.object.kind() == k))
            .filter(|r| r.object.matches(&needle))
            .collect();
        rows.sort_by(|a, b| {
            let o = self.sort.compare(a, b);
            if self.reverse { o.reverse() } else { o }
        });
        rows
    }

    /// Where the selection is among the visible rows.
    pub fn cursor(&self, visible: &[&Row]) -> Option<usize> {
        let id = self.selected?;
        visible.iter().position(|r| r.object.id() == id)
    }

    /// Select the row `delta` away from the selected one (clamped), or the first.
    fn move_by(&mut self, delta: isize) {
        let visible = self.visible();
        if visible.is_empty() {
            self.selected = None;
            return;
        }
        let at = match self.cursor(&visible) {
            Some(i) => i as isize + delta,
            None => 0,
        };
        let at = at.clamp(0, visible.len() as isize - 1) as usize;
        self.selected = Some(visible[at].object.id());
        self.keep_selection_in_view();
    }

    fn move_to(&mut self, index: usize) {
        let visible = self.visible();
        self.selected = visible
            .get(index.min(visible.len().saturating_sub(1)))
            .map(|r| r.object.id());
        self.keep_selection_in_view();
    }

    /// Keep a selection (the first row when the selected one is gone) and scroll it into
    /// the page.
    fn keep_selection_in_view(&mut self) {
        let (cursor, len, first) = {
            let visible = self.visible();
            (
                self.cursor(&visible),
                visible.len(),
                visible.first().map(|r| r.object.id()),
            )
        };
        let cursor = cursor.unwrap_or_else(|| {
            self.selected = first;
            0
        });
        let page = self.page.max(1);
        if cursor < self.offset {
            self.offset = cursor;
        } else if cursor >= self.offset + page {
            self.offset = cursor + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }

    /// The terminal has `rows` lines for the table's rows.
    pub fn set_page(&mut self, rows: usize) {
        self.page = rows.max(1);
        self.keep_selection_in_view();
    }

    /// The selected row, when it is visible.
    pub fn selected_row(&self) -> Option<&Row> {
        let id = self.selected?;
        self.visible().into_iter().find(|r| r.object.id() == id)
    }

    /// A removal has been done, or refused by the kernel.
    pub fn removed(&mut self, outcome: Result<Outcome, String>) {
        self.message = Some(match outcome {
            Ok(o) => describe(&o),
            Err(e) => e,
        });
    }

    pub fn mouse(&mut self, event: MouseEvent) -> Action {
        match (event.kind, &mut self.mode) {
            (MouseEventKind::ScrollDown, Mode::Detail { scroll, .. }) => {
                *scroll = scroll.saturating_add(3);
            }
            (MouseEventKind::ScrollUp, Mode::Detail { scroll, .. }) => {
                *scroll = scroll.saturating_sub(3);
            }
            (MouseEventKind::ScrollDown, Mode::Table) => self.move_by(3),
            (MouseEventKind::ScrollUp, Mode::Table) => self.move_by(-3),
            _ => return Action::Nothing,
        }
        Action::Draw
    }

    /// What a key does.
    pub fn key(&mut self, event: KeyEvent) -> Action {
        if event.kind == KeyEventKind::Release {
            return Action::Nothing;
        }
        self.message = None;
        if event.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(event.code, KeyCode::Char('c' | 'C'))
        {
            return Action::Quit(Status::Interrupted);
        }
        match self.mode.clone() {
            Mode::Table => self.table_key(event),
            Mode::Filter => self.filter_key(event),
            Mode::Detail { id, scroll } => self.detail_key(event, id, scroll),
            Mode::Confirm(c) => self.confirm_key(event, *c),
            Mode::Help => {
                self.mode = Mode::Table;
                Action::Draw
            }
        }
    }

    fn table_key(&mut self, event: KeyEvent) -> Action {
        let page = self.page.max(1) as isize;
        match event.code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit(Status::Ok),
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_to(0),
            KeyCode::End | KeyCode::Char('G') => self.move_to(usize::MAX),
            KeyCode::Char('s') => {
                self.sort = self.sort.next();
                self.keep_selection_in_view();
            }
            KeyCode::Char('r') => {
                self.reverse = !self.reverse;
                self.keep_selection_in_view();
            }
            KeyCode::Char('/') => self.mode = Mode::Filter,
            KeyCode::Tab | KeyCode::BackTab => {
                // All, then each kind in turn, then all again (Shift-Tab: backwards).
                let mut cycle: Vec<Option<Kind>> = vec![None];
                cycle.extend(Kind::ALL.iter().copied().map(Some));
                let i = cycle.iter().position(|k| *k == self.kind).unwrap_or(0);
                let step = if event.code == KeyCode::Tab {
                    1
                } else {
                    cycle.len() - 1
                };
                self.kind = cycle[(i + step) % cycle.len()];
                self.keep_selection_in_view();
            }
            KeyCode::Char('p') => {
                self.paused = !self.paused;
                return Action::Pause(self.paused);
            }
            KeyCode::Char('?') | KeyCode::F(1) => self.mode = Mode::Help,
            KeyCode::Enter => {
                let Some(row) = self.selected_row() else {
                    return Action::Nothing;
                };
                let id = row.object.id();
                self.mode = Mode::Detail { id, scroll: 0 };
                self.detail = None;
                return Action::Detail(Some(id));
            }
            KeyCode::Char('d') | KeyCode::Delete => return self.ask_removal(),
            _ => return Action::Nothing,
        }
        Action::Draw
    }

    fn filter_key(&mut self, event: KeyEvent) -> Action {
        match event.code {
            KeyCode::Enter => self.mode = Mode::Table,
            KeyCode::Esc => {
                self.filter.clear();
                self.mode = Mode::Table;
            }
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char('u') if event.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.clear()
            }
            KeyCode::Char(c) if !c.is_control() => self.filter.push(c),
            _ => return Action::Nothing,
        }
        self.keep_selection_in_view();
        Action::Draw
    }

    fn detail_key(&mut self, event: KeyEvent, id: ObjectId, scroll: u16) -> Action {
        let scroll = match event.code {
            KeyCode::Char('q') => return Action::Quit(Status::Ok),
            KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace | KeyCode::Left => {
                self.mode = Mode::Table;
                self.detail = None;
                return Action::Detail(None);
            }
            KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
            KeyCode::PageDown => scroll.saturating_add(self.page as u16),
            KeyCode::PageUp => scroll.saturating_sub(self.page as u16),
            KeyCode::Home => 0,
            KeyCode::Char('d') => {
                // Remove what the pane shows.
                self.selected = Some(id);
                return self.ask_removal();
            }
            KeyCode::Char('?') => {
                self.mode = Mode::Help;
                self.detail = None;
                return Action::Detail(None);
            }
            _ => return Action::Nothing,
        };
        self.mode = Mode::Detail { id, scroll };
        Action::Draw
    }

    /// `d`: ask about the selected object, naming it and saying whether it is attached
    /// or held; a memfd, or a POSIX object already unlinked, has no name to remove.
    fn ask_removal(&mut self) -> Action {
        let Some(row) = self.selected_row() else {
            self.message = Some("nothing selected to remove".into());
            return Action::Draw;
        };
        let what = what(&row.object);
        if row.mark == Mark::Vanished {
            self.message = Some(format!("{what} is already gone"));
            return Action::Draw;
        }
        let asked = match &row.object {
            Object::Sysv(s) => Ok(segment_question(s, &row.object)),
            Object::File(_) if row.object.kind() == Kind::Memfd => {
                Err(format!("{what}: {MEMFD_NOT_REMOVABLE}"))
            }
            Object::File(o) => object_question(o, &row.object, &self.unreadable),
        };
        match asked {
            Ok((target, mut question, warns)) => {
                question.push("y: remove it    n, Esc: keep it".into());
                self.mode = Mode::Confirm(Box::new(Confirm {
                    target,
                    what,
                    question,
                    warns,
                }));
            }
            Err(why) => self.message = Some(why),
        }
        Action::Draw
    }

    fn confirm_key(&mut self, event: KeyEvent, confirm: Confirm) -> Action {
        self.mode = Mode::Table;
        match event.code {
            KeyCode::Char('y' | 'Y') => Action::Remove(confirm.target),
            _ => {
                self.message = Some(format!("kept {}", confirm.what));
                Action::Draw
            }
        }
    }

    /// Type `text` as keys (for tests).
    #[cfg(test)]
    pub fn type_keys(&mut self, text: &str) -> Vec<Action> {
        text.chars()
            .map(|c| self.key(key(KeyCode::Char(c))))
            .collect()
    }

    /// Press one key without modifiers.
    pub fn press(&mut self, code: KeyCode) -> Action {
        self.key(key(code))
    }
}

/// What removing a segment removes, and the question: it is only marked for destruction
/// while attached.
fn segment_question(s: &Segment, object: &Object) -> (Target, Vec<String>, bool) {
    let mut question = vec![format!(
        "Remove segment {} (key {}, {} bytes, owner {})?",
        s.shmid,
        s.key_hex,
        s.size,
        printable(&s.owner)
    )];
    let attached = s.nattch > 0;
    question.push(if attached {
        format!(
            "It is ATTACHED by {}{}: it will only be marked for destruction, and freed when the last one detaches.",
            plural(s.nattch, "process", "processes"),
            some_holders(object)
        )
    } else {
        "Nobody has it attached: it is removed at once, with its contents.".into()
    });
    let target = Target::Segment {
        segment: Confirmed {
            id: s.shmid,
            key: s.key,
            size: s.size,
            cpid: s.cpid,
            namespace: s.namespace.as_ref().map(|n| n.inode),
        },
        namespace_pid: s.namespace.as_ref().and_then(|n| n.pid),
    };
    (target, question, attached)
}

/// What unlinking a POSIX object removes, and the question: a held one lives on,
/// nameless, until its last holder lets go. One already unlinked has no name to remove.
fn object_question(
    o: &ShmObject,
    object: &Object,
    unreadable: &Unreadable,
) -> Result<(Target, Vec<String>, bool), String> {
    let what = what(object);
    let holders = object.holders();
    if o.is_deleted() {
        return Err(format!(
            "{what} is already unlinked: no name is left to remove; it goes when the last of {} lets go",
            plural(holders.len() as u64, "process", "processes")
        ));
    }
    // The name byte for byte (the one shown is escaped when it is not UTF-8).
    let name: PosixName = o
        .file
        .clone()
        .ok_or_else(|| format!("{what}: has no name to remove it by"))?;
    let size = |v: Option<u64>| v.map_or("-".to_string(), crate::units::human_size);
    let mut question = vec![format!(
        "Remove {what} (inode {}, {} allocated of {}, owner {})?",
        o.inode,
        size(o.allocated),
        size(o.size),
        printable(object.owner())
    )];
    let held = !holders.is_empty();
    question.push(if held {
        format!(
            "It is still HELD by {}{}: its name goes now, its memory only when the last one lets go.",
            plural(holders.len() as u64, "process", "processes"),
            some_holders(object)
        )
    } else if !unreadable.pids.is_empty() {
        format!(
            "No process seen holding it, but {} could not be read: it may live on until they let go.",
            plural(unreadable.pids.len() as u64, "process", "processes")
        )
    } else if let Some(why) = unreadable.hidden {
        format!("No process seen holding it, but {why}: it may live on until they let go.")
    } else {
        "Nobody holds it: it is removed at once, with its contents.".into()
    });
    let target = Target::Posix(ConfirmedObject {
        name,
        device: o.device,
        inode: o.inode,
        mount_namespace: o.namespace.as_ref().map(|n| n.inode),
        namespace_pid: o.namespace.as_ref().and_then(|n| n.pid),
    });
    Ok((target, question, held || !unreadable.is_empty()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Segment;
    use crate::model::posix::{self, DELETED};
    use crate::model::ring::State;
    use crate::render::fixtures::{NOW, holder, object, object_holder, segment};

    pub(crate) fn ring(head: i32, filled: u32) -> RingReading {
        RingReading {
            capacity: 1024,
            state: State::Consistent,
            filled,
            free: 1024 - filled,
            in_flight: 0,
            head,
            tail: 0,
            count: filled as i32,
            problems: Vec::new(),
            warnings: Vec::new(),
            producer: None,
            consumer: None,
            attached: false,
        }
    }

    pub(crate) fn overview(segments: Vec<Segment>) -> Overview {
        Overview {
            objects: segments.into_iter().map(Object::Sysv).collect(),
            now: NOW,
            ..Default::default()
        }
    }

    /// Segments, then POSIX objects and memfds.
    pub(crate) fn overview_with(segments: Vec<Segment>, files: Vec<ShmObject>) -> Overview {
        let mut o = overview(segments);
        o.objects.extend(files.into_iter().map(Object::File));
        o
    }

    /// A POSIX object held by two processes, one unheld, one unlinked but held, and a
    /// memfd.
    pub(crate) fn files() -> Vec<ShmObject> {
        let mut held = object(posix::Kind::Posix, "/psm_1f2e", 207, 10000);
        held.holders = vec![
            object_holder(42, "python3", 2, 1),
            object_holder(43, "reader", 0, 1),
        ];
        held.holders[1].readonly = true;
        held.path = Some("/dev/shm/psm_1f2e".into());
        let mut idle = object(posix::Kind::Posix, "/idle", 209, 1 << 20);
        idle.allocated = Some(0);
        idle.status = vec![posix::UNHELD];
        let mut gone = object(posix::Kind::Posix, "/psm_1f2e", 208, 4096);
        gone.status = vec![DELETED];
        gone.holders = vec![object_holder(44, "app", 0, 1)];
        let mut memfd = object(posix::Kind::Memfd, "memfd:wayland-shm", 524232, 8192);
        memfd.holders = vec![object_holder(45, "weston", 1, 1)];
        memfd.seals = Some(vec!["shrink", "grow"]);
        vec![held, idle, gone, memfd]
    }

    fn sysv(shmid: i32) -> ObjectId {
        ObjectId::Sysv {
            namespace: None,
            shmid: crate::sys::shm::ShmId(shmid),
        }
    }

    fn names(app: &App) -> Vec<String> {
        app.visible().iter().map(|r| r.object.number()).collect()
    }

    #[test]
    fn marks_and_rates_come_from_the_refresh_before() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        let t0 = Instant::now();
        let mut a = segment(1, 0x10, 4096);
        a.rss = Some(4096);
        let b = segment(2, 0x20, 4176);
        let mut first = overview(vec![a.clone(), b.clone()]);
        first.rings.insert(sysv(2), ring(100, 100));
        app.refreshed(first, t0);
        assert!(app.rows.iter().all(|r| r.mark == Mark::None));
        assert_eq!(app.rows[1].ring.as_ref().unwrap().rate, None);

        a.rss = Some(4096 * 3);
        a.nattch = 1;
        let c = segment(3, 0x30, 8192);
        let mut second = overview(vec![a, c]);
        second.rings.clear();
        app.refreshed(second, t0 + Duration::from_secs(2));
        let marks: Vec<(String, Mark)> = app
            .rows
            .iter()
            .map(|r| (r.object.number(), r.mark))
            .collect();
        assert_eq!(
            marks,
            [
                ("1".into(), Mark::Changed),
                ("3".into(), Mark::Appeared),
                ("2".into(), Mark::Vanished)
            ]
        );
        assert_eq!(app.rows[0].rss_rate, Some(4096.0));

        // The ring's head moved 100 slots in a second, wrapping round the end.
        let mut third = overview(vec![b.clone()]);
        third.rings.insert(sysv(2), ring(1000, 10));
        app.refreshed(third, t0 + Duration::from_secs(3));
        let mut fourth = overview(vec![b]);
        fourth.rings.insert(sysv(2), ring(76, 10));
        app.refreshed(fourth, t0 + Duration::from_secs(4));
        assert_eq!(app.rows[0].ring.as_ref().unwrap().rate, Some(100.0));
        assert_eq!(
            app.rows.len(),
            1,
            "a vanished row stays for one refresh only"
        );
    }

    #[test]
    fn sort_reverse_filter_and_kinds() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        let mut a = segment(1, 0x10, 65536);
        a.owner = "alice".into();
        let mut b = segment(2, 0x20, 4096);
        b.set_holders(vec![holder(42, "postgres", 1, false)]);
        let c = segment(3, 0x30, 8192);
        app.refreshed(overview(vec![b, c, a]), Instant::now());
        assert_eq!(names(&app), ["1", "2", "3"]);
        // s cycles: id, key, owner, size.
        app.type_keys("sss");
        assert_eq!(app.sort, Sort::Size);
        assert_eq!(names(&app), ["2", "3", "1"]);
        app.type_keys("r");
        assert_eq!(names(&app), ["1", "3", "2"]);
        // Filtering by a holder's command, by owner, by key.
        app.type_keys("/post");
        assert_eq!(app.mode, Mode::Filter);
        assert_eq!(names(&app), ["2"]);
        app.press(KeyCode::Enter);
        assert_eq!(app.mode, Mode::Table);
        assert_eq!(names(&app), ["2"], "Enter keeps the filter");
        app.type_keys("/");
        app.press(KeyCode::Esc);
        assert_eq!(names(&app).len(), 3, "Esc clears it");
        app.type_keys("/ALICE");
        assert_eq!(names(&app), ["1"]);
        app.press(KeyCode::Esc);
        app.type_keys("/0x00000030");
        assert_eq!(names(&app), ["3"]);
        app.press(KeyCode::Esc);
        // Tab: one kind, then all again.
        app.press(KeyCode::Tab);
        assert_eq!(app.kind, Some(Kind::Sysv));
        assert_eq!(names(&app).len(), 3);
        for _ in Kind::ALL {
            app.press(KeyCode::Tab);
        }
        assert_eq!(app.kind, None);
    }

    #[test]
    fn moving_paging_and_the_mouse_keep_the_selection_in_view() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.set_page(5);
        app.refreshed(
            overview((0..20).map(|i| segment(i, 0, 4096)).collect()),
            Instant::now(),
        );
        assert_eq!(app.selected, Some(sysv(0)));
        app.type_keys("jjj");
        assert_eq!(app.selected, Some(sysv(3)));
        app.press(KeyCode::PageDown);
        assert_eq!(app.selected, Some(sysv(8)));
        assert_eq!(app.offset, 4);
        app.press(KeyCode::End);
        assert_eq!(app.selected, Some(sysv(19)));
        assert_eq!(app.offset, 15);
        app.press(KeyCode::Home);
        assert_eq!((app.selected, app.offset), (Some(sysv(0)), 0));
        let wheel = |kind| MouseEvent {
            kind,
            column: 1,
            row: 5,
            modifiers: KeyModifiers::NONE,
        };
        assert_eq!(app.mouse(wheel(MouseEventKind::ScrollDown)), Action::Draw);
        assert_eq!(app.selected, Some(sysv(3)));
        app.mouse(wheel(MouseEventKind::ScrollUp));
        assert_eq!(app.selected, Some(sysv(0)));
        // The selected segment vanishes: the selection moves on, never off the table.
        app.type_keys("k");
        app.press(KeyCode::Down);
        app.refreshed(
            overview((2..20).map(|i| segment(i, 0, 4096)).collect()),
            Instant::now(),
        );
        app.refreshed(
            overview((2..20).map(|i| segment(i, 0, 4096)).collect()),
            Instant::now(),
        );
        assert_eq!(app.selected, Some(sysv(2)));
    }

    #[test]
    fn removal_needs_a_yes_and_names_what_it_removes() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        let mut a = segment(7, 0x1234, 65536);
        a.nattch = 2;
        a.set_holders(vec![
            holder(42, "app", 1, false),
            holder(43, "tool", 1, true),
        ]);
        let b = segment(8, 0x99, 4096);
        app.refreshed(overview(vec![a, b]), Instant::now());
        assert_eq!(app.press(KeyCode::Char('d')), Action::Draw);
        let c = asked(&app);
        assert_eq!(
            c.question[0],
            "Remove segment 7 (key 0x00001234, 65536 bytes, owner root)?"
        );
        assert!(
            c.question[1].starts_with("It is ATTACHED by 2 processes (42 app, 43 tool ro)"),
            "{:?}",
            c.question
        );
        // Anything but y keeps it.
        assert_eq!(app.press(KeyCode::Char('n')), Action::Draw);
        assert_eq!(app.mode, Mode::Table);
        assert_eq!(app.message.as_deref(), Some("kept segment 7"));
        app.press(KeyCode::Char('d'));
        assert_eq!(
            app.press(KeyCode::Enter),
            Action::Draw,
            "Enter is not a yes"
        );
        // y removes the one asked about, even when the selection moved meanwhile.
        app.press(KeyCode::Char('d'));
        app.selected = Some(sysv(8));
        let action = app.press(KeyCode::Char('y'));
        assert_eq!(
            action,
            Action::Remove(Target::Segment {
                segment: Confirmed {
                    id: crate::sys::shm::ShmId(7),
                    key: crate::sys::shm::Key(0x1234),
                    size: 65536,
                    cpid: 100,
                    namespace: None,
                },
                namespace_pid: None
            })
        );
        // Unattached: said so.
        app.press(KeyCode::Down);
        app.press(KeyCode::Char('d'));
        let c = asked(&app);
        assert!(c.question[1].starts_with("Nobody has it attached"));
    }

    #[test]
    fn every_way_out_and_the_detail_pane() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.refreshed(overview(vec![segment(1, 0, 4096)]), Instant::now());
        assert_eq!(app.press(KeyCode::Enter), Action::Detail(Some(sysv(1))));
        assert!(matches!(app.mode, Mode::Detail { .. }));
        assert_eq!(app.press(KeyCode::Esc), Action::Detail(None));
        assert_eq!(app.press(KeyCode::Char('p')), Action::Pause(true));
        assert_eq!(app.press(KeyCode::Char('p')), Action::Pause(false));
        app.press(KeyCode::Char('?'));
        assert_eq!(app.mode, Mode::Help);
        app.press(KeyCode::Char('x'));
        assert_eq!(app.mode, Mode::Table);
        assert_eq!(app.press(KeyCode::Char('q')), Action::Quit(Status::Ok));
        assert_eq!(app.press(KeyCode::Esc), Action::Quit(Status::Ok));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        app.type_keys("/");
        assert_eq!(app.key(ctrl_c), Action::Quit(Status::Interrupted));
        // q while typing a filter is part of the filter.
        app.type_keys("q");
        assert_eq!(app.filter, "q");
    }

    #[test]
    fn objects_and_memfds_are_rows_beside_segments_and_tab_shows_one_kind() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.refreshed(
            overview_with(vec![segment(1, 0x10, 4096)], files()),
            Instant::now(),
        );
        assert_eq!(names(&app), ["1", "207", "208", "209", "524232"]);
        let kinds =
            |app: &App| -> Vec<Kind> { app.visible().iter().map(|r| r.object.kind()).collect() };
        app.press(KeyCode::Tab);
        assert_eq!(app.kind, Some(Kind::Sysv));
        assert_eq!(kinds(&app), [Kind::Sysv]);
        app.press(KeyCode::Tab);
        assert_eq!(app.kind, Some(Kind::Posix));
        assert_eq!(kinds(&app), [Kind::Posix; 3]);
        assert_eq!(
            app.selected,
            Some(ObjectId::Posix {
                device: 27,
                inode: 207
            }),
            "the selection moves into the kind shown"
        );
        app.press(KeyCode::Tab);
        assert_eq!(kinds(&app), [Kind::Memfd]);
        app.press(KeyCode::Tab);
        assert_eq!(app.kind, None);
        app.press(KeyCode::BackTab);
        assert_eq!(app.kind, Some(Kind::Memfd), "Shift-Tab goes back");
        app.press(KeyCode::BackTab);
        app.press(KeyCode::BackTab);
        app.press(KeyCode::BackTab);
        assert_eq!(app.kind, None);
        // The filter finds objects by name, and by their holders' commands.
        app.type_keys("/psm_");
        assert_eq!(names(&app), ["207", "208"]);
        app.press(KeyCode::Esc);
        app.type_keys("/weston");
        assert_eq!(names(&app), ["524232"]);
        app.press(KeyCode::Esc);
        // Sorted by size, an object's size counts as a segment's.
        app.type_keys("sss");
        assert_eq!(names(&app), ["1", "208", "524232", "207", "209"]);
    }

    /// The question `d` asked.
    fn asked(app: &App) -> &Confirm {
        match &app.mode {
            Mode::Confirm(c) => c,
            other => panic!("{other:?}"),
        }
    }

    fn select(app: &mut App, inode: u64) {
        app.selected = app
            .rows
            .iter()
            .map(|r| r.object.id())
            .find(|id| matches!(id, ObjectId::Posix { inode: i, .. } | ObjectId::Memfd { inode: i, .. } if *i == inode));
        assert!(app.selected.is_some());
    }

    #[test]
    fn d_on_a_posix_object_names_it_says_it_is_held_and_unlinks_exactly_it() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.refreshed(overview_with(Vec::new(), files()), Instant::now());
        select(&mut app, 207);
        assert_eq!(app.press(KeyCode::Char('d')), Action::Draw);
        let c = asked(&app);
        assert_eq!(
            c.question[0],
            "Remove POSIX object /psm_1f2e (inode 207, 12 KiB allocated of 9.8 KiB, owner root)?"
        );
        assert_eq!(
            c.question[1],
            "It is still HELD by 2 processes (42 python3 (2 fds, map), 43 reader (map, ro)): its name goes now, its memory only when the last one lets go."
        );
        assert!(c.warns);
        app.press(KeyCode::Char('n'));
        assert_eq!(app.message.as_deref(), Some("kept POSIX object /psm_1f2e"));
        app.press(KeyCode::Char('d'));
        // The selection moving meanwhile changes nothing: y removes the one asked about.
        select(&mut app, 209);
        assert_eq!(
            app.press(KeyCode::Char('y')),
            Action::Remove(Target::Posix(ConfirmedObject {
                name: "/psm_1f2e".parse().unwrap(),
                device: 27,
                inode: 207,
                mount_namespace: None,
                namespace_pid: None,
            }))
        );
        // Unheld: removed at once; unless some process could not be read.
        app.press(KeyCode::Char('d'));
        let c = asked(&app);
        assert_eq!(
            c.question[1],
            "Nobody holds it: it is removed at once, with its contents."
        );
        assert!(!c.warns);
        app.press(KeyCode::Esc);
        app.unreadable.pids = vec![1, 2];
        app.press(KeyCode::Char('d'));
        let c = asked(&app);
        assert!(
            c.question[1]
                .starts_with("No process seen holding it, but 2 processes could not be read"),
            "{:?}",
            c.question
        ); // Processes hidden from the view (another PID namespace): said, not counted.
        app.press(KeyCode::Esc);
        app.unreadable.pids.clear();
        app.unreadable.hidden =
            Some("processes outside this PID namespace cannot be seen from here");
        app.press(KeyCode::Char('d'));
        let c = asked(&app);
        assert_eq!(
            c.question[1],
            "No process seen holding it, but processes outside this PID namespace cannot be seen from here: it may live on until they let go."
        );
        assert!(c.warns);
    }

    #[test]
    fn d_on_a_memfd_or_an_unlinked_object_refuses_and_asks_nothing() {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.refreshed(overview_with(Vec::new(), files()), Instant::now());
        select(&mut app, 524232);
        assert_eq!(app.press(KeyCode::Char('d')), Action::Draw);
        assert_eq!(app.mode, Mode::Table);
        assert_eq!(
            app.message.as_deref(),
            Some(
                "memfd:wayland-shm (inode 524232): a memfd has no name to remove; it goes when the last process holding it lets go"
            )
        );
        assert_eq!(
            app.press(KeyCode::Char('y')),
            Action::Nothing,
            "no yes to give"
        );
        select(&mut app, 208);
        app.press(KeyCode::Char('d'));
        assert_eq!(app.mode, Mode::Table);
        assert_eq!(
            app.message.as_deref(),
            Some(
                "POSIX object /psm_1f2e is already unlinked: no name is left to remove; it goes when the last of 1 process lets go"
            )
        );
        // From the detail pane too.
        select(&mut app, 524232);
        app.press(KeyCode::Enter);
        app.press(KeyCode::Char('d'));
        assert!(!matches!(app.mode, Mode::Confirm(_)), "{:?}", app.mode);
    }
}
