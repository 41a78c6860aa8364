//! `limits`: the namespace's shared-memory limits next to what is in use.

use crate::error::{Result, Status};
use crate::gather::limits;
use crate::output::Output;

#[derive(Clone, Debug, Default)]
pub struct Settings {}

pub fn run(_settings: &Settings, out: &mut Output) -> Result<Status> {
    out.show(&limits::gather()?)?;
    Ok(Status::Ok)
}
