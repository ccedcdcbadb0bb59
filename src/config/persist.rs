//! Writing profiles back into the user's file: `toml_edit` edits the one `[profiles.NAME]`
//! table in place, so comments, key order and the other profiles stay as the user wrote them.
//! The result is parsed with the loader's own rules before anything is written, and written
//! atomically with mode 0600 (profiles may reference secrets), so a bad profile is never
//! half-saved.

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, value};

use super::error::ConfigError;
use super::profile::{ConfigFile, PasswordSource, Profile};
use super::store::save_atomic;
use crate::mqtt::Protocol;
use crate::mqtt::settings::{DEFAULT_INFLIGHT, DEFAULT_KEEP_ALIVE_S, DEFAULT_MAX_PACKET_SIZE};

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}: not valid TOML, not changed: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The file's text with `profile` written into `[profiles.NAME]` (added at the end if new).
pub fn with_profile(path: &Path, text: &str, profile: &Profile) -> Result<String, PersistError> {
    let mut doc = parse_doc(path, text)?;
    let profiles = doc
        .entry("profiles")
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| PersistError::Syntax {
            path: path.to_path_buf(),
            message: "'profiles' is not a table".into(),
        })?;
    let table = profiles
        .entry(&profile.name)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| PersistError::Syntax {
            path: path.to_path_buf(),
            message: format!("'profiles.{}' is not a table", profile.name),
        })?;
    let base = path.parent().unwrap_or(Path::new("."));
    fill(table, profile, base);
    let out = doc.to_string();
    // The loader's rules decide: what it refuses is not written.
    ConfigFile::parse(path, &out)?;
    Ok(out)
}

