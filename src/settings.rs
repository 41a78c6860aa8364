//! The one conversion from the parsed command line to checked settings (fd's
//! `construct_config`). Names of users and groups, `ftok` keys and output formats are
//! resolved here; every command then receives one plain settings value.

use crate::bench;
use crate::cli::{self, Cli, Command, LsFormat, MetricsFormat, RingCommand};
use crate::commands::{attach, create, info, limits, ls, metrics, posix, rm, set, status};
use crate::error::{Error, Result};
use crate::gather::listing::{Filter, Query};
use crate::gather::objects;
use crate::gather::posix::Place;
use crate::ids::{self, FtokSpec, ObjectRef, PosixName, SegmentRef};
use crate::output;
use crate::render::Format;
use crate::render::column_names::ColumnName;
use crate::render::columns::{Column, Style};
use crate::render::ls::Look;
use crate::render::openmetrics::Dialect;
use crate::render::posix::ObjectColumn;
use crate::ring::{Location, consumer, producer};
use crate::sys::shm::{CreateFlags, Key, ShmId};
use crate::top;
use crate::units::TimeFormat;
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
    LsObjects(posix::LsSettings),
    Info(info::Settings),
    ObjectInfo(posix::InfoSettings),
    Create(create::Settings),
    CreateObject(posix::CreateSettings),
    Attach(attach::Settings),
    Rm(rm::Settings),
    Set(set::Settings),
    Limits(limits::Settings),
    Metrics(metrics::Settings),
    Status(status::Settings),
    Produce(producer::Settings),
    Consume(consumer::Settings),
    Repair(crate::commands::ring::RepairSettings),
    Bench(crate::commands::bench::Settings),
    BenchPeer(bench::peer::PeerSettings),
    Top(top::Settings),
    Generate(crate::generate::Settings),
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

/// Whose `/dev/shm` POSIX objects are in: `--ns PID` (or `/proc/PID/ns/ipc`) names a
/// process, whose mount namespace has it; an ipc namespace file alone names none.
fn place(ns: Option<&str>) -> Result<Place> {
    let Some(spec) = ns else {
        return Ok(Place::Here);
    };
    let pid = spec
        .strip_prefix("/proc/")
        .and_then(|rest| rest.strip_suffix("/ns/ipc"))
        .unwrap_or(spec);
    if pid.is_empty() || !pid.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::usage(format!(
            "--ns {spec}: POSIX shared memory lives in a mount namespace's /dev/shm, which an ipc namespace file does not name: give a process instead (--ns PID)"
        )));
    }
    pid.parse()
        .map(Place::Process)
        .map_err(|_| Error::usage(format!("--ns {spec}: not a process id")))
}

/// An `ls -o` or `--sort` column for segments, or for objects.
fn segment_column(c: &ColumnName) -> Result<Column> {
    c.segment.ok_or_else(|| {
        Error::usage(format!(
            "column '{}' is a column of POSIX objects and memfds: add --posix or --memfd",
            c.name
        ))
    })
}

fn object_column(c: &ColumnName) -> Result<ObjectColumn> {
    c.object.ok_or_else(|| {
        Error::usage(format!(
            "column '{}' is a column of System V segments, not of POSIX objects and memfds",
            c.name
        ))
    })
}

