//! `ring repair`: each header field before and after, and what the repair gave back.

use super::table::Grid;
use super::{Render, View};
use crate::model::ring::RepairReport;
use std::io::{self, Write};

/// The headline: what happened to which ring.
pub fn headline(r: &RepairReport) -> String {
    let what = match (r.dry_run, r.changed) {
        (_, false) => "nothing to repair".to_string(),
        (true, true) => "a repair would change it (dry run: nothing was written)".to_string(),
        (false, true) => "repaired".to_string(),
    };
    format!(
        "segment {} (key {}, capacity {}): {}, {} -> {}{}",
        r.shmid,
        r.key,
        r.capacity,
        what,
        r.state_before.name(),
        r.state_after.name(),
        if r.forced {
            format!(", forced with {} other process(es) attached", r.attached)
        } else {
            String::new()
        }
    )
}

pub fn fields_grid(r: &RepairReport) -> Grid {
    Grid {
        headings: ["FIELD", "BEFORE", "AFTER", ""].map(String::from).to_vec(),
        right: vec![false, true, true, false],
        rows: r
            .fields
            .iter()
            .map(|f| {
                vec![
                    f.field.to_string(),
                    f.before.to_string(),
                    f.after.to_string(),
                    if f.before == f.after {
                        String::new()
                    } else {
                        "changed".into()
                    },
                ]
            })
            .collect(),
    }
}

impl Render for RepairReport {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", headline(self))?;
        for p in &self.problems_before {
            writeln!(out, "was: {p}")?;
        }
        fields_grid(self).write_table(out, view.width)?;
        if self.changed {
            writeln!(
                out,
                "{} item(s) between tail and head offered again, {} slot(s) freed, {} permit(s) withdrawn",
                self.items_offered_again, self.slots_freed, self.permits_withdrawn
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ring::{FieldRepair, State};
    use crate::render::{Format, to_string};
    use crate::sys::shm::{Key, ShmId};

    #[test]
    fn every_field_before_and_after() {
        let row = |field, before, after| FieldRepair {
            field,
            before,
            after,
        };
        let report = RepairReport {
            shmid: ShmId(7),
            key: Key(0x99),
            key_hex: "0x00000099".into(),
            capacity: 1024,
            dry_run: false,
            forced: false,
            attached: 0,
            state_before: State::Inconsistent,
            problems_before: vec!["256 of 1024 slots are neither free nor filled".into()],
            fields: vec![
                row("head", 300, 300),
                row("filled", 44, 300),
                row("consumer_waiters", 1, 0),
            ],
            changed: true,
            items_offered_again: 256,
            slots_freed: 0,
            permits_withdrawn: 0,
            state_after: State::Consistent,
        };
        let text = to_string(Format::Table, &report, &View::at(0));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "segment 7 (key 0x00000099, capacity 1024): repaired, inconsistent -> consistent"
        );
        assert_eq!(
            lines[1],
            "was: 256 of 1024 slots are neither free nor filled"
        );
        assert!(
            text.contains("filled                44    300  changed"),
            "{text}"
        );
        assert!(lines.contains(&"head                 300    300"), "{text}");
        assert!(text.ends_with("256 item(s) between tail and head offered again, 0 slot(s) freed, 0 permit(s) withdrawn\n"));
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &report, &View::at(0))).unwrap();
        assert_eq!(json["fields"][1]["after"], 300);
        assert_eq!(json["state_after"], "consistent");
    }
}
