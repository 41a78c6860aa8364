//! uid and gid to names, looked up once per id per command.

use std::collections::HashMap;

#[derive(Default)]
pub struct Names {
    users: HashMap<u32, Option<String>>,
    groups: HashMap<u32, Option<String>>,
}

impl Names {
    /// The user's name, or the uid as a number when it has none (common for containers'
    /// mapped uids such as 100000).
    pub fn user(&mut self, uid: u32) -> String {
        self.user_name(uid).unwrap_or_else(|| uid.to_string())
    }

    pub fn group(&mut self, gid: u32) -> String {
        self.group_name(gid).unwrap_or_else(|| gid.to_string())
    }

    /// The user's name; `None` when the uid has none.
    pub fn user_name(&mut self, uid: u32) -> Option<String> {
        self.users
            .entry(uid)
            .or_insert_with(|| {
                nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                    .ok()
                    .flatten()
                    .map(|u| u.name)
            })
            .clone()
    }

    /// The group's name; `None` when the gid has none.
    pub fn group_name(&mut self, gid: u32) -> Option<String> {
        self.groups
            .entry(gid)
            .or_insert_with(|| {
                nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
                    .ok()
                    .flatten()
                    .map(|g| g.name)
            })
            .clone()
    }

    /// A group given on the command line: a name or a numeric gid.
    pub fn parse_group(text: &str) -> Result<u32, String> {
        if let Ok(gid) = text.parse::<u32>() {
            return Ok(gid);
        }
        match nix::unistd::Group::from_name(text) {
            Ok(Some(group)) => Ok(group.gid.as_raw()),
            _ => Err(format!(
                "group '{text}': no such group (give a name or a numeric gid)"
            )),
        }
    }

    /// The login group (passwd's gid) of the user `uid`; `None` when it has no entry.
    pub fn login_group(uid: u32) -> Option<u32> {
        nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
            .ok()
            .flatten()
            .map(|u| u.gid.as_raw())
    }

    /// A user given on the command line: a name or a numeric uid.
    pub fn parse_user(text: &str) -> Result<u32, String> {
        if let Ok(uid) = text.parse::<u32>() {
            return Ok(uid);
        }
        match nix::unistd::User::from_name(text) {
            Ok(Some(user)) => Ok(user.uid.as_raw()),
            _ => Err(format!(
                "user '{text}': no such user (give a name or a numeric uid)"
            )),
        }
    }
}
