//! The one conversion from the parsed command line to checked settings (fd's
//! `construct_config`). Names of users and groups, `ftok` keys and output formats are
//! resolved here; every command then receives one plain settings value.

use crate::bench;
use crate::cli::{self, Cli, Command, LsFormat, RingCommand};
use crate::commands::{attach, create, generate, info, limits, ls, rm, set, status};
use crate::error::{Error, Result};
use crate::gather::listing::{Filter, Query};
use crate::ids::{FtokSpec, SegmentRef};
use crate::output;
use crate::render::Format;
use crate::render::columns::Column;
use crate::ring::{Location, consumer, producer};
use crate::sys::shm::{CreateFlags, Key, ShmId};
use crate::users::Names;

/// A whole invocation: where it runs, how results are shown, and what it does.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// `--ns`: the ipc namespace file to run in (`/proc/PID/ns/ipc` for a pid).
    pub namespace: Option<String>,
    pub format: Format,
    /// Sizes in bytes instead of KiB, MiB, …
    pub bytes: bool,
    pub command: Settings,
}

/// One command's checked settings.
#[derive(Clone, Debug)]
pub enum Settings {
    Ls(ls::Settings),
    Info(info::Settings),
    Create(create::Settings),
    Attach(attach::Settings),
    Rm(rm::Settings),
    Set(set::Settings),
    Limits(limits::Settings),
    Status(status::Settings),
    Produce(producer::Settings),
    Consume(consumer::Settings),
    Repair(crate::commands::ring::RepairSettings),
    Bench(crate::commands::bench::Settings),
    BenchPeer(bench::peer::PeerSettings),
    Generate(generate::Settings),
}

fn json_or_table(json: bool) -> Format {
    if json { Format::Json } else { Format::Table }
}

/// An `ftok` key, warning when the project id lost bits (see [`FtokSpec::key`]).
fn ftok_key(spec: &FtokSpec) -> Result<Key> {
    let (key, truncated) = spec.key()?;
    if truncated {
        output::warn(format!(
            "ftok uses only the low 8 bits of the project id: {} counts as {}",
            spec.proj,
            spec.proj & 0xff
        ));
    }
    Ok(key)
}

/// `--ns PID` or `--ns PATH` (an `ipc` namespace file, e.g. a bind mount of one).
fn namespace_path(spec: &str) -> String {
    if !spec.is_empty() && spec.chars().all(|c| c.is_ascii_digit()) {
        format!("/proc/{spec}/ns/ipc")
    } else {
        spec.to_string()
    }
}

/// The ring a produce, consume or status command names: a key, a `ftok` key or a shmid,
/// the document's `ftok("/tmp", 65)` by default.
fn ring_location(l: &cli::RingLocation) -> Result<Location> {
    let location = match (l.key, &l.ftok, l.id) {
        (Some(k), _, _) => Location::Key(k),
        (_, Some(f), _) => Location::Key(ftok_key(f)?),
        (_, _, Some(id)) => Location::Id(ShmId(id)),
        _ => Location::Key(ftok_key(&FtokSpec::document())?),
    };
    if location == Location::Key(Key::PRIVATE) {
        // shmget(IPC_PRIVATE) makes a new segment each time: a ring no consumer could find.
        return Err(Error::usage(
            "key 0x00000000 is IPC_PRIVATE: a ring needs a key its other end can find (or --id SHMID)",
        ));
    }
    Ok(location)
}

/// The ring a status or repair names: a shmid or key, a `ftok` key, or the document's.
fn ring_target(id: Option<SegmentRef>, ftok: Option<FtokSpec>) -> Result<SegmentRef> {
    match (id, ftok) {
        (Some(t), _) => Ok(t),
        (None, ftok) => Ok(SegmentRef::Key(ftok_key(
            &ftok.unwrap_or_else(FtokSpec::document),
        )?)),
    }
}

/// `USER`, `USER:GROUP` or `:GROUP`.
pub fn parse_owner(text: &str) -> Result<set::Change> {
    let (user, group) = match text.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (text, None),
    };
    let uid = (!user.is_empty())
        .then(|| Names::parse_user(user))
        .transpose()
        .map_err(Error::usage)?;
    let gid = group
        .filter(|g| !g.is_empty())
        .map(Names::parse_group)
        .transpose()
        .map_err(Error::usage)?;
    if uid.is_none() && gid.is_none() {
        return Err(Error::usage(format!(
            "owner '{text}': expected USER, USER:GROUP or :GROUP"
        )));
    }
    Ok(set::Change::Owner { uid, gid })
}

fn ls(args: cli::LsArgs) -> Result<(Format, bool, ls::Settings)> {
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
    let bytes = args.format_args.bytes;
    let settings = ls::Settings {
        columns,
        query: Query {
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
                include_unknown: args.include_unknown,
            },
            pids,
            all_namespaces: args.all_namespaces,
        },
        sort: args.sort,
        reverse: args.reverse,
        watch: args.watch,
    };
    Ok((format, bytes, settings))
}

