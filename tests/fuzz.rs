//! Property-based fuzzing of the parsers that read what other programs wrote: the
//! /proc/sysvipc/shm line parser, the /proc/PID/maps parsers (System V mappings, and
//! files that may be POSIX objects or memfds), the fdinfo parser, the names of objects and
//! the ring header decoder.
//! CI runs the default number of cases; `PROPTEST_CASES=200000 cargo test --release --test
//! fuzz` is the longer run.

use proptest::prelude::*;
use shmctl_rs::ids::{self, ObjectRef, PosixName};
use shmctl_rs::model::ring::State;
use shmctl_rs::proc::shmfiles::{self, SharedPath};
use shmctl_rs::proc::{fds, maps, sysvipc};
use shmctl_rs::ring::health;
use shmctl_rs::ring::layout;
use std::os::unix::ffi::OsStrExt;

/// A line as the kernel prints it (ipc/shm.c), from arbitrary field values.
type Ids = (i32, i32, u32, u64, i32, i32, u64, u32);
type Owners = (u32, u32, u32, i64, i64, i64, u64, u64);

fn kernel_line(a: &Ids, b: &Owners) -> String {
    format!(
        "{:>10} {:>10} {:>5o} {:>21} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10} {:>10} {:>21} {:>21}",
        a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, b.0, b.1, b.2, b.3, b.4, b.5, b.6, b.7
    )
}

