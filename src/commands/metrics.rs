//! `metrics`: the segments and the kernel's limits as Prometheus metrics, printed, written
//! to a textfile for node_exporter, or served over HTTP.

use crate::endpoint;
use crate::error::{Result, Status};
use crate::gather::{listing, metrics};
use crate::output::{Output, textfile};
use crate::render::openmetrics::{self, Dialect, Shown};
use crate::signals;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the metrics go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Stdout,
    /// Replaced atomically.
    Textfile(PathBuf),
    /// An HTTP endpoint; the scraper's `Accept` header picks the format.
    Listen {
        addr: SocketAddr,
        max_scrapes: usize,
    },
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Which segments (and namespaces).
    pub query: listing::Query,
    /// Per-owner and per-namespace totals only.
    pub aggregate: bool,
    pub target: Target,
    /// The format on stdout and in a textfile.
    pub dialect: Dialect,
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    let (query, aggregate) = (settings.query.clone(), settings.aggregate);
    match &settings.target {
        Target::Stdout => {
            let exposition = metrics::gather(&query, aggregate)?;
            out.show(&Shown {
                exposition: &exposition,
                dialect: settings.dialect,
            })?;
            Ok(Status::Ok)
        }
        Target::Textfile(path) => {
            // A signal waits for the file to be whole (and then ends the run with 130).
            signals::install()?;
            let exposition = metrics::gather(&query, aggregate)?;
            textfile::replace(
                path,
                openmetrics::render(&exposition, settings.dialect).as_bytes(),
            )?;
            Ok(if signals::stop_requested() {
                Status::Interrupted
            } else {
                Status::Ok
            })
        }
        Target::Listen { addr, max_scrapes } => endpoint::serve(*addr, *max_scrapes, move || {
            metrics::gather(&query, aggregate)
        }),
    }
}