/// Check the command line and turn it into an [`Invocation`].
pub fn from_cli(cli: Cli) -> Result<Invocation> {
    let mut format = Format::Table;
    let mut bytes = false;
    let command = match cli.command {
        Command::Ls(args) => {
            let (f, b, s) = ls(args)?;
            (format, bytes) = (f, b);
            Settings::Ls(s)
        }
        Command::Info(a) => {
            format = json_or_table(a.json);
            Settings::Info(info::Settings { id: a.id })
        }
        Command::Create(a) => {
            format = if a.json {
                Format::Json
            } else if a.quiet {
                Format::Raw
            } else {
                Format::Table
            };
            let key = match (a.key, a.ftok) {
                (Some(k), _) => k,
                (_, Some(f)) => ftok_key(&f)?,
                _ => Key::PRIVATE,
            };
            Settings::Create(create::Settings {
                size: a.size,
                key,
                mode: a.mode,
                flags: CreateFlags {
                    hugetlb: a.hugetlb,
                    noreserve: a.noreserve,
                },
            })
        }
        Command::Attach(a) => {
            format = json_or_table(a.json);
            Settings::Attach(attach::Settings {
                id: a.id,
                readonly: a.readonly,
                timeout: a.timeout,
                force: a.force,
            })
        }
        Command::Rm(a) => {
            format = json_or_table(a.json);
            let mut targets = a.ids;
            targets.extend(a.key.into_iter().map(SegmentRef::Key));
            Settings::Rm(rm::Settings {
                targets,
                orphans: a.orphans,
                include_unknown: a.include_unknown,
                dry_run: a.dry_run,
            })
        }
        Command::Chmod(a) => Settings::Set(set::Settings {
            id: a.id,
            change: set::Change::Mode(a.mode),
        }),
        Command::Chown(a) => Settings::Set(set::Settings {
            id: a.id,
            change: parse_owner(&a.owner)?,
        }),
        Command::Limits(a) => {
            (format, bytes) = (json_or_table(a.json), a.bytes);
            Settings::Limits(limits::Settings {})
        }
        Command::Status(a) => {
            format = json_or_table(a.json);
            let target = ring_target(a.id, a.ftok)?;
            Settings::Status(status::Settings {
                target,
                watch: a.watch,
            })
        }
        Command::Ring(RingCommand::Produce(a)) => {
            format = json_or_table(a.run.json);
            Settings::Produce(producer::Settings {
                location: ring_location(&a.run.location)?,
                count: a.run.count,
                interval: a.interval,
                mode: a.mode,
                capacity: a.capacity,
                quiet: a.run.quiet || a.run.json,
                batch: a.run.batch,
                spin: a.run.spin,
            })
        }
        Command::Ring(RingCommand::Consume(a)) => {
            format = json_or_table(a.run.json);
            Settings::Consume(consumer::Settings {
                location: ring_location(&a.run.location)?,
                count: a.run.count,
                interval: a.interval,
                verify: a.verify,
                timeout: a.timeout,
                remove_when_done: a.remove_when_done,
                quiet: a.run.quiet || a.run.json,
                batch: a.run.batch,
                spin: a.run.spin,
            })
        }
        Command::Ring(RingCommand::Repair(a)) => {
            format = json_or_table(a.json);
            let target = ring_target(a.id, a.ftok)?;
            Settings::Repair(crate::commands::ring::RepairSettings {
                target,
                force: a.force,
                dry_run: a.dry_run,
            })
        }
        Command::Ring(RingCommand::Bench(a)) => {
            format = json_or_table(a.json);
            if let Some(n) = a.latency.filter(|&n| n == 0 || n > bench::MAX_ROUND_TRIPS) {
                return Err(Error::usage(format!(
                    "--latency {n}: from 1 to {} round trips (each one is kept to find the p99)",
                    bench::MAX_ROUND_TRIPS
                )));
            }
            if a.repeat == 0 || a.count == Some(0) {
                return Err(Error::usage(
                    "--repeat and --count: at least one round of at least one item",
                ));
            }
            let mut capacities = a.capacity;
            capacities.dedup();
            let mut write_items = a.write_items;
            write_items.dedup();
            Settings::Bench(crate::commands::bench::Settings {
                run: bench::Settings {
                    transports: if a.transport.is_empty() {
                        crate::model::bench::Transport::ALL.to_vec()
                    } else {
                        a.transport
                    },
                    capacities,
                    write_items,
                    count: a.count,
                    repeat: a.repeat,
                    pin: a.pin,
                    latency: a.latency,
                    spin: a.spin,
                    spin_tries: a.spin_tries,
                    batch_spin: a.batch_spin,
                },
                svg: a.svg,
            })
        }
        Command::Ring(RingCommand::BenchPeer(a)) => {
            Settings::BenchPeer(bench::peer::PeerSettings {
                transport: a.transport,
                role: a.role,
                count: a.count,
                endpoint: a.endpoint,
                cpu: a.cpu,
                write_items: a.write_items,
                spin: a.spin,
                spin_tries: a.spin_tries,
                batch_spin: a.batch_spin,
            })
        }
        Command::Generate { dir } => Settings::Generate(generate::Settings { dir }),
    };
    Ok(Invocation {
        namespace: cli.ns.as_deref().map(namespace_path),
        format,
        bytes,
        command,
    })
}
