//! What `ring bench` measured: items per second per transport, the ratios between them
//! in the same rounds, and round trips.

use serde::Serialize;

/// A way to move items between two processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    Ring,
    RingBatch,
    Spsc,
    Pipe,
    PipeBatch,
    Unix,
    UnixBatch,
}

impl Transport {
    pub const ALL: [Transport; 7] = [
        Transport::Ring,
        Transport::RingBatch,
        Transport::Spsc,
        Transport::Pipe,
        Transport::PipeBatch,
        Transport::Unix,
        Transport::UnixBatch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Transport::Ring => "ring",
            Transport::RingBatch => "ring-batch",
            Transport::Spsc => "spsc",
            Transport::Pipe => "pipe",
            Transport::PipeBatch => "pipe-batch",
            Transport::Unix => "unix",
            Transport::UnixBatch => "unix-batch",
        }
    }

    /// What it measures, for `--help`.
    pub fn help(self) -> &'static str {
        match self {
            Transport::Ring => {
                "The document's ring: this tool's producer and consumer, one semaphore pair per item"
            }
            Transport::RingBatch => {
                "The document's ring with batched semaphore operations (ring produce/consume --batch)"
            }
            Transport::Spsc => {
                "A lock-free single-producer single-consumer ring in a SysV segment (not the document's format): the ceiling of shared memory on this host"
            }
            Transport::Pipe => "A pipe, one write per item",
            Transport::PipeBatch => "A pipe, --write-items items per write",
            Transport::Unix => "A Unix stream socket, one write per item",
            Transport::UnixBatch => "A Unix stream socket, --write-items items per write",
        }
    }

    pub fn from_name(name: &str) -> Option<Transport> {
        Transport::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The document's ring, per item or batched.
    pub fn is_ring(self) -> bool {
        matches!(self, Transport::Ring | Transport::RingBatch)
    }

    /// Items meet in shared memory, in a ring of some capacity.
    pub fn is_shared_memory(self) -> bool {
        self.is_ring() || self == Transport::Spsc
    }

    /// A pipe or a socket that writes several items at once.
    pub fn writes_batches(self) -> bool {
        matches!(self, Transport::PipeBatch | Transport::UnixBatch)
    }
}

/// One thing measured: a transport, with the ring's capacity or the items per write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Case {
    pub transport: Transport,
    /// Slots of the ring (shared-memory transports).
    pub capacity: Option<usize>,
    /// Items per write (batched pipes and sockets).
    pub write_items: Option<usize>,
}

impl Case {
    /// `ring-batch@16384`, `pipe-batch/1024`, `pipe`.
    pub fn label(&self) -> String {
        match (self.capacity, self.write_items) {
            (Some(c), _) => format!("{}@{c}", self.transport.name()),
            (None, Some(w)) => format!("{}/{w}", self.transport.name()),
            (None, None) => self.transport.name().to_string(),
        }
    }
}

/// One case's throughput over the rounds.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    pub transport: Transport,
    pub capacity: Option<usize>,
    pub write_items: Option<usize>,
    /// `ring-batch@16384`, `pipe-batch/1024`: the name in the table and the chart.
    pub label: String,
    pub items: u64,
    /// The median of the runs, and their spread.
    pub items_per_s: f64,
    pub min_items_per_s: f64,
    pub max_items_per_s: f64,
    pub ns_per_item: f64,
    /// items_per_s divided by the per-item ring's at the same capacity, run by run.
    pub ratio_to_ring: Option<f64>,
    pub checksum: u64,
    pub checksum_ok: bool,
    pub runs_items_per_s: Vec<f64>,
}

impl Throughput {
    pub fn case(&self) -> Case {
        Case {
            transport: self.transport,
            capacity: self.capacity,
            write_items: self.write_items,
        }
    }
}

/// A ratio of two cases' items per second, taken round by round (the two ran next to
/// each other in time) and summarised.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    /// `ring-batch@1024 / spsc@1024`, `spsc@1024 / best pipe or socket`.
    pub name: String,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// One transport's round trip of a single item.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub transport: Transport,
    /// How long a waiting ring end polled before it slept (`--spin`), in ns; null: the
    /// default of a few attempts.
    pub spin_ns: Option<u64>,
    pub round_trips: u64,
    pub median_ns: u64,
    pub p99_ns: u64,
    /// CPU time both ends spent, per round trip: what the polling costs.
    pub cpu_ns_per_round_trip: u64,
    /// CPU time both ends spent over the run's wall time: 2.0 is two CPUs kept busy.
    pub cpus_busy: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub repeat: u32,
    pub pin: Option<[usize; 2]>,
    pub transports: Vec<Throughput>,
    pub ratios: Vec<Ratio>,
    pub latency: Vec<Latency>,
}
