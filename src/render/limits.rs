//! `limits`: the namespace's shared-memory limits next to what is in use.

use super::table::Grid;
use super::{Render, View};
use crate::model::LimitsReport;
use crate::units::{human_size_wide, size_text};
use std::io::{self, Write};

/// ` (0.3%)` of a limit; ` (<0.1%)` for a sliver; nothing for no limit.
pub fn percent(used: u64, limit: u64) -> String {
    if limit == 0 {
        return String::new();
    }
    let p = used as f64 * 100.0 / limit as f64;
    if p > 0.0 && p < 0.1 {
        " (<0.1%)".to_string()
    } else {
        format!(" ({p:.1}%)")
    }
}

pub fn grid(r: &LimitsReport, bytes: bool) -> Grid {
    let sized = |v: u64| {
        if bytes || v < 1024 {
            format!("{v} {}", if v == 1 { "byte" } else { "bytes" })
        } else {
            format!("{} ({v} bytes)", size_text(v, false))
        }
    };
    let row = |cells: [String; 4]| cells.to_vec();
    let rows = vec![
        row([
            "SHMMAX".into(),
            "largest segment".into(),
            sized(r.shmmax),
            String::new(),
        ]),
        row([
            "SHMMIN".into(),
            "smallest segment".into(),
            sized(r.shmmin),
            String::new(),
        ]),
        row([
            "SHMMNI".into(),
            "segments".into(),
            r.shmmni.to_string(),
            format!("{}{}", r.segments, percent(r.segments, r.shmmni)),
        ]),
        row([
            "SHMALL".into(),
            "pages in all segments".into(),
            format!(
                "{} × {} = {}",
                r.shmall,
                r.page_size,
                if bytes {
                    r.shmall_bytes.to_string()
                } else {
                    human_size_wide(r.shmall_bytes)
                }
            ),
            format!(
                "{} pages = {}{}",
                r.pages,
                size_text(r.bytes, bytes),
                percent(r.pages, r.shmall)
            ),
        ]),
        row([
            "resident".into(),
            "pages in memory".into(),
            String::new(),
            format!(
                "{} pages = {}{}",
                r.rss_pages,
                size_text(r.rss_pages.saturating_mul(r.page_size), bytes),
                if r.kernel_rss_pages != r.rss_pages {
                    format!(
                        " (SHM_INFO says {}: it counts each huge page of a hugetlb segment many times over)",
                        r.kernel_rss_pages
                    )
                } else {
                    String::new()
                }
            ),
        ]),
        row([
            "swapped".into(),
            "pages in swap".into(),
            String::new(),
            format!(
                "{} pages = {}",
                r.swap_pages,
                size_text(r.swap_pages.saturating_mul(r.page_size), bytes)
            ),
        ]),
    ];
    Grid {
        headings: ["LIMIT", "BOUNDS", "VALUE", "IN USE"]
            .map(String::from)
            .to_vec(),
        right: vec![false; 4],
        rows,
    }
}

impl Render for LimitsReport {
    fn table(&self, view: &View, out: &mut dyn Write) -> io::Result<()> {
        grid(self, view.bytes).write_table(out, view.width)?;
        if let Some(forced) = self.rmid_forced {
            writeln!(
                out,
                "\nkernel.shm_rmid_forced = {}: {}",
                u8::from(forced),
                if forced {
                    "segments are removed when no process has them attached"
                } else {
                    "segments outlive the processes that made them until removed"
                }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::{Format, to_string};

    pub fn report() -> LimitsReport {
        LimitsReport {
            shmmax: 18_446_744_073_692_774_399,
            shmmin: 1,
            shmmni: 4096,
            shmall: 18_446_744_073_692_774_399,
            shmall_bytes: 18_446_744_073_692_774_399u128 * 4096,
            page_size: 4096,
            segments: 3,
            pages: 274,
            bytes: 274 * 4096,
            rss_pages: 2,
            kernel_rss_pages: 2,
            swap_pages: 0,
            rmid_forced: Some(false),
        }
    }

    #[test]
    fn limits_beside_what_is_in_use() {
        let text = to_string(Format::Table, &report(), &View::at(0));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("LIMIT     BOUNDS"), "{text}");
        assert!(
            lines[1].contains("16 EiB (18446744073692774399 bytes)"),
            "{text}"
        );
        assert!(lines[2].contains("1 byte"), "{text}");
        assert!(lines[3].ends_with("3 (<0.1%)"), "{text}");
        assert!(lines[4].contains("274 pages = 1.1 MiB (<0.1%)"), "{text}");
        assert!(
            lines[4].contains("18446744073692774399 × 4096 = 64 ZiB"),
            "{text}"
        );
        assert!(lines[5].ends_with("2 pages = 8 KiB"), "{text}");
        assert!(text.ends_with("segments outlive the processes that made them until removed\n"));
        let bytes = to_string(
            Format::Table,
            &report(),
            &View {
                bytes: true,
                ..View::at(0)
            },
        );
        assert!(bytes.contains("274 pages = 1122304"), "{bytes}");
        assert!(
            bytes.contains("18446744073692774399 × 4096 = 75557863725845603938304"),
            "{bytes}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_string(Format::Json, &report(), &View::at(0))).unwrap();
        assert!(json["shmall_bytes"].is_number());
        let text = to_string(Format::Json, &report(), &View::at(0));
        assert!(
            text.contains("\"shmall_bytes\": 75557863725845603938304"),
            "{text}"
        );
    }

    #[test]
    fn a_miscounted_resident_figure_is_said() {
        let mut r = report();
        r.kernel_rss_pages = 262_144;
        r.rss_pages = 512;
        let text = to_string(Format::Table, &r, &View::at(0));
        assert!(
            text.contains("512 pages = 2 MiB (SHM_INFO says 262144: it counts"),
            "{text}"
        );
    }
}
