//! The command line: one clap definition, from which help, man pages and completions are
//! generated. Values are parsed here; `settings` turns the whole into checked settings,
//! and nothing after it sees a clap type.

use crate::bench::peer::Role;
use crate::ids::{FtokSpec, ObjectRef, PosixName, SegmentRef, parse_key};
use crate::model::bench::Transport;
use crate::render::column_names::{ColumnList, ColumnName};
use crate::sys::shm::Key;
use crate::units;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::time::Duration;

pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    success
  1    any other error
  2    bad usage (unknown option, malformed id, key, size, mode or duration)
  3    no such segment or object, or it vanished while the command ran
  4    permission denied (EACCES or EPERM from the kernel)
  5    a segment with that key (or an object with that name) already exists
  6    a kernel limit (SHMMIN, SHMMAX, SHMALL, SHMMNI) or out of memory
  7    not a valid or consistent ring
  8    timed out
  130  interrupted by Ctrl-C (SIGINT), SIGTERM or SIGHUP";

/// Inspect and administer System V shared-memory segments.
///
/// Lists, creates, attaches, inspects and removes segments like ipcs, ipcmk, ipcrm and
/// lsipc do, with exact sizes, container uids and clear errors; and runs the classic
/// shared-memory producer/consumer ring, byte-compatible with its C program.
///
/// An ID is a shmid (decimal, e.g. 32769) or a key (hex with 0x, e.g. 0x4100c4a7), in
/// every command. POSIX shared memory (the files of /dev/shm, as shm_open makes them) and
/// memfds are listed with ls --posix and ls --memfd, each with the processes that hold
/// it; info and rm take a POSIX object's name (/NAME) too, and info a memfd's inode
/// (memfd:INODE).
#[derive(Debug, Parser)]
#[command(name = "shmctl-rs", version, after_help = EXIT_STATUS_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Work in another IPC namespace: a process's (its pid) or an ipc namespace file; with
    /// a pid, POSIX objects are those of its mount namespace's /dev/shm (through
    /// /proc/PID/root)
    #[arg(long, global = true, value_name = "PID|PATH")]
    pub ns: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List segments (like ipcs -m and lsipc -m, with more columns)
    Ls(LsArgs),
    /// Show everything known about one segment, POSIX object or memfd
    Info(InfoArgs),
    /// Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or
    /// a POSIX object (--posix)
    Create(CreateArgs),
    /// Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout
    Attach(AttachArgs),
    /// Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an
    /// attached segment is marked for destruction, a held object lives on until let go
    Rm(RmArgs),
    /// Change a segment's permission bits (IPC_SET)
    Chmod(ChmodArgs),
    /// Change a segment's owner and group (IPC_SET)
    Chown(ChownArgs),
    /// Show the kernel's shared-memory limits and how much is in use
    Limits(LimitsArgs),
    /// Prometheus metrics of the segments and limits: printed, written for node_exporter's
    /// textfile collector, or served over HTTP
    ///
    /// Every scrape of --listen gathers afresh. GET /metrics answers in the OpenMetrics or
    /// the Prometheus text format, as the scraper's Accept header prefers; / is a page that
    /// links to /metrics; other paths get 404, other methods 405, and scrapes beyond
    /// --max-scrapes gathering at once 503 at once. A scrape's place is given back once its
    /// answer is rendered, so a client that reads slowly holds only its own connection: a
    /// request must arrive within 10 seconds and its answer be sent within 20 seconds in all,
    /// or the connection is closed. Of 512 connections at once, the oldest still waiting for
    /// its request makes room for a new one. A --textfile is replaced by a rename, so
    /// node_exporter never reads half of it.
    Metrics(MetricsArgs),
    /// Decode a producer/consumer ring: indices, semaphores, fill level and consistency
    Status(StatusArgs),
    /// A live view of every shared-memory object, refreshed in place: sort, filter, details, removal
    ///
    /// One table of System V segments, POSIX objects (the files of /dev/shm, and those
    /// unlinked but still held) and memfds; Tab shows one kind at a time, or all again, and a
    /// KIND column appears when rows of more than one kind are shown. Columns: key or name,
    /// id (a segment's shmid, a file's inode), owner, size, rss and how fast it grows (for a
    /// POSIX object or memfd its allocated bytes, tmpfs blocks: the heading says ALLOC),
    /// nattch (segments only), the processes that hold it, status flags and what it is; rows
    /// that appeared (+), changed (~) or vanished (-) are marked for one refresh. The heading
    /// counts objects and bytes per kind, segments against the kernel's SHMMNI and SHMALL. A
    /// segment that holds the document's ring shows a fill gauge, items per second (from its
    /// head's movement between refreshes), its consistency and its producer and consumer.
    /// Keys: see KEYS below, or press ? in the view.
    ///
    /// Each refresh reads /proc/sysvipc/shm, /dev/shm and every process's maps and fds once,
    /// on a thread of its own: the same pass finds the holders of segments, POSIX objects and
    /// memfds. With --ns PID the POSIX objects and memfds are those of that process's mount
    /// namespace, as in ls; an ipc namespace file (--ns PATH) names none, and only segments
    /// are shown. Reading a ring changes nothing when run as root: it is read through
    /// /proc/PID/map_files of a process that has it attached. Otherwise (or when nobody has it
    /// attached) it is attached read-only for a moment, which sets the segment's lpid and its
    /// attach and detach times to this process's, as status does; a ring nobody has attached
    /// since is not attached again.
    ///
    /// Enter shows what info shows of the selected object (info ID, info /NAME or info
    /// memfd:INODE), holders included. d removes the selected segment with IPC_RMID, or
    /// unlinks the selected POSIX object, as rm does, only after a confirmation that names it
    /// and says whether it is attached or held: an attached segment is only marked for
    /// destruction, a held object lives on, nameless, until its last holder lets go. An object
    /// is unlinked in the /dev/shm it was listed in, and only while its name still reaches
    /// the same file (device and inode). A memfd has no name to remove: d says so and removes
    /// nothing.
    ///
    /// Needs a terminal on stdout (for a pipe or a file, use ls --watch). NO_COLOR turns
    /// colours off. q or Esc end it with status 0, Ctrl-C, SIGTERM or SIGHUP with 130; the
    /// terminal is restored in every case.
    Top(TopArgs),
    /// Run the shared-memory producer/consumer ring
    #[command(subcommand, after_help = EXIT_STATUS_HELP)]
    Ring(RingCommand),
    /// Write the man pages and shell completions (man/, completions/) below DIR
    #[command(hide = true)]
    Generate {
        /// Where to write man/ and completions/ (the repository root refreshes the committed files)
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
    },
}