/// Add each of `list` to `to` that is not there yet.
fn add_columns<C: Copy + PartialEq>(list: &[C], to: &mut Vec<C>) {
    for c in list {
        if !to.contains(c) {
            to.push(*c);
        }
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

/// `USER`, `USER:GROUP` or `:GROUP`; `USER:` is the user and its login group, as
/// chown(1) takes it.
pub fn parse_owner(text: &str) -> Result<set::Change> {
    let (user, group) = match text.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (text, None),
    };
    let uid = (!user.is_empty())
        .then(|| Names::parse_user(user))
        .transpose()
        .map_err(Error::usage)?;
    let gid = match (uid, group) {
        (Some(uid), Some("")) => Some(Names::login_group(uid).ok_or_else(|| {
            Error::usage(format!(
                "owner '{text}': user {user} has no passwd entry, so no login group: give USER:GROUP"
            ))
        })?),
        (_, group) => group
            .filter(|g| !g.is_empty())
            .map(Names::parse_group)
            .transpose()
            .map_err(Error::usage)?,
    };
    if uid.is_none() && gid.is_none() {
        return Err(Error::usage(format!(
            "owner '{text}': expected USER, USER:GROUP or :GROUP"
        )));
    }
    Ok(set::Change::Owner { uid, gid })
}

/// The columns `ls` shows: a group (`--creator`, `--time`: ipcs's), every one, or the
/// default ones; then `-o`, replacing them or (`+…`) adding to them.
fn ls_columns(args: &cli::LsArgs) -> Result<Vec<Column>> {
    let mut base: Vec<Column> = Vec::new();
    let add = add_columns::<Column>;
    if args.output_all {
        add(Column::ALL, &mut base);
    } else if args.creator || args.time {
        if args.creator {
            add(Column::CREATOR, &mut base);
        }
        if args.time {
            add(Column::TIME, &mut base);
        }
    } else {
        add(Column::DEFAULT, &mut base);
    }
    let named = |list: &[ColumnName]| list.iter().map(segment_column).collect::<Result<Vec<_>>>();
    Ok(match &args.output {
        Some(list) if list.add => {
            add(&named(&list.names)?, &mut base);
            base
        }
        Some(list) => named(&list.names)?,
        None => base,
    })
}

/// `ls --posix`, `ls --memfd`: the same options as for segments, on objects.
fn ls_objects(args: cli::LsArgs, owner: Option<u32>, ns: Option<&str>) -> Result<Settings> {
    let named = |list: &[ColumnName]| list.iter().map(object_column).collect::<Result<Vec<_>>>();
    let defaults = if args.output_all {
        ObjectColumn::ALL.to_vec()
    } else {
        ObjectColumn::defaults(args.posix, args.memfd).to_vec()
    };
    let mut columns = match &args.output {
        Some(list) if list.add => {
            let mut base = defaults;
            add_columns(&named(&list.names)?, &mut base);
            base
        }
        Some(list) => named(&list.names)?,
        None => defaults,
    };
    if args.all_namespaces && !columns.contains(&ObjectColumn::Namespace) {
        columns.insert(0, ObjectColumn::Namespace);
    }
    Ok(Settings::LsObjects(posix::LsSettings {
        query: objects::Query {
            posix: args.posix,
            memfd: args.memfd,
            place: place(ns)?,
            all_namespaces: args.all_namespaces,
            names: None,
            include_unknown: args.include_unknown,
        },
        filter: objects::Filter {
            owner,
            min_size: args.min_size,
            held: either(args.attached, args.unheld),
        },
        columns,
        sort: args.sort.as_ref().map(object_column).transpose()?,
        reverse: args.reverse,
        look: ls_look(&args),
    }))
}

/// A filter from two flags that exclude each other: `yes` keeps, `no` drops, neither is none.
fn either(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// How `ls` lays out its table and cells (lsipc's options), for segments and objects alike.
fn ls_look(args: &cli::LsArgs) -> Look {
    Look {
        style: Style {
            time_format: match args.time_format {
                cli::TimeFormatArg::Short => TimeFormat::Short,
                cli::TimeFormatArg::Full => TimeFormat::Full,
                cli::TimeFormatArg::Iso => TimeFormat::Iso,
            },
            numeric_perms: args.numeric_perms,
        },
        headings: !args.noheadings,
        fit: !args.notruncate,
        kept: 0,
        newline: args.newline,
    }
}

/// The shortest time between two refreshes of a view (`top -d`, `ls --watch`,
/// `status --watch`): each one gathers afresh, and a shorter one only spins a core.
pub const MIN_REFRESH: std::time::Duration = std::time::Duration::from_millis(100);

/// Refuse a refresh interval below [`MIN_REFRESH`].
fn refresh_interval(flag: &str, interval: Option<std::time::Duration>) -> Result<()> {
    match interval {
        Some(d) if d < MIN_REFRESH => Err(Error::usage(format!(
            "{flag} {}: at least {} between refreshes",
            crate::units::duration_text(d),
            crate::units::duration_text(MIN_REFRESH)
        ))),
        _ => Ok(()),
    }
}

/// The form `ls` prints in: `--format`, else `--json`/`--raw`, else `--export`/`--newline`.
fn ls_format(args: &cli::LsArgs) -> Format {
    match (args.format, args.format_args.json, args.format_args.raw) {
        (Some(LsFormat::Json), _, _) | (None, true, _) => Format::Json,
        (Some(LsFormat::Raw), _, _) | (None, _, true) => Format::Raw,
        (Some(LsFormat::Openmetrics), _, _) => Format::OpenMetrics,
        (Some(LsFormat::Export), _, _) => Format::Export,
        _ if args.export || args.newline => Format::Export,
        _ => Format::Table,
    }
}

fn ls(args: cli::LsArgs, ns: Option<&str>) -> Result<(Format, bool, Settings)> {
    let in_namespace = ns.is_some();
    let owner = args
        .owner
        .as_deref()
        .map(Names::parse_user)
        .transpose()
        .map_err(Error::usage)?;
    if args.posix || args.memfd {
        let format = ls_format(&args);
        let bytes = args.format_args.bytes;
        return Ok((format, bytes, ls_objects(args, owner, ns)?));
    }
    let mut columns = ls_columns(&args)?;
    let pids = args.pids || columns.contains(&Column::Processes);
    if pids && !columns.contains(&Column::Processes) {
        columns.push(Column::Processes);
    }
    let app = args.app || columns.contains(&Column::App);
    if app && !columns.contains(&Column::App) {
        columns.push(Column::App);
    }
    // --ns adds the namespace to the default columns; columns named with -o are the
    // ones shown (scripts read `--ns PID ls --raw -o shmid`).
    let named = args.output.as_ref().is_some_and(|l| !l.add);
    if (args.all_namespaces || (in_namespace && !named)) && !columns.contains(&Column::Namespace) {
        columns.insert(0, Column::Namespace);
    }
    let format = ls_format(&args);
    refresh_interval("--watch", args.watch)?;
    if format == Format::OpenMetrics && args.watch.is_some() {
        return Err(Error::usage(
            "--watch does not apply to --format openmetrics (scrape `shmctl-rs metrics --listen` instead)",
        ));
    }
    let bytes = args.format_args.bytes;
    let mut look = ls_look(&args);
    // What was asked for by name stays on a narrow terminal: every column shown when
    // -o named them, else those -o +LIST, --pids and --app added.
    match &args.output {
        Some(list) if !list.add => columns.iter().for_each(|c| look.keep(*c)),
        Some(list) => {
            for name in &list.names {
                look.keep(segment_column(name)?);
            }
        }
        None => {}
    }
    if args.pids {
        look.keep(Column::Processes);
    }
    if args.app {
        look.keep(Column::App);
    }
    let settings = ls::Settings {
        query: Query {
            commands: format == Format::Json || columns.contains(&Column::Command),
            app,
            attach: Default::default(),
            files: false,
            in_namespace,
            filter: Filter {
                owner,
                key: args.key,
                min_size: args.min_size,
                attached: either(args.attached, args.unattached),
                orphans: args.orphans,
                include_unknown: args.include_unknown,
            },
            pids,
            all_namespaces: args.all_namespaces,
        },
        columns,
        look,
        sort: args.sort.as_ref().map(segment_column).transpose()?,
        reverse: args.reverse,
        watch: args.watch,
    };
    Ok((format, bytes, Settings::Ls(settings)))
}

fn metrics(a: cli::MetricsArgs) -> metrics::Settings {
    if let Some(path) = &a.textfile
        && path.extension().is_none_or(|e| e != "prom")
    {
        output::warn(format!(
            "textfile {}: node_exporter's textfile collector reads only files named *.prom",
            path.display()
        ));
    }
    let dialect = match (a.format, &a.textfile) {
        (Some(MetricsFormat::Openmetrics), _) => Dialect::OpenMetrics,
        (Some(MetricsFormat::Text), _) | (None, Some(_)) => Dialect::Text,
        (None, None) => Dialect::OpenMetrics,
    };
    let target = match (a.textfile, a.listen) {
        (Some(path), _) => metrics::Target::Textfile(path),
        (None, Some(addr)) => metrics::Target::Listen {
            addr,
            max_scrapes: a.max_scrapes.into(),
        },
        (None, None) => metrics::Target::Stdout,
    };
    metrics::Settings {
        query: Query {
            all_namespaces: a.all_namespaces,
            ..Query::default()
        },
        aggregate: a.aggregate,
        target,
        dialect,
    }
}

/// Check the command line and turn it into an [`Invocation`].
pub fn from_cli(cli: Cli) -> Result<Invocation> {
    let mut format = Format::Table;
    let mut bytes = false;
    let ns = cli.ns.as_deref();
    let command = match cli.command {
        Command::Ls(args) => {
            let (f, b, s) = ls(args, ns)?;
            (format, bytes) = (f, b);
            s
        }
        Command::Info(a) => {
            format = json_or_table(a.json);
            match a.object {
                ObjectRef::Segment(id) => Settings::Info(info::Settings { id }),
                ObjectRef::Posix(name) => Settings::ObjectInfo(posix::InfoSettings {
                    target: posix::Target::Posix(name),
                    place: place(ns)?,
                }),
                ObjectRef::Memfd(inode) => Settings::ObjectInfo(posix::InfoSettings {
                    target: posix::Target::Memfd(inode),
                    place: Place::Here,
                }),
            }
        }
        Command::Create(a) => {
            format = if a.json {
                Format::Json
            } else if a.quiet {
                Format::Raw
            } else {
                Format::Table
            };
            match a.posix {
                Some(name) if ids::is_semaphore(name.as_str(), a.size) => {
                    return Err(Error::usage(format!(
                        "POSIX object {name}: a file of /dev/shm named sem.* of {} bytes is a POSIX semaphore (sem_open) and would not be listed as shared memory; choose another name or size",
                        PosixName::SEMAPHORE_SIZE
                    )));
                }
                Some(name) => Settings::CreateObject(posix::CreateSettings {
                    name,
                    size: a.size,
                    mode: a.mode,
                    place: place(ns)?,
                }),
                None => Settings::Create(create::Settings {
                    size: a.size,
                    key: match (a.key, a.ftok, a.private) {
                        (Some(k), _, _) => create::KeyChoice::Given(k),
                        (_, Some(f), _) => create::KeyChoice::Given(ftok_key(&f)?),
                        (_, _, true) => create::KeyChoice::Given(Key::PRIVATE),
                        _ => create::KeyChoice::Random,
                    },
                    mode: a.mode,
                    flags: CreateFlags {
                        hugetlb: a.hugetlb,
                        noreserve: a.noreserve,
                    },
                }),
            }
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
            let mut targets = a.objects;
            targets.extend(
                a.key
                    .into_iter()
                    .map(|k| ObjectRef::Segment(SegmentRef::Key(k))),
            );
            let names_objects =
                a.unheld || targets.iter().any(|t| matches!(t, ObjectRef::Posix(_)));
            Settings::Rm(rm::Settings {
                targets,
                orphans: a.orphans,
                include_unknown: a.include_unknown,
                all: a.all,
                unheld: a.unheld,
                dry_run: a.dry_run,
                place: if names_objects {
                    place(ns)?
                } else {
                    Place::Here
                },
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
        Command::Metrics(a) => {
            format = Format::OpenMetrics;
            Settings::Metrics(metrics(a))
        }
        Command::Status(a) => {
            format = json_or_table(a.json);
            let target = ring_target(a.id, a.ftok)?;
            refresh_interval("--watch", a.watch)?;
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
        Command::Top(a) => {
            refresh_interval("--interval", Some(a.interval))?;
            Settings::Top(top::Settings {
                interval: a.interval,
                all_namespaces: a.all_namespaces,
                include_unknown: a.include_unknown,
                place: place(ns).ok(),
                // https://no-color.org: set and not empty.
                color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            })
        }
        Command::Generate { dir } => Settings::Generate(crate::generate::Settings { dir }),
    };
    Ok(Invocation {
        namespace: ns.map(namespace_path),
        format,
        bytes,
        command,
    })
}
