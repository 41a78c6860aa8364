//! Column names as `ls -o` and `--sort` take them, for either kind of listing: System V
//! segments (`columns`) or POSIX objects and memfds (`posix`).

use super::columns::Column;
use super::posix::ObjectColumn;

/// Columns given to `-o`: replacing the default ones, or (`+…`) added to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnList {
    pub add: bool,
    pub names: Vec<ColumnName>,
}

/// A column name as `ls -o` and `--sort` take it: a segment column, an object column
/// (`--posix`, `--memfd`), or one of each by the same name (`size`, `owner`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnName {
    pub name: &'static str,
    /// An alias, kept out of the list of names shown.
    pub alias: bool,
    pub segment: Option<Column>,
    pub object: Option<ObjectColumn>,
}

impl ColumnName {
    /// Every name and alias of either kind of column, each once.
    pub fn every() -> Vec<ColumnName> {
        let mut all: Vec<ColumnName> = Vec::new();
        let mut add = |name: &'static str, alias: bool| {
            if !all.iter().any(|c| c.name == name) {
                all.push(ColumnName {
                    name,
                    alias,
                    segment: Column::from_name(name),
                    object: ObjectColumn::from_name(name),
                });
            }
        };
        for c in Column::EVERY {
            add(c.name(), false);
        }
        for c in ObjectColumn::EVERY {
            add(c.name(), false);
        }
        for c in Column::EVERY {
            c.aliases().iter().for_each(|a| add(a, true));
        }
        for c in ObjectColumn::EVERY {
            c.aliases().iter().for_each(|a| add(a, true));
        }
        all
    }

    /// The column a name or alias stands for, in any case (`KEY` as lsipc writes it).
    pub fn from_name(name: &str) -> Option<ColumnName> {
        let name = name.to_ascii_lowercase();
        Self::every().into_iter().find(|c| c.name == name)
    }

    /// `key,shmid,size` or `+rss,swap` (added to the columns shown by default), as lsipc's
    /// `-o` takes them; which kind each name is of is settled once the kind is known.
    pub fn parse_list(text: &str) -> Result<ColumnList, String> {
        let (add, list) = match text.trim().strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text.trim()),
        };
        let names = list
            .split(',')
            .map(|name| {
                let name = name.trim();
                ColumnName::from_name(name).ok_or_else(|| {
                    if name.is_empty() {
                        format!("columns '{text}': an empty column name")
                    } else {
                        format!(
                            "column '{name}': no such column (one of {})",
                            ColumnName::every()
                                .iter()
                                .filter(|c| !c.alias)
                                .map(|c| c.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ColumnList { add, names })
    }

    /// What it shows, where the heading alone does not say.
    pub fn help(&self) -> Option<&'static str> {
        match (self.segment, self.object) {
            (Some(c), _) => Some(c.help()),
            (None, Some(c)) => c.help(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_lists_as_lsipc_takes_them() {
        let list = ColumnName::parse_list("+rss,SWAP").unwrap();
        assert!(list.add);
        assert_eq!(
            list.names.iter().map(|c| c.segment).collect::<Vec<_>>(),
            [Some(Column::Rss), Some(Column::Swap)]
        );
        let list = ColumnName::parse_list("key,id,name").unwrap();
        assert!(!list.add);
        assert_eq!(list.names[1].segment, Some(Column::Shmid));
        assert_eq!(list.names[2].object, Some(ObjectColumn::Name));
        let err = ColumnName::parse_list("key,bogus").unwrap_err();
        assert!(
            err.starts_with("column 'bogus': no such column (one of key, shmid,"),
            "{err}"
        );
        assert!(
            ColumnName::parse_list("key,,size")
                .unwrap_err()
                .contains("empty")
        );
        assert!(ColumnName::parse_list("").is_err());
    }
}