fn segment_ref(text: &str) -> Result<SegmentRef, String> {
    text.parse()
}
fn key(text: &str) -> Result<Key, String> {
    parse_key(text)
}
fn column_list(text: &str) -> Result<ColumnList, String> {
    ColumnName::parse_list(text)
}
fn size(text: &str) -> Result<u64, String> {
    units::parse_size(text)
}
fn mode(text: &str) -> Result<u32, String> {
    units::parse_mode(text)
}
fn duration(text: &str) -> Result<Duration, String> {
    units::parse_duration(text)
}
fn ftok(text: &str) -> Result<FtokSpec, String> {
    text.parse()
}
fn listen_address(text: &str) -> Result<SocketAddr, String> {
    units::parse_listen_address(text)
}

/// A value from a fixed list of names (with aliases and help), parsed into `T`. The names
/// come from the type itself, so the list clap offers and the type never disagree.
#[derive(Clone)]
struct Named<T: 'static> {
    values: fn() -> Vec<PossibleValue>,
    from_name: fn(&str) -> Option<T>,
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Named<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let name = PossibleValuesParser::new((self.values)()).parse_ref(cmd, arg, value)?;
        (self.from_name)(&name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.values)().into_iter()))
    }
}

/// Every column name, of segments and of objects; aliases are accepted, not listed.
fn column_values() -> Vec<PossibleValue> {
    ColumnName::every()
        .into_iter()
        .map(|c| PossibleValue::new(c.name).help(c.help()).hide(c.alias))
        .collect()
}

fn columns() -> Named<ColumnName> {
    Named {
        values: column_values,
        from_name: ColumnName::from_name,
    }
}

/// `-o`'s value: a comma-separated list of columns, `+` in front to add them to the
/// default ones. The column names are listed once, in `-o`'s help.
#[derive(Clone)]
struct Columns;

impl TypedValueParser for Columns {
    type Value = ColumnList;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ColumnList, clap::Error> {
        let text = value.to_string_lossy();
        column_list(&text).map_err(|e| invalid_value(cmd, arg, e))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(column_values().into_iter()))
    }
}

/// A value clap refuses, with our reason.
fn invalid_value(cmd: &clap::Command, arg: Option<&clap::Arg>, reason: String) -> clap::Error {
    let mut err = clap::Error::raw(clap::error::ErrorKind::ValueValidation, reason).with_cmd(cmd);
    if let Some(a) = arg {
        err.insert(
            clap::error::ContextKind::InvalidArg,
            clap::error::ContextValue::String(a.to_string()),
        );
    }
    err
}

/// A value that may be any bytes: a POSIX name, as a file of /dev/shm may have one that is
/// not UTF-8 (clap's own parsers refuse such an argument).
#[derive(Clone)]
struct AnyBytes<T>(fn(&[u8]) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for AnyBytes<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        use std::os::unix::ffi::OsStrExt;
        (self.0)(value.as_bytes()).map_err(|e| {
            // As clap words a value its parsers refuse.
            let shown = crate::ids::escape_bytes(value.as_bytes());
            let reason = match arg {
                Some(a) => format!("invalid value '{shown}' for '{a}': {e}"),
                None => format!("invalid value '{shown}': {e}"),
            };
            invalid_value(cmd, arg, reason)
        })
    }
}

