//! `ring bench`: run the comparison and show it.

use crate::bench;
use crate::error::{Result, Status};
use crate::output::{self, Output};
use crate::render::Format;
use crate::signals;

/// `ring bench`'s checked settings: the run, and where to draw its chart.
#[derive(Clone, Debug)]
pub struct Settings {
    pub run: bench::Settings,
    pub svg: Option<std::path::PathBuf>,
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    signals::install()?;
    // The chart's file is made first, so that a path that cannot be written fails before
    // a minute of measuring, not after; it goes again if the run does not finish.
    let chart = match &settings.svg {
        Some(path) => Some(Chart::create(path)?),
        None => None,
    };
    let quiet = out.format() == Format::Json;
    let report = bench::run(&settings.run, &mut |msg| {
        if !quiet {
            output::note(msg);
        }
    });
    // Ctrl-C reaches the peers too (one process group): they end, and so does the run.
    let report = match report {
        Err(e) if e.status == Status::Interrupted || signals::stop_requested() => {
            return Ok(Status::Interrupted);
        }
        other => other?,
    };
    out.show_now(&report)?;
    if let Some(chart) = chart {
        chart.write(&crate::render::chart::svg(&report))?;
    }
    bench::verdict(&report)
}

/// The file `--svg` names: removed on drop unless it was written.
struct Chart {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
}

impl Chart {
    fn create(path: &std::path::Path) -> Result<Chart> {
        let file = std::fs::File::create(path).map_err(|e| failed(path, e))?;
        Ok(Chart {
            path: path.to_path_buf(),
            file: Some(file),
        })
    }

    fn write(mut self, svg: &str) -> Result<()> {
        use std::io::Write;
        let mut file = self
            .file
            .take()
            .ok_or_else(|| failed(&self.path, "closed"))?;
        file.write_all(svg.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| failed(&self.path, e))?;
        Ok(())
    }
}

impl Drop for Chart {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn failed(path: &std::path::Path, why: impl std::fmt::Display) -> crate::error::Error {
    crate::error::Error::other(format!("{}: cannot write the chart: {why}", path.display()))
}

/// `ring bench-peer`: one end of a run, started by `ring bench`.
pub fn peer(settings: &bench::peer::PeerSettings, out: &mut Output) -> Result<Status> {
    bench::peer::run(settings, out.writer())
}
