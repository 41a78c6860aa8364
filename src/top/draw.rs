//! Drawing the view: pure functions from the state in [`App`] to a ratatui frame. Nothing
//! here reads the kernel, /proc or the clock; the tests draw hand-made state on ratatui's
//! test backend and read the buffer.
//!
//! The screen: two heading lines (totals against the limits, objects and bytes per kind),
//! the table, and a status line; a detail pane, a confirmation or the list of keys on top.
//! A narrow terminal drops columns, least useful first; no row ever wraps.

use super::app::{App, KEYS, Mark, Mode, Row, Sort, what};
use crate::gather::overview::{Detail, Files};
use crate::model::object::{Kind, ObjectId};
use crate::render::cell::printable;
use crate::render::limits::percent;
use crate::render::status::bar;
use crate::render::table::write_pairs;
use crate::render::{Format, Render, View, plural, to_string};
use crate::units::{duration_text, human_size, human_size_wide, short_time};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row as TableRow, Table};
use unicode_width::UnicodeWidthStr;

/// Lines above and below the table's rows: two heading lines, the column headings, the
/// status line.
const CHROME: u16 = 4;

/// Rows of the table a terminal `height` lines high has room for.
pub fn page(height: u16) -> usize {
    usize::from(height.saturating_sub(CHROME)).max(1)
}

/// The styles, or none of their colours with `NO_COLOR`.
struct Palette {
    color: bool,
}

impl Palette {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    fn heading(&self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if self.color {
            s.fg(Color::Black).bg(Color::Cyan)
        } else {
            s.add_modifier(Modifier::UNDERLINED)
        }
    }
    fn mark(&self, m: Mark) -> Style {
        match m {
            Mark::Appeared => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            Mark::Changed => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Mark::Vanished => self.fg(Color::Red).add_modifier(Modifier::DIM),
            Mark::None => Style::new(),
        }
    }
}

/// A column of the table: the mark, the kind, the namespace, or one of the columns rows
/// sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Mark,
    Kind,
    Namespace,
    Data(Sort),
}

impl Col {
    /// In the order shown.
    const ORDER: [Col; 12] = [
        Col::Mark,
        Col::Kind,
        Col::Namespace,
        Col::Data(Sort::Name),
        Col::Data(Sort::Id),
        Col::Data(Sort::Owner),
        Col::Data(Sort::Size),
        Col::Data(Sort::Rss),
        Col::Data(Sort::Nattch),
        Col::Data(Sort::Holders),
        Col::Data(Sort::Status),
        Col::Data(Sort::App),
    ];

    /// Kept longest when the terminal is narrow: lower first.
    fn priority(self) -> u8 {
        match self {
            Col::Mark => 0,
            Col::Kind => 11,
            Col::Namespace => 10,
            Col::Data(s) => match s {
                Sort::Name => 1,
                Sort::Id => 2,
                Sort::Size => 3,
                Sort::App => 4,
                Sort::Nattch => 5,
                Sort::Holders => 6,
                Sort::Owner => 7,
                Sort::Rss => 8,
                Sort::Status => 9,
            },
        }
    }

    /// Its heading over rows of `kinds`: a segment's key and resident bytes are a
    /// file's name and allocated bytes.
    fn heading(self, kinds: Shown) -> &'static str {
        let by_kind = |sysv, files, both| match kinds {
            Shown::Sysv => sysv,
            Shown::Files => files,
            Shown::Both => both,
        };
        match self {
            Col::Mark => "",
            Col::Kind => "KIND",
            Col::Namespace => "NS",
            Col::Data(s) => match s {
                Sort::Name => by_kind("KEY", "NAME", "KEY/NAME"),
                Sort::Id => "ID",
                Sort::Owner => "OWNER",
                Sort::Size => "SIZE",
                Sort::Rss => by_kind("RSS", "ALLOC", "RSS/ALLOC"),
                Sort::Nattch => "NATTCH",
                Sort::Holders => "HOLDERS",
                Sort::Status => "STATUS",
                Sort::App => "APP",
            },
        }
    }

    fn sort(self) -> Option<Sort> {
        match self {
            Col::Data(s) => Some(s),
            _ => None,
        }
    }

    fn right(self) -> bool {
        matches!(
            self,
            Col::Data(Sort::Id) | Col::Data(Sort::Size) | Col::Data(Sort::Nattch)
        )
    }

    /// The widest a cell of it gets (longer ones are cut); the last column takes the rest.
    fn max(self) -> usize {
        match self {
            Col::Data(Sort::Owner) => 10,
            Col::Data(Sort::Holders) => 24,
            Col::Data(Sort::Rss) => 20,
            Col::Data(Sort::Status) => 14,
            Col::Namespace => 12,
            _ => 24,
        }
    }
}

/// Which kinds the rows shown are of, for the headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Sysv,
    /// POSIX objects and memfds only.
    Files,
    Both,
}

