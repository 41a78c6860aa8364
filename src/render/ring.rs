//! `ring produce` and `ring consume`: a line per item as it moves, and the run's summary.

use super::{Render, View};
use crate::model::ring::Summary;
use crate::units;
use std::io::{self, Write};

/// The line shown for one item, with the ring's fill level after it (its `count`
/// field): `produced: 81 (10 in the ring)`, `consumed: 81 (3 in the ring)`.
pub fn item_line(producing: bool, value: i32, count_after: i32) -> String {
    let verb = if producing { "produced" } else { "consumed" };
    format!("{verb}: {value} ({count_after} in the ring)")
}

impl Render for Summary {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        let verb = if self.role == "producer" {
            "produced"
        } else {
            "consumed"
        };
        writeln!(
            out,
            "{verb} {} items in {:.3} s ({} items/s), checksum {}{}{}{}",
            self.items,
            self.elapsed_s,
            units::human_count(self.items_per_s),
            self.checksum,
            match self.verified {
                Some(true) => ", verified",
                _ => "",
            },
            if self.interrupted {
                ", interrupted"
            } else {
                ""
            },
            if self.removed {
                format!(", segment {} removed", self.shmid)
            } else {
                String::new()
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, to_string};
    use crate::sys::shm::{Key, ShmId};

    #[test]
    fn a_run_in_one_line() {
        let mut s = Summary::new("consumer", ShmId(3), Key(0x41), true);
        for square in [0, 1, 4, 9] {
            s.record(square);
        }
        s.elapsed_s = 2.0;
        s.items_per_s = 2.0;
        s.removed = true;
        assert_eq!(
            to_string(Format::Table, &s, &View::at(0)),
            "consumed 4 items in 2.000 s (2.0 items/s), checksum 14, verified, segment 3 removed\n"
        );
        s.verified = Some(false);
        s.interrupted = true;
        s.removed = false;
        assert!(to_string(Format::Table, &s, &View::at(0)).ends_with("checksum 14, interrupted\n"));
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &s, &View::at(0))).unwrap();
        assert_eq!(
            (json["first"].as_i64(), json["last"].as_i64()),
            (Some(0), Some(9))
        );
        assert_eq!(item_line(true, 81, 10), "produced: 81 (10 in the ring)");
        assert_eq!(item_line(false, 81, 3), "consumed: 81 (3 in the ring)");
    }
}
