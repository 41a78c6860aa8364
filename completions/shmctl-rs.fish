# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_shmctl_rs_global_optspecs
    string join \n ns= h/help V/version
end

function __fish_shmctl_rs_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_shmctl_rs_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_shmctl_rs_using_subcommand
    set -l cmd (__fish_shmctl_rs_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -s V -l version -d 'Print version'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "ls" -d 'List segments (like ipcs -m and lsipc -m, with more columns)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "info" -d 'Show everything known about one segment'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "create" -d 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "attach" -d 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "rm" -d 'Remove segments (IPC_RMID), by id or key; an attached one is marked for destruction'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "chmod" -d 'Change a segment\'s permission bits (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "chown" -d 'Change a segment\'s owner and group (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "limits" -d 'Show the kernel\'s shared-memory limits and how much is in use'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "status" -d 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "ring" -d 'Run the shared-memory producer/consumer ring'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "generate" -d 'Write the man pages and shell completions (man/, completions/) below DIR'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s o -l output -d 'Columns to show, comma-separated (default: key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss)' -r -f -a "key\t''
shmid\t''
owner\t''
group\t''
uid\t''
gid\t''
perms\t''
size\t''
nattch\t''
status\t''
cuid\t''
cgid\t''
cpid\t''
lpid\t''
atime\t''
dtime\t''
ctime\t''
rss\t''
swap\t''
processes\t'The processes that map it (gathered with --pids)'
namespace\t'Its IPC namespace (with --all-namespaces)'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l owner -d 'Only segments owned by this user (name or uid)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l key -d 'Only the segment with this key (0x1234 or decimal)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l min-size -d 'Only segments of at least this size (4096, 64K, 1M, 2GiB)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l sort -d 'Sort by this column (default: the kernel\'s order, as ipcs)' -r -f -a "key\t''
shmid\t''
owner\t''
group\t''
uid\t''
gid\t''
perms\t''
size\t''
nattch\t''
status\t''
cuid\t''
cgid\t''
cpid\t''
lpid\t''
atime\t''
dtime\t''
ctime\t''
rss\t''
swap\t''
processes\t'The processes that map it (gathered with --pids)'
namespace\t'Its IPC namespace (with --all-namespaces)'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s w -l watch -d 'Refresh every DURATION until Ctrl-C, marking segments that appeared (+), vanished (-) or changed nattch (~)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l format -d 'Output format; openmetrics prints Prometheus metrics (for node-exporter\'s textfile collector)' -r -f -a "table\t''
json\t''
raw\t''
openmetrics\t''"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l output-all -d 'Show every column'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l json -d 'Print JSON (field names are stable; see the man page)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l raw -d 'Print tab-separated values without headings, exact numbers and Unix times'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s b -l bytes -d 'Print sizes in bytes instead of KiB, MiB, ...'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l attached -d 'Only segments some process has attached (nattch > 0)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l unattached -d 'Only segments no process has attached (nattch = 0)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s r -l reverse -d 'Reverse the order'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s p -l pids -d 'Add the processes that have each segment mapped (pid, command, count, ro)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l orphans -d 'Only orphans: nobody attached and the creating process is known to be gone (one that cannot be seen from here, in another PID namespace or hidden by hidepid=, is not called gone)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l include-unknown -d 'With --orphans, also segments nobody has attached whose creator cannot be seen: it may still run and come back to them'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s A -l all-namespaces -d 'Every IPC namespace on the host (containers too), with a namespace column'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand info" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand info" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand info" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s s -l size -d 'Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s k -l key -d 'The key, 0x1234 or decimal' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l ftok -d 'Derive the key with ftok(PATH, PROJ) as C programs do; PROJ defaults to 65 (\'A\')' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s m -l mode -d 'Permission bits in octal' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l private -d 'No key (IPC_PRIVATE): reachable only by shmid. The default when no key is given'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l hugetlb -d 'Back the segment with huge pages (SHM_HUGETLB)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l noreserve -d 'Do not reserve swap space for it (SHM_NORESERVE)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s q -l quiet -d 'Print only the new shmid'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s t -l timeout -d 'Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s r -l readonly -d 'Attach read-only (SHM_RDONLY)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s f -l force -d 'Attach even if the segment is marked for destruction'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -l json -d 'Print the attachment as JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s k -l key -d 'A key to remove (0x1234 or decimal); may be repeated' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l orphans -d 'Remove every orphan: nobody attached and the creating process is known to be gone'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l include-unknown -d 'With --orphans, also remove segments nobody has attached whose creator cannot be seen from here (another PID namespace, hidepid=): it may still run and need them'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s n -l dry-run -d 'Say what would be removed, remove nothing'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l json -d 'Print the results as JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chmod" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chmod" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chown" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chown" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -s b -l bytes -d 'Print sizes in bytes instead of KiB, MiB, ...'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -s w -l watch -d 'Refresh every DURATION until Ctrl-C' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -f -a "produce" -d 'Produce items into the ring (the document\'s producer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -f -a "consume" -d 'Consume items from the ring (the document\'s consumer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -f -a "repair" -d 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -f -a "bench" -d 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -f -a "bench-peer" -d 'One end of a benchmark run (started by ring bench)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench bench-peer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s k -l key -d 'The ring\'s key (0x1234 or decimal)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ) [default: /tmp:65]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l id -d 'The ring\'s shmid' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s n -l count -d 'Number of items; 0 runs until Ctrl-C' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l spin -d 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s i -l interval -d 'Pause after each item (0, 250us, 10ms)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s m -l mode -d 'Permission bits of a ring this creates' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s c -l capacity -d 'Slots of a ring this creates, a power of two (the document\'s: 1024); a ring that exists already keeps its own, which every other command reads from its size' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s q -l quiet -d 'Print only the summary'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l json -d 'Print the summary as JSON (implies --quiet)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s b -l batch -d 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s k -l key -d 'The ring\'s key (0x1234 or decimal)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ) [default: /tmp:65]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l id -d 'The ring\'s shmid' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s n -l count -d 'Number of items; 0 runs until Ctrl-C' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l spin -d 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s i -l interval -d 'Pause after each item (0, 250us, 15ms)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s t -l timeout -d 'Give up after waiting this long for the ring to appear or for the next item' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s q -l quiet -d 'Print only the summary'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l json -d 'Print the summary as JSON (implies --quiet)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s b -l batch -d 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l verify -d 'Check that values are consecutive squares i*i (32-bit wrapping); exit 7 on a gap'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l remove-when-done -d 'Remove the ring\'s segment after consuming all items'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -s n -l dry-run -d 'Say what a repair would change, and change nothing'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -s f -l force -d 'Repair although other processes are attached: only when none of them moves items (a monitor, an `attach`), since a C peer of the document takes no lock and would race with the repair. A running producer or consumer of this tool still refuses it'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s t -l transport -d 'Transports to measure, comma-separated [default: all]' -r -f -a "ring\t'The document\'s ring: this tool\'s producer and consumer, one semaphore pair per item'
ring-batch\t'The document\'s ring with batched semaphore operations (ring produce/consume --batch)'
spsc\t'A lock-free single-producer single-consumer ring in a SysV segment (not the document\'s format): the ceiling of shared memory on this host'
pipe\t'A pipe, one write per item'
pipe-batch\t'A pipe, --write-items items per write'
unix\t'A Unix stream socket, one write per item'
unix-batch\t'A Unix stream socket, --write-items items per write'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s c -l capacity -d 'Capacities of the shared-memory rings, comma-separated powers of two' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s w -l write-items -d 'Items per write of pipe-batch and unix-batch, comma-separated' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s n -l count -d 'Items per run [default: about one second\'s worth per transport]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s r -l repeat -d 'Rounds; each runs every transport once, the median and the spread are reported' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l pin -d 'Pin the producer and the consumer to these CPUs, e.g. 0,1' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l latency -d 'Also measure the round trip of one item (median and p99), this many times' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l spin -d 'How long a waiting ring end polls before it sleeps in the kernel, in every run [default: a few attempts; the latency test also runs the ring with 100us]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l svg -d 'Also draw the results (items/s and round trips) as an SVG chart into FILE' -r -F
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l spin-tries -d 'Attempts to take a permit before a per-item ring wait sleeps in the kernel' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l batch-spin -d 'Microseconds a batched ring wait polls for a full batch before it takes what is there' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l transport -r -f -a "ring\t'The document\'s ring: this tool\'s producer and consumer, one semaphore pair per item'
ring-batch\t'The document\'s ring with batched semaphore operations (ring produce/consume --batch)'
spsc\t'A lock-free single-producer single-consumer ring in a SysV segment (not the document\'s format): the ceiling of shared memory on this host'
pipe\t'A pipe, one write per item'
pipe-batch\t'A pipe, --write-items items per write'
unix\t'A Unix stream socket, one write per item'
unix-batch\t'A Unix stream socket, --write-items items per write'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l role -r -f -a "producer\t''
consumer\t''
pinger\t''
ponger\t''"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l count -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l endpoint -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l cpu -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l write-items -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l spin -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l spin-tries -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l batch-spin -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench-peer" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "produce" -d 'Produce items into the ring (the document\'s producer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "consume" -d 'Consume items from the ring (the document\'s consumer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "bench" -d 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "bench-peer" -d 'One end of a benchmark run (started by ring bench)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand generate" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand generate" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "ls" -d 'List segments (like ipcs -m and lsipc -m, with more columns)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "info" -d 'Show everything known about one segment'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "create" -d 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "attach" -d 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "rm" -d 'Remove segments (IPC_RMID), by id or key; an attached one is marked for destruction'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "chmod" -d 'Change a segment\'s permission bits (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "chown" -d 'Change a segment\'s owner and group (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "limits" -d 'Show the kernel\'s shared-memory limits and how much is in use'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "status" -d 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "ring" -d 'Run the shared-memory producer/consumer ring'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "generate" -d 'Write the man pages and shell completions (man/, completions/) below DIR'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits status ring generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "produce" -d 'Produce items into the ring (the document\'s producer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "consume" -d 'Consume items from the ring (the document\'s consumer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "repair" -d 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "bench" -d 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "bench-peer" -d 'One end of a benchmark run (started by ring bench)'

# Live segment ids (with key, size and owner as the description) where an ID is expected.
function __shmctl_rs_ids
    command shmctl-rs ls --raw -o shmid,key,size,owner 2>/dev/null | while read -l id key size owner
        printf '%s\tkey %s, %s bytes, owner %s\n' $id $key $size $owner
        if test $key != 0x00000000
            printf '%s\tshmid %s, %s bytes, owner %s\n' $key $id $size $owner
        end
    end
end
complete -c shmctl-rs -n "__fish_seen_subcommand_from rm info attach status; and not __fish_seen_subcommand_from ring" -f -a "(__shmctl_rs_ids)"
complete -c shmctl-rs -n "__fish_seen_subcommand_from chmod chown; and test (count (commandline -opc)) -eq 3" -f -a "(__shmctl_rs_ids)"
complete -c shmctl-rs -n "__fish_seen_subcommand_from ring; and __fish_seen_subcommand_from repair" -f -a "(__shmctl_rs_ids)"
