//! The profile editor (`Ctrl+N` new, `Ctrl+E` edit, `Ctrl+D` duplicate in the picker): every key
//! of a profile as a field. The form is checked by the loader itself: it is written as the
//! `[profiles.NAME]` section it stands for and parsed with the file's own rules, so the message
//! for a bad field is the one the loader would give (key, what is allowed), and nothing that
//! the loader refuses is saved. Secrets by reference: password_env or password_command; a plain
//! password only with a warning. `Ctrl+T` tests the connection (CONNACK shown), `Ctrl+S` saves.

use std::path::Path;

use crate::app::keymap::Action;
use crate::config::{ConfigFile, PasswordSource, Profile};

use super::{Intent, Outcome, field_key};

/// The fields, in order: (label, TOML key, hint).
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "", "the profile's name"),
    ("broker", "broker", "mqtt:// mqtts:// ws:// wss://host:port"),
    ("protocol", "protocol", "auto, 3 or 5"),
    ("client id", "client_id", "empty: mqscope-<random>"),
    ("username", "username", ""),
    ("password env", "password_env", "a variable that holds it"),
    (
        "password command",
        "password_command",
        "a program and its arguments",
    ),
    (
        "password (plain)",
        "password",
        "kept in the file: prefer the two above",
    ),
    ("keep alive (s)", "keep_alive_s", "0 or 1 to 65535"),
    ("clean session", "clean_session", "true or false"),
    ("connect timeout (s)", "connect_timeout_s", "1 to 3600"),
    ("max packet size", "max_packet_size", "bytes"),
    ("inflight", "inflight", "1 to 65535"),
    (
        "subscriptions",
        "subscriptions",
        "filter qos [nl] [rap] [rh=N] [id=N], …",
    ),
    ("tls ca file", "tls.ca_file", "PEM"),
    ("tls cert file", "tls.cert_file", "PEM, with the key file"),
    ("tls key file", "tls.key_file", "PEM"),
    ("tls insecure", "tls.insecure", "true skips verification"),
    ("will topic", "will.topic", ""),
    ("will payload", "will.payload", ""),
    ("will qos", "will.qos", "0 1 2"),
    ("will retain", "will.retain", "true or false"),
    ("session expiry (s)", "mqtt5.session_expiry_s", "MQTT 5"),
    ("receive maximum", "mqtt5.receive_maximum", "MQTT 5"),
    ("topic alias maximum", "mqtt5.topic_alias_maximum", "MQTT 5"),
    (
        "request response info",
        "mqtt5.request_response_information",
        "true or false",
    ),
    (
        "request problem info",
        "mqtt5.request_problem_information",
        "true or false",
    ),
    (
        "user properties",
        "mqtt5.user_properties",
        "key=value, key=value",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileForm {
    /// The profile's name when it is edited (None: a new one).
    pub original: Option<String>,
    pub values: Vec<String>,
    pub at: usize,
    /// What the last test connection said.
    pub tested: Option<String>,
}

fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string()
}

impl ProfileForm {
    pub fn new() -> ProfileForm {
        let mut values = vec![String::new(); FIELDS.len()];
        values[1] = "mqtt://127.0.0.1:1883".into();
        values[2] = "auto".into();
        ProfileForm {
            original: None,
            values,
            at: 0,
            tested: None,
        }
    }