impl Shown {
    fn of(app: &App, rows: &[&Row]) -> Shown {
        let kinds: Vec<Kind> = match app.kind {
            Some(k) => vec![k],
            None => rows.iter().map(|r| r.object.kind()).collect(),
        };
        let sysv = kinds.contains(&Kind::Sysv);
        match (sysv, kinds.iter().any(|k| *k != Kind::Sysv)) {
            (true, true) => Shown::Both,
            (false, true) => Shown::Files,
            _ => Shown::Sysv,
        }
    }
}

/// `+12 KiB/s`, `-4 KiB/s`.
fn rate_text(bytes_per_s: f64) -> String {
    let sign = if bytes_per_s < 0.0 { '-' } else { '+' };
    format!("{sign}{}/s", human_size(bytes_per_s.abs().round() as u64))
}

/// `ring 300/1024 [###.....] 95/s consistent, prod 1234 shmctl-rs, cons -` (its producer
/// and consumer): the most telling first, as a narrow column cuts the end.
fn ring_text(ring: &super::app::RingRow) -> String {
    let r = &ring.reading;
    let mut text = format!(
        "ring {}/{} {}",
        r.filled,
        r.capacity,
        bar(r.filled, r.capacity, 8)
    );
    if let Some(rate) = ring.rate {
        text.push_str(&format!(" {rate:.0}/s"));
    }
    text.push(' ');
    text.push_str(r.state.name());
    let peer = |p: &Option<crate::model::ring::Peer>| match p {
        Some(p) => format!("{} {}", p.pid, p.comm),
        None => "-".to_string(),
    };
    text.push_str(&format!(
        ", prod {}, cons {}",
        peer(&r.producer),
        peer(&r.consumer)
    ));
    text
}

fn cell(col: Col, row: &Row) -> String {
    let o = &row.object;
    match col {
        Col::Mark => row.mark.symbol().to_string(),
        Col::Kind => o.kind().name().to_string(),
        Col::Namespace => o
            .namespace()
            .map_or("-".to_string(), |n| n.inode.to_string()),
        Col::Data(Sort::Name) => printable(o.name()),
        Col::Data(Sort::Id) => o.number(),
        Col::Data(Sort::Owner) => printable(o.owner()),
        Col::Data(Sort::Size) => o.size().map_or("-".to_string(), human_size),
        Col::Data(Sort::Rss) => match (o.rss(), row.rss_rate) {
            (None, _) => "-".to_string(),
            (Some(r), Some(rate)) if rate.abs() >= 1.0 => {
                format!("{} {}", human_size(r), rate_text(rate))
            }
            (Some(r), _) => human_size(r),
        },
        Col::Data(Sort::Nattch) => o.nattch().map_or("-".to_string(), |n| n.to_string()),
        Col::Data(Sort::Holders) => {
            let h = o.holders();
            if h.is_empty() {
                "-".to_string()
            } else {
                format!("{} {}", h.len(), printable(&h.commands().join(",")))
            }
        }
        Col::Data(Sort::Status) => {
            if o.status().is_empty() {
                "-".to_string()
            } else {
                o.status().join(",")
            }
        }
        Col::Data(Sort::App) => match (&row.ring, o.app()) {
            (Some(ring), _) => ring_text(ring),
            (None, Some(app)) => printable(&app),
            (None, None) => "-".to_string(),
        },
    }
}

/// The columns that fit in `width`, and the width of each (the last takes what is left).
fn fit_columns(app: &App, rows: &[&Row], width: u16) -> Vec<(Col, u16)> {
    let shown = Shown::of(app, rows);
    let several_kinds = rows
        .iter()
        .any(|r| Some(r.object.kind()) != rows.first().map(|f| f.object.kind()));
    let mut cols: Vec<(Col, usize)> = Col::ORDER
        .iter()
        .filter(|c| match c {
            Col::Kind => several_kinds,
            Col::Namespace => app.all_namespaces,
            _ => true,
        })
        .map(|&c| {
            let content = rows.iter().map(|r| cell(c, r).width()).max().unwrap_or(0);
            let heading = c.heading(shown).len() + usize::from(c.sort().is_some());
            let w = if c == Col::Mark {
                1
            } else {
                content.max(heading).min(c.max())
            };
            (c, w)
        })
        .collect();
    const APP_MIN: usize = 16;
    let need = |cols: &[(Col, usize)]| {
        cols.iter()
            .map(|(c, w)| {
                if *c == Col::Data(Sort::App) {
                    APP_MIN.min(*w)
                } else {
                    *w
                }
            })
            .sum::<usize>()
            + cols.len().saturating_sub(1)
    };
    while need(&cols) > usize::from(width) && cols.len() > 2 {
        let Some(drop) = cols
            .iter()
            .enumerate()
            .max_by_key(|(_, (c, _))| c.priority())
            .map(|(i, _)| i)
        else {
            break;
        };
        cols.remove(drop);
    }
    // The last column takes whatever is left.
    let used: usize = cols.iter().rev().skip(1).map(|(_, w)| w + 1).sum();
    if let Some(last) = cols.last_mut() {
        last.1 = usize::from(width).saturating_sub(used).max(1);
    }
    cols.into_iter().map(|(c, w)| (c, w as u16)).collect()
}

