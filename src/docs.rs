//! What the man pages say beyond the clap definition: JSON fields, files, examples and
//! related pages. Kept as data so a test can check the documented JSON fields against
//! what the commands really print.

/// A JSON field and what it means.
pub type Field = (&'static str, &'static str);

const SEGMENT_FIELDS: &[Field] = &[
    ("shmid", "the segment's id (number)"),
    (
        "key",
        "the key as an unsigned 32-bit number; 0 for IPC_PRIVATE and after IPC_RMID",
    ),
    ("key_hex", "the key as 0x followed by 8 hex digits"),
    ("size", "size in bytes"),
    ("nattch", "number of attachments"),
    ("perms", "permission bits as an octal string, e.g. \"640\""),
    ("uid", "owner's uid"),
    ("gid", "owner's gid"),
    (
        "owner",
        "owner's user name, or the uid as a string when it has none",
    ),
    ("group", "owner's group name, or the gid as a string"),
    ("cuid", "creator's uid"),
    ("cgid", "creator's gid"),
    ("cpid", "pid of the creating process"),
    ("lpid", "pid of the last shmat or shmdt"),
    ("atime", "last attach, Unix seconds; null when never"),
    ("dtime", "last detach, Unix seconds; null when never"),
    (
        "ctime",
        "last change (creation, IPC_SET, IPC_RMID), Unix seconds",
    ),
    (
        "rss",
        "bytes resident in memory; null on kernels that do not say",
    ),
    ("swap", "bytes in swap; null on kernels that do not say"),
    (
        "status",
        "list of flags: \"dest\" (marked for destruction), \"locked\" (SHM_LOCK)",
    ),
];

/// Fields only some options add (their meaning starts with "with --").
pub const OPTIONAL_SEGMENT_FIELDS: &[Field] = &[
    (
        "attached",
        "with --pids (always in info): the processes that map it, each an object: pid, comm, uid, user, attachments (its number of mappings), readonly (every mapping is SHM_RDONLY), hugetlb (mapped from hugetlbfs)",
    ),
    (
        "namespace",
        "with --all-namespaces or --ns: the IPC namespace, an object: inode, pid and comm of one process in it (null when none)",
    ),
    (
        "orphan",
        "with --orphans: true (nobody attached and its creator is known to be gone)",
    ),
    (
        "cpid_state",
        "with --orphans: whether the creator runs: \"running\", \"zombie\" (exited, not reaped), \"exited\" (or its pid reused by a later process), or \"unknown\" (it cannot be seen from here: another PID namespace, hidepid=, permissions); only a creator known to be gone makes an orphan",
    ),
];

const INFO_FIELDS: &[Field] = &[
    ("attached", "the processes that map it (see ls --pids)"),
    (
        "unreadable_processes",
        "processes whose maps could not be read (permission); attached may miss them",
    ),
    (
        "key_from_maps",
        "true when the segment was removed (key 0 in /proc) and key is the one its holders' mappings keep",
    ),
    ("seq", "the IPC slot's sequence number (IPC_STAT __seq)"),
    (
        "cpid_state",
        "whether the creator runs: \"running\", \"zombie\", \"exited\" or \"unknown\" (see ls --orphans)",
    ),
    (
        "lpid_state",
        "the same for the last pid to attach or detach; null when none has",
    ),
    ("pages", "size in whole pages, as the kernel allocates it"),
    ("page_size", "the page size in bytes"),
];

const CREATE_FIELDS: &[Field] = &[
    ("shmid", "the new segment's id"),
    ("key", "its key as an unsigned number (0 for IPC_PRIVATE)"),
    ("key_hex", "its key as 0x followed by 8 hex digits"),
    ("size", "size in bytes"),
    ("perms", "permission bits, octal string"),
];

const ATTACH_FIELDS: &[Field] = &[
    ("shmid", "the segment's id"),
    ("key", "its key as an unsigned number"),
    (
        "address",
        "where it is mapped in this process, as 0x followed by hex digits",
    ),
    ("size", "size in bytes"),
    ("readonly", "true when attached with SHM_RDONLY"),
    ("nattch", "number of attachments, this one included"),
    ("pid", "this process's pid"),
];

