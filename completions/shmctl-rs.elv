
use builtin;
use str;

set edit:completion:arg-completer[shmctl-rs] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'shmctl-rs'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'shmctl-rs'= {
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List segments (like ipcs -m and lsipc -m, with more columns)'
            cand info 'Show everything known about one segment, POSIX object or memfd'
            cand create 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or a POSIX object (--posix)'
            cand attach 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout'
            cand rm 'Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an attached segment is marked for destruction, a held object lives on until let go'
            cand chmod 'Change a segment''s permission bits (IPC_SET)'
            cand chown 'Change a segment''s owner and group (IPC_SET)'
            cand limits 'Show the kernel''s shared-memory limits and how much is in use'
            cand metrics 'Prometheus metrics of the segments and limits: printed, written for node_exporter''s textfile collector, or served over HTTP'
            cand status 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency'
            cand top 'A live view of every shared-memory object, refreshed in place: sort, filter, details, removal'
            cand ring 'Run the shared-memory producer/consumer ring'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'shmctl-rs;ls'= {
            cand -o 'Columns to show, comma-separated, in any case (lsipc''s names too: ID, ATTACH, DETACH, USER); +COLUMNS adds them to the default ones (default: key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss; with --posix: name,owner,perms,size,allocated,status,mtime,holders; with --memfd: name,inode,owner,size,allocated,seals,holders)'
            cand --output 'Columns to show, comma-separated, in any case (lsipc''s names too: ID, ATTACH, DETACH, USER); +COLUMNS adds them to the default ones (default: key,shmid,owner,perms,size,nattch,status,cpid,lpid,ctime,rss; with --posix: name,owner,perms,size,allocated,status,mtime,holders; with --memfd: name,inode,owner,size,allocated,seals,holders)'
            cand --time-format 'How times are shown in the table and with --export (raw rows and JSON keep Unix seconds)'
            cand --owner 'Only segments owned by this user (name or uid)'
            cand --key 'Only the segment with this key (0x1234 or decimal)'
            cand --min-size 'Only segments of at least this size (4096, 64K, 1M, 2GiB)'
            cand --sort 'Sort by this column, any of --output''s (default: the kernel''s order, as ipcs)'
            cand -w 'Refresh every DURATION (at least 100ms) until Ctrl-C, marking segments that appeared (+), vanished (-) or changed nattch (~); on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time'
            cand --watch 'Refresh every DURATION (at least 100ms) until Ctrl-C, marking segments that appeared (+), vanished (-) or changed nattch (~); on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time'
            cand --format 'Output format; openmetrics prints what `shmctl-rs metrics` prints, for these segments'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --output-all 'Show every column that needs nothing but /proc (not app, processes, namespace)'
            cand -c 'Show who created and who owns each segment: creator''s and owner''s names, the creator''s pid and command line (ipcs -m -c)'
            cand --creator 'Show who created and who owns each segment: creator''s and owner''s names, the creator''s pid and command line (ipcs -m -c)'
            cand -t 'Show attach, detach and change times (ipcs -m -t)'
            cand --time 'Show attach, detach and change times (ipcs -m -t)'
            cand --app 'Add the app column: the application each segment belongs to, as far as can be proved (see APPLICATIONS in the man page)'
            cand -J 'Print JSON (field names are stable; see the man page)'
            cand --json 'Print JSON (field names are stable; see the man page)'
            cand --raw 'Print tab-separated values without headings, exact numbers and Unix times'
            cand -b 'Print sizes in bytes instead of KiB, MiB, ...'
            cand --bytes 'Print sizes in bytes instead of KiB, MiB, ...'
            cand --noheadings 'Print the table without its heading row'
            cand --notruncate 'Do not fit the table to the terminal: every column, one line per segment, however wide. Without it a table wider than the terminal never wraps a cell: it cuts free text (command, processes) and leaves out the least needed columns (lpid and the times first; key and shmid never; none of those named with -o), and says on stderr which it left out'
            cand -P 'Print permissions in octal (640) instead of rw-r-----'
            cand --numeric-perms 'Print permissions in octal (640) instead of rw-r-----'
            cand -e 'Print NAME="value" pairs, a line per segment, as lsipc -e: safe to eval, with ", \, `, $ and bytes that are not printable ASCII written as \xHH'
            cand --export 'Print NAME="value" pairs, a line per segment, as lsipc -e: safe to eval, with ", \, `, $ and bytes that are not printable ASCII written as \xHH'
            cand -n 'Print each NAME="value" pair on a line of its own (lsipc -n)'
            cand --newline 'Print each NAME="value" pair on a line of its own (lsipc -n)'
            cand --attached 'Only segments some process has attached (nattch > 0)'
            cand --unattached 'Only segments no process has attached (nattch = 0)'
            cand -r 'Reverse the order'
            cand --reverse 'Reverse the order'
            cand -p 'Add the processes that have each segment mapped (pid, command, count, ro); the creator''s and last user''s pids (ipcs -m -p) are default columns'
            cand --pids 'Add the processes that have each segment mapped (pid, command, count, ro); the creator''s and last user''s pids (ipcs -m -p) are default columns'
            cand --orphans 'Only orphans: nobody attached and the creating process is known to be gone (one that cannot be seen from here, in another PID namespace or hidden by hidepid=, is not called gone)'
            cand --include-unknown 'With --orphans, also segments nobody has attached whose creator cannot be seen: it may still run and come back to them. With --posix, call unheld what no process seen here holds although processes may be hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as a container''s own'
            cand -A 'Every IPC namespace on the host (containers too), with a namespace column'
            cand --all-namespaces 'Every IPC namespace on the host (containers too), with a namespace column'
            cand --posix 'POSIX shared-memory objects instead of segments: the files of /dev/shm (not POSIX semaphores, the 32-byte sem.* files of sem_open) and objects unlinked but still held (deleted), each with the processes that map it or hold it open'
            cand --memfd 'memfds instead of segments (with --posix: as well): every memfd some process maps or holds open, by inode, with its seals and holders'
            cand --unheld 'With --posix: only objects no process maps or holds open (refused while some process''s maps or fds cannot be read, or processes may be hidden from here: see --include-unknown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'shmctl-rs;info'= {
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;create'= {
            cand -s 'Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)'
            cand --size 'Size of the segment: 4096, 64K, 1M, 2GiB (K, M, G are powers of 1024; KB, MB of 1000)'
            cand -k 'The key: 0x1234, or decimal (a negative one as /proc prints keys from 0x80000000)'
            cand --key 'The key: 0x1234, or decimal (a negative one as /proc prints keys from 0x80000000)'
            cand --ftok 'Derive the key with ftok(PATH, PROJ) as C programs do; PROJ defaults to 65 (''A'')'
            cand -m 'Permission bits in octal (ipcmk''s default is 0644)'
            cand --mode 'Permission bits in octal (ipcmk''s default is 0644)'
            cand --posix 'A POSIX object instead: shm_open(NAME, O_CREAT|O_EXCL) and ftruncate to --size, in /dev/shm (that of the --ns process); --mode is set exactly (no umask)'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --private 'No key (IPC_PRIVATE): reachable only by shmid. Without --key, --ftok or --private an unused key is picked at random, as ipcmk does'
            cand --hugetlb 'Back the segment with huge pages (SHM_HUGETLB)'
            cand --noreserve 'Do not reserve swap space for it (SHM_NORESERVE)'
            cand --json 'Print JSON'
            cand -q 'Print only the new shmid (or the object''s name)'
            cand --quiet 'Print only the new shmid (or the object''s name)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;attach'= {
            cand -t 'Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal'
            cand --timeout 'Detach and exit after this long (10s, 500ms, 2m) instead of waiting for a signal'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -r 'Attach read-only (SHM_RDONLY)'
            cand --readonly 'Attach read-only (SHM_RDONLY)'
            cand -f 'Attach even if the segment is marked for destruction'
            cand --force 'Attach even if the segment is marked for destruction'
            cand --json 'Print the attachment as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;rm'= {
            cand -k 'A key to remove (0x1234 or decimal); may be repeated'
            cand --key 'A key to remove (0x1234 or decimal); may be repeated'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --orphans 'Remove every orphan the caller may remove (as --all: others'' are left alone): nobody attached and the creating process is known to be gone'
            cand --posix 'With --unheld: POSIX objects'
            cand --unheld 'With --posix: remove every POSIX object no process maps or holds open (refused while some process''s maps or fds cannot be read, or processes may be hidden from here: see --include-unknown)'
            cand --include-unknown 'With --orphans, also remove segments nobody has attached whose creator cannot be seen from here (another PID namespace, hidepid=): it may still run and need them. With --unheld (or /NAME), take what no process seen here holds for unheld although processes may be hidden: for a /dev/shm none of them can reach, as a container''s own'
            cand -a 'Remove every segment of this IPC namespace that the caller may remove (ipcrm -a shm); try it with --dry-run first'
            cand --all 'Remove every segment of this IPC namespace that the caller may remove (ipcrm -a shm); try it with --dry-run first'
            cand -n 'Say what would be removed, remove nothing'
            cand --dry-run 'Say what would be removed, remove nothing'
            cand --json 'Print the results as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;chmod'= {
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;chown'= {
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;limits'= {
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --json 'Print JSON'
            cand -b 'Print sizes in bytes instead of KiB, MiB, ...'
            cand --bytes 'Print sizes in bytes instead of KiB, MiB, ...'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;metrics'= {
            cand --textfile 'Write the metrics to PATH in one step (a temporary file in its directory, renamed over it) for node_exporter''s textfile collector, which reads *.prom files; PATH is a regular file or none yet (a link, a device or a FIFO there is refused)'
            cand --listen 'Serve GET /metrics over HTTP until Ctrl-C or SIGTERM, gathering on every scrape; PORT alone listens on 127.0.0.1 (port 0 picks a free one; the address is said on stderr)'
            cand --max-scrapes 'With --listen: at most N scrapes at once; more are answered 503 at once'
            cand --format 'The text format [default: openmetrics on stdout, text with --textfile]; with --listen the scraper''s Accept header chooses'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --aggregate 'Only totals per owner and per namespace, no per-segment series (every new shmid is a new series: on busy hosts they pile up)'
            cand -A 'Every IPC namespace on the host (containers too), each series with a namespace label'
            cand --all-namespaces 'Every IPC namespace on the host (containers too), each series with a namespace label'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'shmctl-rs;status'= {
            cand --ftok 'The ring''s key as ftok(PATH, PROJ)'
            cand -w 'Refresh every DURATION (at least 100ms) until Ctrl-C; on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time'
            cand --watch 'Refresh every DURATION (at least 100ms) until Ctrl-C; on a terminal each refresh clears the screen, to a pipe or a file each starts with a `---` line with the time'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;top'= {
            cand -d 'Refresh every DURATION (at least 100ms)'
            cand --interval 'Refresh every DURATION (at least 100ms)'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -A 'Every IPC namespace on the host (containers too), and every mount namespace''s /dev/shm, with a namespace column'
            cand --all-namespaces 'Every IPC namespace on the host (containers too), and every mount namespace''s /dev/shm, with a namespace column'
            cand --include-unknown 'Call unheld a POSIX object no process seen here holds although processes may be hidden (another PID namespace, hidepid=): for a /dev/shm none of them can reach, as a container''s own'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;ring'= {
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand produce 'Produce items into the ring (the document''s producer, without its defects)'
            cand consume 'Consume items from the ring (the document''s consumer, without its defects)'
            cand repair 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
            cand bench 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'shmctl-rs;ring;produce'= {
            cand -k 'The ring''s key (0x1234 or decimal)'
            cand --key 'The ring''s key (0x1234 or decimal)'
            cand --ftok 'The ring''s key as ftok(PATH, PROJ) [default: /tmp:65]'
            cand --id 'The ring''s shmid'
            cand -n 'Number of items; 0 runs until Ctrl-C'
            cand --count 'Number of items; 0 runs until Ctrl-C'
            cand --spin 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]'
            cand -i 'Pause after each item (0, 250us, 10ms)'
            cand --interval 'Pause after each item (0, 250us, 10ms)'
            cand -m 'Permission bits of a ring this creates'
            cand --mode 'Permission bits of a ring this creates'
            cand -c 'Slots of a ring this creates, a power of two (the document''s: 1024); a ring that exists already keeps its own, which every other command reads from its size'
            cand --capacity 'Slots of a ring this creates, a power of two (the document''s: 1024); a ring that exists already keeps its own, which every other command reads from its size'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -q 'Print only the summary'
            cand --quiet 'Print only the summary'
            cand --json 'Print the summary as JSON (implies --quiet)'
            cand -b 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
            cand --batch 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;ring;consume'= {
            cand -k 'The ring''s key (0x1234 or decimal)'
            cand --key 'The ring''s key (0x1234 or decimal)'
            cand --ftok 'The ring''s key as ftok(PATH, PROJ) [default: /tmp:65]'
            cand --id 'The ring''s shmid'
            cand -n 'Number of items; 0 runs until Ctrl-C'
            cand --count 'Number of items; 0 runs until Ctrl-C'
            cand --spin 'How long a waiting end polls for the other end before it sleeps in the kernel (20us..1ms for round trips under a microsecond, at the cost of a CPU kept busy meanwhile) [default: a few attempts, a microsecond or two]'
            cand -i 'Pause after each item (0, 250us, 15ms)'
            cand --interval 'Pause after each item (0, 250us, 15ms)'
            cand -t 'Give up after waiting this long for the ring to appear or for the next item'
            cand --timeout 'Give up after waiting this long for the ring to appear or for the next item'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -q 'Print only the summary'
            cand --quiet 'Print only the summary'
            cand --json 'Print the summary as JSON (implies --quiet)'
            cand -b 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
            cand --batch 'Move up to half the ring per semaphore operation (one compare-and-swap on the semaphore word); still interoperates with a peer that goes one item at a time. --interval then applies between batches. A consumer that prints each item still frees each one only once its line is written, one at a time'
            cand --verify 'Check that values are consecutive squares i*i (32-bit wrapping); exit 7 on a gap'
            cand --remove-when-done 'Remove the ring''s segment after consuming all items'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;ring;repair'= {
            cand --ftok 'The ring''s key as ftok(PATH, PROJ)'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand -n 'Say what a repair would change, and change nothing'
            cand --dry-run 'Say what a repair would change, and change nothing'
            cand -f 'Repair although other processes are attached: only when none of them moves items (a monitor, an `attach`), since a C peer of the document takes no lock and would race with the repair. A running producer or consumer of this tool still refuses it'
            cand --force 'Repair although other processes are attached: only when none of them moves items (a monitor, an `attach`), since a C peer of the document takes no lock and would race with the repair. A running producer or consumer of this tool still refuses it'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'shmctl-rs;ring;bench'= {
            cand -t 'Transports to measure, comma-separated [default: all]'
            cand --transport 'Transports to measure, comma-separated [default: all]'
            cand -c 'Capacities of the shared-memory rings, comma-separated powers of two'
            cand --capacity 'Capacities of the shared-memory rings, comma-separated powers of two'
            cand -w 'Items per write of pipe-batch and unix-batch, comma-separated'
            cand --write-items 'Items per write of pipe-batch and unix-batch, comma-separated'
            cand -n 'Items per run [default: about one second''s worth per transport]'
            cand --count 'Items per run [default: about one second''s worth per transport]'
            cand -r 'Rounds; each runs every transport once, the median and the spread are reported'
            cand --repeat 'Rounds; each runs every transport once, the median and the spread are reported'
            cand --pin 'Pin the producer and the consumer to these CPUs, e.g. 0,1'
            cand --latency 'Also measure the round trip of one item (median and p99), this many times'
            cand --spin 'How long a waiting ring end polls before it sleeps in the kernel, in every run [default: a few attempts; the latency test also runs the ring with 100us]'
            cand --svg 'Also draw the results (items/s and round trips) as an SVG chart into FILE'
            cand --ns 'Work in another IPC namespace: a process''s (its pid) or an ipc namespace file; with a pid, POSIX objects are those of its mount namespace''s /dev/shm (through /proc/PID/root)'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'shmctl-rs;ring;help'= {
            cand produce 'Produce items into the ring (the document''s producer, without its defects)'
            cand consume 'Consume items from the ring (the document''s consumer, without its defects)'
            cand repair 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
            cand bench 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'shmctl-rs;ring;help;produce'= {
        }
        &'shmctl-rs;ring;help;consume'= {
        }
        &'shmctl-rs;ring;help;repair'= {
        }
        &'shmctl-rs;ring;help;bench'= {
        }
        &'shmctl-rs;ring;help;help'= {
        }
        &'shmctl-rs;help'= {
            cand ls 'List segments (like ipcs -m and lsipc -m, with more columns)'
            cand info 'Show everything known about one segment, POSIX object or memfd'
            cand create 'Create a segment (shmget with IPC_CREAT|IPC_EXCL; never reuses an existing key), or a POSIX object (--posix)'
            cand attach 'Attach to a segment and hold it until Ctrl-C, SIGTERM or a timeout'
            cand rm 'Remove segments (IPC_RMID), by id or key, and POSIX objects (shm_unlink), by name; an attached segment is marked for destruction, a held object lives on until let go'
            cand chmod 'Change a segment''s permission bits (IPC_SET)'
            cand chown 'Change a segment''s owner and group (IPC_SET)'
            cand limits 'Show the kernel''s shared-memory limits and how much is in use'
            cand metrics 'Prometheus metrics of the segments and limits: printed, written for node_exporter''s textfile collector, or served over HTTP'
            cand status 'Decode a producer/consumer ring: indices, semaphores, fill level and consistency'
            cand top 'A live view of every shared-memory object, refreshed in place: sort, filter, details, removal'
            cand ring 'Run the shared-memory producer/consumer ring'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'shmctl-rs;help;ls'= {
        }
        &'shmctl-rs;help;info'= {
        }
        &'shmctl-rs;help;create'= {
        }
        &'shmctl-rs;help;attach'= {
        }
        &'shmctl-rs;help;rm'= {
        }
        &'shmctl-rs;help;chmod'= {
        }
        &'shmctl-rs;help;chown'= {
        }
        &'shmctl-rs;help;limits'= {
        }
        &'shmctl-rs;help;metrics'= {
        }
        &'shmctl-rs;help;status'= {
        }
        &'shmctl-rs;help;top'= {
        }
        &'shmctl-rs;help;ring'= {
            cand produce 'Produce items into the ring (the document''s producer, without its defects)'
            cand consume 'Consume items from the ring (the document''s consumer, without its defects)'
            cand repair 'Give back the slots that killed producers or consumers left in flight: set the semaphores, count and waiter counts from head and tail, while no end runs'
            cand bench 'Measure the ring against pipes and Unix sockets, side by side, between two processes'
        }
        &'shmctl-rs;help;ring;produce'= {
        }
        &'shmctl-rs;help;ring;consume'= {
        }
        &'shmctl-rs;help;ring;repair'= {
        }
        &'shmctl-rs;help;ring;bench'= {
        }
        &'shmctl-rs;help;help'= {
        }
    ]
    $completions[$command]
}