/// The first heading line: objects and bytes per kind, System V's against SHMMNI and
/// SHMALL. In full when it fits in `width`; else without percentages, System V's usage
/// beside its limits; then without nouns.
fn totals_line(app: &App, width: u16) -> String {
    let kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|&k| app.files.has(k) || app.now.is_none())
        .collect();
    let totals = |k: Kind| {
        app.rows
            .iter()
            .filter(|r| r.mark != Mark::Vanished && r.object.kind() == k)
            .fold((0u64, 0u64), |(n, b), r| {
                (n + 1, b + r.object.size().unwrap_or(0))
            })
    };
    let form = |short: bool, nouns: bool| {
        let mut parts: Vec<String> = Vec::new();
        // With -A the rows are of every namespace, the limits of the view's.
        let merged = short && !app.all_namespaces;
        for &k in &kinds {
            let (n, bytes) = totals(k);
            let noun = |n| {
                if nouns {
                    format!(" {}", k.noun(n))
                } else {
                    String::new()
                }
            };
            match (&app.limits, k) {
                (Some(l), Kind::Sysv) if !short => {
                    parts.push(format!(
                        "SHMMNI {}/{}{}",
                        l.segments,
                        l.shmmni,
                        percent(l.segments, l.shmmni)
                    ));
                    parts.push(format!(
                        "SHMALL {}/{}{}",
                        human_size(l.bytes),
                        human_size_wide(l.shmall_bytes),
                        percent(l.pages, l.shmall)
                    ));
                }
                (Some(l), Kind::Sysv) if merged => {
                    parts.push(format!(
                        "{} {}/{}{}, {}/{}",
                        k.name(),
                        l.segments,
                        l.shmmni,
                        noun(l.segments),
                        human_size(l.bytes),
                        human_size_wide(l.shmall_bytes)
                    ));
                    continue;
                }
                _ => {}
            }
            parts.push(format!(
                "{} {n}{}, {}",
                k.name(),
                noun(n),
                human_size(bytes)
            ));
        }
        match &app.files {
            _ if app.now.is_none() => {}
            Files::Gathered => {}
            Files::NotAsked => {
                parts.push("no POSIX objects or memfds (--ns PATH names no /dev/shm)".into())
            }
            Files::NoPosix(why) => parts.push(format!("no POSIX objects: {}", printable(why))),
        }
        parts.join("  ")
    };
    let forms = [form(false, true), form(true, true), form(true, false)];
    let fits = |f: &&String| f.width() <= usize::from(width);
    forms.iter().find(fits).unwrap_or(&forms[2]).clone()
}

/// The two heading lines: totals against the limits and per kind; then when, how often,
/// what is shown and how.
fn heading_lines(app: &App, width: u16, p: &Palette) -> [Line<'static>; 2] {
    let first = totals_line(app, width);
    let when = app.now.map(|now| short_time(Some(now), now));
    let state = match (&when, app.paused) {
        (Some(t), true) => format!(" at {t}, PAUSED"),
        (None, true) => " PAUSED".to_string(),
        (Some(t), false) => format!(" at {t}, every {}", duration_text(app.interval)),
        (None, false) => " gathering...".to_string(),
    };
    let mut second = vec![format!(
        "showing {}",
        app.kind.map_or("all kinds", |k| k.name())
    )];
    second.push(format!(
        "sort {}{}",
        app.sort.name(),
        if app.reverse { " reversed" } else { "" }
    ));
    if !app.filter.is_empty() {
        second.push(format!("filter '{}'", app.filter));
    }
    if !app.unreadable.pids.is_empty() {
        second.push(format!(
            "{} of {} unreadable",
            if app.files.fds() {
                "maps or fds"
            } else {
                "maps"
            },
            plural(app.unreadable.pids.len() as u64, "process", "processes")
        ));
    }
    if app.unreadable.hidden.is_some() {
        second.push("processes may be hidden: nothing called unheld".into());
    }
    if app.not_entered > 0 {
        second.push(format!(
            "{} not entered",
            plural(app.not_entered as u64, "namespace", "namespaces")
        ));
    }
    [
        Line::from(first),
        Line::from(vec![
            Span::styled("shmctl-rs top", p.title()),
            Span::raw(format!("{state}  |  {}", second.join("  |  "))),
        ]),
    ]
}

fn status_line(app: &App, p: &Palette) -> Line<'static> {
    if app.mode == Mode::Filter {
        return Line::from(vec![
            Span::styled("filter: ", p.title()),
            Span::raw(format!("{}_", app.filter)),
            Span::raw("   Enter keep, Esc clear"),
        ]);
    }
    if let Some(m) = &app.message {
        return Line::from(m.clone());
    }
    Line::from(
        "q quit  ? keys  / filter  s sort  r reverse  Enter details  d remove  p pause  Tab kind",
    )
}

