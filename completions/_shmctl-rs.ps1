
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'shmctl-rs' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'shmctl-rs'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'shmctl-rs' {
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List segments (like ipcs -m and lsipc -m, with more columns)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show everything known about one segment, POSIX object or memfd')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or a POSIX object (--posix)')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an attached segment is marked for destruction, a held object lives on until let go')
            [CompletionResult]::new('chmod', 'chmod', [CompletionResultType]::ParameterValue, 'Change a segment''s permission bits (IPC_SET)')
            [CompletionResult]::new('chown', 'chown', [CompletionResultType]::ParameterValue, 'Change a segment''s owner and group (IPC_SET)')
            [CompletionResult]::new('limits', 'limits', [CompletionResultType]::ParameterValue, 'Show the kernel''s shared-memory limits and how much is in use')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Prometheus metrics of the segments and limits: printed, written for node_exporter''s textfile collector, or served over HTTP')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'A live view of every shared-memory object, refreshed in place: sort, filter, details, removal')
            [CompletionResult]::new('ring', 'ring', [CompletionResultType]::ParameterValue, 'Run the shared-memory producer/consumer ring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shmctl-rs;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Columns to show, comma-separated, in any case (lsipc''s names too: ID, ATTACH, DETACH, USER); +COLUMNS adds them to the default ones (default: key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss; with --posix: name,owner,perms,size,allocated,status,mtime,holders; with --memfd: name,inode,owner,size,allocated,seals,holders)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Columns to show, comma-separated, in any case (lsipc''s names too: ID, ATTACH, DETACH, USER); +COLUMNS adds them to the default ones (default: key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss; with --posix: name,owner,perms,size,allocated,status,mtime,holders; with --memfd: name,inode,owner,size,allocated,seals,holders)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'How times are shown in the table and with --export (raw rows and JSON keep Unix seconds)')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only segments owned by this user (name or uid)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Only the segment with this key (0x1234 or decimal)')
            [CompletionResult]::new('--min-size', '--min-size', [CompletionResultType]::ParameterName, 'Only segments of at least this size (4096, 64K, 1M, 2GiB)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort by this column, any of --output''s (default: the kernel''s order, as ipcs)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh every DURATION (at least 100ms) until Ctrl-C, marking segments that appeared (+), vanished (-) or changed nattch (~); on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh every DURATION (at least 100ms) until Ctrl-C, marking segments that appeared (+), vanished (-) or changed nattch (~); on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format; openmetrics prints what `shmctl-rs metrics` prints, for these segments')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--output-all', '--output-all', [CompletionResultType]::ParameterName, 'Show every column that needs nothing but /proc (not app, processes, namespace)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Show who created and who owns each segment: creator''s and owner''s names, the creator''s pid and command line (ipcs -m -c)')
            [CompletionResult]::new('--creator', '--creator', [CompletionResultType]::ParameterName, 'Show who created and who owns each segment: creator''s and owner''s names, the creator''s pid and command line (ipcs -m -c)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Show attach, detach and change times (ipcs -m -t)')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'Show attach, detach and change times (ipcs -m -t)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Add the app column: the application each segment belongs to, as far as can be proved (see APPLICATIONS in the man page)')
            [CompletionResult]::new('-J', '-J ', [CompletionResultType]::ParameterName, 'Print JSON (field names are stable; see the man page)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (field names are stable; see the man page)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print tab-separated values without headings, exact numbers and Unix times')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Print sizes in bytes instead of KiB, MiB, ...')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Print sizes in bytes instead of KiB, MiB, ...')
            [CompletionResult]::new('--noheadings', '--noheadings', [CompletionResultType]::ParameterName, 'Print the table without its heading row')
            [CompletionResult]::new('--notruncate', '--notruncate', [CompletionResultType]::ParameterName, 'Do not fit the table to the terminal: every column, one line per segment, however wide. Without it a table wider than the terminal never wraps a cell: it cuts free text (command, processes) and leaves out the least needed columns (lpid and the times first; key and shmid never; none of those named with -o), and says on stderr which it left out')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Print permissions in octal (640) instead of rw-r-----')
            [CompletionResult]::new('--numeric-perms', '--numeric-perms', [CompletionResultType]::ParameterName, 'Print permissions in octal (640) instead of rw-r-----')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Print NAME="value" pairs, a line per segment, as lsipc -e: safe to eval, with ", \, `, $ and bytes that are not printable ASCII written as \xHH')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Print NAME="value" pairs, a line per segment, as lsipc -e: safe to eval, with ", \, `, $ and bytes that are not printable ASCII written as \xHH')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print each NAME="value" pair on a line of its own (lsipc -n)')
            [CompletionResult]::new('--newline', '--newline', [CompletionResultType]::ParameterName, 'Print each NAME="value" pair on a line of its own (lsipc -n)')
            [CompletionResult]::new('--attached', '--attached', [CompletionResultType]::ParameterName, 'Only segments some process has attached (nattch > 0)')
            [CompletionResult]::new('--unattached', '--unattached', [CompletionResultType]::ParameterName, 'Only segments no process has attached (nattch = 0)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Reverse the order')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse the order')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Add the processes that have each segment mapped (pid, command, count, ro); the creator''s and last user''s pids (ipcs -m -p) are default columns')
            [CompletionResult]::new('--pids', '--pids', [CompletionResultType]::ParameterName, 'Add the processes that have each segment mapped (pid, command, count, ro); the creator''s and last user''s pids (ipcs -m -p) are default columns')
            [CompletionResult]::new('--orphans', '--orphans', [CompletionResultType]::ParameterName, 'Only orphans: nobody attached and the creating process is known to be gone (one that cannot be seen from here, in another PID namespace or hidden by hidepid=, is not called gone)')
            [CompletionResult]::new('--include-unknown', '--include-unknown', [CompletionResultType]::ParameterName, 'With --orphans, also segments nobody has attached whose creator cannot be seen: it may still run and come back to them. With --posix, call unheld what no process seen here holds although processes may be hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as a container''s own')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Every IPC namespace on the host (containers too), with a namespace column')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Every IPC namespace on the host (containers too), with a namespace column')
            [CompletionResult]::new('--posix', '--posix', [CompletionResultType]::ParameterName, 'POSIX shared-memory objects instead of segments: the files of /dev/shm (not POSIX semaphores, the 32-byte sem.* files of sem_open) and objects unlinked but still held (deleted), each with the processes that map it or hold it open')
            [CompletionResult]::new('--memfd', '--memfd', [CompletionResultType]::ParameterName, 'memfds instead of segments (with --posix: as well): every memfd some process maps or holds open, by inode, with its seals and holders')
            [CompletionResult]::new('--unheld', '--unheld', [CompletionResultType]::ParameterName, 'With --posix: only objects no process maps or holds open (refused while some process''s maps or fds cannot be read, or processes may be hidden from here: see --include-unknown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'shmctl-rs;info' {
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;create' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'The key: 0x1234, or decimal (a negative one as /proc prints keys from 0x80000000)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key: 0x1234, or decimal (a negative one as /proc prints keys from 0x80000000)')
            [CompletionResult]::new('--ftok', '--ftok', [CompletionResultType]::ParameterName, 'Derive the key with ftok(PATH, PROJ) as C programs do; PROJ defaults to 65 (''A'')')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Permission bits in octal (ipcmk''s default is 0644)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Permission bits in octal (ipcmk''s default is 0644)')
            [CompletionResult]::new('--posix', '--posix', [CompletionResultType]::ParameterName, 'A POSIX object instead: shm_open(NAME, O_CREAT|O_EXCL) and ftruncate to --size, in /dev/shm (that of the --ns process); --mode is set exactly (no umask)')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--private', '--private', [CompletionResultType]::ParameterName, 'No key (IPC_PRIVATE): reachable only by shmid. Without --key, --ftok or --private an unused key is picked at random, as ipcmk does')
            [CompletionResult]::new('--hugetlb', '--hugetlb', [CompletionResultType]::ParameterName, 'Back the segment with huge pages (SHM_HUGETLB)')
            [CompletionResult]::new('--noreserve', '--noreserve', [CompletionResultType]::ParameterName, 'Do not reserve swap space for it (SHM_NORESERVE)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the new shmid (or the object''s name)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the new shmid (or the object''s name)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;attach' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Attach read-only (SHM_RDONLY)')
            [CompletionResult]::new('--readonly', '--readonly', [CompletionResultType]::ParameterName, 'Attach read-only (SHM_RDONLY)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Attach even if the segment is marked for destruction')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Attach even if the segment is marked for destruction')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the attachment as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;rm' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'A key to remove (0x1234 or decimal); may be repeated')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'A key to remove (0x1234 or decimal); may be repeated')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--orphans', '--orphans', [CompletionResultType]::ParameterName, 'Remove every orphan the caller may remove (as --all: others'' are left alone): nobody attached and the creating process is known to be gone')
            [CompletionResult]::new('--posix', '--posix', [CompletionResultType]::ParameterName, 'With --unheld: POSIX objects')
            [CompletionResult]::new('--unheld', '--unheld', [CompletionResultType]::ParameterName, 'With --posix: remove every POSIX object no process maps or holds open (refused while some process''s maps or fds cannot be read, or processes may be hidden from here: see --include-unknown)')
            [CompletionResult]::new('--include-unknown', '--include-unknown', [CompletionResultType]::ParameterName, 'With --orphans, also remove segments nobody has attached whose creator cannot be seen from here (another PID namespace, hidepid=): it may still run and need them. With --unheld (or /NAME), take what no process seen here holds for unheld although processes may be hidden: for a /dev/shm none of them can reach, as a container''s own')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Remove every segment of this IPC namespace that the caller may remove (ipcrm -a shm); try it with --dry-run first')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every segment of this IPC namespace that the caller may remove (ipcrm -a shm); try it with --dry-run first')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the results as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;chmod' {
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;chown' {
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;limits' {
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Print sizes in bytes instead of KiB, MiB, ...')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Print sizes in bytes instead of KiB, MiB, ...')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;metrics' {
            [CompletionResult]::new('--textfile', '--textfile', [CompletionResultType]::ParameterName, 'Write the metrics to PATH in one step (a temporary file in its directory, renamed over it) for node_exporter''s textfile collector, which reads *.prom files; PATH is a regular file or none yet (a link, a device or a FIFO there is refused)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Serve GET /metrics over HTTP until Ctrl-C or SIGTERM, gathering on every scrape; PORT alone listens on 127.0.0.1 (port 0 picks a free one; the address is said on stderr)')
            [CompletionResult]::new('--max-scrapes', '--max-scrapes', [CompletionResultType]::ParameterName, 'With --listen: at most N scrapes at once; more are answered 503 at once')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The text format [default: openmetrics on stdout, text with --textfile]; with --listen the scraper''s Accept header chooses')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--aggregate', '--aggregate', [CompletionResultType]::ParameterName, 'Only totals per owner and per namespace, no per-segment series (every new shmid is a new series: on busy hosts they pile up)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Every IPC namespace on the host (containers too), each series with a namespace label')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Every IPC namespace on the host (containers too), each series with a namespace label')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'shmctl-rs;status' {
            [CompletionResult]::new('--ftok', '--ftok', [CompletionResultType]::ParameterName, 'The ring''s key as ftok(PATH, PROJ)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh every DURATION (at least 100ms) until Ctrl-C; on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh every DURATION (at least 100ms) until Ctrl-C; on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;top' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Refresh every DURATION (at least 100ms)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Refresh every DURATION (at least 100ms)')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Every IPC namespace on the host (containers too), and every mount namespace''s /dev/shm, with a namespace column')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Every IPC namespace on the host (containers too), and every mount namespace''s /dev/shm, with a namespace column')
            [CompletionResult]::new('--include-unknown', '--include-unknown', [CompletionResultType]::ParameterName, 'Call unheld a POSIX object no process seen here holds although processes may be hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as a container''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;ring' {
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce items into the ring (the document''s producer, without its defects)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume items from the ring (the document''s consumer, without its defects)')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure the ring against pipes and Unix sockets, side by side, between two processes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shmctl-rs;ring;produce' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'The ring''s key (0x1234 or decimal)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The ring''s key (0x1234 or decimal)')
            [CompletionResult]::new('--ftok', '--ftok', [CompletionResultType]::ParameterName, 'The ring''s key as ftok(PATH, PROJ) [default: /tmp:65]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The ring''s shmid')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of items; 0 runs until Ctrl-C')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Number of items; 0 runs until Ctrl-C')
            [CompletionResult]::new('--spin', '--spin', [CompletionResultType]::ParameterName, 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Pause after each item (0, 250us, 10ms)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Pause after each item (0, 250us, 10ms)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Permission bits of a ring this creates')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Permission bits of a ring this creates')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Slots of a ring this creates, a power of two (the document''s: 1024); a ring that exists already keeps its own, which every other command reads from its size')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Slots of a ring this creates, a power of two (the document''s: 1024); a ring that exists already keeps its own, which every other command reads from its size')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the summary')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the summary')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the summary as JSON (implies --quiet)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;ring;consume' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'The ring''s key (0x1234 or decimal)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The ring''s key (0x1234 or decimal)')
            [CompletionResult]::new('--ftok', '--ftok', [CompletionResultType]::ParameterName, 'The ring''s key as ftok(PATH, PROJ) [default: /tmp:65]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The ring''s shmid')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of items; 0 runs until Ctrl-C')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Number of items; 0 runs until Ctrl-C')
            [CompletionResult]::new('--spin', '--spin', [CompletionResultType]::ParameterName, 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Pause after each item (0, 250us, 15ms)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Pause after each item (0, 250us, 15ms)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up after waiting this long for the ring to appear or for the next item')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after waiting this long for the ring to appear or for the next item')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the summary')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the summary')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the summary as JSON (implies --quiet)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check that values are consecutive squares i*i (32-bit wrapping); exit 7 on a gap')
            [CompletionResult]::new('--remove-when-done', '--remove-when-done', [CompletionResultType]::ParameterName, 'Remove the ring''s segment after consuming all items')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;ring;repair' {
            [CompletionResult]::new('--ftok', '--ftok', [CompletionResultType]::ParameterName, 'The ring''s key as ftok(PATH, PROJ)')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Say what a repair would change, and change nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what a repair would change, and change nothing')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Repair although other processes are attached: only when none of them moves items (a monitor, an `attach`), since a C peer of the document takes no lock and would race with the repair. A running producer or consumer of this tool still refuses it')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Repair although other processes are attached: only when none of them moves items (a monitor, an `attach`), since a C peer of the document takes no lock and would race with the repair. A running producer or consumer of this tool still refuses it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'shmctl-rs;ring;bench' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Transports to measure, comma-separated [default: all]')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'Transports to measure, comma-separated [default: all]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Capacities of the shared-memory rings, comma-separated powers of two')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Capacities of the shared-memory rings, comma-separated powers of two')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Items per write of pipe-batch and unix-batch, comma-separated')
            [CompletionResult]::new('--write-items', '--write-items', [CompletionResultType]::ParameterName, 'Items per write of pipe-batch and unix-batch, comma-separated')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Items per run [default: about one second''s worth per transport]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Items per run [default: about one second''s worth per transport]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Rounds; each runs every transport once, the median and the spread are reported')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Rounds; each runs every transport once, the median and the spread are reported')
            [CompletionResult]::new('--pin', '--pin', [CompletionResultType]::ParameterName, 'Pin the producer and the consumer to these CPUs, e.g. 0,1')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Also measure the round trip of one item (median and p99), this many times')
            [CompletionResult]::new('--spin', '--spin', [CompletionResultType]::ParameterName, 'How long a waiting ring end polls before it sleeps in the kernel, in every run [default: a few attempts; the latency test also runs the ring with 100us]')
            [CompletionResult]::new('--svg', '--svg', [CompletionResultType]::ParameterName, 'Also draw the results (items/s and round trips) as an SVG chart into FILE')
            [CompletionResult]::new('--ns', '--ns', [CompletionResultType]::ParameterName, 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'shmctl-rs;ring;help' {
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce items into the ring (the document''s producer, without its defects)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume items from the ring (the document''s consumer, without its defects)')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure the ring against pipes and Unix sockets, side by side, between two processes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shmctl-rs;ring;help;produce' {
            break
        }
        'shmctl-rs;ring;help;consume' {
            break
        }
        'shmctl-rs;ring;help;repair' {
            break
        }
        'shmctl-rs;ring;help;bench' {
            break
        }
        'shmctl-rs;ring;help;help' {
            break
        }
        'shmctl-rs;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List segments (like ipcs -m and lsipc -m, with more columns)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show everything known about one segment, POSIX object or memfd')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or a POSIX object (--posix)')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an attached segment is marked for destruction, a held object lives on until let go')
            [CompletionResult]::new('chmod', 'chmod', [CompletionResultType]::ParameterValue, 'Change a segment''s permission bits (IPC_SET)')
            [CompletionResult]::new('chown', 'chown', [CompletionResultType]::ParameterValue, 'Change a segment''s owner and group (IPC_SET)')
            [CompletionResult]::new('limits', 'limits', [CompletionResultType]::ParameterValue, 'Show the kernel''s shared-memory limits and how much is in use')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Prometheus metrics of the segments and limits: printed, written for node_exporter''s textfile collector, or served over HTTP')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'A live view of every shared-memory object, refreshed in place: sort, filter, details, removal')
            [CompletionResult]::new('ring', 'ring', [CompletionResultType]::ParameterValue, 'Run the shared-memory producer/consumer ring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shmctl-rs;help;ls' {
            break
        }
        'shmctl-rs;help;info' {
            break
        }
        'shmctl-rs;help;create' {
            break
        }
        'shmctl-rs;help;attach' {
            break
        }
        'shmctl-rs;help;rm' {
            break
        }
        'shmctl-rs;help;chmod' {
            break
        }
        'shmctl-rs;help;chown' {
            break
        }
        'shmctl-rs;help;limits' {
            break
        }
        'shmctl-rs;help;metrics' {
            break
        }
        'shmctl-rs;help;status' {
            break
        }
        'shmctl-rs;help;top' {
            break
        }
        'shmctl-rs;help;ring' {
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce items into the ring (the document''s producer, without its defects)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume items from the ring (the document''s consumer, without its defects)')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure the ring against pipes and Unix sockets, side by side, between two processes')
            break
        }
        'shmctl-rs;help;ring;produce' {
            break
        }
        'shmctl-rs;help;ring;consume' {
            break
        }
        'shmctl-rs;help;ring;repair' {
            break
        }
        'shmctl-rs;help;ring;bench' {
            break
        }
        'shmctl-rs;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
