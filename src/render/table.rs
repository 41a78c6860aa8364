//! Tables for people (comfy-table, fitted to the terminal) and tab-separated raw rows for
//! scripts.

use super::cell::{printable, unsafe_to_print};
use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table, presets};
use std::borrow::Cow;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// How a column may give way when a table is wider than the terminal: the actions of
/// every column are taken from the highest rank down, until the table fits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fit {
    /// Leave the column out, at this rank (`None`: never: a key, an id).
    pub drop: Option<u8>,
    /// Cut its cells to what is left (not below [`SHRUNK`] cells, `…` marking the cut),
    /// at this rank: only for free text (a command line, a list of processes).
    pub shrink: Option<u8>,
}

/// The narrowest a shrunk column is made.
pub const SHRUNK: usize = 12;

/// A table with a heading row; `right` says which columns hold numbers.
///
/// A table or a raw row never carries a control character: whatever a cell holds (a
/// process's name, a file's), it is printed through [`printable`].
#[derive(Clone)]
pub struct Grid {
    pub headings: Vec<String>,
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// This grid, or a copy whose cells hold nothing unsafe to print (see
    /// [`printable`]) when any did.
    fn safe(&self) -> Cow<'_, Grid> {
        let unsafe_cell = |c: &String| c.chars().any(unsafe_to_print);
        if !self
            .rows
            .iter()
            .flatten()
            .chain(&self.headings)
            .any(unsafe_cell)
        {
            return Cow::Borrowed(self);
        }
        let clean = |cells: &[String]| cells.iter().map(|c| printable(c)).collect();
        Cow::Owned(Grid {
            headings: clean(&self.headings),
            right: self.right.clone(),
            rows: self.rows.iter().map(|r| clean(r)).collect(),
        })
    }

    /// Column widths (display cells) of the widest value in each column, or heading when
    /// `headings` are shown.
    fn widths(&self, headings: bool) -> Vec<usize> {
        let mut widths: Vec<usize> = self
            .headings
            .iter()
            .map(|h| if headings { h.width() } else { 0 })
            .collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        widths
    }

    /// Render for a person: no borders, columns two spaces apart, numbers right-aligned;
    /// when a terminal `width` is given and the table is wider, comfy-table wraps the
    /// text columns to fit.
    pub fn to_table(&self, width: Option<u16>) -> String {
        self.to_table_with(width, true)
    }

    /// [`Grid::to_table`], with or without the heading row.
    pub fn to_table_with(&self, width: Option<u16>, headings: bool) -> String {
        let grid = self.safe();
        let widths = grid.widths(headings);
        let total: usize = widths.iter().map(|w| w + 2).sum();
        if width.is_none_or(|w| total <= usize::from(w)) {
            return grid.aligned(&widths, headings);
        }
        grid.wrapped(width, headings)
    }

    /// Width of the table's lines with these column widths (two spaces between columns).
    fn line_width(widths: &[usize]) -> usize {
        widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)
    }

    /// This grid made to fit `width` display cells without wrapping a cell: columns are
    /// cut or left out as `fits` (one per column) allow, highest rank first. Returns the
    /// grid and the indices of the columns left out; when nothing more may give way, the
    /// lines are longer than `width` (a terminal folds them, but no cell is split).
    pub fn fitted(&self, width: u16, headings: bool, fits: &[Fit]) -> (Grid, Vec<usize>) {
        let width = usize::from(width);
        let mut widths = self.safe().widths(headings);
        enum Step {
            Drop(usize),
            Shrink(usize),
        }
        let mut steps: Vec<(u8, Step)> = Vec::new();
        for (i, fit) in fits.iter().enumerate().take(widths.len()) {
            if let Some(rank) = fit.drop {
                steps.push((rank, Step::Drop(i)));
            }
            if let Some(rank) = fit.shrink {
                steps.push((rank, Step::Shrink(i)));
            }
        }
        // Highest rank first; at one rank, the rightmost column first.
        steps.sort_by_key(|(rank, step)| {
            let i = match step {
                Step::Drop(i) | Step::Shrink(i) => *i,
            };
            std::cmp::Reverse((*rank, i))
        });
        let mut dropped = vec![false; widths.len()];
        let mut cut: Vec<Option<usize>> = vec![None; widths.len()];
        let shown = |widths: &[usize], dropped: &[bool]| -> Vec<usize> {
            widths
                .iter()
                .zip(dropped)
                .filter(|(_, d)| !**d)
                .map(|(w, _)| *w)
                .collect()
        };
        for (_, step) in steps {
            let now = Grid::line_width(&shown(&widths, &dropped));
            if now <= width {
                break;
            }
            match step {
                Step::Drop(i) if !dropped[i] && dropped.iter().filter(|d| !**d).count() > 1 => {
                    dropped[i] = true;
                }
                Step::Shrink(i) if !dropped[i] && widths[i] > SHRUNK => {
                    let over = now - width;
                    let to = widths[i].saturating_sub(over).max(SHRUNK);
                    widths[i] = to;
                    cut[i] = Some(to);
                }
                _ => {}
            }
        }
        let keep = |cells: &[String]| -> Vec<String> {
            cells
                .iter()
                .enumerate()
                .filter(|(i, _)| !dropped[*i])
                .map(|(i, c)| match cut[i] {
                    Some(w) if c.width() > w => shortened(c, w),
                    _ => c.clone(),
                })
                .collect()
        };
        let grid = Grid {
            headings: keep(&self.headings),
            right: self
                .right
                .iter()
                .enumerate()
                .filter(|(i, _)| !dropped[*i])
                .map(|(_, r)| *r)
                .collect(),
            rows: self.rows.iter().map(|r| keep(r)).collect(),
        };
        let left_out = (0..dropped.len()).filter(|i| dropped[*i]).collect();
        (grid, left_out)
    }

    /// The grid fitted to `width` (see [`Grid::fitted`]) and printed on one line a row.
    pub fn to_fitted_table(&self, width: Option<u16>, headings: bool, fits: &[Fit]) -> String {
        match width {
            Some(w) => {
                let (grid, _) = self.fitted(w, headings, fits);
                let grid = grid.safe();
                grid.aligned(&grid.widths(headings), headings)
            }
            None => self.to_table_with(None, headings),
        }
    }

    /// The fast path: every cell on one line (what comfy-table prints when nothing wraps).
    fn aligned(&self, widths: &[usize], headings: bool) -> String {
        let mut text = String::with_capacity((self.rows.len() + 1) * widths.iter().sum::<usize>());
        let mut line = String::new();
        let heading = headings.then_some(&self.headings);
        for row in heading.into_iter().chain(&self.rows) {
            line.clear();
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i].saturating_sub(cell.width());
                if self.right.get(i) == Some(&true) {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                line.push_str("  ");
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text
    }

    /// comfy-table, fitted to `width`.
    fn wrapped(&self, width: Option<u16>, headings: bool) -> String {
        let mut table = Table::new();
        table.load_style(presets::NOTHING);
        if headings {
            table.set_header(self.headings.iter().zip(&self.right).map(|(h, right)| {
                let cell = Cell::new(h);
                if *right {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        match width {
            Some(w) => {
                table.set_content_arrangement(ContentArrangement::Dynamic);
                table.set_width(w);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        for row in &self.rows {
            table.add_row(row.clone());
        }
        for (i, right) in self.right.iter().enumerate() {
            if let Some(column) = table.column_mut(i) {
                column.set_padding((0, 2));
                if *right {
                    column.set_cell_alignment(CellAlignment::Right);
                }
                if width.is_some() {
                    column.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
        }
        // Let the widest text columns wrap rather than the ids.
        if width.is_some() {
            for (i, right) in self.right.iter().enumerate() {
                if !right && let Some(column) = table.column_mut(i) {
                    column.remove_constraint();
                }
            }
        }
        let mut text: String = table
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        text
    }

    /// Tab-separated rows, no heading.
    pub fn write_raw(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for row in &self.safe().rows {
            writeln!(out, "{}", row.join("\t"))?;
        }
        Ok(())
    }

    /// The table fitted to `width` (see [`Grid::to_table`]).
    pub fn write_table(&self, out: &mut dyn Write, width: Option<u16>) -> std::io::Result<()> {
        out.write_all(self.to_table(width).as_bytes())
    }

    /// `NAME="value"` pairs, a row per line (or, with `newline`, a pair per line), as
    /// lsipc's `--export` writes them: `"`, `\`, `` ` ``, `$` and every byte that is not
    /// printable ASCII written as `\xHH`, so that a shell's `eval` reads them back.
    pub fn write_export(
        &self,
        out: &mut dyn Write,
        names: &[String],
        newline: bool,
    ) -> std::io::Result<()> {
        for row in &self.rows {
            let pairs: Vec<String> = names
                .iter()
                .zip(row)
                .map(|(name, value)| format!("{name}=\"{}\"", export_quoted(value)))
                .collect();
            if newline {
                for pair in pairs {
                    writeln!(out, "{pair}")?;
                }
            } else {
                writeln!(out, "{}", pairs.join(" "))?;
            }
        }
        Ok(())
    }
}

/// `text` cut to `width` display cells, the last of them `…`.
fn shortened(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn export_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if matches!(b, b'"' | b'\\' | b'`' | b'$') || !(0x20..0x7f).contains(&b) {
            out.push_str(&format!("\\x{b:02x}"));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// `name   value` lines for one object, names padded to one width, values printable.
pub fn write_pairs(out: &mut dyn Write, pairs: &[(&str, String)]) -> std::io::Result<()> {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in pairs {
        writeln!(out, "{k:<width$}  {}", printable(v))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            headings: vec!["KEY".into(), "SIZE".into()],
            right: vec![false, true],
            rows: vec![
                vec!["0x00001234".into(), "4 KiB".into()],
                vec!["0x81000001".into(), "100 B".into()],
            ],
        }
    }

    #[test]
    fn no_cell_prints_a_control_character() {
        let mut g = grid();
        g.rows.push(vec!["a\u{1b}[2J\tb".into(), "1 B".into()]);
        let fits = [Fit::default(), Fit::default()];
        let wrapped = g.to_table(Some(20));
        assert!(
            !wrapped.contains(['\u{1b}', '\t', '\u{202e}']),
            "{wrapped:?}"
        );
        for text in [g.to_table(None), g.to_fitted_table(Some(20), true, &fits)] {
            assert!(!text.contains(['\u{1b}', '\t', '\u{202e}']), "{text:?}");
            assert!(text.contains("a\\x1b[2J"), "{text:?}");
        }
        // A bidirectional override alone (no control character anywhere) too.
        let mut g = grid();
        g.rows.push(vec!["x\u{202e}y".into(), "2 B".into()]);
        for text in [g.to_table(None), g.to_fitted_table(Some(20), true, &fits)] {
            assert!(text.contains("x\\xe2\\x80\\xaey"), "{text:?}");
        }
        let mut raw = Vec::new();
        g.write_raw(&mut raw).unwrap();
        let raw = String::from_utf8(raw).unwrap();
        assert_eq!(raw.lines().last(), Some("x\\xe2\\x80\\xaey\t2 B"));
        let mut pairs = Vec::new();
        write_pairs(&mut pairs, &[("name", "x\ny".into())]).unwrap();
        assert_eq!(String::from_utf8(pairs).unwrap(), "name  x\\x0ay\n");
    }

    #[test]
    fn table_aligns_numbers_right() {
        let text = grid().to_table(None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("KEY"));
        assert!(lines[1].ends_with("4 KiB"));
        assert!(lines[2].ends_with("100 B"));
        assert_eq!(lines[1].len(), lines[2].len());
    }

    #[test]
    fn the_fast_path_prints_what_comfy_table_prints() {
        let mut g = grid();
        g.rows.push(vec!["0x7fffffff".into(), "16 EiB".into()]);
        g.rows.push(vec!["ünïcode".into(), "".into()]);
        assert_eq!(g.aligned(&g.widths(true), true), g.wrapped(None, true));
        assert_eq!(g.to_table(Some(200)), g.wrapped(Some(200), true));
        assert_eq!(g.aligned(&g.widths(false), false), g.wrapped(None, false));
        let headless = g.to_table_with(None, false);
        assert_eq!(headless.lines().count(), 4);
        assert!(headless.starts_with("0x00001234"), "{headless}");
        let narrow = g.to_table_with(Some(12), false);
        assert!(!narrow.contains("KEY"), "{narrow}");
    }

    #[test]
    fn export_pairs_survive_a_shell() {
        let mut g = grid();
        g.rows
            .push(vec!["a \"b\" $HOME `x` \\".into(), "ü\n".into()]);
        let names = ["KEY".to_string(), "SIZE".to_string()];
        let mut out = Vec::new();
        g.write_export(&mut out, &names, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "KEY=\"0x00001234\" SIZE=\"4 KiB\"");
        assert_eq!(
            lines[2],
            "KEY=\"a \\x22b\\x22 \\x24HOME \\x60x\\x60 \\x5c\" SIZE=\"\\xc3\\xbc\\x0a\""
        );
        let mut out = Vec::new();
        g.write_export(&mut out, &names, true).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("KEY=\"0x00001234\"\nSIZE=\"4 KiB\"\nKEY=")
        );
    }

    #[test]
    fn narrow_terminals_wrap() {
        let mut g = grid();
        g.rows.push(vec![
            "a long owner name that will not fit".into(),
            "1 B".into(),
        ]);
        let text = g.to_table(Some(24));
        assert!(text.lines().all(|l| l.chars().count() <= 24), "{text}");
        assert!(text.lines().count() > 4, "{text}");
    }

    #[test]
    fn a_fitted_table_drops_and_cuts_columns_but_never_wraps_a_cell() {
        let g = Grid {
            headings: ["KEY", "SHMID", "CPID", "PROCESSES"]
                .map(String::from)
                .to_vec(),
            right: vec![false, true, true, false],
            rows: vec![vec![
                "0x4100c4a7".into(),
                "12".into(),
                "4242".into(),
                "16454 python3 x2 rw+ro, 16455 postgres".into(),
            ]],
        };
        let fits = [
            Fit::default(),
            Fit::default(),
            Fit {
                drop: Some(70),
                shrink: None,
            },
            Fit {
                drop: Some(35),
                shrink: Some(65),
            },
        ];
        // Wide enough: as it is.
        let (wide, left_out) = g.fitted(80, true, &fits);
        assert!(left_out.is_empty());
        assert_eq!(wide.rows, g.rows);
        // CPID goes first, then PROCESSES is cut.
        let (narrow, left_out) = g.fitted(40, true, &fits);
        assert_eq!(left_out, [2]);
        assert_eq!(narrow.headings, ["KEY", "SHMID", "PROCESSES"]);
        let text = g.to_fitted_table(Some(40), true, &fits);
        assert!(text.lines().all(|l| l.width() <= 40), "{text}");
        assert!(
            text.contains("0x4100c4a7     12  16454 python3 x2 rw+…"),
            "{text}"
        );
        // Narrower still: PROCESSES is left out, and the key and id are never split
        // (the line is longer than the width rather).
        let (tiny, left_out) = g.fitted(10, true, &fits);
        assert_eq!(left_out, [2, 3]);
        assert_eq!(tiny.rows, [vec!["0x4100c4a7".to_string(), "12".into()]]);
        assert_eq!(shortened("ünïcode", 4), "ünï…");
    }

    #[test]
    fn raw_is_tab_separated() {
        let mut out = Vec::new();
        grid().write_raw(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0x00001234\t4 KiB\n0x81000001\t100 B\n"
        );
    }
}