fn table(frame: &mut Frame, app: &App, area: Rect, p: &Palette) {
    let rows = app.visible();
    let cols = fit_columns(app, &rows, area.width);
    let cursor = app.cursor(&rows);
    let shown = Shown::of(app, &rows);
    let heading = TableRow::new(cols.iter().map(|(c, _)| {
        let mut text = c.heading(shown).to_string();
        if c.sort() == Some(app.sort) {
            text.push(if app.reverse { 'v' } else { '^' });
        }
        Cell::from(text)
    }))
    .style(p.heading());
    let shown = rows
        .iter()
        .enumerate()
        .skip(app.offset)
        .take(usize::from(area.height.saturating_sub(1)));
    let body: Vec<TableRow> = shown
        .map(|(i, row)| {
            let cells = cols.iter().map(|&(c, w)| {
                let text = cell(c, row);
                let text = if c.right() {
                    format!("{text:>width$}", width = usize::from(w))
                } else {
                    text
                };
                let style = match c {
                    Col::Mark => p.mark(row.mark),
                    Col::Data(Sort::App) => match &row.ring {
                        Some(r) if r.reading.state.name() == "consistent" => p.fg(Color::Green),
                        Some(_) => p.fg(Color::Red),
                        None => Style::new(),
                    },
                    _ => Style::new(),
                };
                Cell::from(text).style(style)
            });
            let mut style = if row.mark == Mark::Vanished {
                p.mark(Mark::Vanished)
            } else {
                Style::new()
            };
            if Some(i) == cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            TableRow::new(cells).style(style)
        })
        .collect();
    let widths: Vec<Constraint> = cols.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    frame.render_widget(
        Table::new(body, widths).header(heading).column_spacing(1),
        area,
    );
    if rows.is_empty() && area.height > 1 {
        let empty = if app.now.is_none() {
            "gathering..."
        } else if app.filter.is_empty() {
            "no shared-memory objects"
        } else {
            "nothing matches the filter"
        };
        frame.render_widget(
            Paragraph::new(empty),
            Rect::new(area.x + 2, area.y + 1, area.width.saturating_sub(2), 1),
        );
    }
}

/// `area` shrunk by `dx` columns and `dy` lines on each side (never below 1 by 1).
fn inset(area: Rect, dx: u16, dy: u16) -> Rect {
    let w = area.width.saturating_sub(2 * dx).max(1);
    let h = area.height.saturating_sub(2 * dy).max(1);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Greedy word wrap of `text` to `width` columns (a dialog's sentences, not table rows).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn dialog(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, p: &Palette) {
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(Text::from(lines)).block(
            Block::new()
                .borders(Borders::ALL)
                .title(Span::styled(format!(" {title} "), p.title())),
        ),
        area,
    );
}

/// What `info` prints of an object, in the pane's width.
fn info_lines<R: Render>(r: &R, app: &App, width: u16) -> Vec<String> {
    let view = View {
        bytes: false,
        width: Some(width),
        now: app.now.unwrap_or(0),
    };
    to_string(Format::Table, r, &view)
        .lines()
        .map(String::from)
        .collect()
}

/// The detail pane's text: what `info` prints, then the ring's reading.
fn detail_text(app: &App, width: u16) -> Vec<String> {
    let Mode::Detail { id, .. } = &app.mode else {
        return Vec::new();
    };
    let mut lines: Vec<String> = match &app.detail {
        Some((shown, Detail::Sysv(segment))) if shown == id => {
            info_lines(segment.as_ref(), app, width)
        }
        Some((shown, Detail::File(object))) if shown == id => {
            info_lines(object.as_ref(), app, width)
        }
        Some((shown, Detail::Failed(why))) if shown == id => vec![why.clone()],
        _ => vec!["gathering...".to_string()],
    };
    let ring = app
        .rows
        .iter()
        .find(|r| r.object.id() == *id)
        .and_then(|r| r.ring.as_ref());
    if let Some(ring) = ring {
        let r = &ring.reading;
        let peer = |p: &Option<crate::model::ring::Peer>| match p {
            Some(p) => format!(
                "{} {}{}",
                p.pid,
                p.comm,
                if p.locked {
                    " (holds the role lock)"
                } else {
                    " (by its command line)"
                }
            ),
            None => "-".to_string(),
        };
        let mut pairs = vec![
            ("ring", r.state.name().to_string()),
            (
                "fill",
                format!(
                    "{} {}/{}",
                    bar(r.filled, r.capacity, 32),
                    r.filled,
                    r.capacity
                ),
            ),
            (
                "rate",
                ring.rate
                    .map_or("-".into(), |v| format!("{v:.1} items/s (head movement)")),
            ),
            ("head", r.head.to_string()),
            ("tail", r.tail.to_string()),
            ("count", r.count.to_string()),
            ("free slots", r.free.to_string()),
            ("in flight", r.in_flight.to_string()),
            ("producer", peer(&r.producer)),
            ("consumer", peer(&r.consumer)),
            (
                "read",
                if r.attached {
                    "with a read-only attach (it set lpid and the attach times)".to_string()
                } else {
                    "through a holder's mapping (nothing changed)".to_string()
                },
            ),
        ];
        for problem in &r.problems {
            pairs.push(("problem", problem.clone()));
        }
        for warning in &r.warnings {
            pairs.push(("warning", warning.clone()));
        }
        let mut out = Vec::new();
        if write_pairs(&mut out, &pairs).is_ok() {
            lines.push(String::new());
            lines.extend(String::from_utf8_lossy(&out).lines().map(String::from));
        }
    }
    lines
}

