//! Saving compose's message as a `[[snippets]]` entry of the profile file: the entry of the same
//! name replaced in place, else one added at the end; the rest of the file (comments, order)
//! untouched; checked by the loader's rules before it is written, atomically, 0600.

use std::path::Path;

use toml_edit::{ArrayOfTables, Item, Table, value};

use super::persist::PersistError;
use super::profile::{ConfigFile, Snippet};

/// The file's text with `snippet` in its `[[snippets]]`.
pub fn with_snippet(path: &Path, text: &str, snippet: &Snippet) -> Result<String, PersistError> {
    let mut doc = super::persist::parse_doc(path, text)?;
    let list = doc
        .entry("snippets")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| PersistError::Syntax {
            path: path.to_path_buf(),
            message: "'snippets' is not a list of [[snippets]] tables".into(),
        })?;
    let at = list
        .iter()
        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(snippet.name.as_str()));
    let mut table = Table::new();
    table.insert("name", value(snippet.name.as_str()));
    table.insert("topic", value(snippet.topic.as_str()));
    table.insert("payload", value(snippet.payload.as_str()));
    table.insert("qos", value(i64::from(snippet.qos.as_u8())));
    if snippet.retain {
        table.insert("retain", value(true));
    }
    match at.and_then(|i| list.get_mut(i)) {
        Some(existing) => {
            for (k, v) in table.iter() {
                let same = existing.get(k).map(|i| i.to_string().trim().to_string())
                    == Some(v.to_string().trim().to_string());
                if same {
                    continue;
                }
                // A changed value keeps the key's comments.
                match (existing.get_mut(k), v.as_value()) {
                    (Some(Item::Value(old)), Some(new)) => {
                        let decor = old.decor().clone();
                        *old = new.clone();
                        *old.decor_mut() = decor;
                    }
                    _ => {
                        existing.insert(k, v.clone());
                    }
                }
            }
            if !snippet.retain {
                existing.remove("retain");
            }
        }
        None => list.push(table),
    }
    let out = doc.to_string();
    ConfigFile::parse(path, &out)?;
    Ok(out)
}

/// Saves `snippet` into the file at `path` (created if missing).
pub fn save_snippet(path: &Path, snippet: &Snippet) -> Result<(), PersistError> {
    super::persist::edit_file(path, true, |text| with_snippet(path, text, snippet))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::QoS;

    #[test]
    fn adds_then_replaces_by_name_keeping_comments() {
        let path = Path::new("/tmp/c.toml");
        let text = "# my file\n[[snippets]]\n# the lamp\nname = \"lamp\"\ntopic = \"l/set\"\npayload = \"on\"\n";
        let s = Snippet {
            name: "lamp".into(),
            topic: "l/set".into(),
            payload: "{\"on\": true, \"at\": \"{{now}}\"}".into(),
            qos: QoS::AtLeastOnce,
            retain: true,
        };
        let out = with_snippet(path, text, &s).unwrap();
        assert!(
            out.contains("# my file") && out.contains("# the lamp"),
            "{out}"
        );
        let file = ConfigFile::parse(path, &out).unwrap();
        assert_eq!(file.snippets, vec![s.clone()]);
        let other = Snippet {
            name: "fan".into(),
            ..s.clone()
        };
        let out = with_snippet(path, &out, &other).unwrap();
        assert_eq!(ConfigFile::parse(path, &out).unwrap().snippets.len(), 2);
        let bad = Snippet {
            topic: "a/#".into(),
            ..s
        };
        assert!(
            with_snippet(path, text, &bad).is_err(),
            "the loader's rules refuse it"
        );
    }
}
