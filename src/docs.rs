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
        "owner's user name, or the uid as a string when it has none (as lsipc's OWNER)",
    ),
    (
        "group",
        "owner's group name; null when the gid has none (as lsipc prints it; tables show the gid)",
    ),
    ("cuid", "creator's uid"),
    (
        "cuser",
        "creator's user name; null when the uid has none (tables show the uid)",
    ),
    ("cgid", "creator's gid"),
    (
        "cgroup",
        "creator's group name; null when the gid has none (tables show the gid)",
    ),
    ("cpid", "pid of the creating process"),
    (
        "command",
        "the creator's command line (/proc/CPID/cmdline, arguments joined by spaces) while it runs; null once it is gone or when the pid now belongs to a process started after the segment's last change",
    ),
    ("lpid", "pid of the last shmat or shmdt"),
    ("atime", "last attach, Unix seconds; null when never"),
    ("dtime", "last detach, Unix seconds; null when never"),
    (
        "ctime",
        "last change (creation, IPC_SET, IPC_RMID), Unix seconds",
    ),
    (
        "rss",
        "bytes resident in memory; null on kernels that do not say. For a hugetlb segment, corrected where the kernel counts each huge page many times over (see HUGETLB SEGMENTS)",
    ),
    ("swap", "bytes in swap; null on kernels that do not say"),
    (
        "kernel_rss",
        "rss as /proc/sysvipc/shm states it; differs from rss only for a corrected hugetlb segment",
    ),
    (
        "status",
        "list of flags: \"dest\" (marked for destruction), \"locked\" (SHM_LOCK), \"hugetlb\" (made with SHM_HUGETLB, where that can be told: see HUGETLB SEGMENTS)",
    ),
];

