//! `rm`: one line per segment removed, marked or that would be, and a total for orphans.

use super::{Render, View, plural};
use crate::model::{Action, Outcome, RmReport};
use crate::units;
use std::io::{self, Write};

/// The sentence for one outcome (a failure says its error).
pub fn describe(o: &Outcome) -> String {
    if let Some(removed) = &o.object {
        return super::posix::describe_removal(o, removed);
    }
    let id = o.shmid.map(|i| i.to_string()).unwrap_or_default();
    let key = o.key.map(|k| k.to_string()).unwrap_or_default();
    let size = o.size.map(units::human_size).unwrap_or_default();
    let held = o
        .nattch
        .map(|n| plural(n, "attachment", "attachments"))
        .unwrap_or_default();
    match o.action {
        Action::Removed => format!("removed shmid {id} (key {key}, {size})"),
        Action::WouldRemove => format!("would remove shmid {id} (key {key}, {size})"),
        Action::Marked => format!(
            "marked shmid {id} (key {key}, {size}) for destruction: {held} left, freed when the last is detached"
        ),
        Action::WouldMark => format!(
            "would mark shmid {id} (key {key}, {size}) for destruction: {held} left, freed when the last is detached"
        ),
        Action::WouldFail => format!(
            "would fail: shmid {id} (key {key}, {size}): {}",
            o.error.as_deref().unwrap_or("permission denied")
        ),
        Action::Failed => o.error.clone().unwrap_or_default(),
    }
}

/// Unattached segments left alone because nobody can tell whether their creator runs.
pub fn unknown_creators_note(ids: &[crate::sys::shm::ShmId]) -> String {
    let shown: Vec<String> = ids.iter().take(8).map(|i| i.to_string()).collect();
    format!(
        "{} nobody has attached {} a creator that cannot be seen from here (another PID namespace, hidepid= or permissions): not orphans, left alone (shmid {}{}); --include-unknown takes {} too",
        plural(ids.len() as u64, "segment", "segments"),
        if ids.len() == 1 { "has" } else { "have" },
        shown.join(", "),
        if ids.len() > 8 { ", ..." } else { "" },
        if ids.len() == 1 { "it" } else { "them" },
    )
}

impl Render for RmReport {
    /// What was done, or would be; failures are not here (they were said on stderr as
    /// they happened).
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        for o in self.results.iter().filter(|o| o.action != Action::Failed) {
            writeln!(out, "{}", describe(o))?;
        }
        if self.orphans || self.unheld {
            let done = self.results.iter().filter(|o| o.action.succeeded()).count() as u64;
            writeln!(
                out,
                "{} {}, {} freed",
                if self.dry_run {
                    "would remove"
                } else {
                    "removed"
                },
                if self.unheld {
                    plural(done, "unheld POSIX object", "unheld POSIX objects")
                } else {
                    plural(done, "orphaned segment", "orphaned segments")
                },
                units::human_size(self.freed_bytes)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, to_string};
    use crate::sys::shm::{Key, ShmId};

    fn outcome(id: i32, nattch: u64, action: Action) -> Outcome {
        Outcome {
            target: id.to_string(),
            shmid: Some(ShmId(id)),
            key: Some(Key(0x1234)),
            size: Some(65536),
            nattch: Some(nattch),
            action,
            error: None,
            object: None,
        }
    }

    #[test]
    fn each_outcome_has_its_sentence() {
        let report = RmReport {
            dry_run: false,
            results: vec![
                outcome(1, 0, Action::Removed),
                outcome(2, 2, Action::Marked),
                Outcome {
                    error: Some("segment 9: no such segment".into()),
                    ..outcome(9, 0, Action::Failed)
                },
            ],
            freed_bytes: 65536,
            orphans: true,
            unheld: false,
        };
        let text = to_string(Format::Table, &report, &View::at(0));
        assert_eq!(
            text,
            "removed shmid 1 (key 0x00001234, 64 KiB)\n\
             marked shmid 2 (key 0x00001234, 64 KiB) for destruction: 2 attachments left, freed when the last is detached\n\
             removed 2 orphaned segments, 64 KiB freed\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &report, &View::at(0))).unwrap();
        assert_eq!(json["results"][2]["action"], "failed");
        assert_eq!(json["freed_bytes"], 65536);
        assert!(json.get("orphans").is_none());
        assert_eq!(
            unknown_creators_note(&[ShmId(5), ShmId(7)]),
            "2 segments nobody has attached have a creator that cannot be seen from here (another PID namespace, hidepid= or permissions): not orphans, left alone (shmid 5, 7); --include-unknown takes them too"
        );
        assert_eq!(
            describe(&outcome(3, 1, Action::WouldMark)),
            "would mark shmid 3 (key 0x00001234, 64 KiB) for destruction: 1 attachment left, freed when the last is detached"
        );
    }
}