const RM_FIELDS: &[Field] = &[
    ("dry_run", "true with --dry-run: nothing was removed"),
    (
        "results",
        "one object per segment named: target, shmid, key, size, nattch, action, error",
    ),
    (
        "results[].target",
        "the id or key as named on the command line",
    ),
    (
        "results[].action",
        "\"removed\", \"marked\" (attached: freed at the last detach), \"would-remove\", \"would-mark\", \"would-fail\" (a dry run the kernel would refuse: no permission) or \"failed\"",
    ),
    ("results[].error", "why it failed, or null"),
    (
        "freed_bytes",
        "bytes freed at once (a segment still attached is freed at its last detach)",
    ),
];

const LIMITS_FIELDS: &[Field] = &[
    ("shmmax", "largest segment in bytes (kernel.shmmax)"),
    ("shmmin", "smallest segment in bytes"),
    (
        "shmmni",
        "most segments in this IPC namespace (kernel.shmmni)",
    ),
    (
        "shmall",
        "most pages in all segments together (kernel.shmall)",
    ),
    (
        "shmall_bytes",
        "shmall times page_size, saturating at 2^64-1",
    ),
    ("page_size", "the page size in bytes"),
    ("segments", "segments in use"),
    ("pages", "pages allocated to segments"),
    ("bytes", "pages times page_size"),
    ("rss_pages", "pages resident in memory"),
    ("swap_pages", "pages in swap"),
    (
        "rmid_forced",
        "kernel.shm_rmid_forced: segments are removed when their last process exits",
    ),
];

const STATUS_FIELDS: &[Field] = &[
    ("shmid", "the ring's segment id"),
    ("key", "its key as an unsigned number"),
    ("key_hex", "its key as 0x followed by 8 hex digits"),
    (
        "size",
        "segment size in bytes: 64 + 4N + 12, padded to 8, for a ring of N slots (4176 for the document's 1024)",
    ),
    ("perms", "permission bits, octal string"),
    ("owner", "owner's user name"),
    ("nattch", "processes attached, not counting status itself"),
    ("cpid", "creator's pid"),
    (
        "cpid_alive",
        "whether that pid is running (a zombie is not)",
    ),
    (
        "cpid_state",
        "\"running\", \"zombie\", \"exited\" or \"unknown\" (cannot be seen from here)",
    ),
    ("lpid", "pid of the last attach or detach"),
    ("lpid_alive", "whether that pid is running"),
    ("lpid_state", "as cpid_state, for lpid; null when none"),
    ("atime", "last attach, Unix seconds or null"),
    ("dtime", "last detach, Unix seconds or null"),
    ("ctime", "last change, Unix seconds"),
    (
        "capacity",
        "slots in the ring, N, from the segment's size (1024 for the document's); 0 when the size is not a ring's",
    ),
    (
        "state",
        "\"consistent\", \"inconsistent\", \"uninitialised\", \"invalid\" or \"wrong-size\" (the size is not a ring's)",
    ),
    ("head", "next slot the producer writes, or null"),
    ("tail", "next slot the consumer reads, or null"),
    (
        "count",
        "the ring's count field (drifts with the document's C program)",
    ),
    (
        "free_slots",
        "sem_producer's value, or null when the header is not valid",
    ),
    ("filled_slots", "sem_consumer's value: items ready"),
    (
        "in_flight",
        "slots taken by a wait and not yet posted (at most 2 when healthy; more are stranded by a killed end until ring repair)",
    ),
    (
        "producer_waiters",
        "waiters counted on sem_producer (a killed waiter stays counted)",
    ),
    ("consumer_waiters", "waiters counted on sem_consumer"),
    (
        "producer_pshared",
        "sem_producer is process-shared (flag 128 at offset 8)",
    ),
    ("consumer_pshared", "sem_consumer is process-shared"),
    ("fill_percent", "filled_slots as a percentage of capacity"),
    (
        "problems",
        "what is broken, as sentences; empty exactly when state is consistent",
    ),
    (
        "warnings",
        "worth knowing but not broken, such as count drift",
    ),
];

const RING_FIELDS: &[Field] = &[
    ("role", "\"producer\" or \"consumer\""),
    ("shmid", "the ring's segment id"),
    ("key", "its key as an unsigned number"),
    ("items", "items moved"),
    ("elapsed_s", "seconds from the first wait to the end"),
    ("items_per_s", "items divided by elapsed_s"),
    (
        "checksum",
        "wrapping sum of the items as unsigned 32-bit values; the same at both ends",
    ),
    ("first", "the first item, or null"),
    ("last", "the last item, or null"),
    (
        "interrupted",
        "true when Ctrl-C, SIGTERM or SIGHUP ended the run",
    ),
    (
        "verified",
        "consume --verify: true when every item was the next square, else null",
    ),
    (
        "removed",
        "consume --remove-when-done: the segment was removed",
    ),
];

