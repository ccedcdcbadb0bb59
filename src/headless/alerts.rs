//! `sub --alerts`: the profile file's `[[alerts]]` rules over what arrives. Each firing is one
//! line on stdout (a JSON object with `--json`) in place of the messages; its publish is sent
//! through the connection it fired on and its command run (no shell, its time limit and output
//! cap), failures told on stderr. `--alerts-fail` ends the command with status 1 at the first.

use std::io::{self, Write};
use std::time::{Instant, SystemTime};

use serde_json::json;

use crate::alert::{Engine, Event, Fired, Rule, action};
use crate::mqtt::{Message, MqttHandle};
use crate::process::failure::{Failure, runtime, usage};
use crate::text::clean;

/// Commands run at once at most; a firing past it is told on stderr, its command not run.
const COMMANDS_AT_ONCE: usize = 16;

pub struct Alerts {
    engine: Engine,
    fail: bool,
    json: bool,
    running: tokio::task::JoinSet<()>,
    /// The first firing, in words (`--alerts-fail` ends with it).
    pub first: Option<String>,
}

impl Alerts {
    pub fn new(rules: Vec<Rule>, fail: bool, json: bool) -> Result<Alerts, Failure> {
        if rules.is_empty() {
            return Err(usage(
                "--alerts: the profile file has no [[alerts]] rules (--config FILE names another)",
            ));
        }
        Ok(Alerts {
            engine: Engine::new(rules),
            fail,
            json,
            running: tokio::task::JoinSet::new(),
            first: None,
        })
    }

    /// A message of connection `scope` (labelled when there are several).
    pub fn observe(
        &mut self,
        scope: usize,
        label: Option<&str>,
        m: &Message,
        handle: Option<&MqttHandle>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        let mut events = Vec::new();
        self.engine.observe(
            scope as u32,
            0,
            &m.topic,
            &m.payload,
            Instant::now(),
            SystemTime::now(),
            &mut events,
        );
        self.act(events, &[(label, handle)], Some(m), out)
    }

    /// Silences due by now; `conns` are each connection's label and handle, by scope.
    pub fn tick(
        &mut self,
        conns: &[(Option<&str>, Option<&MqttHandle>)],
        out: &mut impl Write,
    ) -> io::Result<()> {
        let mut events = Vec::new();
        self.engine.tick(Instant::now(), &mut events);
        self.act(events, conns, None, out)
    }

    /// When the next silence may be due.
    pub fn next_due(&self) -> Option<Instant> {
        self.engine.next_due()
    }

    /// Whether the command must end now (`--alerts-fail` and one fired).
    pub fn failed(&self) -> Option<Failure> {
        self.fail
            .then(|| self.first.as_ref().map(|w| runtime(format!("alert: {w}"))))
            .flatten()
    }

    /// Waits for the commands still running (each within its own time limit).
    pub async fn finish(&mut self) {
        while self.running.join_next().await.is_some() {}
    }

    /// `conns`: for a message, its connection alone (index 0); for a tick, all of them.
    fn act(
        &mut self,
        events: Vec<Event>,
        conns: &[(Option<&str>, Option<&MqttHandle>)],
        message: Option<&Message>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        for e in events {
            let Event::Fired(f) = e else { continue };
            let Some(rule) = self.engine.rules().get(f.rule).cloned() else {
                continue;
            };
            let (label, handle) = match message {
                Some(_) => conns.first().copied().unwrap_or((None, None)),
                None => conns.get(f.scope as usize).copied().unwrap_or((None, None)),
            };
            self.write(&rule, &f, label, out)?;
            if self.first.is_none() {
                self.first = Some(format!(
                    "'{}' fired on {}: {}",
                    clean(&rule.name),
                    clean(&f.topic),
                    clean(&f.what)
                ));
            }
            if let Some(p) = action::publish(&rule, &f, f.wall) {
                let sent = p.and_then(|p| match handle {
                    Some(h) => h.publish(p).map(|_| ()).map_err(|_| {
                        format!("alert '{}': publish not sent: the queue is full", rule.name)
                    }),
                    None => Err(format!(
                        "alert '{}': publish not sent: no connection",
                        rule.name
                    )),
                });
                if let Err(why) = sent {
                    eprintln!("mqscope: {}", clean(&why));
                }
            }
            if let Some(cmd) = rule.command.clone() {
                if self.running.len() >= COMMANDS_AT_ONCE {
                    eprintln!(
                        "mqscope: alert '{}': command not run: {COMMANDS_AT_ONCE} still running",
                        clean(&rule.name)
                    );
                    continue;
                }
                let env = action::command_env(&rule, &f);
                let payload = message.map(|m| m.payload.clone()).unwrap_or_default();
                let name = rule.name.clone();
                self.running.spawn(async move {
                    let env: Vec<(&str, String)> = env.into_iter().collect();
                    if let Err(why) =
                        crate::process::decoder_command::run_with_env(&cmd, payload, &env).await
                    {
                        eprintln!("mqscope: alert '{}': {}", clean(&name), clean(&why));
                    }
                });
            }
        }
        Ok(())
    }

    fn write(
        &self,
        rule: &Rule,
        f: &Fired,
        label: Option<&str>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        if self.json {
            let at: chrono::DateTime<chrono::Utc> = f.wall.into();
            let mut v = json!({
                "alert": rule.name,
                "topic": f.topic,
                "value": f.value,
                "what": f.what,
                "time": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                "held": f.held,
            });
            if let (Some(l), Some(o)) = (label, v.as_object_mut()) {
                o.insert("broker".into(), l.trim_start_matches('@').into());
            }
            super::json::write_safe(&mut *out, &v)?;
        } else {
            if let Some(l) = label {
                out.write_all(l.as_bytes())?;
                out.write_all(b" ")?;
            }
            // The word ALERT in red when colour is on (the rest is escaped text).
            let line = crate::alert::line(&rule.name, f).replacen(
                " ALERT ",
                &format!(" {} ", crate::text::colour::paint("ALERT", 31)),
                1,
            );
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n")?;
        // An alert is read as it happens, not when the buffer fills.
        out.flush()
    }
}
