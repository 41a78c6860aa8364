//! What `ring bench` measured: items per second per transport, and round trips.

use serde::Serialize;

/// A way to move items between two processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    Ring,
    RingBatch,
    Pipe,
    PipeBatch,
    Unix,
    UnixBatch,
}

impl Transport {
    pub const ALL: [Transport; 6] = [
        Transport::Ring,
        Transport::RingBatch,
        Transport::Pipe,
        Transport::PipeBatch,
        Transport::Unix,
        Transport::UnixBatch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Transport::Ring => "ring",
            Transport::RingBatch => "ring-batch",
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
                "The ring with batched semaphore operations (ring produce/consume --batch)"
            }
            Transport::Pipe => "A pipe, one write per item",
            Transport::PipeBatch => "A pipe, 1024 items per write",
            Transport::Unix => "A Unix stream socket, one write per item",
            Transport::UnixBatch => "A Unix stream socket, 1024 items per write",
        }
    }

    pub fn from_name(name: &str) -> Option<Transport> {
        Transport::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn is_ring(self) -> bool {
        matches!(self, Transport::Ring | Transport::RingBatch)
    }
}

/// One transport's throughput.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    pub transport: Transport,
    pub items: u64,
    /// The median of the runs.
    pub items_per_s: f64,
    pub ns_per_item: f64,
    /// items_per_s divided by the document ring's.
    pub ratio_to_ring: Option<f64>,
    pub checksum: u64,
    pub checksum_ok: bool,
    pub runs_items_per_s: Vec<f64>,
}

/// One transport's round trip of a single item.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub transport: Transport,
    pub round_trips: u64,
    pub median_ns: u64,
    pub p99_ns: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub repeat: u32,
    pub pin: Option<[usize; 2]>,
    pub transports: Vec<Throughput>,
    pub latency: Vec<Latency>,
}