const BENCH_FIELDS: &[Field] = &[
    ("repeat", "rounds; each runs every case once, in turn"),
    ("pin", "[producer CPU, consumer CPU] with --pin, else null"),
    (
        "transports",
        "one object per case: a transport at a ring capacity or write size",
    ),
    (
        "transports[].transport",
        "\"ring\", \"ring-batch\", \"spsc\", \"pipe\", \"pipe-batch\", \"unix\" or \"unix-batch\"",
    ),
    (
        "transports[].capacity",
        "slots of the ring (ring, ring-batch, spsc), else null",
    ),
    (
        "transports[].write_items",
        "items per write (pipe-batch, unix-batch), else null",
    ),
    (
        "transports[].label",
        "the case's name: transport@capacity, transport/items per write, or the transport",
    ),
    ("transports[].items", "items moved in the last run"),
    (
        "transports[].items_per_s",
        "median items per second of the runs",
    ),
    (
        "transports[].min_items_per_s",
        "the slowest run's items per second",
    ),
    (
        "transports[].max_items_per_s",
        "the fastest run's items per second",
    ),
    (
        "transports[].ns_per_item",
        "nanoseconds per item at the median rate",
    ),
    (
        "transports[].ratio_to_ring",
        "median of each round's items_per_s over the per-item ring's of the same capacity (null without one)",
    ),
    (
        "transports[].checksum",
        "the last run's consumer's wrapping sum of the items",
    ),
    (
        "transports[].checksum_ok",
        "every run's checksum is that of 0, 1, 4, ..., (items-1)^2: nothing lost or changed",
    ),
    (
        "transports[].runs_items_per_s",
        "every run's items per second, round by round",
    ),
    (
        "ratios",
        "ring-batch against spsc at each capacity, and each against the best pipe or socket of the same round",
    ),
    ("ratios[].name", "what over what"),
    ("ratios[].median", "the median of the rounds' ratios"),
    ("ratios[].min", "the lowest round's ratio"),
    ("ratios[].max", "the highest round's ratio"),
    (
        "latency",
        "round trips measured with --latency: the ring (twice: a few polls, then --spin or 100us), pipe and unix; empty without",
    ),
    ("latency[].transport", "\"ring\", \"pipe\" or \"unix\""),
    (
        "latency[].spin_ns",
        "how long a waiting ring end polled before it slept, in ns; null: a few attempts",
    ),
    ("latency[].round_trips", "round trips of one item"),
    ("latency[].median_ns", "median round trip in nanoseconds"),
    (
        "latency[].p99_ns",
        "99th percentile round trip in nanoseconds",
    ),
    (
        "latency[].cpu_ns_per_round_trip",
        "CPU time both ends spent per round trip: what polling costs",
    ),
    (
        "latency[].cpus_busy",
        "CPU time of both ends over the run's wall time (2.0: two CPUs kept busy)",
    ),
];

const REPAIR_FIELDS: &[Field] = &[
    ("shmid", "the ring's segment id"),
    ("key", "its key as an unsigned number"),
    ("key_hex", "its key as 0x followed by 8 hex digits"),
    ("capacity", "slots in the ring"),
    (
        "dry_run",
        "--dry-run: nothing was written, fields[].after is what a repair would set",
    ),
    (
        "forced",
        "--force repaired although other processes were attached",
    ),
    ("attached", "processes attached besides this command"),
    ("state_before", "the ring's state before, as in status"),
    ("problems_before", "what was broken before, as sentences"),
    (
        "fields",
        "head, tail, count, free, filled, producer_waiters and consumer_waiters, each once",
    ),
    ("fields[].field", "the field's name"),
    ("fields[].before", "its value before"),
    ("fields[].after", "its value after"),
    ("changed", "some field changed (or would, with --dry-run)"),
    (
        "items_offered_again",
        "items between tail and head posted again on sem_consumer (never shown: a consumer moves tail before it shows an item)",
    ),
    ("slots_freed", "slots posted again on sem_producer"),
    (
        "permits_withdrawn",
        "permits taken away from a semaphore that promised more than the ring holds",
    ),
    ("state_after", "the ring's state after"),
];