/// `info`'s and `rm`'s ID: a POSIX name may be any bytes, everything else is text.
fn object_ref_bytes(bytes: &[u8]) -> Result<ObjectRef, String> {
    match (std::str::from_utf8(bytes), bytes.strip_prefix(b"/")) {
        (Ok(text), _) => text.parse(),
        (Err(_), Some(file)) => PosixName::from_file(file).map(ObjectRef::Posix),
        (Err(_), None) => Err(format!(
            "'{}' is not UTF-8, and only a POSIX object (/name) may be",
            crate::ids::escape_bytes(bytes)
        )),
    }
}

fn posix_name_bytes(bytes: &[u8]) -> Result<PosixName, String> {
    match (std::str::from_utf8(bytes), bytes.strip_prefix(b"/")) {
        (Err(_), Some(file)) => PosixName::from_file(file),
        _ => String::from_utf8_lossy(bytes).parse(),
    }
}

fn transports() -> Named<Transport> {
    Named {
        values: || {
            Transport::ALL
                .iter()
                .map(|t| PossibleValue::new(t.name()).help(t.help()))
                .collect()
        },
        from_name: Transport::from_name,
    }
}

fn roles() -> Named<Role> {
    Named {
        values: || {
            Role::ALL
                .iter()
                .map(|r| PossibleValue::new(r.name()))
                .collect()
        },
        from_name: Role::from_name,
    }
}

/// How results are printed.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct OutputArgs {
    /// Print JSON (field names are stable; see the man page)
    #[arg(short = 'J', long, conflicts_with = "raw")]
    pub json: bool,
    /// Print tab-separated values without headings, exact numbers and Unix times
    #[arg(long)]
    pub raw: bool,
    /// Print sizes in bytes instead of KiB, MiB, ...
    #[arg(short, long)]
    pub bytes: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
