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

complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -s V -l version -d 'Print version'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "ls" -d 'List segments (like ipcs -m and lsipc -m, with more columns)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "info" -d 'Show everything known about one segment, POSIX object or memfd'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "create" -d 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or a POSIX object (--posix)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "attach" -d 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "rm" -d 'Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an attached segment is marked for destruction, a held object lives on until let go'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "chmod" -d 'Change a segment\'s permission bits (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "chown" -d 'Change a segment\'s owner and group (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "limits" -d 'Show the kernel\'s shared-memory limits and how much is in use'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "metrics" -d 'Prometheus metrics of the segments and limits: printed, written for node_exporter\'s textfile collector, or served over HTTP'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "status" -d 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "top" -d 'A live view of every shared-memory object, refreshed in place: sort, filter, details, removal'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "ring" -d 'Run the shared-memory producer/consumer ring'
complete -c shmctl-rs -n "__fish_shmctl_rs_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s o -l output -d 'Columns to show, comma-separated, in any case (lsipc\'s names too: ID, ATTACH, DETACH, USER); +COLUMNS adds them to the default ones (default: key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss; with --posix: name,owner,perms,size,allocated,status,mtime,holders; with --memfd: name,inode,owner,size,allocated,seals,holders)' -r -f -a "key\t'The key (0x followed by 8 hex digits)'
shmid\t'The segment\'s id'
owner\t'The owner\'s name (its uid when it has none)'
group\t'The owner\'s group (its gid when it has none)'
uid\t'The owner\'s uid'
gid\t'The owner\'s gid'
perms\t'Permission bits'
size\t'Size'
nattch\t'Number of attachments'
status\t'dest (marked for destruction), locked, hugetlb'
cuid\t'The creator\'s uid'
cuser\t'The creator\'s name (its uid when it has none)'
cgid\t'The creator\'s gid'
cgroup\t'The creator\'s group (its gid when it has none)'
cpid\t'The creating process\'s pid'
lpid\t'The pid of the last shmat or shmdt'
atime\t'Time of the last attach'
dtime\t'Time of the last detach'
ctime\t'Time of the last change'
rss\t'Resident in memory'
swap\t'In swap'
command\t'The creator\'s command line, while it runs'
app\t'The application it belongs to (gathered with --app)'
processes\t'The processes that map it (gathered with --pids)'
namespace\t'Its IPC namespace (with --all-namespaces or --ns)'
kind\t'(--posix, --memfd) posix or memfd'
name\t'(--posix, --memfd) /NAME as given to shm_open, memfd:NAME'
inode\t'(--posix, --memfd) the file\'s inode'
allocated\t'(--posix, --memfd) bytes the object occupies in memory and swap (tmpfs blocks)'
mtime\t'(--posix, --memfd) last modification'
seals\t'(--memfd) the memfd\'s seals (F_GET_SEALS)'
holders\t'(--posix, --memfd) the processes that map it or hold it open, with their fds and mappings'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l time-format -d 'How times are shown in the table and with --export (raw rows and JSON keep Unix seconds)' -r -f -a "short\t'03:28:14 today, Nov 27 03:28 this year, else 2025-11-27'
full\t'Fri Nov 27 03:28:14 2026'
iso\t'2026-11-27T03:28:14+01:00'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l owner -d 'Only segments owned by this user (name or uid)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l key -d 'Only the segment with this key (0x1234 or decimal)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l min-size -d 'Only segments of at least this size (4096, 64K, 1M, 2GiB)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l sort -d 'Sort by this column, any of --output\'s (default: the kernel\'s order, as ipcs)' -r -f -a "key\t'The key (0x followed by 8 hex digits)'
shmid\t'The segment\'s id'
owner\t'The owner\'s name (its uid when it has none)'
group\t'The owner\'s group (its gid when it has none)'
uid\t'The owner\'s uid'
gid\t'The owner\'s gid'
perms\t'Permission bits'
size\t'Size'
nattch\t'Number of attachments'
status\t'dest (marked for destruction), locked, hugetlb'
cuid\t'The creator\'s uid'
cuser\t'The creator\'s name (its uid when it has none)'
cgid\t'The creator\'s gid'
cgroup\t'The creator\'s group (its gid when it has none)'
cpid\t'The creating process\'s pid'
lpid\t'The pid of the last shmat or shmdt'
atime\t'Time of the last attach'
dtime\t'Time of the last detach'
ctime\t'Time of the last change'
rss\t'Resident in memory'
swap\t'In swap'
command\t'The creator\'s command line, while it runs'
app\t'The application it belongs to (gathered with --app)'
processes\t'The processes that map it (gathered with --pids)'
namespace\t'Its IPC namespace (with --all-namespaces or --ns)'
kind\t'(--posix, --memfd) posix or memfd'
name\t'(--posix, --memfd) /NAME as given to shm_open, memfd:NAME'
inode\t'(--posix, --memfd) the file\'s inode'
allocated\t'(--posix, --memfd) bytes the object occupies in memory and swap (tmpfs blocks)'
mtime\t'(--posix, --memfd) last modification'
seals\t'(--memfd) the memfd\'s seals (F_GET_SEALS)'
holders\t'(--posix, --memfd) the processes that map it or hold it open, with their fds and mappings'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s w -l watch -d 'Refresh every DURATION (at least 100ms) until Ctrl-C, marking segments that appeared (+), vanished (-) or changed nattch (~); on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l format -d 'Output format; openmetrics prints what `shmctl-rs metrics` prints, for these segments' -r -f -a "table\t''
json\t''
raw\t''
openmetrics\t''
export\t''"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l output-all -d 'Show every column that needs nothing but /proc (not app, processes, namespace)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s c -l creator -d 'Show who created and who owns each segment: creator\'s and owner\'s names, the creator\'s pid and command line (ipcs -m -c)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s t -l time -d 'Show attach, detach and change times (ipcs -m -t)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l app -d 'Add the app column: the application each segment belongs to, as far as can be proved (see APPLICATIONS in the man page)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s J -l json -d 'Print JSON (field names are stable; see the man page)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l raw -d 'Print tab-separated values without headings, exact numbers and Unix times'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s b -l bytes -d 'Print sizes in bytes instead of KiB, MiB, ...'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l noheadings -d 'Print the table without its heading row'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l notruncate -d 'Do not fit the table to the terminal: every column, one line per segment, however wide. Without it a table wider than the terminal never wraps a cell: it cuts free text (command, processes) and leaves out the least needed columns (lpid and the times first; key and shmid never; none of those named with -o), and says on stderr which it left out'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s P -l numeric-perms -d 'Print permissions in octal (640) instead of rw-r-----'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s e -l export -d 'Print NAME="value" pairs, a line per segment, as lsipc -e: safe to eval, with ", \\, `, $ and bytes that are not printable ASCII written as \\xHH'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s n -l newline -d 'Print each NAME="value" pair on a line of its own (lsipc -n)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l attached -d 'Only segments some process has attached (nattch > 0)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l unattached -d 'Only segments no process has attached (nattch = 0)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s r -l reverse -d 'Reverse the order'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s p -l pids -d 'Add the processes that have each segment mapped (pid, command, count, ro); the creator\'s and last user\'s pids (ipcs -m -p) are default columns'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l orphans -d 'Only orphans: nobody attached and the creating process is known to be gone (one that cannot be seen from here, in another PID namespace or hidden by hidepid=, is not called gone)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l include-unknown -d 'With --orphans, also segments nobody has attached whose creator cannot be seen: it may still run and come back to them. With --posix, call unheld what no process seen here holds although processes may be hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as a container\'s own'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s A -l all-namespaces -d 'Every IPC namespace on the host (containers too), with a namespace column'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l posix -d 'POSIX shared-memory objects instead of segments: the files of /dev/shm (not POSIX semaphores, the 32-byte sem.* files of sem_open) and objects unlinked but still held (deleted), each with the processes that map it or hold it open'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l memfd -d 'memfds instead of segments (with --posix: as well): every memfd some process maps or holds open, by inode, with its seals and holders'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -l unheld -d 'With --posix: only objects no process maps or holds open (refused while some process\'s maps or fds cannot be read, or processes may be hidden from here: see --include-unknown)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand info" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand info" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand info" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s s -l size -d 'Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s k -l key -d 'The key: 0x1234, or decimal (a negative one as /proc prints keys from 0x80000000)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l ftok -d 'Derive the key with ftok(PATH, PROJ) as C programs do; PROJ defaults to 65 (\'A\')' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s m -l mode -d 'Permission bits in octal (ipcmk\'s default is 0644)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l posix -d 'A POSIX object instead: shm_open(NAME, O_CREAT|O_EXCL) and ftruncate to --size, in /dev/shm (that of the --ns process); --mode is set exactly (no umask)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l private -d 'No key (IPC_PRIVATE): reachable only by shmid. Without --key, --ftok or --private an unused key is picked at random, as ipcmk does'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l hugetlb -d 'Back the segment with huge pages (SHM_HUGETLB)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l noreserve -d 'Do not reserve swap space for it (SHM_NORESERVE)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s q -l quiet -d 'Print only the new shmid (or the object\'s name)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand create" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s t -l timeout -d 'Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s r -l readonly -d 'Attach read-only (SHM_RDONLY)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s f -l force -d 'Attach even if the segment is marked for destruction'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -l json -d 'Print the attachment as JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand attach" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s k -l key -d 'A key to remove (0x1234 or decimal); may be repeated' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l orphans -d 'Remove every orphan the caller may remove (as --all: others\' are left alone): nobody attached and the creating process is known to be gone'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l posix -d 'With --unheld: POSIX objects'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l unheld -d 'With --posix: remove every POSIX object no process maps or holds open (refused while some process\'s maps or fds cannot be read, or processes may be hidden from here: see --include-unknown)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l include-unknown -d 'With --orphans, also remove segments nobody has attached whose creator cannot be seen from here (another PID namespace, hidepid=): it may still run and need them. With --unheld (or /NAME), take what no process seen here holds for unheld although processes may be hidden: for a /dev/shm none of them can reach, as a container\'s own'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s a -l all -d 'Remove every segment of this IPC namespace that the caller may remove (ipcrm -a shm); try it with --dry-run first'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s n -l dry-run -d 'Say what would be removed, remove nothing'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -l json -d 'Print the results as JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand rm" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chmod" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chmod" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chown" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand chown" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -s b -l bytes -d 'Print sizes in bytes instead of KiB, MiB, ...'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand limits" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -l textfile -d 'Write the metrics to PATH in one step (a temporary file in its directory, renamed over it) for node_exporter\'s textfile collector, which reads *.prom files; PATH is a regular file or none yet (a link, a device or a FIFO there is refused)' -r -F
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -l listen -d 'Serve GET /metrics over HTTP until Ctrl-C or SIGTERM, gathering on every scrape; PORT alone listens on 127.0.0.1 (port 0 picks a free one; the address is said on stderr)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -l max-scrapes -d 'With --listen: at most N scrapes at once; more are answered 503 at once' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -l format -d 'The text format [default: openmetrics on stdout, text with --textfile]; with --listen the scraper\'s Accept header chooses' -r -f -a "openmetrics\t'OpenMetrics 1.0 (ends with # EOF)'
text\t'The Prometheus text format 0.0.4 (what node_exporter\'s textfile collector reads)'"
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -l aggregate -d 'Only totals per owner and per namespace, no per-segment series (every new shmid is a new series: on busy hosts they pile up)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -s A -l all-namespaces -d 'Every IPC namespace on the host (containers too), each series with a namespace label'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -s w -l watch -d 'Refresh every DURATION (at least 100ms) until Ctrl-C; on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand status" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand top" -s d -l interval -d 'Refresh every DURATION (at least 100ms)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand top" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand top" -s A -l all-namespaces -d 'Every IPC namespace on the host (containers too), and every mount namespace\'s /dev/shm, with a namespace column'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand top" -l include-unknown -d 'Call unheld a POSIX object no process seen here holds although processes may be hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as a container\'s own'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand top" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -f -a "produce" -d 'Produce items into the ring (the document\'s producer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -f -a "consume" -d 'Consume items from the ring (the document\'s consumer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -f -a "repair" -d 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -f -a "bench" -d 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and not __fish_seen_subcommand_from produce consume repair bench help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s k -l key -d 'The ring\'s key (0x1234 or decimal)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ) [default: /tmp:65]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l id -d 'The ring\'s shmid' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s n -l count -d 'Number of items; 0 runs until Ctrl-C' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l spin -d 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s i -l interval -d 'Pause after each item (0, 250us, 10ms)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s m -l mode -d 'Permission bits of a ring this creates' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -s c -l capacity -d 'Slots of a ring this creates, a power of two (the document\'s: 1024); a ring that exists already keeps its own, which every other command reads from its size' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from produce" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
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
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s q -l quiet -d 'Print only the summary'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l json -d 'Print the summary as JSON (implies --quiet)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s b -l batch -d 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l verify -d 'Check that values are consecutive squares i*i (32-bit wrapping); exit 7 on a gap'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -l remove-when-done -d 'Remove the ring\'s segment after consuming all items'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from consume" -s h -l help -d 'Print help'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -l ftok -d 'The ring\'s key as ftok(PATH, PROJ)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from repair" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
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
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l ns -d 'Work in another IPC namespace: a process\'s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace\'s /dev/shm (through /proc/PID/root)' -r
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -l json -d 'Print JSON'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "produce" -d 'Produce items into the ring (the document\'s producer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "consume" -d 'Consume items from the ring (the document\'s consumer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "bench" -d 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand ring; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "ls" -d 'List segments (like ipcs -m and lsipc -m, with more columns)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "info" -d 'Show everything known about one segment, POSIX object or memfd'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "create" -d 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or a POSIX object (--posix)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "attach" -d 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "rm" -d 'Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an attached segment is marked for destruction, a held object lives on until let go'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "chmod" -d 'Change a segment\'s permission bits (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "chown" -d 'Change a segment\'s owner and group (IPC_SET)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "limits" -d 'Show the kernel\'s shared-memory limits and how much is in use'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "metrics" -d 'Prometheus metrics of the segments and limits: printed, written for node_exporter\'s textfile collector, or served over HTTP'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "status" -d 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "top" -d 'A live view of every shared-memory object, refreshed in place: sort, filter, details, removal'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "ring" -d 'Run the shared-memory producer/consumer ring'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and not __fish_seen_subcommand_from ls info create attach rm chmod chown limits metrics status top ring help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "produce" -d 'Produce items into the ring (the document\'s producer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "consume" -d 'Consume items from the ring (the document\'s consumer, without its defects)'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "repair" -d 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
complete -c shmctl-rs -n "__fish_shmctl_rs_using_subcommand help; and __fish_seen_subcommand_from ring" -f -a "bench" -d 'Measure the ring against pipes and Unix sockets, side by side, between two processes'

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

# POSIX object names (with size and owner) where info and rm take one.
function __shmctl_rs_posix
    command shmctl-rs ls --posix --raw -o name,size,owner 2>/dev/null | while read -l line
        set -l f (string split \t -- $line)
        printf '%s\tPOSIX object, %s bytes, owner %s\n' $f[1] $f[2] $f[3]
    end
end
complete -c shmctl-rs -n "__fish_seen_subcommand_from rm info; and not __fish_seen_subcommand_from ring" -f -a "(__shmctl_rs_posix)"
complete -c shmctl-rs -n "__fish_seen_subcommand_from ring; and __fish_seen_subcommand_from repair" -f -a "(__shmctl_rs_ids)"