fn overlay(frame: &mut Frame, app: &App, area: Rect, p: &Palette) {
    match &app.mode {
        Mode::Table | Mode::Filter => {}
        Mode::Detail { id, scroll } => {
            let pane = inset(area, 1, 1);
            let inner = pane.width.saturating_sub(2);
            let what = match app.rows.iter().find(|r| r.object.id() == *id) {
                Some(row) => what(&row.object),
                None => match id {
                    ObjectId::Sysv { shmid, .. } => format!("segment {shmid}"),
                    ObjectId::Posix { inode, .. } => format!("POSIX object (inode {inode})"),
                    ObjectId::Memfd { inode, .. } => format!("memfd (inode {inode})"),
                },
            };
            let title = format!("{what}  (Esc back, Up/Down scroll, d remove)");
            let lines: Vec<Line> = detail_text(app, inner)
                .into_iter()
                .skip(usize::from(*scroll))
                .map(Line::from)
                .collect();
            dialog(frame, pane, &title, lines, p);
        }
        Mode::Confirm(c) => {
            let width = area.width.saturating_sub(4).clamp(1, 76);
            let mut lines: Vec<Line> = Vec::new();
            for (i, q) in c.question.iter().enumerate() {
                let style = match i {
                    0 => Style::new().add_modifier(Modifier::BOLD),
                    1 if c.warns => p.fg(Color::Yellow),
                    _ => Style::new(),
                };
                for l in wrap(q, usize::from(width.saturating_sub(2))) {
                    lines.push(Line::styled(l, style));
                }
            }
            let height = (lines.len() as u16 + 2).min(area.height);
            let pane = Rect::new(
                area.x + (area.width - width) / 2,
                area.y + (area.height - height) / 2,
                width,
                height,
            );
            dialog(frame, pane, "remove?", lines, p);
        }
        Mode::Help => {
            let key_width = KEYS.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            let mut lines: Vec<Line> = KEYS
                .iter()
                .map(|(k, what)| Line::from(format!("{k:<key_width$}  {what}")))
                .collect();
            lines.push(Line::from(""));
            lines.push(Line::from(
                "Marks: + appeared, ~ changed, - vanished (for one refresh).",
            ));
            lines.push(Line::from(
                "ID: a segment's shmid, a POSIX object's or memfd's inode. RSS: a segment's resident bytes;",
            ));
            lines.push(Line::from(
                "ALLOC: a POSIX object's or memfd's allocated bytes (tmpfs blocks). NS (-A): the IPC",
            ));
            lines.push(Line::from(
                "namespace of a segment, the mount namespace of a POSIX object or memfd.",
            ));
            lines.push(Line::from(
                "A memfd has no name to remove: it goes when the last process holding it lets go.",
            ));
            lines.push(Line::from(
                "A ring: filled/capacity, items/s, consistency, prod(ucer) and cons(umer). Any key closes.",
            ));
            let pane = inset(area, 2, 1);
            dialog(frame, pane, "keys", lines, p);
        }
    }
}