#[command(group = clap::ArgGroup::new("judged").args(["orphans", "posix"]).multiple(true))]
pub struct LsArgs {
    /// Columns to show, comma-separated, in any case (lsipc's names too: ID, ATTACH,
    /// DETACH, USER); +COLUMNS adds them to the default ones (default:
    /// key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss; with --posix:
    /// name,owner,perms,size,allocated,status,mtime,holders; with --memfd:
    /// name,inode,owner,size,allocated,seals,holders)
    #[arg(short, long, value_parser = Columns, value_name = "COLUMNS")]
    pub output: Option<ColumnList>,
    /// Show every column that needs nothing but /proc (not app, processes, namespace)
    #[arg(long, conflicts_with_all = ["output", "creator", "time"])]
    pub output_all: bool,
    /// Show who created and who owns each segment: creator's and owner's names, the
    /// creator's pid and command line (ipcs -m -c)
    #[arg(short, long)]
    pub creator: bool,
    /// Show attach, detach and change times (ipcs -m -t)
    #[arg(short, long)]
    pub time: bool,
    /// Add the app column: the application each segment belongs to, as far as can be
    /// proved (see APPLICATIONS in the man page)
    #[arg(long)]
    pub app: bool,
    #[command(flatten)]
    pub format_args: OutputArgs,
    /// Print the table without its heading row
    #[arg(long)]
    pub noheadings: bool,
    /// Do not fit the table to the terminal: every column, one line per segment, however
    /// wide. Without it a table wider than the terminal never wraps a cell: it cuts free
    /// text (command, processes) and leaves out the least needed columns (lpid and the
    /// times first; key and shmid never; none of those named with -o), and says on stderr
    /// which it left out
    #[arg(long)]
    pub notruncate: bool,
    /// How times are shown in the table and with --export (raw rows and JSON keep Unix
    /// seconds)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TimeFormatArg::Short)]
    pub time_format: TimeFormatArg,
    /// Print permissions in octal (640) instead of rw-r-----
    #[arg(short = 'P', long)]
    pub numeric_perms: bool,
    /// Print NAME="value" pairs, a line per segment, as lsipc -e: safe to eval, with ",
    /// \, `, $ and bytes that are not printable ASCII written as \xHH
    #[arg(short, long, conflicts_with_all = ["json", "raw", "format"])]
    pub export: bool,
    /// Print each NAME="value" pair on a line of its own (lsipc -n)
    #[arg(short, long, conflicts_with_all = ["json", "raw", "format"])]
    pub newline: bool,
    /// Only segments owned by this user (name or uid)
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// Only the segment with this key (0x1234 or decimal)
    #[arg(long, value_parser = key, allow_negative_numbers = true)]
    pub key: Option<Key>,
    /// Only segments of at least this size (4096, 64K, 1M, 2GiB)
    #[arg(long, value_parser = size, value_name = "SIZE")]
    pub min_size: Option<u64>,
    /// Only segments some process has attached (nattch > 0)
    #[arg(long, conflicts_with = "unattached")]
    pub attached: bool,
    /// Only segments no process has attached (nattch = 0)
    #[arg(long)]
    pub unattached: bool,
    /// Sort by this column, any of --output's (default: the kernel's order, as ipcs)
    #[arg(long, value_parser = columns(), value_name = "COLUMN", hide_possible_values = true)]
    pub sort: Option<ColumnName>,
    /// Reverse the order
    #[arg(short, long)]
    pub reverse: bool,
    /// Add the processes that have each segment mapped (pid, command, count, ro); the
    /// creator's and last user's pids (ipcs -m -p) are default columns
    #[arg(short, long)]
    pub pids: bool,
    /// Only orphans: nobody attached and the creating process is known to be gone (one
    /// that cannot be seen from here, in another PID namespace or hidden by hidepid=, is
    /// not called gone)
    #[arg(long)]
    pub orphans: bool,
    /// With --orphans, also segments nobody has attached whose creator cannot be seen:
    /// it may still run and come back to them. With --posix, call unheld what no process
    /// seen here holds although processes may be hidden (another PID namespace,
    /// hidepid=): for a /dev/shm none of them can reach, as a container's own
    #[arg(long, requires = "judged")]
    pub include_unknown: bool,
    /// Every IPC namespace on the host (containers too), with a namespace column
    #[arg(short = 'A', long, conflicts_with = "ns")]
    pub all_namespaces: bool,
    /// Refresh every DURATION (at least 100ms) until Ctrl-C, marking segments that appeared
    /// (+), vanished (-) or changed nattch (~); on a terminal each refresh clears the
    /// screen, to a pipe or a file each starts with a `---` line with the time
    #[arg(short, long, value_parser = duration, value_name = "DURATION")]
    pub watch: Option<Duration>,
    /// Output format; openmetrics prints what `shmctl-rs metrics` prints, for these segments
    #[arg(long, value_enum, conflicts_with_all = ["json", "raw"])]
    pub format: Option<LsFormat>,
    /// POSIX shared-memory objects instead of segments: the files of /dev/shm (not POSIX
    /// semaphores, the 32-byte sem.* files of sem_open) and objects unlinked but still held
    /// (deleted), each with the processes that map it or hold it open
    #[arg(long, conflicts_with_all = ["key", "unattached", "orphans", "watch", "app", "creator", "time"])]
    pub posix: bool,
    /// memfds instead of segments (with --posix: as well): every memfd some process maps or
    /// holds open, by inode, with its seals and holders
    #[arg(long, conflicts_with_all = ["key", "unattached", "orphans", "watch", "app", "creator", "time"])]
    pub memfd: bool,
    /// With --posix: only objects no process maps or holds open (refused while some
    /// process's maps or fds cannot be read, or processes may be hidden from here: see
    /// --include-unknown)
    #[arg(long, requires = "posix", conflicts_with = "attached")]
    pub unheld: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LsFormat {
    Table,
    Json,
    Raw,
    Openmetrics,
    Export,
}

/// lsipc's `--time-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TimeFormatArg {
    /// 03:28:14 today, Nov 27 03:28 this year, else 2025-11-27
    Short,
    /// Fri Nov 27 03:28:14 2026
    Full,
    /// 2026-11-27T03:28:14+01:00
    Iso,
}