    /// The form filled from `p` (`original` set when it is edited in place).
    pub fn of(p: &Profile, original: Option<String>) -> ProfileForm {
        let mut v = vec![String::new(); FIELDS.len()];
        v[0] = p.name.clone();
        v[1] = p.broker.to_string();
        v[2] = match p.protocol {
            crate::mqtt::Protocol::Auto => "auto".into(),
            crate::mqtt::Protocol::V311 => "3".into(),
            crate::mqtt::Protocol::V5 => "5".into(),
        };
        v[3] = p.client_id.clone().unwrap_or_default();
        v[4] = p.username.clone().unwrap_or_default();
        match &p.password {
            PasswordSource::Env(e) => v[5] = e.clone(),
            PasswordSource::Command(c) => v[6] = c.join(" "),
            PasswordSource::Plain(s) => v[7] = s.expose().to_string(),
            PasswordSource::None => {}
        }
        v[8] = p.keep_alive_s.to_string();
        v[9] = p.clean_session.to_string();
        v[10] = p.connect_timeout_s.to_string();
        v[11] = p.max_packet_size.to_string();
        v[12] = p.inflight.to_string();
        v[13] = p
            .subscriptions
            .iter()
            .map(|s| {
                let mut w = format!("{} {}", s.filter, s.qos.as_u8());
                if s.no_local {
                    w.push_str(" nl");
                }
                if s.retain_as_published {
                    w.push_str(" rap");
                }
                if s.retain_handling != 0 {
                    w.push_str(&format!(" rh={}", s.retain_handling));
                }
                if let Some(id) = s.id {
                    w.push_str(&format!(" id={id}"));
                }
                w
            })
            .collect::<Vec<_>>()
            .join(", ");
        let file = |f: &Option<std::path::PathBuf>| {
            f.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        v[14] = file(&p.tls.ca_file);
        v[15] = file(&p.tls.cert_file);
        v[16] = file(&p.tls.key_file);
        v[17] = if p.tls.insecure {
            "true".into()
        } else {
            String::new()
        };
        if let Some(w) = &p.will {
            v[18] = w.topic.clone();
            v[19] = String::from_utf8_lossy(&w.payload).into_owned();
            v[20] = w.qos.as_u8().to_string();
            v[21] = w.retain.to_string();
        }
        let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        v[22] = num(p.connect.session_expiry.map(u64::from));
        v[23] = num(p.connect.receive_maximum.map(u64::from));
        v[24] = num(p.connect.topic_alias_maximum.map(u64::from));
        let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
        v[25] = flag(p.connect.request_response_information);
        v[26] = flag(p.connect.request_problem_information);
        v[27] = p
            .connect
            .user_properties
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        ProfileForm {
            original,
            values: v,
            at: 0,
            tested: None,
        }
    }

    /// The `[profiles.NAME]` section the form stands for.
    pub fn to_toml(&self) -> String {
        let v = &self.values;
        let mut main = vec![format!("[profiles.{}]", quote(v[0].trim()))];
        let mut tls = Vec::new();
        let mut will = Vec::new();
        let mut mqtt5 = Vec::new();
        for (i, (_, key, _)) in FIELDS.iter().enumerate().skip(1) {
            let val = v[i].trim();
            if val.is_empty() {
                continue;
            }
            let text = match *key {
                // Words the user types as-is: numbers, booleans, the protocol.
                "keep_alive_s"
                | "clean_session"
                | "connect_timeout_s"
                | "max_packet_size"
                | "inflight"
                | "tls.insecure"
                | "will.qos"
                | "will.retain"
                | "mqtt5.session_expiry_s"
                | "mqtt5.receive_maximum"
                | "mqtt5.topic_alias_maximum"
                | "mqtt5.request_response_information"
                | "mqtt5.request_problem_information" => {
                    if val.parse::<i64>().is_ok() || val == "true" || val == "false" {
                        val.to_string()
                    } else {
                        quote(val)
                    }
                }
                "protocol" => match val.parse::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) => quote(val),
                },
                "password_command" => {
                    let words: Vec<String> = val.split_whitespace().map(quote).collect();
                    format!("[{}]", words.join(", "))
                }
                "subscriptions" => {
                    let subs: Vec<String> = val
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| {
                            let mut w = s.split_whitespace();
                            let mut keys =
                                vec![format!("filter = {}", quote(w.next().unwrap_or("")))];
                            let raw = |v: &str| {
                                if v.parse::<i64>().is_ok() {
                                    v.to_string()
                                } else {
                                    quote(v)
                                }
                            };
                            for word in w {
                                keys.push(match word.split_once('=') {
                                    _ if word == "nl" => "no_local = true".into(),
                                    _ if word == "rap" => "retain_as_published = true".into(),
                                    Some(("rh", n)) => format!("retain_handling = {}", raw(n)),
                                    Some(("id", n)) => format!("subscription_id = {}", raw(n)),
                                    // A bare word is the QoS; anything else the loader names.
                                    None => format!("qos = {}", raw(word)),
                                    Some((k, v)) => format!("{k} = {}", raw(v)),
                                });
                            }
                            format!("{{ {} }}", keys.join(", "))
                        })
                        .collect();
                    format!("[{}]", subs.join(", "))
                }
                "mqtt5.user_properties" => {
                    let pairs: Vec<String> = val
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(|kv| match kv.split_once('=') {
                            Some((k, v)) => format!("{} = {}", quote(k.trim()), quote(v.trim())),
                            None => format!("{} = \"\"", quote(kv.trim())),
                        })
                        .collect();
                    format!("{{ {} }}", pairs.join(", "))
                }
                _ => quote(val),
            };
            match key.split_once('.') {
                Some(("tls", k)) => tls.push(format!("{k} = {text}")),
                Some(("will", k)) => will.push(format!("{k} = {text}")),
                Some(("mqtt5", k)) => mqtt5.push(format!("{k} = {text}")),
                _ => main.push(format!("{key} = {text}")),
            }
        }
        let name = quote(v[0].trim());
        for (table, lines) in [("tls", tls), ("will", will), ("mqtt5", mqtt5)] {
            if !lines.is_empty() {
                main.push(format!("[profiles.{name}.{table}]"));
                main.extend(lines);
            }
        }
        main.join("\n") + "\n"
    }

    /// The profile, as the loader reads the form, or the loader's words for what is wrong.
    pub fn profile(&self, config: &Path) -> Result<Profile, String> {
        if self.values[0].trim().is_empty() {
            return Err("name: a profile needs a name".into());
        }
        let file = ConfigFile::parse(config, &self.to_toml()).map_err(|e| {
            // "file:LINE:COL: key: words": the line is the form's, so only the words are kept.
            let s = e.to_string();
            s.splitn(4, ':')
                .nth(3)
                .map(|w| w.trim().to_string())
                .unwrap_or(s)
        })?;
        file.profiles
            .into_iter()
            .next()
            .ok_or_else(|| "no profile in the form".to_string())
    }

    /// A warning about what the form holds, if any (a plain password).
    pub fn warning(&self) -> Option<&'static str> {
        (!self.values[7].trim().is_empty()).then_some(
            "a plain password is kept in the file: password_env or password_command keep it out",
        )
    }

    /// A key; `config` is the profile file (relative TLS files are read from its folder).
    pub fn on_key(
        &mut self,
        config: &std::path::Path,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        match (action, typed) {
            (Some(Action::Close), _) => return Outcome::Close,
            (Some(Action::Publish), _) => {
                if let Ok(p) = self.profile(config) {
                    self.tested = Some("saving…".into());
                    return Outcome::KeepAnd(Intent::SaveProfile {
                        profile: Box::new(p),
                        original: self.original.clone(),
                    });
                }
            }
            (Some(Action::TestConnection), _) => {
                if let Ok(p) = self.profile(config) {
                    self.tested = Some("testing: connecting…".into());
                    return Outcome::KeepAnd(Intent::TestProfile(Box::new(p)));
                }
            }
            _ => field_key(&mut self.values, &mut self.at, action, typed),
        }
        Outcome::Keep
    }
}

