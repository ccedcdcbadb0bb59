//! Saving an alert rule edited in the explorer: the `[[alerts]]` table of the same name
//! replaced in place (the comments above it kept), else one added at the end; a rule removed
//! by name. The rest of the file is untouched; the result is checked by the loader's rules
//! before it is written, atomically, 0600. What comes back is the file's rules as loaded.

use std::path::Path;

use toml_edit::{ArrayOfTables, Item};

use super::persist::{PersistError, edit_file, parse_doc};
use super::profile::ConfigFile;
use crate::alert::Rule;

fn syntax(path: &Path, message: &str) -> PersistError {
    PersistError::Syntax {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The file's text with `section` (one `[[alerts]]` table, as the editor writes it) in place
/// of the rule named `replacing` (or its own name), or added.
pub fn with_alert(
    path: &Path,
    text: &str,
    section: &str,
    replacing: Option<&str>,
) -> Result<String, PersistError> {
    let given = parse_doc(path, section)?;
    let table = given
        .get("alerts")
        .and_then(Item::as_array_of_tables)
        .and_then(|a| a.get(0))
        .cloned()
        .ok_or_else(|| syntax(path, "the rule is not one [[alerts]] table"))?;
    let name = table
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    let mut doc = parse_doc(path, text)?;
    let list = doc
        .entry("alerts")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| syntax(path, "'alerts' is not a list of [[alerts]] tables"))?;
    let find = replacing.unwrap_or(&name);
    let at = list
        .iter()
        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(find));
    match at.and_then(|i| list.get_mut(i)) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = table;
            *old.decor_mut() = decor;
        }
        None => list.push(table),
    }
    let out = doc.to_string();
    ConfigFile::parse(path, &out)?;
    Ok(out)
}

/// The file's text without the rule named `name` (unchanged when there is none).
pub fn without_alert(path: &Path, text: &str, name: &str) -> Result<String, PersistError> {
    let mut doc = parse_doc(path, text)?;
    if let Some(list) = doc.get_mut("alerts").and_then(Item::as_array_of_tables_mut) {
        list.retain(|t| t.get("name").and_then(|n| n.as_str()) != Some(name));
        if list.is_empty() {
            doc.remove("alerts");
        }
    }
    let out = doc.to_string();
    ConfigFile::parse(path, &out)?;
    Ok(out)
}

/// Saves the rule into the file at `path` (created if missing); the file's rules come back.
pub fn save_alert(
    path: &Path,
    section: &str,
    replacing: Option<&str>,
) -> Result<Vec<Rule>, PersistError> {
    let mut rules = Vec::new();
    edit_file(path, true, |text| {
        let out = with_alert(path, text, section, replacing)?;
        rules = ConfigFile::parse(path, &out)?.alerts;
        Ok(out)
    })?;
    Ok(rules)
}

/// Removes the rule named `name` from the file; the file's rules come back.
pub fn remove_alert(path: &Path, name: &str) -> Result<Vec<Rule>, PersistError> {
    let mut rules = Vec::new();
    edit_file(path, false, |text| {
        let out = without_alert(path, text, name)?;
        rules = ConfigFile::parse(path, &out)?.alerts;
        Ok(out)
    })?;
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_added_replaced_and_removed_keeping_the_file_as_written() {
        let path = Path::new("/tmp/c.toml");
        let text = "# my alerts\ndefault_profile = \"l\"\n[profiles.l]\nbroker = \"mqtt://h\"\n\n\
                    # the furnace\n[[alerts]]\nname = \"hot\"\nfilter = \"f/t\"\nabove = 90\n";
        let warm = "[[alerts]]\nname = \"hot\"\nfilter = \"f/t\"\nabove = 80\nbell = true\n";
        let out = with_alert(path, text, warm, None).unwrap();
        assert!(
            out.contains("# my alerts") && out.contains("# the furnace"),
            "{out}"
        );
        let file = ConfigFile::parse(path, &out).unwrap();
        assert_eq!(file.alerts.len(), 1);
        assert_eq!(file.alerts[0].summary(), "hot: f/t > 80");
        assert!(file.alerts[0].bell);
        // Renamed in the editor: the old one is replaced, not kept beside.
        let renamed = warm.replace("\"hot\"", "\"warm\"");
        let out = with_alert(path, &out, &renamed, Some("hot")).unwrap();
        let names: Vec<_> = ConfigFile::parse(path, &out)
            .unwrap()
            .alerts
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["warm"]);
        let cold = "[[alerts]]\nname = \"cold\"\nfilter = \"f/t\"\nbelow = 5\n";
        let out = with_alert(path, &out, cold, None).unwrap();
        assert_eq!(ConfigFile::parse(path, &out).unwrap().alerts.len(), 2);
        let out = without_alert(path, &out, "warm").unwrap();
        let file = ConfigFile::parse(path, &out).unwrap();
        assert_eq!(file.alerts.len(), 1);
        assert_eq!(file.profiles.len(), 1, "the rest is untouched");
        // A rule the loader refuses is not written.
        let bad = "[[alerts]]\nname = \"x\"\nfilter = \"a/#/b\"\nchanged = true\n";
        assert!(with_alert(path, &out, bad, None).is_err());
    }
}
