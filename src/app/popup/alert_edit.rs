//! The alert rule editor (`A`, then `a` or Enter): every key of an `[[alerts]]` rule as a
//! field. Like the profile editor, the form is written as the `[[alerts]]` table it stands for
//! and read with the loader's own rules, so a bad field gets the loader's words (key, what is
//! allowed) and nothing the loader refuses is saved. `Ctrl+T` tries the rule on the kept
//! history (what it would have fired); `Ctrl+S` saves it into the profile file.

use std::path::Path;

use crate::alert::{Condition, Rule, ValueOf};
use crate::app::keymap::Action;
use crate::config::ConfigFile;

use super::{Intent, Outcome, field_key};

/// The fields, in order: (label, hint).
pub const FIELDS: &[(&str, &str)] = &[
    ("name", "the rule's name"),
    ("filter", "topics: sensors/+/temp"),
    ("json path", "env.temp; empty: the whole payload"),
    ("when", "> 30, < 5, = open, changed, ~ regex, silent 60"),
    (
        "hysteresis",
        "with > or <: how far back before it fires again",
    ),
    ("cooldown (s)", "firings held back (and counted) after one"),
    ("bell", "true rings the terminal's bell"),
    ("publish topic", "alerts/{{rule}}/{{topic}}"),
    ("publish payload", "{{value}} at {{now}}"),
    ("publish qos", "0 1 2"),
    ("publish retain", "true or false"),
    (
        "command",
        "a program and its arguments, no shell; payload on stdin",
    ),
    ("timeout (s)", "the command's time limit (default 5)"),
];

const WHEN: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertForm {
    /// The rule's name when it is edited (None: a new one).
    pub original: Option<String>,
    pub values: Vec<String>,
    pub at: usize,
    /// What the last try or save said, one line each (already escaped).
    pub said: Vec<String>,
}

fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string()
}

/// A number as TOML (as written when it is one; quoted, for the loader to name, when not).
fn number(s: &str) -> String {
    if s.parse::<f64>().is_ok_and(f64::is_finite) {
        s.to_string()
    } else {
        quote(s)
    }
}

impl AlertForm {
    pub fn new() -> AlertForm {
        let mut values = vec![String::new(); FIELDS.len()];
        values[1] = "#".into();
        values[WHEN] = "changed".into();
        AlertForm {
            original: None,
            values,
            at: 0,
            said: Vec::new(),
        }
    }

    /// The form filled from `r`, edited in place.
    pub fn of(r: &Rule) -> AlertForm {
        let mut v = vec![String::new(); FIELDS.len()];
        v[0] = r.name.clone();
        v[1] = r.filter.clone();
        if let ValueOf::Json(p) = &r.value {
            v[2] = p.clone();
        }
        v[WHEN] = match &r.when {
            Condition::Silent(d) => format!("silent {}", d.as_secs_f64()),
            other => other.words(),
        };
        v[4] = r.hysteresis.clone().unwrap_or_default();
        if !r.cooldown.is_zero() {
            v[5] = r.cooldown.as_secs_f64().to_string();
        }
        if r.bell {
            v[6] = "true".into();
        }
        if let Some(p) = &r.publish {
            v[7] = p.topic.clone();
            v[8] = p.payload.clone();
            v[9] = p.qos.to_string();
            v[10] = p.retain.to_string();
        }
        if let Some(c) = &r.command {
            v[11] = c.argv.join(" ");
            v[12] = c.time_limit.as_secs_f64().to_string();
        }
        AlertForm {
            original: Some(r.name.clone()),
            values: v,
            at: 0,
            said: Vec::new(),
        }
    }

    /// The `[[alerts]]` table the form stands for, or what is wrong with the condition.
    pub fn to_toml(&self) -> Result<String, String> {
        let v: Vec<&str> = self.values.iter().map(|s| s.trim()).collect();
        let mut lines = vec![
            "[[alerts]]".to_string(),
            format!("name = {}", quote(v[0])),
            format!("filter = {}", quote(v[1])),
        ];
        if !v[2].is_empty() {
            lines.push(format!("json = {}", quote(v[2])));
        }
        let when = v[WHEN];
        let (op, rest) = match when.find(' ') {
            Some(i) => (&when[..i], when[i + 1..].trim()),
            None => (when, ""),
        };
        lines.push(match (op, rest) {
            (">", t) if !t.is_empty() => format!("above = {}", number(t)),
            ("<", t) if !t.is_empty() => format!("below = {}", number(t)),
            ("=", t) => format!("equals = {}", quote(t)),
            ("~", re) if !re.is_empty() => format!("matches = {}", quote(re)),
            ("changed", "") => "changed = true".into(),
            ("silent", s) if !s.is_empty() => {
                format!("silent_s = {}", number(s.trim_end_matches('s').trim()))
            }
            _ => {
                return Err(
                    "when: > 30, < 5, = text, changed, ~ regex or silent SECONDS".to_string(),
                );
            }
        });
        for (i, key) in [(4, "hysteresis"), (5, "cooldown_s"), (12, "timeout_s")] {
            if !v[i].is_empty() {
                lines.push(format!("{key} = {}", number(v[i])));
            }
        }
        if !v[6].is_empty() {
            lines.push(format!(
                "bell = {}",
                if v[6] == "true" || v[6] == "false" {
                    v[6].to_string()
                } else {
                    quote(v[6])
                }
            ));
        }
        if !v[11].is_empty() {
            let words: Vec<String> = v[11].split_whitespace().map(quote).collect();
            lines.push(format!("command = [{}]", words.join(", ")));
        }
        if !v[7].is_empty() || !v[8].is_empty() {
            let mut keys = vec![
                format!("topic = {}", quote(v[7])),
                format!("payload = {}", quote(v[8])),
            ];
            if !v[9].is_empty() {
                keys.push(format!("qos = {}", number(v[9])));
            }
            if !v[10].is_empty() {
                keys.push(format!(
                    "retain = {}",
                    if v[10] == "true" || v[10] == "false" {
                        v[10].to_string()
                    } else {
                        quote(v[10])
                    }
                ));
            }
            lines.push(format!("publish = {{ {} }}", keys.join(", ")));
        }
        Ok(lines.join("\n") + "\n")
    }

