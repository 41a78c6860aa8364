//! `chmod` and `chown`: what the segment was left with.

use super::cell::printable;
use super::{Render, View};
use crate::model::OwnerAndMode;
use crate::units;
use std::io::{self, Write};

impl Render for OwnerAndMode {
    fn table(&self, _view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "segment {}: owner {}:{}, perms {:o} ({})",
            self.shmid,
            printable(&self.owner),
            printable(&self.group),
            self.mode,
            units::mode_string(self.mode)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, to_string};
    use crate::sys::shm::ShmId;

    #[test]
    fn owner_group_and_mode() {
        let o = OwnerAndMode {
            shmid: ShmId(3),
            owner: "nobody".into(),
            group: "100000".into(),
            mode: 0o640,
        };
        assert_eq!(
            to_string(Format::Table, &o, &View::at(0)),
            "segment 3: owner nobody:100000, perms 640 (rw-r-----)\n"
        );
        // Names come from NSS (LDAP, a planted passwd line): never raw to a terminal.
        let hostile = OwnerAndMode {
            owner: "ev\u{1b}]0;pwned\u{7}il".into(),
            group: "g\u{202e}x".into(),
            ..o
        };
        assert_eq!(
            to_string(Format::Table, &hostile, &View::at(0)),
            "segment 3: owner ev\\x1b]0;pwned\\x07il:g\\xe2\\x80\\xaex, perms 640 (rw-r-----)\n"
        );
    }
}
