//! `status`: a ring's header decoded, its fill level and what is wrong with it.

use super::table::write_pairs;
use super::{Render, View, plural};
use crate::model::Liveness;
use crate::model::header::HeaderRead;
use crate::model::ring::RingStatus;
use crate::units;
use std::io::{self, Write};

/// `[####....]`: `filled` of `capacity` slots in `width` characters, rounded up.
pub fn bar(filled: u32, capacity: usize, width: usize) -> String {
    let n = (filled as usize * width)
        .div_ceil(capacity.max(1))
        .min(width);
    format!("[{}{}]", "#".repeat(n), ".".repeat(width - n))
}

impl Render for RingStatus {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        let s = self;
        let pid = |p: i32, state: Option<Liveness>| match state {
            _ if p <= 0 => "-".to_string(),
            Some(state) => format!("{p} ({})", state.name()),
            None => p.to_string(),
        };
        let opt = |v: Option<i32>| v.map_or("-".to_string(), |v| v.to_string());
        let optu = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
        let shared = |pshared: Option<bool>| {
            if pshared == Some(true) {
                ""
            } else {
                "; not process-shared"
            }
        };
        let mut pairs = vec![
            (
                "ring",
                format!(
                    "shmid {}, key {}, {} ({} bytes), perms {}, owner {}",
                    s.shmid,
                    s.key,
                    units::human_size(s.size),
                    s.size,
                    s.perms,
                    s.owner
                ),
            ),
            ("attached", plural(s.nattch, "attachment", "attachments")),
            ("creator", pid(s.cpid, s.cpid_state)),
            (
                "last pid",
                if s.lpid_is_status {
                    format!(
                        "{} (this status command's own attach; before it: {})",
                        s.lpid,
                        s.lpid_before_status
                            .map_or("-".to_string(), |p| if p > 0 { p.to_string() } else { "none".into() })
                    )
                } else {
                    pid(s.lpid, s.lpid_state)
                },
            ),
            (
                "read",
                match s.header_read {
                    HeaderRead::MapFiles => {
                        "through a process that maps it (/proc/PID/map_files): nothing changed".to_string()
                    }
                    HeaderRead::Attach => {
                        "with a read-only attach, which the kernel records (lpid and atime now, dtime when this command ends)".to_string()
                    }
                },
            ),
            ("changed", units::local_time(s.ctime)),
            ("state", s.state.name().to_string()),
        ];
        if s.head.is_some() {
            pairs.push(("head", opt(s.head)));
            pairs.push(("tail", opt(s.tail)));
            pairs.push(("count", opt(s.count)));
            pairs.push((
                "free slots",
                format!(
                    "{} (sem_producer; {} waiting{})",
                    optu(s.free_slots),
                    optu(s.producer_waiters),
                    shared(s.producer_pshared)
                ),
            ));
            pairs.push((
                "filled slots",
                format!(
                    "{} (sem_consumer; {} waiting{})",
                    optu(s.filled_slots),
                    optu(s.consumer_waiters),
                    shared(s.consumer_pshared)
                ),
            ));
            if let Some(f) = s.in_flight {
                pairs.push(("in flight", f.to_string()));
            }
            if let (Some(filled), Some(p)) = (s.filled_slots, s.fill_percent) {
                pairs.push((
                    "fill",
                    format!(
                        "{} {filled}/{} ({p:.1}%)",
                        bar(filled, s.capacity, 32),
                        s.capacity
                    ),
                ));
            }
        }
        write_pairs(out, &pairs)?;
        for p in &s.problems {
            writeln!(out, "problem: {p}")?;
        }
        for w in &s.warnings {
            writeln!(out, "warning: {w}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ring::State;
    use crate::render::fixtures::NOW;
    use crate::render::{Format, to_string};
    use crate::sys::shm::{Key, ShmId};

    pub fn status() -> RingStatus {
        RingStatus {
            shmid: ShmId(2),
            key: Key(0x4100_c4a7),
            key_hex: "0x4100c4a7".into(),
            size: 4176,
            perms: "600".into(),
            owner: "root".into(),
            nattch: 0,
            cpid: 10994,
            cpid_alive: false,
            cpid_state: Some(Liveness::Zombie),
            lpid: 0,
            lpid_alive: false,
            lpid_state: None,
            lpid_is_status: false,
            lpid_before_status: None,
            header_read: HeaderRead::MapFiles,
            atime: None,
            dtime: None,
            ctime: Some(NOW),
            capacity: 1024,
            state: State::Consistent,
            head: Some(300),
            tail: Some(0),
            count: Some(300),
            free_slots: Some(724),
            filled_slots: Some(300),
            in_flight: Some(0),
            producer_waiters: Some(0),
            consumer_waiters: Some(1),
            producer_pshared: Some(true),
            consumer_pshared: Some(false),
            fill_percent: Some(29.296875),
            problems: vec![],
            warnings: vec!["sem_consumer has 1 waiter(s)".into()],
        }
    }

    #[test]
    fn a_ring_in_every_line() {
        let text = to_string(Format::Table, &status(), &View::at(NOW));
        for line in [
            "ring          shmid 2, key 0x4100c4a7, 4.1 KiB (4176 bytes), perms 600, owner root",
            "attached      0 attachments",
            "creator       10994 (zombie)",
            "last pid      -",
            "state         consistent",
            "head          300",
            "free slots    724 (sem_producer; 0 waiting)",
            "filled slots  300 (sem_consumer; 1 waiting; not process-shared)",
            "in flight     0",
            "fill          [##########......................] 300/1024 (29.3%)",
            "warning: sem_consumer has 1 waiter(s)",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
        }
    }

    #[test]
    fn its_own_attach_is_not_presented_as_the_rings_last_user() {
        let mut s = status();
        s.lpid = 4242;
        s.lpid_alive = true;
        s.lpid_is_status = true;
        s.lpid_before_status = Some(10994);
        s.header_read = HeaderRead::Attach;
        let text = to_string(Format::Table, &s, &View::at(NOW));
        assert!(
            text.contains(
                "last pid      4242 (this status command's own attach; before it: 10994)"
            ),
            "{text}"
        );
        assert!(
            text.contains("read          with a read-only attach"),
            "{text}"
        );
        s.lpid_before_status = Some(0);
        let text = to_string(Format::Table, &s, &View::at(NOW));
        assert!(text.contains("before it: none)"), "{text}");
    }

    #[test]
    fn a_segment_of_the_wrong_size_shows_no_header_fields() {
        let mut s = status();
        s.state = State::WrongSize;
        s.head = None;
        s.problems = vec!["100 bytes is not the size of a ring".into()];
        let text = to_string(Format::Table, &s, &View::at(NOW));
        assert!(!text.contains("head"), "{text}");
        assert!(
            text.contains("state     wrong-size\nproblem: 100 bytes is not"),
            "{text}"
        );
    }

    #[test]
    fn the_bar_rounds_up_and_stays_in_bounds() {
        assert_eq!(bar(0, 1024, 4), "[....]");
        assert_eq!(bar(1, 1024, 4), "[#...]");
        assert_eq!(bar(1024, 1024, 4), "[####]");
        assert_eq!(bar(5000, 1024, 4), "[####]");
    }
}