impl Default for ProfileForm {
    fn default() -> Self {
        ProfileForm::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{BrokerUrl, QoS, Subscription};

    #[test]
    fn a_profile_comes_back_whole_through_the_form() {
        let mut p = Profile::adhoc(BrokerUrl::parse("mqtts://b.example:8883/").unwrap());
        p.name = "full".into();
        p.username = Some("u".into());
        p.password = PasswordSource::Command(vec!["pass".into(), "mqtt/full".into()]);
        p.keep_alive_s = 20;
        p.clean_session = false;
        p.subscriptions = vec![
            Subscription::new("a/#", QoS::AtLeastOnce),
            Subscription {
                no_local: true,
                retain_as_published: true,
                retain_handling: 2,
                id: Some(9),
                ..Subscription::new("cmd/+", QoS::ExactlyOnce)
            },
        ];
        p.will = Some(crate::mqtt::Will {
            topic: "w".into(),
            payload: "bye".into(),
            qos: QoS::AtLeastOnce,
            retain: true,
        });
        p.connect.session_expiry = Some(60);
        p.connect.request_problem_information = Some(false);
        p.connect.user_properties = vec![("app".into(), "x".into())];
        let form = ProfileForm::of(&p, Some("full".into()));
        let back = form.profile(Path::new("/tmp/c.toml")).unwrap();
        assert_eq!(back.subscriptions, p.subscriptions);
        assert_eq!(back.connect, p.connect);
        assert_eq!(back.will, p.will);
        assert_eq!(back.password, p.password);
        assert_eq!((back.keep_alive_s, back.clean_session), (20, false));
        let mut bad = form;
        bad.values[13] = "a/# 3".into();
        assert!(
            bad.profile(Path::new("/tmp/c.toml"))
                .unwrap_err()
                .contains("qos")
        );
    }
}
