//! `ls`: every segment, filtered, sorted, as a table, JSON or raw rows.

use crate::cli::LsArgs;
use crate::error::{Error, Result, Status};
use crate::model::{Listing, Segment};
use crate::render::columns::Column;
use crate::render::{json, table::Grid};
use crate::sys::shm::Key;
use crate::users::Names;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Raw,
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub owner: Option<u32>,
    pub key: Option<Key>,
    pub min_size: Option<u64>,
    /// Some(true): only attached; Some(false): only unattached.
    pub attached: Option<bool>,
}

impl Filter {
    pub fn matches(&self, s: &Segment) -> bool {
        self.owner.is_none_or(|uid| s.uid == uid)
            && self.key.is_none_or(|k| s.key == k)
            && self.min_size.is_none_or(|m| s.size >= m)
            && self.attached.is_none_or(|a| (s.nattch > 0) == a)
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
}

impl Settings {
    pub fn from_args(args: LsArgs) -> Result<Settings> {
        let owner = args
            .owner
            .as_deref()
            .map(Names::parse_user)
            .transpose()
            .map_err(Error::usage)?;
        let columns = if args.output_all {
            Column::ALL.to_vec()
        } else if args.output.is_empty() {
            Column::DEFAULT.to_vec()
        } else {
            args.output
        };
        Ok(Settings {
            columns,
            format: if args.format.json {
                Format::Json
            } else if args.format.raw {
                Format::Raw
            } else {
                Format::Table
            },
            bytes: args.format.bytes,
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
            },
            sort: args.sort,
            reverse: args.reverse,
        })
    }
}

/// Gather the segments that pass the filter, in the requested order.
pub fn gather(settings: &Settings) -> Result<Vec<Segment>> {
    let table = super::read_segments()?;
    let mut names = Names::default();
    let mut segments: Vec<Segment> = table
        .records
        .iter()
        .map(|r| Segment::from_record(r, &mut names))
        .filter(|s| settings.filter.matches(s))
        .collect();
    if let Some(column) = settings.sort {
        segments.sort_by(|a, b| column.compare(a, b));
    }
    if settings.reverse {
        segments.reverse();
    }
    Ok(segments)
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

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Status> {
    let segments = gather(settings)?;
    match settings.format {
        Format::Json => json::write(
            out,
            &Listing {
                segments: &segments,
            },
        )?,
        Format::Raw => grid(&segments, &settings.columns, true, true).write_raw(out)?,
        Format::Table => {
            grid(&segments, &settings.columns, settings.bytes, false).write_table(out)?
        }
    }
    Ok(Status::Ok)
}