/// Draw the whole screen.
pub fn frame(frame: &mut Frame, app: &App) {
    let p = Palette { color: app.color };
    let area = frame.area();
    if area.height == 0 || area.width == 0 {
        return;
    }
    let [first, second] = heading_lines(app, area.width, &p);
    let line = |y: u16| Rect::new(area.x, area.y + y, area.width, 1);
    frame.render_widget(Paragraph::new(first), line(0));
    if area.height > 1 {
        frame.render_widget(Paragraph::new(second), line(1));
    }
    if area.height > 3 {
        let table_area = Rect::new(area.x, area.y + 2, area.width, area.height - 3);
        table(frame, app, table_area, &p);
    }
    if area.height > 2 {
        frame.render_widget(Paragraph::new(status_line(app, &p)), line(area.height - 1));
    }
    overlay(frame, app, area, &p);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::overview::Detail;
    use crate::model::SegmentInfo;
    use crate::model::posix::ObjectInfo;
    use crate::model::ring::Peer;
    use crate::render::fixtures::{holder, segment};
    use crate::top::app::tests::{files, overview, overview_with, ring};
    use crossterm::event::KeyCode;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use std::time::{Duration, Instant};

    fn lines(buffer: &Buffer) -> Vec<String> {
        let area = buffer.area;
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect()
    }

    fn draw(app: &App, width: u16, height: u16) -> (Vec<String>, Buffer) {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| frame(f, app)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        (lines(&buffer), buffer)
    }

    fn sample() -> App {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.set_page(page(24));
        let mut a = segment(5, 0x1234, 65536);
        a.nattch = 2;
        a.rss = Some(8192);
        a.set_holders(vec![
            holder(42, "postgres", 1, false),
            holder(43, "psql", 1, true),
        ]);
        let mut r = segment(6, 0x4100_c4a7, 4176);
        r.nattch = 2;
        r.set_holders(vec![
            holder(50, "shmctl-rs", 1, false),
            holder(51, "ring_peer", 1, false),
        ]);
        let mut first = overview(vec![a.clone(), r.clone()]);
        first.limits = Some(crate::render::limits::tests::report());
        let t0 = Instant::now();
        let mut reading = ring(100, 100);
        first
            .rings
            .insert(Object::Sysv(r.clone()).id(), reading.clone());
        app.refreshed(first, t0);
        a.rss = Some(8192 + 4096);
        let mut second = overview(vec![a, r.clone(), segment(7, 0x77, 1 << 20)]);
        second.limits = Some(crate::render::limits::tests::report());
        reading.head = 300;
        reading.filled = 300;
        reading.producer = Some(Peer {
            pid: 50,
            comm: "shmctl-rs".into(),
            locked: true,
        });
        second.rings.insert(Object::Sysv(r).id(), reading);
        app.refreshed(second, t0 + Duration::from_secs(2));
        app
    }

    use crate::model::object::Object;

    #[test]
    fn a_wide_table_shows_every_column() {
        let app = sample();
        let (lines, buffer) = draw(&app, 170, 40);
        assert_eq!(
            lines[0].trim_end(),
            "SHMMNI 3/4096 (<0.1%)  SHMALL 1.1 MiB/64 ZiB (<0.1%)  SysV 3 segments, 1.1 MiB  POSIX 0 objects, 0 B  memfd 0 memfds, 0 B"
        );
        assert!(lines[1].starts_with("shmctl-rs top at "), "{}", lines[1]);
        assert!(
            lines[1].contains(", every 1s  |  showing all kinds  |  sort id"),
            "{}",
            lines[1]
        );
        let heading = &lines[2];
        for h in [
            "KEY", "ID^", "OWNER", "SIZE", "RSS", "NATTCH", "HOLDERS", "STATUS", "APP",
        ] {
            assert!(heading.contains(h), "{h} in {heading}");
        }
        // The selected first row is drawn reversed; rss grew by 2 KiB/s.
        assert!(
            lines[3].starts_with("  0x00001234   5 root    64 KiB 12 KiB +2 KiB/s "),
            "{}",
            lines[3]
        );
        assert!(lines[3].contains("2 postgres,psql"), "{}", lines[3]);
        assert!(buffer[(3, 3)].modifier.contains(Modifier::REVERSED));
        // The ring: gauge, rate from the head's 200 slots in 2 s, verdict, its ends.
        assert!(
            lines[4]
                .trim_end()
                .ends_with("ring 300/1024 [###.....] 100/s consistent, prod 50 shmctl-rs, cons -"),
            "{}",
            lines[4]
        );
        assert!(lines[5].starts_with("+ 0x00000077   7"), "{}", lines[5]);
        assert_eq!(buffer[(0, 5)].fg, Color::Green);
        assert!(lines[39].starts_with("q quit  ? keys"), "{}", lines[39]);
    }

    #[test]
    fn a_narrow_terminal_drops_columns_and_never_wraps() {
        let app = sample();
        let (lines, _) = draw(&app, 80, 24);
        let heading = &lines[2];
        assert!(
            heading.contains("KEY") && heading.contains("SIZE") && heading.contains("APP"),
            "{heading}"
        );
        assert!(
            !heading.contains("STATUS"),
            "the least useful goes first: {heading}"
        );
        // One line per row: the row after the ring is the next segment, not a wrapped tail.
        assert!(
            lines[4].contains("0x4100c4a7") && lines[4].contains("ring 300/1024 [###"),
            "{}",
            lines[4]
        );
        assert!(lines[5].starts_with("+ 0x00000077"), "{}", lines[5]);
        let (lines, _) = draw(&app, 40, 10);
        assert!(lines[3].starts_with("  0x00001234"), "{lines:?}");
        // Even absurd sizes draw without a panic.
        for (w, h) in [(1, 1), (5, 2), (20, 3), (200, 4)] {
            draw(&app, w, h);
        }
    }

    #[test]
    fn no_color_keeps_the_modifiers_only() {
        let mut app = sample();
        app.color = false;
        let (_, buffer) = draw(&app, 120, 40);
        for cell in buffer.content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
        }
        assert!(buffer[(3, 3)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn the_confirmation_names_the_segment_and_says_it_is_attached() {
        let mut app = sample();
        app.press(KeyCode::Char('d'));
        let (lines, _) = draw(&app, 80, 24);
        let text = lines.join("\n");
        assert!(
            text.contains("Remove segment 5 (key 0x00001234, 65536 bytes, owner"),
            "{text}"
        );
        assert!(
            text.contains("It is ATTACHED by 2 processes (42 postgres, 43 psql ro)"),
            "{text}"
        );
        assert!(
            text.contains("freed when the last one"),
            "wrapped, not cut: {text}"
        );
        assert!(text.contains("y: remove it"), "{text}");
    }

    #[test]
    fn the_detail_pane_shows_what_info_shows_and_the_ring() {
        let mut app = sample();
        app.press(KeyCode::Down);
        app.press(KeyCode::Enter);
        let (lines, _) = draw(&app, 120, 40);
        assert!(lines.join("\n").contains("gathering..."));
        let Mode::Detail { id, .. } = app.mode.clone() else {
            panic!()
        };
        let row = app.selected_row().unwrap();
        let mut segment = row.object.segment().unwrap().clone();
        segment.set_holders(vec![
            holder(50, "shmctl-rs", 1, false),
            holder(51, "ring_peer", 1, false),
        ]);
        app.detail = Some((
            id,
            Detail::Sysv(Box::new(SegmentInfo {
                segment,
                seq: Some(0),
                cpid_state: None,
                lpid_state: None,
                pages: 2,
                page_size: 4096,
                header_read: None,
                needs_permission: Vec::new(),
                viewer_uid: 0,
                unreadable_processes: 0,
                unreadable: Default::default(),
                key_from_maps: false,
            })),
        ));
        let (lines, _) = draw(&app, 120, 40);
        let text = lines.join("\n");
        for expected in [
            "shmid     6",
            "key       0x4100c4a7",
            "PID  COMMAND",
            "51  ring_peer",
            "ring        consistent",
            "producer    50 shmctl-rs (holds the role lock)",
            "rate        100.0 items/s",
        ] {
            assert!(text.contains(expected), "{expected}:\n{text}");
        }
    }

    #[test]
    fn the_keys_are_listed() {
        let mut app = sample();
        app.press(KeyCode::Char('?'));
        let (lines, _) = draw(&app, 100, 30);
        let text = lines.join("\n");
        for (k, what) in KEYS {
            assert!(text.contains(k) && text.contains(what), "{k}: {text}");
        }
    }

    /// Segments, POSIX objects and memfds, the second refresh of them.
    fn mixed() -> App {
        let mut app = App::new(Duration::from_secs(1), false, true);
        app.set_page(page(24));
        let mut a = segment(5, 0x1234, 65536);
        a.nattch = 1;
        a.set_holders(vec![holder(42, "postgres", 1, false)]);
        let t0 = Instant::now();
        let mut first = overview_with(vec![a.clone()], files());
        first.limits = Some(crate::render::limits::tests::report());
        app.refreshed(first, t0);
        let mut grown = files();
        grown[0].allocated = Some(12288 + 8192);
        let mut second = overview_with(vec![a], grown);
        second.limits = Some(crate::render::limits::tests::report());
        app.refreshed(second, t0 + Duration::from_secs(2));
        app
    }

    fn row<'a>(lines: &'a [String], needle: &str) -> &'a str {
        lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in {lines:#?}"))
    }

    #[test]
    fn every_kind_in_one_table_with_a_kind_column_and_totals_per_kind() {
        let app = mixed();
        let (lines, _) = draw(&app, 170, 40);
        assert_eq!(
            lines[0].trim_end(),
            "SHMMNI 3/4096 (<0.1%)  SHMALL 1.1 MiB/64 ZiB (<0.1%)  SysV 1 segment, 64 KiB  POSIX 3 objects, 1 MiB  memfd 1 memfd, 8 KiB"
        );
        let heading = &lines[2];
        for h in ["KIND", "KEY/NAME", "ID^", "RSS/ALLOC", "NATTCH", "HOLDERS"] {
            assert!(heading.contains(h), "{h} in {heading}");
        }
        assert!(row(&lines, "0x00001234").starts_with("  SysV  0x00001234"));
        // An object's id is its inode, its rss its allocated bytes (and how fast they
        // grow), its nattch nothing the kernel counts.
        let held = row(&lines, " 207 ");
        assert!(
            held.starts_with(
                "  POSIX /psm_1f2e            207 root   9.8 KiB 20 KiB +4 KiB/s       - 2 python3,reader"
            ),
            "{held}"
        );
        let gone = row(&lines, " 208 ");
        assert!(gone.contains("deleted"), "{gone}");
        let memfd = row(&lines, "memfd:wayland-shm");
        assert!(
            memfd.starts_with("  memfd memfd:wayland-shm 524232"),
            "{memfd}"
        );
        assert!(memfd.contains("1 weston"), "{memfd}");
        assert!(row(&lines, "/idle").contains("unheld"));
    }

    #[test]
    fn one_kind_shown_has_its_own_headings_and_no_kind_column() {
        let mut app = mixed();
        app.press(KeyCode::Tab);
        app.press(KeyCode::Tab);
        let (lines, _) = draw(&app, 170, 40);
        assert!(lines[1].contains("showing POSIX"), "{}", lines[1]);
        let heading = &lines[2];
        assert!(
            heading.starts_with("  NAME") && heading.contains("ALLOC") && !heading.contains("KIND"),
            "{heading}"
        );
        assert!(!lines.join("\n").contains("0x00001234"));
        app.press(KeyCode::BackTab);
        let (lines, _) = draw(&app, 170, 40);
        let heading = &lines[2];
        assert!(
            heading.starts_with("  KEY ") && heading.contains(" RSS "),
            "{heading}"
        );
    }

    #[test]
    fn a_narrow_heading_says_the_totals_shorter_rather_than_cut() {
        let app = mixed();
        let (lines, _) = draw(&app, 100, 24);
        assert_eq!(
            lines[0].trim_end(),
            "SysV 3/4096 segments, 1.1 MiB/64 ZiB  POSIX 3 objects, 1 MiB  memfd 1 memfd, 8 KiB"
        );
        let (lines, _) = draw(&app, 80, 24);
        assert_eq!(
            lines[0].trim_end(),
            "SysV 3/4096, 1.1 MiB/64 ZiB  POSIX 3, 1 MiB  memfd 1, 8 KiB"
        );
        // With --ns PATH no /dev/shm is known: said, not shown as none.
        let mut app = mixed();
        app.files = Files::NotAsked;
        app.rows.retain(|r| r.object.kind() == Kind::Sysv);
        let (lines, _) = draw(&app, 170, 24);
        assert!(
            lines[0].contains(
                "SysV 1 segment, 64 KiB  no POSIX objects or memfds (--ns PATH names no /dev/shm)"
            ) && !lines[0].contains("POSIX 0"),
            "{}",
            lines[0]
        );
        // A /dev/shm that could not be read: memfds still, and why no POSIX object.
        let mut app = mixed();
        app.files = Files::NoPosix("/dev/shm: No such file or directory (os error 2)".into());
        app.rows.retain(|r| r.object.kind() != Kind::Posix);
        let (lines, _) = draw(&app, 170, 24);
        assert!(
            lines[0].contains(
                "SysV 1 segment, 64 KiB  memfd 1 memfd, 8 KiB  no POSIX objects: /dev/shm: No such file"
            ),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn the_detail_pane_of_an_object_shows_what_info_shows_with_its_holders() {
        let mut app = mixed();
        app.press(KeyCode::Down);
        assert_eq!(
            app.press(KeyCode::Enter),
            crate::top::app::Action::Detail(app.selected)
        );
        let Mode::Detail { id, .. } = app.mode.clone() else {
            panic!()
        };
        let object = app.selected_row().unwrap().object.file().unwrap().clone();
        app.detail = Some((
            id,
            Detail::File(Box::new(ObjectInfo::of(object, 1, Default::default()))),
        ));
        let (lines, _) = draw(&app, 120, 40);
        let text = lines.join("\n");
        for expected in [
            "POSIX object /psm_1f2e  (Esc back",
            "name       /psm_1f2e",
            "kind       POSIX shared memory (shm_open)",
            "path       /dev/shm/psm_1f2e",
            "holders    2 processes",
            "PID  COMMAND  USER  FDS  MAPPINGS  ACCESS",
            "42  python3  root    2         1  read-write",
            "43  reader   root    0         1  read-only",
            "1 more unlinked object of this name still held",
        ] {
            assert!(text.contains(expected), "{expected}:\n{text}");
        }
    }

    #[test]
    fn the_confirmation_names_the_object_and_says_it_is_held() {
        let mut app = mixed();
        app.press(KeyCode::Down);
        app.press(KeyCode::Char('d'));
        let (lines, buffer) = draw(&app, 80, 24);
        let text = lines.join("\n");
        assert!(
            text.contains("Remove POSIX object /psm_1f2e (inode 207, 20 KiB allocated"),
            "{text}"
        );
        assert!(text.contains("It is still HELD by 2 processes"), "{text}");
        assert!(
            text.contains("when the last one lets go"),
            "wrapped, not cut: {text}"
        );
        let held = lines
            .iter()
            .position(|l| l.contains("It is still HELD"))
            .unwrap();
        let x = lines[held].find("It is").unwrap() as u16;
        assert_eq!(buffer[(x, held as u16)].fg, Color::Yellow);
    }
}