/// Fields only some options add (their meaning starts with "with --").
pub const OPTIONAL_SEGMENT_FIELDS: &[Field] = &[
    (
        "attached",
        "with --pids (always in info): the processes that map it, each an object: pid, comm, uid, user, attachments (its number of mappings), readonly (every mapping is SHM_RDONLY), readonly_attachments (how many of its mappings are SHM_RDONLY: a process may attach both ways), hugetlb (mapped from hugetlbfs)",
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
    (
        "app",
        "with --app or -o app (always in info): the application it belongs to, or null when nothing tells; an object whose name is \"postgresql\", \"ring\" or \"command\" (see APPLICATIONS)",
    ),
    (
        "app.name",
        "\"postgresql\" (data_directory, null when not found; device, inode: the data directory's as the header names them; postmaster_pid; postmaster: \"running\" or \"gone\"; pid_file_names_it: postmaster.pid names this key and shmid, null when the directory was not found; read), \"ring\" (state, filled, capacity, read) or \"command\" (command: the creator's command line)",
    ),
    (
        "app.read",
        "how the header was read: \"map-files\" (through /proc/PID/map_files of a process that maps it: nothing changes) or \"attach\" (a read-only attach, which the kernel records in lpid, atime and dtime)",
    ),
];

/// The fields of one object of `ls --posix --json` and `ls --memfd --json`.
pub const OBJECT_FIELDS: &[Field] = &[
    (
        "kind",
        "\"posix\" (a file of /dev/shm, shm_open) or \"memfd\" (memfd_create)",
    ),
    (
        "name",
        "/NAME as given to shm_open, or memfd:NAME as given to memfd_create (not unique: several memfds may share a name); each byte that is not part of UTF-8 text, and each backslash, is shown as \\xHH, as in tables (/bad\\xff is the byte 0xff, /bad\\x5cxff a real backslash), so no two names read the same; info and rm take a name as shown, or its own bytes ($'/bad\\xff' in bash)",
    ),
    (
        "inode",
        "the file's inode: what tells two objects of one name apart",
    ),
    (
        "size",
        "size in bytes; null when no reading was allowed (an object only mapped, read without CAP_SYS_ADMIN)",
    ),
    (
        "allocated",
        "bytes it occupies in memory and swap (tmpfs blocks times 512); null as size",
    ),
    ("uid", "owner's uid (null as size)"),
    ("gid", "owner's gid"),
    ("owner", "owner's user name, or the uid as a string"),
    ("group", "owner's group name, or the gid as a string"),
    ("perms", "permission bits as an octal string, e.g. \"600\""),
    (
        "mtime",
        "last modification (write, ftruncate), Unix seconds",
    ),
    (
        "status",
        "list of flags: \"deleted\" (unlinked, alive while held), \"unheld\" (no process maps or holds it, and every process could be read), \"hugetlb\" (a memfd of huge pages)",
    ),
    (
        "holders",
        "the processes that map it or hold it open, each an object: pid, command, uid, user, fds, mappings, readonly",
    ),
    ("holders[].pid", "the process's pid"),
    ("holders[].command", "its command name (/proc/PID/comm)"),
    ("holders[].uid", "its uid"),
    ("holders[].user", "its user's name"),
    ("holders[].fds", "its open file descriptors of the object"),
    (
        "holders[].mappings",
        "its mappings of the object (lines of /proc/PID/maps)",
    ),
    (
        "holders[].readonly",
        "every mapping is read-only and every fd was opened for reading only",
    ),
    (
        "seals",
        "a memfd's seals (F_GET_SEALS): \"seal\", \"shrink\", \"grow\", \"write\", \"future-write\", \"exec\"; null for a POSIX object or when no holder's file could be opened",
    ),
    (
        "namespace",
        "with --all-namespaces: the mount namespace whose /dev/shm holds it (a memfd: that of its first holder), an object: inode, pid and comm of one process in it",
    ),
];

/// What `info /NAME --json` and `info memfd:INODE --json` add to an object.
pub const OBJECT_INFO_FIELDS: &[Field] = &[
    (
        "path",
        "the file's path (through /proc/PID/root with --ns), or null once unlinked and for a memfd",
    ),
    (
        "unreadable_processes",
        "processes whose maps or fds could not be read (permission); holders may miss them",
    ),
];

/// What `create --posix --json` prints.
pub const OBJECT_CREATE_FIELDS: &[Field] = &[
    ("name", "the new object's name, /NAME"),
    ("path", "its file (through /proc/PID/root with --ns PID)"),
    ("inode", "its inode"),
    ("size", "size in bytes"),
    (
        "perms",
        "permission bits as the file has them, octal string",
    ),
];

const INFO_FIELDS: &[Field] = &[
    ("attached", "the processes that map it (see ls --pids)"),
    (
        "app",
        "the application it belongs to, or null (see ls --app and APPLICATIONS)",
    ),
    (
        "header_read",
        "how the header was read to tell the application: \"map-files\" (through a process that maps it: nothing changes), \"attach\" (a read-only attach, which the kernel records in lpid, atime and dtime) or null (not read)",
    ),
    (
        "needs_permission",
        "what could not be read for want of permission: \"seq\" (IPC_STAT needs read permission), \"app\" (the header); empty when nothing was refused. Every other field comes from /proc/sysvipc/shm, which every user may read",
    ),
    (
        "unreadable_processes",
        "processes whose maps could not be read (permission); attached may miss them",
    ),
    (
        "key_from_maps",
        "true when the segment was removed (key 0 in /proc) and key is the one its holders' mappings keep",
    ),
    (
        "seq",
        "the IPC slot's sequence number (IPC_STAT __seq); null without read permission",
    ),
    (
        "cpid_state",
        "whether the creator runs: \"running\", \"zombie\", \"exited\" or \"unknown\" (see ls --orphans)",
    ),
    (
        "lpid_state",
        "the same for the last pid to attach or detach; null when none has",
    ),
    (
        "pages",
        "size in whole pages, as the kernel allocates it (huge pages for a hugetlb segment)",
    ),
    (
        "page_size",
        "the page size in bytes (the huge page size for a hugetlb segment)",
    ),
];

const CREATE_FIELDS: &[Field] = &[
    ("shmid", "the new segment's id"),
    ("key", "its key as an unsigned number (0 for IPC_PRIVATE)"),
    ("key_hex", "its key as 0x followed by 8 hex digits"),
    (
        "key_random",
        "true when the key was picked at random (no --key, --ftok or --private), as ipcmk does",
    ),
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
        "\"removed\", \"marked\" (attached, or for a POSIX object still held: unlinked, freed when the last holder lets go), \"would-remove\", \"would-mark\", \"would-fail\" (a dry run the kernel would refuse: no permission) or \"failed\"",
    ),
    ("results[].error", "why it failed, or null"),
    (
        "results[].name",
        "a POSIX object's name (only for POSIX objects, which have null shmid, key and nattch)",
    ),
    ("results[].inode", "a POSIX object's inode"),
    (
        "results[].allocated",
        "the bytes a POSIX object occupies, freed at once when unheld, else when its last holder lets go",
    ),
    (
        "results[].holders",
        "the processes that still hold a POSIX object (see ls --posix)",
    ),
    (
        "freed_bytes",
        "bytes freed at once: a segment's size, a POSIX object's allocated bytes (one still attached or held is freed later)",
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
        "shmall times page_size, exactly: a JSON integer that may pass 2^64 (the default is about 7.6e22)",
    ),
    ("page_size", "the page size in bytes"),
    ("segments", "segments in use"),
    ("pages", "pages allocated to segments"),
    ("bytes", "pages times page_size"),
    (
        "rss_pages",
        "pages resident in memory, with the kernel's overcount of hugetlb segments taken off (see HUGETLB SEGMENTS in shmctl-rs-ls(1))",
    ),
    ("kernel_rss_pages", "pages resident as SHM_INFO states them"),
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
    (
        "lpid_is_status",
        "true when the last pid is this status command's own read-only attach",
    ),
    (
        "lpid_before_status",
        "the last pid before this command attached; null when it read without attaching",
    ),
    (
        "header_read",
        "\"map-files\" (read through a process that maps the ring: nothing changes) or \"attach\" (one read-only attach for the whole command, which the kernel records)",
    ),
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

/// What a command prints with --json for POSIX objects and memfds, beside its segments: a
/// sentence, then the fields.
pub fn object_json_fields(path: &str) -> Option<(&'static str, Vec<Field>)> {
    Some(match path {
        "ls" => (
            "With --posix or --memfd and --json, one object {\"objects\": [...]} whose list holds one object per POSIX object or memfd with these fields.",
            OBJECT_FIELDS.to_vec(),
        ),
        "info" => (
            "For a POSIX object (/NAME) or a memfd (memfd:INODE), the fields of ls --posix --json (see shmctl-rs-ls(1)) and these.",
            OBJECT_INFO_FIELDS.to_vec(),
        ),
        "create" => (
            "With --posix and --json, one object with these fields.",
            OBJECT_CREATE_FIELDS.to_vec(),
        ),
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
            (
                "shmctl-rs ls -o +cuser,command --time-format iso",
                "The default columns, the creator's name and command line, ISO times.",
            ),
            (
                "shmctl-rs ls --app",
                "Which application each segment belongs to (PostgreSQL, the ring, or the creator's command).",
            ),
            (
                "eval \"$(shmctl-rs ls -e -o shmid,size -b --key 0x1234)\"; echo $SHMID $SIZE",
                "Shell variables from --export, as lsipc -e gives them.",
            ),
            (
                "shmctl-rs ls --posix",
                "POSIX shared memory (/dev/shm, and objects unlinked but still held) with the processes that hold each.",
            ),
            (
                "shmctl-rs ls --memfd --sort allocated -r",
                "Every memfd some process holds, the largest first.",
            ),
            (
                "shmctl-rs ls --posix --unheld",
                "POSIX objects no process maps or holds open.",
            ),
            (
                "shmctl-rs ls --posix -A",
                "The /dev/shm of every mount namespace (containers too).",
            ),
        ],
        "info" => &[
            ("shmctl-rs info 32769", "By shmid."),
            ("shmctl-rs info 0x4100c4a7 --json", "By key, as JSON."),
            (
                "shmctl-rs info /PostgreSQL.1804289383",
                "A POSIX object: size, allocated bytes, owner and the processes that hold it.",
            ),
            ("shmctl-rs info memfd:524232", "A memfd, by its inode."),
        ],
        "create" => &[
            (
                "shmctl-rs create --size 1M",
                "A segment of 1 MiB at an unused key picked at random, as ipcmk -M 1M.",
            ),
            (
                "shmctl-rs create --size 1M --private",
                "One with no key (IPC_PRIVATE), reachable only by its shmid.",
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
            (
                "shmctl-rs create --posix /myapp --size 1M --mode 640",
                "A POSIX object /dev/shm/myapp of 1 MiB, mode exactly 640.",
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
            (
                "shmctl-rs rm /myapp",
                "Unlink a POSIX object (shm_unlink); one still held lives on until its last holder lets go.",
            ),
            (
                "shmctl-rs rm --posix --unheld --dry-run",
                "Which POSIX objects nobody holds would go, and the bytes freed.",
            ),
            (
                "shmctl-rs rm --ns 4242 /myapp",
                "Unlink an object in the /dev/shm of process 4242's mount namespace.",
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
        "top" => &[
            (
                "shmctl-rs top",
                "Every segment, POSIX object and memfd, refreshed every second.",
            ),
            (
                "shmctl-rs top -d 250ms",
                "Four refreshes a second (to watch a ring fill).",
            ),
            (
                "shmctl-rs top -A",
                "Every namespace on the host, containers' segments and /dev/shm too.",
            ),
            (
                "shmctl-rs top --ns 4242",
                "The segments and POSIX objects of process 4242's namespaces (a container).",
            ),
            ("NO_COLOR=1 shmctl-rs top", "Without colours."),
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
        "metrics" => &[
            (
                "shmctl-rs metrics",
                "The metrics once, in the OpenMetrics text format.",
            ),
            (
                "shmctl-rs metrics --textfile /var/lib/prometheus/node-exporter/shmctl-rs.prom",
                "For node_exporter's textfile collector (from cron or a systemd timer).",
            ),
            (
                "shmctl-rs metrics --listen 9834",
                "Serve http://127.0.0.1:9834/metrics until Ctrl-C.",
            ),
            (
                "shmctl-rs metrics --listen 0.0.0.0:9834 --aggregate -A",
                "On every interface, totals only, every IPC namespace (needs CAP_SYS_ADMIN).",
            ),
            (
                "shmctl_rs_sysv_segment_size_bytes * on(shmid) group_left(key, owner, app) shmctl_rs_sysv_segment_info",
                "PromQL: the sizes with each segment's key, owner and application.",
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
        "" | "ls" | "info" | "rm" | "top" | "metrics" => {
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
    if path == "top" {
        f.push((
            "/proc/PID/map_files/",
            "a ring is read through the mapping of a process that has it attached (root only), which changes nothing",
        ));
        f.push((
            "/proc/PID/fdinfo/",
            "the role locks (on /dev/null) that name a ring's producer and consumer; /proc/PID/cmdline for peers that take none",
        ));
    }
    match path {
        "" | "ls" | "info" | "rm" | "create" | "top" => {
            f.push((
                "/dev/shm",
                "POSIX shared-memory objects (shm_open); POSIX semaphores (sem_open's sem.* files of 32 bytes) are left out",
            ));
            f.push((
                "/proc/PID/root/dev/shm",
                "the /dev/shm of process PID's mount namespace (--ns PID, --all-namespaces)",
            ));
        }
        _ => {}
    }
    match path {
        "" | "ls" | "info" | "rm" | "top" => {
            f.push((
                "/proc/PID/fd, /proc/PID/fdinfo",
                "open files of each process (holders of POSIX objects and memfds, by device and inode; fdinfo's flags tell read-only)",
            ));
            f.push((
                "/proc/PID/map_files",
                "the files mapped by each process: size and seals of objects no name reaches (needs CAP_SYS_ADMIN)",
            ));
            f.push((
                "/proc/PID/ns/mnt",
                "each process's mount namespace (--all-namespaces, memfds)",
            ));
        }
        _ => {}
    }
    match path {
        "" | "limits" | "create" | "ls" | "top" | "metrics" => {
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
    if path == "metrics" {
        f.push((
            "/usr/lib/systemd/system/shmctl-rs-metrics.service",
            "the endpoint as a service (from the Debian package; not enabled): an unprivileged user with CAP_SYS_PTRACE only",
        ));
    }
    f
}

/// The keys of an interactive command, for its KEYS section.
pub fn keys(path: &str) -> &'static [(&'static str, &'static str)] {
    match path {
        "top" => crate::top::app::KEYS,
        _ => &[],
    }
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
    ("shm_open", "3"),
    ("memfd_create", "2"),
    ("lsfd", "1"),
];

const APPLICATIONS: &[&str] = &[
    "The app column (--app, -o app; a line of its own in info) names what a segment proves about the application it belongs to, and nothing it does not:",
    "postgresql: the segment begins with PostgreSQL's PGShmemHeader: PGShmemMagic (679834894), the segment's own size, and the device and inode of the data directory. The data directory is the working directory of the postmaster, or of a process that maps the segment, whose device and inode are the header's; its postmaster.pid should name the segment's key and shmid (it is said when it does not). Shown as postgresql (data directory DIR, postmaster PID N running|gone); the postmaster runs while a process with its pid works in that data directory. When no process is left to ask, the data directory cannot be found and the header's device and inode are shown instead.",
    "ring: a segment of the ring's size (4176 bytes) whose header is a valid ring, consistent or inconsistent (see shmctl-rs-status(1)): ring (consistent, 300/1024 filled).",
    "Otherwise the creator's command line while it runs (the command column), or nothing.",
    "Reading a header: through /proc/PID/map_files of a process that maps the segment, which changes nothing and needs CAP_SYS_ADMIN. When no process maps it, ls reads only a segment whose size is a header's own, a ring's 4176 bytes or the 56 bytes of PostgreSQL's header-only segment (shared_memory_type = mmap, its default), and info reads any; both with a read-only attach, and only where the caller may attach. The kernel records every attach: afterwards the segment's lpid is this command's pid, and its atime and dtime are now. ls says on stderr which segments it attached to; info says so on the app line, and every other figure it shows was read before. A page never touched is not read through the attach (that would allocate it): its bytes are zero.",
    "Cost: without --app (or -o app), ls reads /proc/sysvipc/shm only, and /proc/CPID/cmdline once per creator for the command column or --json. --app adds one read of every process's maps, as --pids does, and a read of the first bytes of each segment some process maps.",
];

const HUGETLB: &[&str] = &[
    "The kernel keeps SHM_HUGETLB nowhere a reader can see: a segment's mode holds its permission and status bits only. A segment is marked hugetlb when a process maps it from hugetlbfs (ls --pids or --app, and info, which read every process's maps), or when its rss is more than even huge pages could hold, which only the kernel's miscount gives: ipc/shm.c takes a hugetlb segment's rss as pages_per_huge_page times the page cache's nrpages, and since Linux 6.7 (commit a08c7193e4f1) nrpages counts a huge page as the small pages it spans, so a touched 2 MiB segment reads 1 GiB in /proc/sysvipc/shm and in SHM_INFO (and so in lsipc, ipcs -u and limits).",
    "rss is corrected for a hugetlb segment (divided by the small pages in a huge page of the default size in /proc/meminfo, where the figure is a whole number of miscounted huge pages); kernel_rss keeps the kernel's figure, and info and limits say both. info counts a hugetlb segment's size in huge pages. An untouched hugetlb segment that no process maps shows no sign of being one.",
];

const UTIL_LINUX: &[&str] = &[
    "ls takes lsipc's column names in lsipc's case (-o KEY,ID,SIZE), -o +COLUMNS, --noheadings, --notruncate, --time-format, -e/--export, -n/--newline, -P/--numeric-perms, -b/--bytes and -J/--json; ipcs's -c and -t column groups are --creator and --time; lsipc's -r (raw) is --raw here, as -r reverses the order. Export names are column names in capitals, always usable as shell variables (lsipc's -y).",
    "Where util-linux (2.38 to 2.42) is wrong, this tool is right: lsipc's CGID column prints the creator's uid (it reads shm_perm.cuid); its STATUS never shows hugetlb or noreserve (it looks for them in the mode, where the kernel never puts them); its COMMAND is the command line of whatever process has the creator's pid now, even one started after the segment was made; ipcs -l multiplies SHMALL's pages into kbytes in 64 bits, which wraps (18446744073709551612 kbytes); both take the kernel's miscounted rss of hugetlb segments as it is.",
    "Names of ids: owner falls back to the uid, as lsipc's OWNER does; group, cuser and cgroup are null in JSON for an id without a name, as lsipc prints them, while tables, raw rows and --export show the number, as ipcs does. JSON times are Unix seconds (lsipc prints formatted strings).",
];

const CREATE_KEYS: &[&str] = &[
    "Without --key, --ftok or --private, create picks an unused key at random, as ipcmk -M does, and says which (never 0, IPC_PRIVATE, nor 0xffffffff, ftok's failure value). A key is 32 bits: 0x0 to 0xffffffff, or in decimal 0 to 4294967295, or -2147483648 to -1 as /proc/sysvipc/shm prints the keys from 0x80000000 (--key -1 is 0xffffffff). ipcmk's default mode is 0644, this tool's 0600.",
];

const STATUS_READ: &[&str] = &[
    "The kernel records every shmat, read-only or not, in the segment: lpid becomes the attaching process and atime the time, and shmdt sets dtime. status therefore reads the header through /proc/PID/map_files of a process that maps the ring when the caller may (CAP_SYS_ADMIN), which changes nothing; otherwise it attaches read-only once for the whole command, --watch included. While its attach is the last one, the last pid is shown as this command's own, with the last pid from before it attached.",
];

const INFO_PERMISSION: &[&str] = &[
    "Without read permission on the segment the kernel refuses IPC_STAT. info then shows what /proc/sysvipc/shm shows every user, as ipcs -m -i does, and says what needed the permission: the slot's sequence number (seq) and the header (app); needs_permission lists them in JSON.",
];

const LIMITS_FIGURES: &[&str] = &[
    "SHMALL in bytes is printed exactly (its default is 18446744073692774399 pages, about 7.6e22 bytes, more than 64 bits hold; ipcs -l wraps it). The resident pages are SHM_INFO's with the kernel's overcount of hugetlb segments taken off (see HUGETLB SEGMENTS in shmctl-rs-ls(1)); both are said when they differ.",
];

/// Sections of prose a page has beyond the definition: (heading, paragraphs).
pub fn sections(path: &str) -> Vec<(&'static str, &'static [&'static str])> {
    match path {
        "ls" => vec![
            ("APPLICATIONS", APPLICATIONS),
            ("HUGETLB SEGMENTS", HUGETLB),
            ("UTIL-LINUX", UTIL_LINUX),
        ],
        "info" => vec![
            ("PERMISSION", INFO_PERMISSION),
            ("APPLICATIONS", APPLICATIONS),
            ("HUGETLB SEGMENTS", HUGETLB),
        ],
        "create" => vec![("KEYS", CREATE_KEYS)],
        "status" => vec![("HOW THE RING IS READ", STATUS_READ)],
        "limits" => vec![("FIGURES", LIMITS_FIGURES)],
        _ => Vec::new(),
    }
}
