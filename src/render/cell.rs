//! What every cell shares: text from processes and files made safe to print, `-` for
//! nothing, lists, and a namespace as people read it.

use crate::model::Namespace;
use std::fmt::Display;

/// Text from a process or a file, safe to print: control characters (a terminal escape
/// in a command line, a tab that would split a raw row, a newline in a file name) and
/// the bidirectional controls that reorder what follows them on the line (U+202E) are
/// written as `\xHH`, a byte at a time.
pub fn printable(text: &str) -> String {
    if !text.chars().any(unsafe_to_print) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_to_print(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A control character, or a bidirectional mark, embedding, override or isolate.
pub fn unsafe_to_print(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A value, or `-` when there is none.
pub fn or_dash<T: Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The items joined by `separator`, or `-` when there are none.
pub fn joined<T: Display>(items: impl IntoIterator<Item = T>, separator: &str) -> String {
    let text = items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(separator);
    if text.is_empty() {
        "-".to_string()
    } else {
        text
    }
}

/// A namespace for scripts: its inode, or `-`.
pub fn namespace_inode(namespace: Option<&Namespace>) -> String {
    or_dash(namespace.map(|n| n.inode))
}

/// A namespace for people: `4026532178 (4242 sleep)`, its inode and one process in it.
pub fn namespace_cell(namespace: Option<&Namespace>) -> String {
    match namespace {
        Some(ns) => match (ns.pid, &ns.comm) {
            (Some(pid), Some(comm)) => format!("{} ({pid} {})", ns.inode, printable(comm)),
            _ => ns.inode.to_string(),
        },
        None => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_processes_cannot_reach_the_terminal() {
        assert_eq!(printable("app --x"), "app --x");
        assert_eq!(printable("evil\u{1b}[2J\tx"), "evil\\x1b[2J\\x09x");
        assert_eq!(printable("/gone\nname"), "/gone\\x0aname");
        assert_eq!(printable("c1\u{85}"), "c1\\xc2\\x85");
        assert_eq!(printable("ünï"), "ünï");
        assert_eq!(
            printable("a\u{202e}b\u{2067}"),
            "a\\xe2\\x80\\xaeb\\xe2\\x81\\xa7"
        );
        // Escaping twice is escaping once: a cell may pass through here again.
        let once = printable("a\u{1b}b");
        assert_eq!(printable(&once), once);
    }

    #[test]
    fn nothing_is_a_dash() {
        assert_eq!(or_dash(None::<u32>), "-");
        assert_eq!(or_dash(Some(7)), "7");
        assert_eq!(joined(Vec::<u32>::new(), ","), "-");
        assert_eq!(joined([1, 2], ","), "1,2");
        assert_eq!(namespace_inode(None), "-");
        let ns = Namespace {
            inode: 4026532178,
            pid: Some(7),
            comm: Some("x\u{1b}y".into()),
        };
        assert_eq!(namespace_cell(Some(&ns)), "4026532178 (7 x\\x1by)");
        assert_eq!(namespace_inode(Some(&ns)), "4026532178");
    }
}