proptest! {
    #[test]
    fn sysvipc_lines_never_panic(line in "\\PC{0,200}") {
        let _ = sysvipc::parse_line(&line);
    }

    #[test]
    fn sysvipc_files_never_panic_and_account_for_every_line(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let table = sysvipc::parse(bytes.as_slice()).unwrap();
        let lines = String::from_utf8_lossy(&bytes)
            .split('\n')
            .enumerate()
            .filter(|(i, l)| !(l.trim().is_empty() || *i == 0 && l.trim().starts_with("key")))
            .count();
        prop_assert_eq!(table.records.len() + table.bad_lines.len(), lines);
    }

    #[test]
    fn every_line_the_kernel_can_print_parses_back(
        a in (any::<i32>(), 0..i32::MAX, 0u32..0o7777, any::<u64>(), any::<i32>(), any::<i32>(), any::<u64>(), any::<u32>()),
        b in (any::<u32>(), any::<u32>(), any::<u32>(), 0..i64::MAX, 0..i64::MAX, 0..i64::MAX, any::<u64>(), any::<u64>())
    ) {
        let r = sysvipc::parse_line(&kernel_line(&a, &b)).unwrap();
        prop_assert_eq!(r.key.0, a.0 as u32);
        prop_assert_eq!(r.shmid.0, a.1);
        prop_assert_eq!(r.mode, a.2);
        prop_assert_eq!(r.size, a.3);
        prop_assert_eq!(r.nattch, a.6);
        prop_assert_eq!((r.uid, r.gid, r.cuid, r.cgid), (a.7, b.0, b.1, b.2));
        prop_assert_eq!(r.atime, (b.3 != 0).then_some(b.3));
        prop_assert_eq!((r.rss, r.swap), (Some(b.6), Some(b.7)));
    }

    #[test]
    fn maps_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4000)) {
        let _ = maps::parse(bytes.as_slice());
    }

    #[test]
    fn maps_lines_with_sysv_names_never_panic(prefix in "\\PC{0,60}", hex in "[0-9a-fA-F]{0,10}", suffix in "\\PC{0,30}") {
        let _ = maps::parse_line(&format!("{prefix} /SYSV{hex}{suffix}"));
    }

    #[test]
    fn sysv_mappings_parse_back(start in 0u64..(1 << 46), pages in 1u64..10_000, ro in any::<bool>(), id in 0..i32::MAX, key in any::<u32>()) {
        let line = format!(
            "{:x}-{:x} {}-s 00000000 00:01 {id}                          /SYSV{key:08x} (deleted)",
            start, start + pages * 4096, if ro { "r-" } else { "rw" }
        );
        let m = maps::parse(line.as_bytes());
        prop_assert_eq!(m.len(), 1);
        prop_assert_eq!(m[0].shmid.0, id);
        prop_assert_eq!(m[0].key.0, key);
        prop_assert_eq!(m[0].writable, !ro);
        prop_assert_eq!(m[0].length, pages * 4096);
    }

    #[test]
    fn ring_headers_never_panic_and_consistent_means_sound(
        bytes in proptest::collection::vec(any::<u8>(), 0..(layout::SIZE + 64)),
        nattch in proptest::option::of(0u64..4)
    ) {
        match layout::decode(&bytes) {
            None => prop_assert!(layout::capacity_of(bytes.len()).is_none()),
            Some(h) => {
                let cap = h.capacity;
                prop_assert_eq!(Some(cap as usize), layout::capacity_of(bytes.len()));
                let a = health::assess(&h, nattch);
                prop_assert_eq!(a.problems.is_empty(), a.state == State::Consistent);
                if a.state.joinable() {
                    prop_assert!(a.free + a.filled <= cap);
                    prop_assert!((0..cap as i32).contains(&h.head) && (0..cap as i32).contains(&h.tail));
                    prop_assert!(h.producer.is_shared() && h.consumer.is_shared());
                }
            }
        }
    }

    #[test]
    fn plausible_ring_headers_are_judged_without_panic(
        free in 0u32..1100, filled in 0u32..1100, head in -5i32..1030, tail in -5i32..1030,
        count in any::<i32>(), waiters in 0u32..3, nattch in proptest::option::of(0u64..4)
    ) {
        let sem = |value| layout::SemWord { value, waiters, flag: layout::PSHARED_SHARED };
        let h = layout::Header { capacity: 1024, producer: sem(free), consumer: sem(filled), head, tail, count };
        let a = health::assess(&h, nattch);
        if free + filled > 1024 || !(0..1024).contains(&head) || !(0..1024).contains(&tail) {
            prop_assert_eq!(a.state, State::Invalid);
        }
        if a.state == State::Consistent {
            prop_assert!(a.in_flight <= 2);
        }
        // A repair of anything shaped like a ring leaves a consistent ring, nobody attached,
        // and never offers more items than lie between tail and head.
        if let Ok(p) = health::plan(&h) {
            let mut after = h;
            after.producer.value = p.free;
            after.consumer.value = p.filled;
            after.count = p.count;
            after.producer.waiters = 0;
            after.consumer.waiters = 0;
            let fixed = health::assess(&after, Some(0));
            prop_assert_eq!(fixed.state, State::Consistent, "{:?} -> {:?}", h, fixed.problems);
            prop_assert!(fixed.warnings.is_empty(), "{:?}", fixed.warnings);
            prop_assert_eq!(p.filled, h.items_between());
        }
    }

    #[test]
    fn file_maps_and_fdinfo_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4000)) {
        let (sysv, files) = shmfiles::parse_maps(bytes.as_slice());
        prop_assert!(sysv.len() + files.len() <= bytes.len() / 5 + 1);
        let _ = fds::parse_fdinfo(bytes.as_slice());
        let _ = shmfiles::classify(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn object_names_never_panic_and_a_name_is_a_file_of_dev_shm(text in "\\PC{0,300}") {
        if let Ok(name) = text.parse::<PosixName>() {
            let file = name.file().as_bytes();
            prop_assert!(!file.is_empty() && !file.contains(&b'/') && file.len() <= 255);
            prop_assert!(file != b"." && file != b"..");
            prop_assert_eq!(ids::unescape(&text[1..]), file);
            if !text.contains('\\') {
                prop_assert_eq!(name.as_str(), text.as_str());
            }
        }
        let _ = text.parse::<ObjectRef>();
    }

    /// Any bytes a file of /dev/shm may be named: kept exactly, shown as text.
    #[test]
    fn a_file_name_of_any_bytes_is_kept_exactly(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(name) = PosixName::from_file(&bytes) {
            prop_assert_eq!(name.file().as_bytes(), bytes.as_slice());
            prop_assert!(!bytes.is_empty() && !bytes.contains(&b'/') && !bytes.contains(&0));
            prop_assert!(bytes.len() <= 255);
            let shown = format!("/{}", ids::escape_bytes(&bytes));
            prop_assert_eq!(name.as_str(), shown.as_str());
            // What is shown reads back as this name and no other.
            let back: PosixName = shown.parse().unwrap();
            prop_assert_eq!(back.file().as_bytes(), bytes.as_slice());
        }
    }

    /// A file mapping as the kernel prints it (fs/proc/task_mmu.c: the fields, then
    /// padding to column 73, then the path), for any name a file of /dev/shm or a memfd
    /// may have (anything but a slash, NUL or newline, which maps escapes).
    #[test]
    fn file_mappings_parse_back(
        start in 0u64..(1 << 46), pages in 1u64..10_000, perms in "[r-][w-][x-][sp]",
        major in 0u64..256, minor in 0u64..4096, inode in any::<u64>(),
        name in "[^/\\x00\n]{1,60}", memfd in any::<bool>(), deleted in any::<bool>()
    ) {
        let path = match (memfd, deleted) {
            (true, _) => format!("/memfd:{name} (deleted)"),
            (false, true) => format!("/dev/shm/{name} (deleted)"),
            (false, false) => format!("/dev/shm/{name}"),
        };
        let head = format!(
            "{:08x}-{:08x} {perms} {:08x} {major:02x}:{minor:02x} {inode} ",
            start, start + pages * 4096, 4096
        );
        let line = format!("{head:<73}{path}\n");
        let (_, files) = shmfiles::parse_maps(line.as_bytes());
        prop_assert_eq!(files.len(), 1, "{}", line);
        let m = &files[0];
        prop_assert_eq!((m.start, m.end, m.inode), (start, start + pages * 4096, inode));
        prop_assert_eq!(m.device, nix::sys::stat::makedev(major, minor));
        prop_assert_eq!(m.writable, perms.as_bytes()[1] == b'w');
        prop_assert_eq!(m.shared, perms.as_bytes()[3] == b's');
        // Shown as every name is (a backslash as \x5c).
        prop_assert_eq!(&m.path, &ids::escape_bytes(path.as_bytes()));
        let name = ids::escape_bytes(name.as_bytes());
        match shmfiles::classify(&m.path) {
            Some(SharedPath::Memfd { name: n }) => prop_assert!(memfd && n == name),
            Some(SharedPath::InShm { name: n, deleted: d }) => {
                prop_assert!(!memfd);
                // A name that itself ends in " (deleted)" reads as deleted: the inode, not
                // the text, tells a linked object from an unlinked one.
                prop_assert!(n == name || (d && !deleted));
            }
            None => prop_assert!(false, "{} not classified", path),
        }
    }
}
