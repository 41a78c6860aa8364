//! `ls`: every segment, filtered, sorted, as a table, JSON, raw rows or OpenMetrics; once
//! or refreshed in place.

use crate::cli::{LsArgs, LsFormat};
use crate::error::{Error, Result, Status};
use crate::model::{self, Listing, Segment};
use crate::namespaces;
use crate::proc::processes;
use crate::render::columns::Column;
use crate::render::{json, openmetrics, table::Grid};
use crate::signals;
use crate::sys::shm::Key;
use crate::users::Names;
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Raw,
    OpenMetrics,
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub owner: Option<u32>,
    pub key: Option<Key>,
    pub min_size: Option<u64>,
    /// Some(true): only attached; Some(false): only unattached.
    pub attached: Option<bool>,
    pub orphans: bool,
}

impl Filter {
    pub fn matches(&self, s: &Segment) -> bool {
        self.owner.is_none_or(|uid| s.uid == uid)
            && self.key.is_none_or(|k| s.key == k)
            && self.min_size.is_none_or(|m| s.size >= m)
            && self.attached.is_none_or(|a| (s.nattch > 0) == a)
            && (!self.orphans || s.orphan == Some(true))
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub columns: Vec<Column>,
    pub format: Format,
    pub bytes: bool,
    pub filter: Filter,
    pub sort: Option<Column>,
    pub reverse: bool,
    pub pids: bool,
    pub all_namespaces: bool,
    pub watch: Option<Duration>,
}

impl Settings {
    pub fn from_args(args: LsArgs) -> Result<Settings> {
        let owner = args
            .owner
            .as_deref()
            .map(Names::parse_user)
            .transpose()
            .map_err(Error::usage)?;
        let mut columns = if args.output_all {
            Column::ALL.to_vec()
        } else if args.output.is_empty() {
            Column::DEFAULT.to_vec()
        } else {
            args.output
        };
        let pids = args.pids || columns.contains(&Column::Processes);
        if pids && !columns.contains(&Column::Processes) {
            columns.push(Column::Processes);
        }
        if args.all_namespaces && !columns.contains(&Column::Namespace) {
            columns.insert(0, Column::Namespace);
        }
        let format = match (args.format, args.format_args.json, args.format_args.raw) {
            (Some(LsFormat::Json), _, _) | (None, true, _) => Format::Json,
            (Some(LsFormat::Raw), _, _) | (None, _, true) => Format::Raw,
            (Some(LsFormat::Openmetrics), _, _) => Format::OpenMetrics,
            _ => Format::Table,
        };
        Ok(Settings {
            columns,
            format,
            bytes: args.format_args.bytes,
            filter: Filter {
                owner,
                key: args.key,
                min_size: args.min_size,
                attached: if args.attached {
                    Some(true)
                } else if args.unattached {
                    Some(false)
                } else {
                    None
                },
                orphans: args.orphans,
            },
            sort: args.sort,
            reverse: args.reverse,
            pids,
            all_namespaces: args.all_namespaces,
            watch: args.watch,
        })
    }
}

/// What one listing found.
#[derive(Debug, Default)]
pub struct Gathered {
    pub segments: Vec<Segment>,
    /// Pids whose maps could not be read (with --pids).
    pub unreadable: Vec<i32>,
}

fn segments_here(names: &mut Names) -> Result<Vec<Segment>> {
    let table = super::read_segments()?;
    Ok(table
        .records
        .iter()
        .map(|r| Segment::from_record(r, names))
        .collect())
}

/// Gather the segments that pass the filter, in the requested order.
pub fn gather(settings: &Settings) -> Result<Gathered> {
    let mut names = Names::default();
    let mut gathered = Gathered::default();
    // One pass over /proc serves every segment (and every namespace).
    let scan = settings.pids.then(|| {
        processes::scan(if settings.all_namespaces {
            None
        } else {
            processes::current_namespace()
        })
    });
    let mut segments = Vec::new();
    if settings.all_namespaces {
        for (inode, members) in namespaces::all() {
            let namespace = namespaces::describe(inode, &members);
            let path = format!("/proc/{}/ns/ipc", members[0]);
            // A namespace whose only process exits meanwhile is gone with its segments.
            let Ok(mut found) = namespaces::run_in(path, || segments_here(&mut Names::default()))
            else {
                continue;
            };
            let mut holders = scan
                .as_ref()
                .map(|s| model::holders(s, Some(inode), &mut names));
            for s in &mut found {
                s.namespace = Some(namespace.clone());
                if let Some(h) = holders.as_mut() {
                    s.set_holders(h.remove(&s.shmid.0).unwrap_or_default());
                }
            }
            segments.extend(found);
        }
    } else {
        segments = segments_here(&mut names)?;
        if let Some(scan) = &scan {
            let mut holders = model::holders(scan, processes::current_namespace(), &mut names);
            for s in &mut segments {
                s.set_holders(holders.remove(&s.shmid.0).unwrap_or_default());
            }
        }
    }
    if settings.filter.orphans {
        for s in &mut segments {
            s.orphan = Some(s.is_orphan());
        }
    }
    segments.retain(|s| settings.filter.matches(s));
    if let Some(column) = settings.sort {
        segments.sort_by(|a, b| column.compare(a, b));
    }
    if settings.reverse {
        segments.reverse();
    }
    gathered.segments = segments;
    gathered.unreadable = scan.map(|s| s.unreadable).unwrap_or_default();
    Ok(gathered)
}

pub fn grid(segments: &[Segment], columns: &[Column], bytes: bool, raw: bool) -> Grid {
    Grid {
        headings: columns.iter().map(|c| c.heading().to_string()).collect(),
        right: columns.iter().map(|c| c.is_numeric()).collect(),
        rows: segments
            .iter()
            .map(|s| {
                columns
                    .iter()
                    .map(|c| if raw { c.raw(s) } else { c.cell(s, bytes) })
                    .collect()
            })
            .collect(),
    }
}

fn write_once(settings: &Settings, g: &Gathered, out: &mut dyn Write) -> Result<()> {
    match settings.format {
        Format::Json => json::write(
            out,
            &Listing {
                segments: &g.segments,
            },
        )?,
        Format::Raw => grid(&g.segments, &settings.columns, true, true).write_raw(out)?,
        Format::Table => {
            grid(&g.segments, &settings.columns, settings.bytes, false).write_table(out)?
        }
        Format::OpenMetrics => {
            let limits = super::limits::gather().ok();
            out.write_all(openmetrics::render(&g.segments, limits.as_ref()).as_bytes())?;
        }
    }
    if !g.unreadable.is_empty() && settings.format == Format::Table {
        eprintln!("shmctl-rs: {}", super::info::unreadable_note(&g.unreadable));
    }
    Ok(())
}

/// Changes since the last refresh: `+` appeared, `~` nattch changed, `-` vanished.
pub fn marks(previous: &HashMap<i32, Segment>, now: &[Segment]) -> (Vec<String>, Vec<Segment>) {
    let marks = now
        .iter()
        .map(|s| match previous.get(&s.shmid.0) {
            None => "+".to_string(),
            Some(p) if p.nattch != s.nattch => "~".to_string(),
            Some(_) => String::new(),
        })
        .collect();
    let vanished = previous
        .values()
        .filter(|p| !now.iter().any(|s| s.shmid == p.shmid))
        .cloned()
        .collect();
    (marks, vanished)
}

fn watch(settings: &Settings, period: Duration, out: &mut dyn Write) -> Result<Status> {
    signals::install()?;
    let mut previous: Option<HashMap<i32, Segment>> = None;
    loop {
        let g = gather(settings)?;
        let (mut marks, mut vanished) = match &previous {
            Some(p) => marks(p, &g.segments),
            None => (vec![String::new(); g.segments.len()], Vec::new()),
        };
        vanished.sort_by_key(|s| s.shmid);
        let mut rows = g.segments.clone();
        marks.extend(vanished.iter().map(|_| "-".to_string()));
        rows.extend(vanished);
        let mut table = grid(&rows, &settings.columns, settings.bytes, false);
        table.headings.insert(0, String::new());
        table.right.insert(0, false);
        for (row, mark) in table.rows.iter_mut().zip(marks) {
            row.insert(0, mark);
        }
        write!(out, "\x1b[H\x1b[2J")?;
        writeln!(
            out,
            "{} segments, every {period:?}; + appeared, - vanished, ~ nattch changed; Ctrl-C to stop\n",
            g.segments.len()
        )?;
        table.write_table(out)?;
        out.flush()?;
        previous = Some(g.segments.into_iter().map(|s| (s.shmid.0, s)).collect());
        if !signals::sleep(period) {
            return Ok(Status::Interrupted);
        }
    }
}

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Status> {
    if let Some(period) = settings.watch {
        return watch(settings, period, out);
    }
    let g = gather(settings)?;
    write_once(settings, &g, out)?;
    Ok(Status::Ok)
}