/// The file's text as an editable document (comments and order kept).
pub(super) fn parse_doc(path: &Path, text: &str) -> Result<DocumentMut, PersistError> {
    text.parse()
        .map_err(|e: toml_edit::TomlError| PersistError::Syntax {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
}

/// Reads the file at `path` (missing: empty, when `create` allows it), hands its text to `edit`
/// and writes what comes back atomically, 0600. `edit` checks the result with the loader.
pub(super) fn edit_file(
    path: &Path,
    create: bool,
    edit: impl FnOnce(&str) -> Result<String, PersistError>,
) -> Result<(), PersistError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }
            .into());
        }
    };
    let out = edit(&text)?;
    save_atomic(path, &out).map_err(|source| PersistError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Saves `profile` into the file at `path` (created if missing).
pub fn save_profile(path: &Path, profile: &Profile) -> Result<(), PersistError> {
    save_profile_as(path, profile, None)
}

/// Saves `profile`, which replaces the profile named `replacing` (a rename in the editor), in
/// one write: the old table goes and a `default_profile` naming it follows the new name, so a
/// failure leaves the file as it was, both names included.
pub fn save_profile_as(
    path: &Path,
    profile: &Profile,
    replacing: Option<&str>,
) -> Result<(), PersistError> {
    edit_file(path, true, |text| {
        let text = match replacing.filter(|old| *old != profile.name) {
            Some(old) => without_profile(path, text, old, Some(&profile.name))?,
            None => text.to_string(),
        };
        with_profile(path, &text, profile)
    })
}

/// The text without `[profiles.NAME]`; a `default_profile` naming it is renamed to `rename_to`,
/// or removed (else the file would not load).
fn without_profile(
    path: &Path,
    text: &str,
    name: &str,
    rename_to: Option<&str>,
) -> Result<String, PersistError> {
    let mut doc = parse_doc(path, text)?;
    if let Some(profiles) = doc.get_mut("profiles").and_then(Item::as_table_mut) {
        profiles.remove(name);
    }
    if doc.get("default_profile").and_then(|v| v.as_str()) == Some(name) {
        match rename_to {
            Some(new) => doc["default_profile"] = value(new),
            None => {
                doc.remove("default_profile");
            }
        }
    }
    Ok(doc.to_string())
}

/// Removes `[profiles.NAME]` from the file at `path` (the rest, comments and order, kept); a
/// `default_profile` naming it goes too, or the file would not load.
pub fn remove_profile(path: &Path, name: &str) -> Result<(), PersistError> {
    edit_file(path, false, |text| {
        let out = without_profile(path, text, name, None)?;
        ConfigFile::parse(path, &out)?;
        Ok(out)
    })
}

/// Sets `key` when `v` is Some, removes it otherwise (keeping the key's place and comments
/// when it stays).
fn set(table: &mut Table, key: &str, v: Option<Item>) {
    match v {
        Some(item) => {
            let same = table.get(key).map(|i| i.to_string().trim().to_string())
                == Some(item.to_string().trim().to_string());
            if !same {
                match table.get_mut(key) {
                    // Replacing the value in place keeps the key's decor (comments).
                    Some(existing) if existing.is_value() && item.is_value() => {
                        let decor = existing.as_value().map(|v| v.decor().clone());
                        *existing = item;
                        if let (Some(d), Some(v)) = (decor, existing.as_value_mut()) {
                            *v.decor_mut() = d;
                        }
                    }
                    _ => {
                        table.insert(key, item);
                    }
                }
            }
        }
        None => {
            table.remove(key);
        }
    }
}

fn relative(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}

/// The profile's proxy: its URL (with the user, and the password only when the file had it
/// there) and its password's reference.
fn fill_proxy(t: &mut Table, p: &Profile) {
    let url = p.proxy.as_ref().map(|x| {
        let shown = x.to_string();
        let (scheme, rest) = shown.split_once("://").unwrap_or(("http", shown.as_str()));
        let user = match (&x.username, &p.proxy_password) {
            (Some(u), PasswordSource::Plain(s)) => format!("{u}:{}@", s.expose()),
            (Some(u), _) => format!("{u}@"),
            (None, _) => String::new(),
        };
        value(format!("{scheme}://{user}{rest}"))
    });
    let (env, cmd) = match &p.proxy_password {
        PasswordSource::Env(v) => (Some(value(v.as_str())), None),
        PasswordSource::Command(argv) => {
            let arr: Array = argv.iter().map(String::as_str).collect();
            (None, Some(value(arr)))
        }
        PasswordSource::None | PasswordSource::Plain(_) => (None, None),
    };
    set(t, "proxy", url);
    set(t, "proxy_password_env", env);
    set(t, "proxy_password_command", cmd);
}

fn fill(t: &mut Table, p: &Profile, base: &Path) {
    set(t, "broker", Some(value(p.broker.to_string())));
    let protocol = match p.protocol {
        Protocol::Auto => None,
        Protocol::V311 => Some(value(3i64)),
        Protocol::V5 => Some(value(5i64)),
    };
    set(t, "protocol", protocol);
    set(t, "client_id", p.client_id.clone().map(value));
    set(t, "username", p.username.clone().map(value));
    let (plain, env, cmd) = match &p.password {
        PasswordSource::None => (None, None, None),
        PasswordSource::Plain(s) => (Some(value(s.expose())), None, None),
        PasswordSource::Env(v) => (None, Some(value(v.as_str())), None),
        PasswordSource::Command(argv) => {
            let arr: Array = argv.iter().map(String::as_str).collect();
            (None, None, Some(value(arr)))
        }
    };
    set(t, "password", plain);
    set(t, "password_env", env);
    set(t, "password_command", cmd);
    fill_proxy(t, p);
    let non_default = |v: i64, d: i64| (v != d).then(|| value(v));
    set(
        t,
        "keep_alive_s",
        non_default(i64::from(p.keep_alive_s), i64::from(DEFAULT_KEEP_ALIVE_S)),
    );
    set(t, "clean_session", (!p.clean_session).then(|| value(false)));
    set(
        t,
        "max_packet_size",
        non_default(
            i64::from(p.max_packet_size),
            i64::from(DEFAULT_MAX_PACKET_SIZE),
        ),
    );
    set(
        t,
        "inflight",
        non_default(i64::from(p.inflight), i64::from(DEFAULT_INFLIGHT)),
    );
    set(
        t,
        "connect_timeout_s",
        non_default(p.connect_timeout_s as i64, 10),
    );
    let subs = (!p.subscriptions.is_empty()).then(|| {
        let arr: Array = p
            .subscriptions
            .iter()
            .map(|s| {
                let mut it = InlineTable::new();
                it.insert("filter", s.filter.as_str().into());
                it.insert("qos", i64::from(s.qos.as_u8()).into());
                if s.no_local {
                    it.insert("no_local", true.into());
                }
                if s.retain_as_published {
                    it.insert("retain_as_published", true.into());
                }
                if s.retain_handling != 0 {
                    it.insert("retain_handling", i64::from(s.retain_handling).into());
                }
                if let Some(id) = s.id {
                    it.insert("subscription_id", i64::from(id).into());
                }
                it
            })
            .collect();
        value(arr)
    });
    set(t, "subscriptions", subs);
    let tls = &p.tls;
    if *tls == crate::mqtt::TlsSettings::default() {
        t.remove("tls");
    } else {
        let tt = t.entry("tls").or_insert_with(|| Item::Table(Table::new()));
        if let Some(tt) = tt.as_table_mut() {
            set(
                tt,
                "ca_file",
                tls.ca_file.as_ref().map(|f| value(relative(base, f))),
            );
            set(
                tt,
                "cert_file",
                tls.cert_file.as_ref().map(|f| value(relative(base, f))),
            );
            set(
                tt,
                "key_file",
                tls.key_file.as_ref().map(|f| value(relative(base, f))),
            );
            set(tt, "insecure", tls.insecure.then(|| value(true)));
        }
    }
    let c = &p.connect;
    if *c == crate::mqtt::ConnectProps::default() {
        t.remove("mqtt5");
    } else {
        let mt = t
            .entry("mqtt5")
            .or_insert_with(|| Item::Table(Table::new()));
        if let Some(mt) = mt.as_table_mut() {
            set(
                mt,
                "session_expiry_s",
                c.session_expiry.map(|v| value(i64::from(v))),
            );
            set(
                mt,
                "receive_maximum",
                c.receive_maximum.map(|v| value(i64::from(v))),
            );
            set(
                mt,
                "topic_alias_maximum",
                c.topic_alias_maximum.map(|v| value(i64::from(v))),
            );
            set(
                mt,
                "request_response_information",
                c.request_response_information.map(value),
            );
            set(
                mt,
                "request_problem_information",
                c.request_problem_information.map(value),
            );
            let users = (!c.user_properties.is_empty()).then(|| {
                let mut it = InlineTable::new();
                for (k, v) in &c.user_properties {
                    it.insert(k, v.as_str().into());
                }
                value(it)
            });
            set(mt, "user_properties", users);
        }
    }
    match &p.will {
        None => {
            t.remove("will");
        }
        Some(w) => {
            let wt = t.entry("will").or_insert_with(|| Item::Table(Table::new()));
            if let Some(wt) = wt.as_table_mut() {
                set(wt, "topic", Some(value(w.topic.as_str())));
                set(
                    wt,
                    "payload",
                    Some(value(String::from_utf8_lossy(&w.payload).into_owned())),
                );
                set(wt, "qos", Some(value(i64::from(w.qos.as_u8()))));
                set(wt, "retain", w.retain.then(|| value(true)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"# my brokers
default_profile = "home"

# the house broker
[profiles.home]
broker = "mqtt://127.0.0.1:1883" # local
username = "alice"
password_env = "HOME_PW"

[profiles.work]
broker = "mqtt://10.0.0.1"
"#;

    #[test]
    fn edits_one_profile_and_keeps_comments_and_order() {
        let path = Path::new("/tmp/config.toml");
        let file = ConfigFile::parse(path, FILE).unwrap();
        let mut home = file.profile("home").unwrap().clone();
        home.keep_alive_s = 60;
        home.password = PasswordSource::Command(vec!["pass".into(), "mqtt".into()]);
        let out = with_profile(path, FILE, &home).unwrap();
        assert!(
            out.starts_with("# my brokers\ndefault_profile = \"home\"\n\n# the house broker\n")
        );
        assert!(
            out.contains("broker = \"mqtt://127.0.0.1:1883\" # local"),
            "{out}"
        );
        assert!(
            out.contains("password_command = [\"pass\", \"mqtt\"]"),
            "{out}"
        );
        assert!(!out.contains("password_env"), "{out}");
        assert!(out.contains("keep_alive_s = 60"), "{out}");
        assert!(out.find("[profiles.home]") < out.find("[profiles.work]"));
        let again = ConfigFile::parse(path, &out).unwrap();
        assert_eq!(again.profile("home").unwrap().keep_alive_s, 60);
        assert_eq!(again.profiles.len(), 2);
    }

    /// A profile's proxy is written back as the file has it (the user in the URL, the password
    /// by reference), is read back the same, and a bad proxy URL is an error that says where.
    #[test]
    fn a_proxy_is_kept_through_a_save() {
        let path = Path::new("/tmp/config.toml");
        let text = "[profiles.site]\nbroker = \"mqtt://b:1883\"\nproxy = \"socks5://alice@p:1080\"\nproxy_password_env = \"PW\"\n";
        let file = ConfigFile::parse(path, text).unwrap();
        let site = file.profile("site").unwrap().clone();
        assert_eq!(
            site.proxy.as_ref().map(|p| p.to_string()).as_deref(),
            Some("socks5://p:1080")
        );
        let mut copy = site.clone();
        copy.name = "copy".into();
        let out = with_profile(path, text, &copy).unwrap();
        assert!(out.contains("[profiles.copy]"), "{out}");
        let again = ConfigFile::parse(path, &out).unwrap();
        let copy = again.profile("copy").unwrap();
        assert_eq!(copy.proxy, site.proxy);
        assert!(
            matches!(&copy.proxy_password, PasswordSource::Env(v) if v == "PW"),
            "{out}"
        );
        for (bad, says) in [
            (
                "proxy = \"ftp://p:1\"",
                "profiles.site.proxy: proxy 'ftp://p:1': ftp:// is not",
            ),
            (
                "proxy = \"socks5://p:1\"\nproxy_password_env = \"PW\"",
                "a password needs a user",
            ),
            (
                "proxy_password_env = \"PW\"",
                "there is no proxy to give it to",
            ),
        ] {
            let text = format!("[profiles.site]\nbroker = \"mqtt://b:1883\"\n{bad}\n");
            let e = ConfigFile::parse(path, &text).unwrap_err().to_string();
            assert!(
                e.contains(says) && e.contains("config.toml:3:"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_new_profile_is_added_and_a_bad_one_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, FILE).unwrap();
        let mut new =
            Profile::adhoc(crate::mqtt::BrokerUrl::parse("mqtts://b.example:8883").unwrap());
        new.name = "cloud".into();
        new.connect.session_expiry = Some(300);
        new.connect.user_properties = vec![("app".into(), "mqscope".into())];
        new.subscriptions = vec![crate::mqtt::Subscription {
            no_local: true,
            id: Some(7),
            ..crate::mqtt::Subscription::new("a/#", crate::mqtt::QoS::AtLeastOnce)
        }];
        save_profile(&path, &new).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("[profiles.cloud]"), "{text}");
        assert!(text.contains("# the house broker"));
        let loaded = ConfigFile::parse(&path, &text).unwrap();
        assert_eq!(
            loaded.profile("cloud").unwrap().subscriptions,
            new.subscriptions
        );
        assert_eq!(loaded.profile("cloud").unwrap().connect, new.connect);

        // A password without a username is refused by the loader's rules: nothing written.
        let mut bad = new.clone();
        bad.password = PasswordSource::Env("X".into());
        let err = save_profile(&path, &bad).unwrap_err();
        assert!(
            err.to_string().contains("a password needs a username"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