/// The JSON fields a command prints, as (top-level wrapper, fields). `ls` prints
/// `{"segments": [...]}`; the others print one object.
pub fn json_fields(path: &str) -> Option<(Option<&'static str>, Vec<Field>)> {
    Some(match path {
        "ls" => (
            Some("segments"),
            [SEGMENT_FIELDS, OPTIONAL_SEGMENT_FIELDS].concat(),
        ),
        "info" => (None, [SEGMENT_FIELDS, INFO_FIELDS].concat()),
        "create" => (None, CREATE_FIELDS.to_vec()),
        "attach" => (None, ATTACH_FIELDS.to_vec()),
        "rm" => (None, RM_FIELDS.to_vec()),
        "limits" => (None, LIMITS_FIELDS.to_vec()),
        "status" => (None, STATUS_FIELDS.to_vec()),
        "ring produce" | "ring consume" => (None, RING_FIELDS.to_vec()),
        "ring bench" => (None, BENCH_FIELDS.to_vec()),
        "ring repair" => (None, REPAIR_FIELDS.to_vec()),
        _ => return None,
    })
}

/// Example command lines with what they do.
pub fn examples(path: &str) -> &'static [(&'static str, &'static str)] {
    match path {
        "" => &[
            ("shmctl-rs ls", "List every segment."),
            (
                "shmctl-rs create --size 64K --key 0x1234",
                "Create a 64 KiB segment with key 0x1234, mode 600.",
            ),
            ("shmctl-rs info 0x1234", "Show everything about it."),
            ("shmctl-rs rm 0x1234", "Remove it."),
            (
                "shmctl-rs ring produce & shmctl-rs ring consume --verify",
                "Run the document's producer/consumer demo.",
            ),
            (
                "shmctl-rs status",
                "Decode the document's ring (key ftok(\"/tmp\", 65)).",
            ),
        ],
        "ls" => &[
            ("shmctl-rs ls", "Every segment, sizes in KiB/MiB."),
            (
                "shmctl-rs ls --bytes --sort size -r",
                "Largest first, exact sizes.",
            ),
            (
                "shmctl-rs ls --unattached --owner postgres",
                "Segments of user postgres that nobody has attached.",
            ),
            (
                "shmctl-rs ls -o key,shmid,size,atime,dtime",
                "Chosen columns.",
            ),
            (
                "shmctl-rs ls --raw -o shmid,size | sort -k2 -n",
                "Tab-separated rows for scripts.",
            ),
            (
                "shmctl-rs ls --json | jq '.segments[] | select(.nattch == 0) | .shmid'",
                "JSON for scripts.",
            ),
        ],
        "info" => &[
            ("shmctl-rs info 32769", "By shmid."),
            ("shmctl-rs info 0x4100c4a7 --json", "By key, as JSON."),
        ],
        "create" => &[
            (
                "shmctl-rs create --size 1M",
                "A private (IPC_PRIVATE) segment of 1 MiB; prints its shmid.",
            ),
            (
                "shmctl-rs create -s 4096 --key 0x1234 --mode 640",
                "With a key and mode 640.",
            ),
            (
                "shmctl-rs create -s 64K --ftok /var/lib/app:1",
                "Key from ftok(\"/var/lib/app\", 1), as a C program would compute it.",
            ),
            (
                "id=$(shmctl-rs create -q -s 2GiB --hugetlb)",
                "A huge-page segment; only its id is printed.",
            ),
        ],
        "attach" => &[
            (
                "shmctl-rs attach 32769",
                "Hold the segment attached until Ctrl-C.",
            ),
            (
                "shmctl-rs attach 0x1234 --readonly --timeout 30s",
                "Read-only, for 30 seconds.",
            ),
        ],
        "rm" => &[
            ("shmctl-rs rm 32769 32770", "Remove two segments by id."),
            ("shmctl-rs rm --key 0x1234", "Remove by key."),
            ("shmctl-rs rm --dry-run 0x1234", "Say what would happen."),
            (
                "shmctl-rs rm --orphans --dry-run",
                "Which orphans would go, and the bytes freed.",
            ),
            (
                "shmctl-rs rm --ns 4242 32769",
                "Remove a segment inside the IPC namespace of process 4242.",
            ),
        ],
        "chmod" => &[(
            "shmctl-rs chmod 640 0x1234",
            "Let the owner's group read the segment.",
        )],
        "chown" => &[
            (
                "shmctl-rs chown postgres 32769",
                "Give the segment to user postgres.",
            ),
            ("shmctl-rs chown app:app 0x1234", "Change owner and group."),
        ],
        "limits" => &[
            ("shmctl-rs limits", "Limits with usage."),
            ("shmctl-rs limits --json", "For scripts."),
        ],
        "status" => &[
            (
                "shmctl-rs status",
                "The document's ring (key ftok(\"/tmp\", 65)).",
            ),
            (
                "shmctl-rs status 0x5000 --json",
                "Another ring, as JSON; exit 7 unless consistent.",
            ),
            (
                "shmctl-rs status --watch 500ms",
                "Refresh twice a second until Ctrl-C.",
            ),
        ],
        "ring" => &[
            (
                "shmctl-rs ring produce",
                "The document's producer: 100 items of i*i, 10 ms apart.",
            ),
            (
                "shmctl-rs ring consume --verify",
                "The document's consumer, checking every item.",
            ),
        ],
        "ring produce" => &[
            (
                "shmctl-rs ring produce",
                "The document's demo: 100 items of i*i, 10 ms apart.",
            ),
            (
                "shmctl-rs ring produce -n 0 -i 0 --quiet",
                "As fast as possible until Ctrl-C.",
            ),
            (
                "shmctl-rs ring produce --key 0x5000 --mode 640",
                "Another ring, readable by the group.",
            ),
            (
                "shmctl-rs ring produce --key 0x5001 --capacity 262144 --batch -n 0 -i 0 -q",
                "A ring of 262144 slots, batched, until Ctrl-C.",
            ),
        ],
        "ring bench" => &[
            (
                "shmctl-rs ring bench",
                "Every transport for about a second each, in 3 interleaved rounds.",
            ),
            (
                "shmctl-rs ring bench --capacity 1024,16384,262144 --svg bench.svg",
                "Rings of three capacities against pipes and sockets, drawn as a chart.",
            ),
            (
                "shmctl-rs ring bench --pin 0,1 --latency",
                "Producer and consumer on CPUs 0 and 1, with round-trip latency.",
            ),
            (
                "shmctl-rs ring bench -t ring,pipe -n 1000000 --json",
                "Two transports, a million items, as JSON.",
            ),
        ],
        "ring repair" => &[
            (
                "shmctl-rs ring repair --dry-run",
                "What a repair of the document's ring would change.",
            ),
            (
                "shmctl-rs ring repair 0x5000 --json",
                "Give back what killed ends stranded in another ring.",
            ),
        ],
        "ring consume" => &[
            (
                "shmctl-rs ring consume",
                "The document's demo: 100 items, 15 ms apart.",
            ),
            (
                "shmctl-rs ring consume -n 100000 -i 0 --verify --timeout 5s --json",
                "Fast, verified, JSON summary.",
            ),
            (
                "shmctl-rs ring consume --remove-when-done",
                "Remove the ring after the last item.",
            ),
        ],
        _ => &[],
    }
}