/// The text format of `metrics` on stdout or in a textfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricsFormat {
    /// OpenMetrics 1.0 (ends with # EOF)
    Openmetrics,
    /// The Prometheus text format 0.0.4 (what node_exporter's textfile collector reads)
    Text,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct MetricsArgs {
    /// Only totals per owner and per namespace, no per-segment series (every new shmid is a
    /// new series: on busy hosts they pile up)
    #[arg(long)]
    pub aggregate: bool,
    /// Every IPC namespace on the host (containers too), each series with a namespace label
    #[arg(short = 'A', long, conflicts_with = "ns")]
    pub all_namespaces: bool,
    /// Write the metrics to PATH in one step (a temporary file in its directory, renamed
    /// over it) for node_exporter's textfile collector, which reads *.prom files; PATH is
    /// a regular file or none yet (a link, a device or a FIFO there is refused)
    #[arg(long, value_name = "PATH", conflicts_with = "listen")]
    pub textfile: Option<std::path::PathBuf>,
    /// Serve GET /metrics over HTTP until Ctrl-C or SIGTERM, gathering on every scrape;
    /// PORT alone listens on 127.0.0.1 (port 0 picks a free one; the address is said on
    /// stderr)
    #[arg(long, value_parser = listen_address, value_name = "[ADDR:]PORT")]
    pub listen: Option<SocketAddr>,
    /// With --listen: at most N scrapes at once; more are answered 503 at once
    #[arg(long, value_name = "N", default_value_t = 4, requires = "listen", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_scrapes: u16,
    /// The text format [default: openmetrics on stdout, text with --textfile]; with
    /// --listen the scraper's Accept header chooses
    #[arg(long, value_enum, conflicts_with = "listen")]
    pub format: Option<MetricsFormat>,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct TopArgs {
    /// Refresh every DURATION (at least 100ms)
    #[arg(short = 'd', long, value_parser = duration, default_value = "1s", value_name = "DURATION")]
    pub interval: Duration,
    /// Every IPC namespace on the host (containers too), and every mount namespace's
    /// /dev/shm, with a namespace column
    #[arg(short = 'A', long, conflicts_with = "ns")]
    pub all_namespaces: bool,
    /// Call unheld a POSIX object no process seen here holds although processes may be
    /// hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as
    /// a container's own
    #[arg(long)]
    pub include_unknown: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct InfoArgs {
    /// The segment (a shmid or a key, 0x1234), POSIX object (/NAME) or memfd (memfd:INODE)
    #[arg(value_parser = AnyBytes(object_ref_bytes), value_name = "ID")]
    pub object: ObjectRef,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
#[command(group(clap::ArgGroup::new("keysource").args(["key", "ftok", "private", "posix"])))]
pub struct CreateArgs {
    /// Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)
    #[arg(short, long, value_parser = size, allow_negative_numbers = true)]
    pub size: u64,
    /// The key: 0x1234, or decimal (a negative one as /proc prints keys from 0x80000000)
    #[arg(short, long, value_parser = key, allow_negative_numbers = true)]
    pub key: Option<Key>,
    /// Derive the key with ftok(PATH, PROJ) as C programs do; PROJ defaults to 65 ('A')
    #[arg(long, value_parser = ftok, value_name = "PATH[:PROJ]")]
    pub ftok: Option<FtokSpec>,
    /// No key (IPC_PRIVATE): reachable only by shmid. Without --key, --ftok or --private
    /// an unused key is picked at random, as ipcmk does
    #[arg(long)]
    pub private: bool,
    /// Permission bits in octal (ipcmk's default is 0644)
    #[arg(short, long, value_parser = mode, default_value = "600", allow_negative_numbers = true)]
    pub mode: u32,
    /// Back the segment with huge pages (SHM_HUGETLB)
    #[arg(long)]
    pub hugetlb: bool,
    /// Do not reserve swap space for it (SHM_NORESERVE)
    #[arg(long)]
    pub noreserve: bool,
    /// A POSIX object instead: shm_open(NAME, O_CREAT|O_EXCL) and ftruncate to --size, in
    /// /dev/shm (that of the --ns process); --mode is set exactly (no umask)
    #[arg(long, value_parser = AnyBytes(posix_name_bytes), value_name = "/NAME", conflicts_with_all = ["hugetlb", "noreserve"])]
    pub posix: Option<PosixName>,
    /// Print JSON
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Print only the new shmid (or the object's name)
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct AttachArgs {
    /// The segment: a shmid or a key (0x1234)
    #[arg(value_parser = segment_ref)]
    pub id: SegmentRef,
    /// Attach read-only (SHM_RDONLY)
    #[arg(short, long)]
    pub readonly: bool,
    /// Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal
    #[arg(short, long, value_parser = duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
    /// Attach even if the segment is marked for destruction
    #[arg(short, long)]
    pub force: bool,
    /// Print the attachment as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
#[command(group = clap::ArgGroup::new("judged").args(["orphans", "unheld", "objects"]).multiple(true))]
pub struct RmArgs {
    /// Segments (shmids or keys, 0x1234) and POSIX objects (/NAME) to remove
    #[arg(value_parser = AnyBytes(object_ref_bytes), value_name = "ID", required_unless_present_any = ["key", "orphans", "all", "unheld"])]
    pub objects: Vec<ObjectRef>,
    /// Remove every orphan the caller may remove (as --all: others' are left alone): nobody
    /// attached and the creating process is known to be gone
    #[arg(long, conflicts_with_all = ["objects", "key"])]
    pub orphans: bool,
    /// With --unheld: POSIX objects
    #[arg(long, requires = "unheld")]
    pub posix: bool,
    /// With --posix: remove every POSIX object no process maps or holds open (refused
    /// while some process's maps or fds cannot be read, or processes may be hidden from
    /// here: see --include-unknown)
    #[arg(long, requires = "posix", conflicts_with_all = ["objects", "key", "orphans", "all"])]
    pub unheld: bool,
    /// With --orphans, also remove segments nobody has attached whose creator cannot be
    /// seen from here (another PID namespace, hidepid=): it may still run and need them.
    /// With --unheld (or /NAME), take what no process seen here holds for unheld although
    /// processes may be hidden: for a /dev/shm none of them can reach, as a container's own
    #[arg(long, requires = "judged")]
    pub include_unknown: bool,
    /// Remove every segment of this IPC namespace that the caller may remove (ipcrm -a shm);
    /// try it with --dry-run first
    #[arg(short, long, conflicts_with_all = ["objects", "key", "orphans"])]
    pub all: bool,
    /// A key to remove (0x1234 or decimal); may be repeated
    #[arg(short, long, value_parser = key, allow_negative_numbers = true)]
    pub key: Vec<Key>,
    /// Say what would be removed, remove nothing
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Print the results as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct ChmodArgs {
    /// Permission bits in octal (600, 0640)
    #[arg(value_parser = mode)]
    pub mode: u32,
    /// The segment: a shmid or a key (0x1234)
    #[arg(value_parser = segment_ref)]
    pub id: SegmentRef,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct ChownArgs {
    /// The new owner, and optionally group: USER, USER:GROUP, :GROUP (names or numbers), or
    /// USER: for the user and its login group, as chown(1) takes it
    #[arg(value_name = "USER[:GROUP]")]
    pub owner: String,
    /// The segment: a shmid or a key (0x1234)
    #[arg(value_parser = segment_ref)]
    pub id: SegmentRef,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct LimitsArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Print sizes in bytes instead of KiB, MiB, ...
    #[arg(short, long)]
    pub bytes: bool,
}

/// Which ring: by default the document's, key ftok("/tmp", 65).
#[derive(Debug, Args, Clone, Default)]
#[command(group(clap::ArgGroup::new("ring").args(["key", "ftok", "id"])))]
pub struct RingLocation {
    /// The ring's key (0x1234 or decimal)
    #[arg(short, long, value_parser = key, allow_negative_numbers = true)]
    pub key: Option<Key>,
    /// The ring's key as ftok(PATH, PROJ) [default: /tmp:65]
    #[arg(long, value_parser = ftok, value_name = "PATH[:PROJ]")]
    pub ftok: Option<FtokSpec>,
    /// The ring's shmid
    #[arg(long, value_name = "SHMID")]
    pub id: Option<i32>,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct StatusArgs {
    /// The ring's segment: a shmid or a key (0x1234) [default: ftok("/tmp", 65)]
    #[arg(value_parser = segment_ref, conflicts_with = "ftok")]
    pub id: Option<SegmentRef>,
    /// The ring's key as ftok(PATH, PROJ)
    #[arg(long, value_parser = ftok, value_name = "PATH[:PROJ]")]
    pub ftok: Option<FtokSpec>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Refresh every DURATION (at least 100ms) until Ctrl-C; on a terminal each refresh
    /// clears the screen, to a pipe or a file each starts with a `---` line with the time
    #[arg(short, long, value_parser = duration, value_name = "DURATION")]
    pub watch: Option<Duration>,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct RepairArgs {
    /// The ring's segment: a shmid or a key (0x1234) [default: ftok("/tmp", 65)]
    #[arg(value_parser = segment_ref, conflicts_with = "ftok")]
    pub id: Option<SegmentRef>,
    /// The ring's key as ftok(PATH, PROJ)
    #[arg(long, value_parser = ftok, value_name = "PATH[:PROJ]")]
    pub ftok: Option<FtokSpec>,
    /// Say what a repair would change, and change nothing
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Repair although other processes are attached: only when none of them moves items
    /// (a monitor, an `attach`), since a C peer of the document takes no lock and would
    /// race with the repair. A running producer or consumer of this tool still refuses it
    #[arg(short, long)]
    pub force: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RingCommand {
    /// Produce items into the ring (the document's producer, without its defects)
    Produce(ProduceArgs),
    /// Consume items from the ring (the document's consumer, without its defects)
    Consume(ConsumeArgs),
    /// Give back the slots that killed producers or consumers left in flight: set the
    /// semaphores, count and waiter counts from head and tail, while no end runs
    Repair(RepairArgs),
    /// Measure the ring against pipes and Unix sockets, side by side, between two processes
    Bench(BenchArgs),
    /// One end of a benchmark run (started by ring bench)
    #[command(hide = true)]
    BenchPeer(BenchPeerArgs),
}

fn cpu_pair(text: &str) -> Result<(usize, usize), String> {
    let (a, b) = text
        .split_once(',')
        .ok_or_else(|| format!("--pin '{text}': expected PRODUCER_CPU,CONSUMER_CPU such as 0,1"))?;
    let cpu = |v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("--pin '{text}': '{v}' is not a CPU number"))
    };
    Ok((cpu(a)?, cpu(b)?))
}

/// A comma-separated list of ring capacities (powers of two).
fn capacities(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("capacity '{text}': expected a number of slots such as 1024"))?;
    crate::ring::layout::Layout::new(n).map(|l| l.capacity())
}

/// Items per write: 1 to 1048576.
fn write_items(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=1 << 20).contains(&n) => Ok(n),
        _ => Err(format!("'{text}': items per write go from 1 to 1048576")),
    }
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct BenchArgs {
    /// Transports to measure, comma-separated [default: all]
    #[arg(short, long, value_parser = transports(), value_delimiter = ',')]
    pub transport: Vec<Transport>,
    /// Capacities of the shared-memory rings, comma-separated powers of two
    #[arg(short, long, value_parser = capacities, value_delimiter = ',', default_value = "1024", value_name = "SLOTS")]
    pub capacity: Vec<usize>,
    /// Items per write of pipe-batch and unix-batch, comma-separated
    #[arg(short, long, value_parser = write_items, value_delimiter = ',', default_value = "1024,16384", value_name = "ITEMS")]
    pub write_items: Vec<usize>,
    /// Items per run [default: about one second's worth per transport]
    #[arg(short = 'n', long)]
    pub count: Option<u64>,
    /// Rounds; each runs every transport once, the median and the spread are reported
    #[arg(short, long, default_value_t = 3)]
    pub repeat: u32,
    /// Pin the producer and the consumer to these CPUs, e.g. 0,1
    #[arg(long, value_parser = cpu_pair, value_name = "PRODUCER_CPU,CONSUMER_CPU")]
    pub pin: Option<(usize, usize)>,
    /// Also measure the round trip of one item (median and p99), this many times
    #[arg(long, value_name = "ROUND_TRIPS", num_args = 0..=1, default_missing_value = "20000")]
    pub latency: Option<u64>,
    /// How long a waiting ring end polls before it sleeps in the kernel, in every run
    /// [default: a few attempts; the latency test also runs the ring with 100us]
    #[arg(long, value_parser = duration, value_name = "DURATION")]
    pub spin: Option<Duration>,
    /// Also draw the results (items/s and round trips) as an SVG chart into FILE
    #[arg(long, value_name = "FILE")]
    pub svg: Option<std::path::PathBuf>,
    /// Attempts to take a permit before a per-item ring wait sleeps in the kernel
    #[arg(long, hide = true)]
    pub spin_tries: Option<u32>,
    /// Microseconds a batched ring wait polls for a full batch before it takes what is there
    #[arg(long, hide = true)]
    pub batch_spin: Option<u32>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchPeerArgs {
    #[arg(long, value_parser = transports())]
    pub transport: Transport,
    #[arg(long, value_parser = roles())]
    pub role: Role,
    #[arg(long)]
    pub count: u64,
    #[arg(long)]
    pub endpoint: String,
    #[arg(long)]
    pub cpu: Option<usize>,
    #[arg(long, value_parser = write_items, default_value = "1024")]
    pub write_items: usize,
    #[arg(long, value_parser = duration)]
    pub spin: Option<Duration>,
    #[arg(long)]
    pub spin_tries: Option<u32>,
    #[arg(long)]
    pub batch_spin: Option<u32>,
}

/// Options both ends of the ring share.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub location: RingLocation,
    /// Number of items; 0 runs until Ctrl-C
    #[arg(short = 'n', long, default_value_t = 100)]
    pub count: u64,
    /// Print only the summary
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the summary as JSON (implies --quiet)
    #[arg(long)]
    pub json: bool,
    /// Move up to half the ring per semaphore operation (one compare-and-swap on
    /// the semaphore word); still interoperates with a peer that goes one item at a time.
    /// --interval then applies between batches. A consumer that prints each item still
    /// frees each one only once its line is written, one at a time
    #[arg(short, long)]
    pub batch: bool,
    /// How long a waiting end polls for the other end before it sleeps in the kernel
    /// (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy
    /// meanwhile) [default: a few attempts, a microsecond or two]
    #[arg(long, value_parser = duration, value_name = "DURATION")]
    pub spin: Option<Duration>,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct ProduceArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Pause after each item (0, 250us, 10ms)
    #[arg(short, long, value_parser = duration, default_value = "10ms", value_name = "DURATION")]
    pub interval: Duration,
    /// Permission bits of a ring this creates
    #[arg(short, long, value_parser = mode, default_value = "600")]
    pub mode: u32,
    /// Slots of a ring this creates, a power of two (the document's: 1024); a ring that
    /// exists already keeps its own, which every other command reads from its size
    #[arg(short, long, value_parser = capacities, value_name = "SLOTS")]
    pub capacity: Option<usize>,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS_HELP)]
pub struct ConsumeArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Pause after each item (0, 250us, 15ms)
    #[arg(short, long, value_parser = duration, default_value = "15ms", value_name = "DURATION")]
    pub interval: Duration,
    /// Check that values are consecutive squares i*i (32-bit wrapping); exit 7 on a gap
    #[arg(long)]
    pub verify: bool,
    /// Give up after waiting this long for the ring to appear or for the next item
    #[arg(short, long, value_parser = duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
    /// Remove the ring's segment after consuming all items
    #[arg(long)]
    pub remove_when_done: bool,
}

/// A clap error as one line: its first paragraph, without the `error:` prefix or the
/// usage block, its tips (`a similar subcommand exists: 'ls'`) joined on, and `(see
/// --help)` so the way on is still shown.
pub fn one_line(rendered: &str) -> String {
    let mut paragraphs = rendered.split("\n\n");
    let first = paragraphs.next().unwrap_or(rendered);
    let text = first.trim().strip_prefix("error:").unwrap_or(first).trim();
    let mut parts = vec![text.split_whitespace().collect::<Vec<_>>().join(" ")];
    for p in paragraphs {
        for tip in p.lines().filter_map(|l| l.trim().strip_prefix("tip:")) {
            // clap offers `-- --key` for any unknown argument; only a negative number
            // can be meant as a value.
            if tip.contains("as a value, use '-- ") && !tip.contains("'-- -") {
                continue;
            }
            if tip.contains("'-- --") {
                continue;
            }
            parts.push(tip.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    format!("{} (see --help)", parts.join("; "))
}

/// A command line that names no command (`shmctl-rs`, `shmctl-rs ring`): the error line
/// and, to follow it, the usage and the commands from clap's help.
pub fn no_command(rendered: &str) -> (String, String) {
    let paragraphs: Vec<&str> = rendered.split("\n\n").map(str::trim_end).collect();
    let usage = paragraphs
        .iter()
        .find(|p| p.starts_with("Usage:"))
        .copied()
        .unwrap_or("Usage: shmctl-rs <COMMAND>");
    let path: Vec<&str> = usage
        .split_whitespace()
        .skip(2)
        .take_while(|w| !w.starts_with(['[', '<']))
        .collect();
    let line = if path.is_empty() {
        "no command given (see --help)".to_string()
    } else {
        format!("{}: no command given (see --help)", path.join(" "))
    };
    let body: Vec<&str> = paragraphs
        .into_iter()
        .filter(|p| p.starts_with("Usage:") || p.starts_with("Commands:"))
        .collect();
    (line, body.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn usage_errors_become_one_line() {
        let e = Cli::try_parse_from(["shmctl-rs", "create"]).unwrap_err();
        let line = one_line(&e.to_string());
        assert_eq!(
            line,
            "the following required arguments were not provided: --size <SIZE> (see --help)"
        );
        let e = Cli::try_parse_from(["shmctl-rs", "info", "abc"]).unwrap_err();
        assert!(one_line(&e.to_string()).starts_with("invalid value 'abc' for '<ID>'"));
        let e = Cli::try_parse_from(["shmctl-rs", "rm", "/a/b"]).unwrap_err();
        assert!(
            one_line(&e.to_string()).contains("one slash, then up to 255 bytes"),
            "{e}"
        );
    }

    #[test]
    fn typing_mistakes_get_suggestions() {
        let e = Cli::try_parse_from(["shmctl-rs", "lss"]).unwrap_err();
        assert_eq!(
            one_line(&e.to_string()),
            "unrecognized subcommand 'lss'; a similar subcommand exists: 'ls' (see --help)"
        );
        let e = Cli::try_parse_from(["shmctl-rs", "status", "--key", "0x1"]).unwrap_err();
        assert_eq!(
            one_line(&e.to_string()),
            "unexpected argument '--key' found (see --help)"
        );
        let e = Cli::try_parse_from(["shmctl-rs", "ls", "--outptu", "key"]).unwrap_err();
        assert!(
            one_line(&e.to_string())
                .ends_with("a similar argument exists: '--output' (see --help)")
        );
    }

    #[test]
    fn no_command_gives_the_usage_and_the_commands() {
        let e = Cli::try_parse_from(["shmctl-rs"]).unwrap_err();
        let (line, body) = no_command(&e.render().to_string());
        assert_eq!(line, "no command given (see --help)");
        assert!(
            body.starts_with("Usage: shmctl-rs [OPTIONS] <COMMAND>\n\nCommands:\n  ls "),
            "{body}"
        );
        assert!(!body.contains("Exit status"), "{body}");
        let e = Cli::try_parse_from(["shmctl-rs", "ring"]).unwrap_err();
        let (line, body) = no_command(&e.render().to_string());
        assert_eq!(line, "ring: no command given (see --help)");
        assert!(body.contains("  produce "), "{body}");
    }

    #[test]
    fn negative_keys_are_keys() {
        let cli = Cli::try_parse_from(["shmctl-rs", "create", "-s", "1", "--key", "-1"]).unwrap();
        let Command::Create(a) = cli.command else {
            panic!("create")
        };
        assert_eq!(a.key, Some(Key(0xffff_ffff)));
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
