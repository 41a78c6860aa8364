//! shmctl-rs: inspect and administer System V shared-memory segments, and run the classic
//! shared-memory producer/consumer ring.
//!
//! Data flows one way: `cli` (clap) → `settings` (checked, clap-free) → `commands` →
//! gather (`gather`, over `sys` and `proc`; `ring` and `bench` for their own) → `model` →
//! `render` → `output` → stdout.
//! Only `sys` contains unsafe code.

pub mod bash_completion;
pub mod bench;
pub mod cli;
pub mod commands;
pub mod docs;
pub mod endpoint;
pub mod error;
pub mod explain;
pub mod gather;
pub mod generate;
pub mod ids;
pub mod model;
pub mod namespaces;
pub mod output;
pub mod proc;
pub mod render;
pub mod ring;
pub mod settings;
pub mod signals;
pub mod sys;
pub mod top;
pub mod units;
pub mod users;

pub use error::{Error, Result, Status};

use output::Output;
use settings::{Invocation, Settings};
use std::io::Write;

/// Run one checked command line, writing results to stdout. With `--ns`, the whole
/// command runs on a thread inside that IPC namespace.
pub fn run(invocation: Invocation) -> Result<Status> {
    let here = move || {
        // Buffered as a whole (stdout alone is line-buffered: a write per line); commands
        // whose output must appear as it happens flush it themselves.
        let mut buffer = output::stream::Buffered::new(64 * 1024, output::stream::stdout());
        let mut out = Output::for_stdout(&mut buffer, invocation.format, invocation.bytes);
        let status = dispatch(&invocation.command, &mut out)?;
        buffer.flush()?;
        Ok(status)
    };
    match invocation.namespace.clone() {
        Some(path) => namespaces::run_in(path, here),
        None => here(),
    }
}

fn dispatch(command: &Settings, out: &mut Output) -> Result<Status> {
    match command {
        Settings::Ls(s) => commands::ls::run(s, out),
        Settings::Metrics(s) => commands::metrics::run(s, out),
        Settings::LsObjects(s) => commands::posix::ls(s, out),
        Settings::Info(s) => commands::info::run(s, out),
        Settings::ObjectInfo(s) => commands::posix::info(s, out),
        Settings::Create(s) => commands::create::run(s, out),
        Settings::CreateObject(s) => commands::posix::create(s, out),
        Settings::Attach(s) => commands::attach::run(s, out),
        Settings::Rm(s) => commands::rm::run(s, out),
        Settings::Set(s) => commands::set::run(s, out),
        Settings::Limits(s) => commands::limits::run(s, out),
        Settings::Status(s) => commands::status::run(s, out),
        Settings::Produce(s) => commands::ring::produce(s, out),
        Settings::Consume(s) => commands::ring::consume(s, out),
        Settings::Repair(s) => commands::ring::repair(s, out),
        Settings::Bench(s) => commands::bench::run(s, out),
        Settings::BenchPeer(s) => commands::bench::peer(s, out),
        Settings::Top(s) => top::run(s),
        Settings::Generate(s) => generate::run(s, out),
    }
}