/// Files a command reads or writes.
pub fn files(path: &str) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![(
        "/proc/sysvipc/shm",
        "the kernel's list of segments in this IPC namespace",
    )];
    match path {
        "" | "ls" | "info" | "rm" => {
            f.push((
                "/proc/PID/maps",
                "System V mappings of each process (attached processes, orphans, hugetlb)",
            ));
            f.push((
                "/proc/PID/ns/ipc",
                "each process's IPC namespace (--ns, --all-namespaces)",
            ));
        }
        _ => {}
    }
    match path {
        "" | "limits" | "create" | "ls" => {
            f.push(("/proc/sys/kernel/shmmax", "largest segment in bytes"));
            f.push(("/proc/sys/kernel/shmall", "most pages in all segments"));
            f.push(("/proc/sys/kernel/shmmni", "most segments"));
            f.push((
                "/proc/sys/kernel/shm_rmid_forced",
                "remove segments when their last process exits",
            ));
        }
        _ => {}
    }
    if path.is_empty() || path.starts_with("ring") {
        f.push((
            "/dev/null",
            "a producer or consumer holds an open-file-description lock (F_OFD_SETLK) on one byte of it, at an offset that names the IPC namespace, the shmid and the role, so there is one of each per ring; the kernel releases it when the run ends, however it ends. No file is created, none can be planted by another user, and none is left behind",
        ));
    }
    f
}

pub const SEE_ALSO: &[(&str, &str)] = &[
    ("ipcs", "1"),
    ("ipcrm", "1"),
    ("ipcmk", "1"),
    ("lsipc", "1"),
    ("shmget", "2"),
    ("shmat", "2"),
    ("shmctl", "2"),
    ("sem_overview", "7"),
];
