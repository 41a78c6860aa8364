//! `attach`: the mapping held, then its end.

use super::{Render, View};
use crate::model::{Attached, Detached};
use crate::units;
use std::io::{self, Write};

impl Render for Attached {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        let until = match self.timeout {
            Some(t) => format!("for {} or until Ctrl-C", units::duration_text(t)),
            None => "until Ctrl-C".to_string(),
        };
        writeln!(
            out,
            "attached shmid {} (key {}) {} at {}, {} ({} bytes); nattch now {}; holding {until}",
            self.shmid,
            self.key,
            if self.readonly {
                "read-only"
            } else {
                "read-write"
            },
            self.address,
            units::human_size(self.size),
            self.size,
            self.nattch
        )
    }
}

impl Render for Detached {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "detached shmid {}", self.shmid)
    }

    /// JSON output is the one document `attach` printed when it attached.
    fn json(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, to_string};
    use crate::sys::shm::{Key, ShmId};
    use std::time::Duration;

    #[test]
    fn the_attachment_and_how_long_it_is_held() {
        let a = Attached {
            shmid: ShmId(4),
            key: Key(0x1234),
            address: "0x7f0000000000".into(),
            size: 4096,
            readonly: true,
            nattch: 2,
            pid: 99,
            timeout: Some(Duration::from_millis(1500)),
        };
        assert_eq!(
            to_string(Format::Table, &a, &View::at(0)),
            "attached shmid 4 (key 0x00001234) read-only at 0x7f0000000000, 4 KiB (4096 bytes); nattch now 2; holding for 1.5s or until Ctrl-C\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &a, &View::at(0))).unwrap();
        assert_eq!(json["pid"], 99);
        assert!(json.get("timeout").is_none());
    }
}
