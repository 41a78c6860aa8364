//! Whose a segment is, by application: what its header proves (a PostgreSQL server's main
//! segment, the document's ring), or else the command line of the process that made it.

use super::header::HeaderRead;
use super::ring::State;
use serde::Serialize;

/// Whether a process a segment names still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    Running,
    Gone,
}

impl Presence {
    pub fn name(self) -> &'static str {
        match self {
            Presence::Running => "running",
            Presence::Gone => "gone",
        }
    }
}

/// An application a segment belongs to, and what proves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum App {
    /// A PostgreSQL server's main segment: its header carries `PGShmemMagic`, the
    /// segment's size, and the device and inode of the data directory.
    Postgresql {
        /// The data directory, when one was found whose device and inode are the
        /// header's; null when none could be found (no process left to ask).
        data_directory: Option<String>,
        /// `major:minor` and inode of the data directory, as the header states them.
        device: String,
        inode: u64,
        /// The postmaster, as the header names it (`creatorPID`).
        postmaster_pid: i32,
        postmaster: Presence,
        /// `postmaster.pid` in the data directory names this segment's key and shmid
        /// (null when the data directory was not found).
        pid_file_names_it: Option<bool>,
        read: HeaderRead,
    },
    /// The document's producer/consumer ring: a ring's size and a valid header.
    Ring {
        state: State,
        filled: Option<u32>,
        capacity: usize,
        read: HeaderRead,
    },
    /// Nothing in the segment says whose it is; its creator still runs this command line.
    Command { command: String },
}

impl App {
    /// A short name for a metric's label: `postgresql`, `ring`, or the name of the
    /// creator's program (its command line's first word, without its directory).
    pub fn label(&self) -> String {
        match self {
            App::Postgresql { .. } => "postgresql".into(),
            App::Ring { .. } => "ring".into(),
            App::Command { command } => {
                let program = command.split_whitespace().next().unwrap_or_default();
                program.rsplit('/').next().unwrap_or(program).to_string()
            }
        }
    }

    /// `postgresql (data directory /srv/pg, postmaster PID 42 running)`,
    /// `ring (consistent, 300/1024 filled)`, or the creator's command line.
    pub fn text(&self) -> String {
        match self {
            App::Postgresql {
                data_directory,
                device,
                inode,
                postmaster_pid,
                postmaster,
                pid_file_names_it,
                ..
            } => {
                let dir = match (data_directory, pid_file_names_it) {
                    (Some(d), Some(false)) => {
                        format!("data directory {d}, whose postmaster.pid names another segment")
                    }
                    (Some(d), _) => format!("data directory {d}"),
                    (None, _) => {
                        format!("data directory not found (device {device}, inode {inode})")
                    }
                };
                format!(
                    "postgresql ({dir}, postmaster PID {postmaster_pid} {})",
                    postmaster.name()
                )
            }
            App::Ring {
                state,
                filled,
                capacity,
                ..
            } => match filled {
                Some(f) => format!("ring ({}, {f}/{capacity} filled)", state.name()),
                None => format!("ring ({})", state.name()),
            },
            App::Command { command } => command.clone(),
        }
    }

    /// How its header was read, when one was.
    pub fn read(&self) -> Option<HeaderRead> {
        match self {
            App::Postgresql { read, .. } | App::Ring { read, .. } => Some(*read),
            App::Command { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_application_says() {
        let pg = App::Postgresql {
            data_directory: Some("/srv/pg/data".into()),
            device: "254:1".into(),
            inode: 1234,
            postmaster_pid: 42,
            postmaster: Presence::Running,
            pid_file_names_it: Some(true),
            read: HeaderRead::MapFiles,
        };
        assert_eq!(
            pg.text(),
            "postgresql (data directory /srv/pg/data, postmaster PID 42 running)"
        );
        let lost = App::Postgresql {
            data_directory: None,
            device: "254:1".into(),
            inode: 1234,
            postmaster_pid: 42,
            postmaster: Presence::Gone,
            pid_file_names_it: None,
            read: HeaderRead::Attach,
        };
        assert_eq!(
            lost.text(),
            "postgresql (data directory not found (device 254:1, inode 1234), postmaster PID 42 gone)"
        );
        let ring = App::Ring {
            state: State::Consistent,
            filled: Some(300),
            capacity: 1024,
            read: HeaderRead::Attach,
        };
        assert_eq!(ring.text(), "ring (consistent, 300/1024 filled)");
        let json = serde_json::to_value(&ring).unwrap();
        assert_eq!(json["name"], "ring");
        assert_eq!(json["read"], "attach");
        let json = serde_json::to_value(&pg).unwrap();
        assert_eq!(json["name"], "postgresql");
        assert_eq!(json["postmaster"], "running");
        assert_eq!(json["read"], "map-files");
    }
}