    /// The rule as the loader reads the form, or the loader's words for what is wrong.
    pub fn rule(&self, config: &Path) -> Result<Rule, String> {
        let text = self.to_toml()?;
        let file = ConfigFile::parse(config, &text).map_err(|e| {
            // "file:LINE:COL: words": the line is the form's, so only the words are kept.
            let s = e.to_string();
            s.splitn(4, ':')
                .nth(3)
                .map(|w| w.trim().to_string())
                .unwrap_or(s)
        })?;
        file.alerts
            .into_iter()
            .next()
            .ok_or_else(|| "no rule in the form".to_string())
    }

    /// A key; `config` is the profile file (for the loader's words).
    pub fn on_key(
        &mut self,
        config: &Path,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        match (action, typed) {
            (Some(Action::Close), _) => return Outcome::Close,
            (Some(Action::Publish), _) => {
                if let (Ok(rule), Ok(section)) = (self.rule(config), self.to_toml()) {
                    self.said = vec!["saving…".into()];
                    return Outcome::KeepAnd(Intent::SaveAlert {
                        section,
                        name: rule.name,
                        original: self.original.clone(),
                    });
                }
            }
            (Some(Action::AlertTry), _) => {
                if let Ok(rule) = self.rule(config) {
                    return Outcome::KeepAnd(Intent::TryAlert(Box::new(rule)));
                }
            }
            _ => field_key(&mut self.values, &mut self.at, action, typed),
        }
        Outcome::Keep
    }
}

impl Default for AlertForm {
    fn default() -> Self {
        AlertForm::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> &'static Path {
        Path::new("/tmp/c.toml")
    }

    #[test]
    fn a_rule_comes_back_whole_through_the_form() {
        let text = "[[alerts]]\nname = \"hot\"\nfilter = \"s/+/t\"\njson = \"env.temp\"\n\
                    above = 30.5\nhysteresis = 0.5\ncooldown_s = 60\nbell = true\n\
                    publish = { topic = \"alerts/{{topic}}\", payload = \"{{value}}\", qos = 1, retain = true }\n\
                    command = [\"notify-send\", \"hot\"]\ntimeout_s = 2\n";
        let rule = ConfigFile::parse(config(), text).unwrap().alerts.remove(0);
        let form = AlertForm::of(&rule);
        let back = form.rule(config()).unwrap();
        assert_eq!(back.summary(), rule.summary());
        assert_eq!(
            (back.hysteresis, back.cooldown),
            (rule.hysteresis, rule.cooldown)
        );
        assert_eq!(back.publish, rule.publish);
        assert_eq!(back.command.map(|c| c.argv), rule.command.map(|c| c.argv));
        for when in ["< -2", "= open door", "changed", "~ ^ERR", "silent 60"] {
            let mut f = AlertForm::new();
            f.values[0] = "r".into();
            f.values[WHEN] = when.into();
            let r = f.rule(config()).unwrap();
            assert_eq!(AlertForm::of(&r).values[WHEN].replace("60 s", "60"), when);
        }
    }

    #[test]
    fn a_bad_field_gets_the_loaders_words() {
        let mut f = AlertForm::new();
        f.values[0] = "r".into();
        f.values[WHEN] = "> warm".into();
        assert!(f.rule(config()).unwrap_err().contains("not a number"));
        f.values[WHEN] = "above 3".into();
        assert!(f.rule(config()).unwrap_err().starts_with("when: "));
        f.values[WHEN] = "changed".into();
        f.values[1] = "a/#/b".into();
        assert!(f.rule(config()).unwrap_err().contains("alerts.filter"));
        f.values[1] = "#".into();
        f.values[0] = String::new();
        assert!(f.rule(config()).unwrap_err().contains("needs a name"));
    }
}
