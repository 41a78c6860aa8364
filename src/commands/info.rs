//! `info ID`: everything known about one segment.

use crate::error::{Result, Status};
use crate::gather::info;
use crate::ids::SegmentRef;
use crate::output::Output;

#[derive(Clone, Debug)]
pub struct Settings {
    pub id: SegmentRef,
}

pub fn run(settings: &Settings, out: &mut Output) -> Result<Status> {
    out.show(&info::gather(settings.id.resolve()?)?)?;
    Ok(Status::Ok)
}
