//! JSON output: pretty, one document, a trailing newline.

use serde::Serialize;
use std::io::Write;

pub fn write<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}
