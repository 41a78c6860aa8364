//! `generate DIR` (hidden): write the man pages and completions below DIR.

use crate::error::{Result, Status};
use crate::generate;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    pub dir: PathBuf,
}

pub fn run(settings: &Settings, out: &mut crate::output::Output) -> Result<Status> {
    for path in generate::write_to(&settings.dir)? {
        writeln!(out.writer(), "wrote {}", settings.dir.join(path).display())?;
    }
    Ok(Status::Ok)
}
