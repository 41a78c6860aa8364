//! shmctl-rs: inspect and administer System V shared-memory segments, and run the classic
//! shared-memory producer/consumer ring.
//!
//! Data flows one way: `cli` (clap) → settings → gather (`sys`, `proc`) → `model` →
//! `render` → stdout. Only `sys` contains unsafe code.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod docs;
pub mod error;
pub mod generate;
pub mod ids;
pub mod model;
pub mod namespaces;
pub mod proc;
pub mod render;
pub mod ring;
pub mod signals;
pub mod sys;
pub mod units;
pub mod users;

pub use error::{Error, Result, Status};

use cli::{Cli, Command, RingCommand};
use std::io::Write;

/// Run one parsed command line, writing results to stdout. With `--ns`, the whole
/// command runs on a thread inside that IPC namespace.
pub fn run(cli: Cli) -> Result<Status> {
    let here = move || {
        // Buffered as a whole (stdout alone is line-buffered: a write per line); commands
        // whose output must appear as it happens flush it themselves.
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
        let status = dispatch(cli.command, &mut out)?;
        out.flush()?;
        Ok(status)
    };
    match cli.ns {
        Some(ns) => namespaces::run_in(namespaces::path_of(&ns), here),
        None => here(),
    }
}

fn dispatch(command: Command, out: &mut dyn Write) -> Result<Status> {
    match command {
        Command::Ls(args) => commands::ls::run(&commands::ls::Settings::from_args(args)?, out),
        Command::Info(args) => commands::info::run(args.id, args.json, out),
        Command::Create(args) => {
            commands::create::run(&commands::create::Settings::from_args(args), out)
        }
        Command::Attach(args) => {
            commands::attach::run(&commands::attach::Settings::from_args(args), out)
        }
        Command::Rm(args) => commands::rm::run(&commands::rm::Settings::from_args(args), out),
        Command::Chmod(args) => {
            commands::set::run(args.id, commands::set::Change::Mode(args.mode), out)
        }
        Command::Chown(args) => {
            commands::set::run(args.id, commands::set::parse_owner(&args.owner)?, out)
        }
        Command::Limits(args) => commands::limits::run(args.json, args.bytes, out),
        Command::Status(args) => {
            commands::status::run(&commands::status::Settings::from_args(args), out)
        }
        Command::Ring(RingCommand::Produce(args)) => {
            commands::ring::produce(&ring::producer::Settings::from_args(args), out)
        }
        Command::Ring(RingCommand::Consume(args)) => {
            commands::ring::consume(&ring::consumer::Settings::from_args(args), out)
        }
        Command::Ring(RingCommand::Bench(args)) => commands::bench::run(&args, out),
        Command::Ring(RingCommand::BenchPeer(a)) => bench::peer::run(
            &bench::peer::PeerSettings {
                transport: a.transport,
                role: a.role,
                count: a.count,
                endpoint: a.endpoint,
                cpu: a.cpu,
                spin: a.spin,
                batch_spin: a.batch_spin,
            },
            out,
        ),
        Command::Generate { dir } => {
            for path in generate::write_to(&dir)? {
                writeln!(out, "wrote {}", dir.join(path).display())?;
            }
            Ok(Status::Ok)
        }
    }
}
