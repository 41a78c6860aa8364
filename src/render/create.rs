//! `create`: the new segment, as a sentence, JSON, or its bare shmid (`--quiet`).

use super::{Render, View};
use crate::model::Created;
use crate::units;
use std::io::{self, Write};

impl Render for Created {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "created shmid {}, key {}{}, {} ({}), perms {:o} ({})",
            self.shmid,
            self.key,
            if self.key_random {
                " (picked at random; --private for none)"
            } else if self.key.is_private() {
                " (IPC_PRIVATE)"
            } else {
                ""
            },
            units::human_size(self.size),
            units::bytes_text(u128::from(self.size)),
            self.mode,
            units::mode_string(self.mode)
        )
    }

    fn raw(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.shmid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, to_string};
    use crate::sys::shm::{Key, ShmId};

    #[test]
    fn sentence_json_and_bare_id() {
        let c = Created {
            shmid: ShmId(7),
            key: Key(0x1234),
            key_hex: "0x00001234".into(),
            key_random: false,
            size: 65536,
            perms: "640".into(),
            mode: 0o640,
        };
        let v = View::at(0);
        assert_eq!(
            to_string(Format::Table, &c, &v),
            "created shmid 7, key 0x00001234, 64 KiB (65536 bytes), perms 640 (rw-r-----)\n"
        );
        assert_eq!(to_string(Format::Raw, &c, &v), "7\n");
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &c, &v)).unwrap();
        assert_eq!(json["perms"], "640");
        assert!(json.get("mode").is_none());
        let random = Created {
            key_random: true,
            size: 1,
            ..c
        };
        assert_eq!(
            to_string(Format::Table, &random, &v),
            "created shmid 7, key 0x00001234 (picked at random; --private for none), 1 B (1 byte), perms 640 (rw-r-----)\n"
        );
    }
}
