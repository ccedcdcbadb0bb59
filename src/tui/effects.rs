//! Carries out the app's effects: publishes and subscriptions go to the worker without waiting,
//! connects start a worker (after resolving the profile as a job when the session is two-step),
//! profile saves run as jobs. What comes back is handed to the app.

use crate::app::Level;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use super::jobs::{Done, Jobs};
use super::session::{Connect, Session};
use crate::app::{App, Effect, JobKind};
use crate::config::{PasswordSource, Profile};
use crate::mqtt::{Command, ConnectionSettings};

pub fn apply(app: &mut App, session: &mut Session<'_>, jobs: &mut Jobs, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Publish(draft) => publish(app, session, draft),
            Effect::RemoveProfile(name) => super::profile_jobs::remove(app, session, jobs, name),
            Effect::TestProfile(p) => super::profile_jobs::test(session, jobs, *p),
            Effect::SaveHistory {
                items,
                rewrite,
                new,
            } => {
                if let Some(path) = session.history_path.clone() {
                    // Not "newest wins": every batch is written and counted.
                    jobs.spawn_each(JobKind::SaveHistory, async move {
                        let done = tokio::task::spawn_blocking(move || {
                            crate::config::history_file::save(&path, &items, rewrite)
                        })
                        .await;
                        match done {
                            Ok(r) => (r.map(|()| new.to_string()), None),
                            Err(e) => (Err(e.to_string()), None),
                        }
                    });
                }
            }
            Effect::LoadPayload { path, limit } => {
                jobs.spawn(JobKind::LoadPayload, async move {
                    let read = tokio::task::spawn_blocking(move || {
                        use base64::Engine;
                        let bytes = crate::publish::read_file_capped(&path, limit)
                            .map_err(|e| e.to_string())?;
                        Ok(match String::from_utf8(bytes) {
                            Ok(t) => format!("text:{t}"),
                            Err(e) => format!(
                                "base64:{}",
                                base64::engine::general_purpose::STANDARD.encode(e.as_bytes())
                            ),
                        })
                    })
                    .await;
                    match read {
                        Ok(r) => (r, None),
                        Err(e) => (Err(e.to_string()), None),
                    }
                });
            }
            Effect::SaveSnippet(snippet) => {
                let name = snippet.name.clone();
                match session.config_path.clone() {
                    None => app.tell(
                        Level::Warning,
                        "no profile file to save the snippet to (start with --config FILE)".into(),
                    ),
                    Some(path) => {
                        jobs.spawn(JobKind::SaveSnippet(name.clone()), async move {
                            let shown = path.display().to_string();
                            let done = tokio::task::spawn_blocking(move || {
                                crate::config::snippets::save_snippet(&path, &snippet)
                            })
                            .await;
                            match done {
                                Ok(Ok(())) => (
                                    Ok(format!(
                                        "snippet '{}' saved to {shown}",
                                        crate::text::clean(&name)
                                    )),
                                    None,
                                ),
                                Ok(Err(e)) => (Err(e.to_string()), None),
                                Err(e) => (Err(e.to_string()), None),
                            }
                        });
                    }
                }
            }
            Effect::RetainedLook { filter } => match &session.handle {
                Some(h) => {
                    let settings = h.settings().clone();
                    jobs.spawn_look(filter.clone(), async move {
                        crate::session::retained::find(
                            &settings,
                            &filter,
                            std::time::Duration::from_secs(15),
                        )
                        .await
                    });
                }
                None => app.on_found(&filter, Err("not connected".into())),
            },
            Effect::CleanupPublish(drafts) => {
                for d in drafts {
                    let queued = match &session.handle {
                        Some(h) => h
                            .publish(
                                d.topic.clone(),
                                d.payload.clone(),
                                d.qos,
                                d.retain,
                                d.properties.clone(),
                            )
                            .map_err(|e| e.to_string()),
                        None => Err("not connected".to_string()),
                    };
                    app.cleanup_queued(d, queued);
                }
            }
            Effect::Rebirth { topic } => {
                let now_ms = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as u64);
                match crate::decode::sparkplug::rebirth_command(now_ms) {
                    Ok(payload) => publish(
                        app,
                        session,
                        crate::app::effect::Draft {
                            topic,
                            payload: payload.into(),
                            qos: crate::mqtt::QoS::AtMostOnce,
                            retain: false,
                            properties: None,
                            templated: false,
                        },
                    ),
                    Err(e) => app.tell(Level::Error, format!("no Rebirth sent: {e}")),
                }
            }
            Effect::Subscribe(subs) => {
                send(app, session, Command::Subscribe(subs));
            }
            Effect::Unsubscribe(filters) => send(app, session, Command::Unsubscribe(filters)),
            Effect::Connect(name) => connect(app, session, jobs, &name),
            Effect::SaveProfile { profile, replacing } => {
                save(app, session, jobs, *profile, replacing)
            }
            Effect::Copy { what, bytes } => copy(app, session, &what, &bytes),
            Effect::Export { topic, rows } => {
                let dir = session
                    .export_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("."));
                app.tell(
                    Level::Info,
                    format!("exporting {}…", crate::text::clean(&topic)),
                );
                jobs.spawn(JobKind::Export(topic.clone()), async move {
                    let written = tokio::task::spawn_blocking(move || {
                        super::export::write(&dir, &topic, &rows)
                    })
                    .await;
                    match written {
                        Ok(outcome) => (outcome, None),
                        Err(e) => (Err(format!("the export failed: {e}")), None),
                    }
                });
            }
            Effect::Decode { command, payload } => {
                jobs.spawn(JobKind::Decode, async move {
                    let out = crate::process::decoder_command::run(&command, payload).await;
                    (out.map(|o| String::from_utf8_lossy(&o).into_owned()), None)
                });
            }
        }
    }
}

fn publish(app: &mut App, session: &mut Session<'_>, mut draft: crate::app::effect::Draft) {
    if draft.templated {
        // Expanded now, at send time, so the log and the outcome show what went out.
        session.sent += 1;
        let ctx = crate::publish::template::Ctx {
            seq: session.sent,
            now: SystemTime::now(),
            env: &|v: &str| std::env::var(v).ok(),
        };
        let expanded = crate::publish::template::expand(&draft.topic, &ctx).and_then(|topic| {
            let payload = std::str::from_utf8(&draft.payload)
                .map_err(|_| "the payload is not text".to_string())
                .and_then(|p| crate::publish::template::expand(p, &ctx))?;
            Ok((topic, payload))
        });
        match expanded {
            Ok((topic, payload)) => {
                if let Err(e) = crate::mqtt::topic::validate_topic(&topic) {
                    app.compose.status = Some((format!("not sent: the expanded topic: {e}"), true));
                    return;
                }
                draft.topic = topic;
                draft.payload = payload.into_bytes().into();
            }
            Err(why) => {
                app.compose.status = Some((format!("not sent: template: {why}"), true));
                return;
            }
        }
    }
    let result = match &session.handle {
        Some(h) => h
            .publish(
                draft.topic.clone(),
                draft.payload.clone(),
                draft.qos,
                draft.retain,
                draft.properties.clone(),
            )
            .map_err(|e| e.to_string()),
        None => Err("not connected".to_string()),
    };
    app.published(&draft, result, SystemTime::now());
}

fn copy(app: &mut App, session: &mut Session<'_>, what: &str, bytes: &[u8]) {
    use super::clipboard::{MAX_COPY, osc52};
    let size = crate::text::human_bytes(bytes.len() as u64);
    let (level, words) = if bytes.len() > MAX_COPY {
        (
            Level::Error,
            format!(
                "{what} not copied: {size} is more than the {} terminals take",
                crate::text::human_bytes(MAX_COPY as u64)
            ),
        )
    } else {
        match session.clipboard.as_mut() {
            Some(sink) => match sink(&osc52(bytes)) {
                Ok(()) => (
                    Level::Info,
                    format!("copied the {what} ({size}) to the clipboard (OSC 52)"),
                ),
                Err(e) => (Level::Error, format!("{what} not copied: {e}")),
            },
            None => (Level::Error, format!("{what} not copied: no terminal")),
        }
    };
    app.tell(level, words);
}

fn send(app: &mut App, session: &Session<'_>, command: Command) {
    let sent = session
        .handle
        .as_ref()
        .is_some_and(|h| h.try_send(command).is_ok());
    if !sent {
        app.tell(
            Level::Warning,
            "not connected, or the connection is busy: try again".into(),
        );
    }
}

fn connect(app: &mut App, session: &mut Session<'_>, jobs: &mut Jobs, name: &str) {
    session.disconnect();
    app.clear_data();
    let kind = JobKind::ResolveProfile(name.to_string());
    jobs.cancel(&kind);
    let Some(profile) = app.profiles.iter().find(|p| p.name == name).cloned() else {
        app.tell(Level::Warning, format!("no profile named '{name}'"));
        return;
    };
    match &mut session.connect {
        Connect::Direct(connector) => {
            let result = connector(&profile);
            started(app, session, &profile, result);
        }
        Connect::TwoStep { resolve, .. } => {
            let resolve = resolve.clone();
            if let PasswordSource::Command(argv) = &profile.password {
                app.tell(
                    Level::Info,
                    format!(
                        "running password_command ({})…",
                        crate::text::clean(argv.first().map_or("", String::as_str))
                    ),
                );
            }
            let p = profile.clone();
            jobs.spawn(kind, async move {
                let resolved = tokio::task::spawn_blocking(move || resolve(&p)).await;
                match resolved {
                    Ok(Ok(settings)) => (Ok("resolved".into()), Some(settings)),
                    Ok(Err(e)) => (Err(e), None),
                    Err(e) => (Err(format!("resolving the profile failed: {e}")), None),
                }
            });
        }
    }
}

fn started(
    app: &mut App,
    session: &mut Session<'_>,
    profile: &Profile,
    result: Result<(crate::mqtt::MqttHandle, crate::app::ConnInfo), String>,
) {
    match result {
        Ok((handle, info)) => {
            session.handle = Some(handle);
            app.set_connection(info);
            // Shown to the user, once, for the profile in use.
            if let Some(w) = profile.plain_password_warning() {
                app.tell(crate::app::Level::Warning, w);
            }
        }
        Err(e) => {
            app.conn = None;
            app.tell(Level::Error, format!("{}: {e}", profile.name));
            app.open_picker_at(profile.name.clone());
        }
    }
}

fn save(
    app: &mut App,
    session: &Session<'_>,
    jobs: &mut Jobs,
    profile: Profile,
    replacing: Option<String>,
) {
    let Some(path) = session.config_path.clone() else {
        app.on_job(
            crate::app::effect::JobResult {
                kind: JobKind::SaveProfile(profile.name.clone()),
                generation: 0,
                outcome: Err("no profile file to save to (start with --config FILE)".into()),
            },
            Instant::now(),
        );
        return;
    };
    let name = profile.name.clone();
    jobs.spawn(JobKind::SaveProfile(name.clone()), async move {
        let shown = path.display().to_string();
        let outcome = tokio::task::spawn_blocking(move || {
            crate::config::persist::save_profile_as(&path, &profile, replacing.as_deref())
        })
        .await;
        match outcome {
            Ok(Ok(())) => (Ok(format!("profile '{name}' saved to {shown}")), None),
            Ok(Err(e)) => (Err(e.to_string()), None),
            Err(e) => (Err(e.to_string()), None),
        }
    });
}

/// A job finished: a resolved profile starts its worker, then the app hears of it.
pub fn on_done(app: &mut App, session: &mut Session<'_>, done: Done) {
    if let (JobKind::ResolveProfile(name), Some(settings)) = (&done.result.kind, done.settings) {
        start_resolved(app, session, name, settings);
    }
    if let (JobKind::RetainedLook(filter), Some(found)) = (&done.result.kind, done.found) {
        app.on_found(filter, Ok(found));
    }
    app.on_job(done.result, Instant::now());
}

fn start_resolved(
    app: &mut App,
    session: &mut Session<'_>,
    name: &str,
    settings: ConnectionSettings,
) {
    let Some(profile) = app.profiles.iter().find(|p| p.name == name).cloned() else {
        return;
    };
    if let Connect::TwoStep { start, .. } = &mut session.connect {
        let subs = settings.subscriptions.clone();
        let result = start(settings, &profile);
        let ok = result.is_ok();
        started(app, session, &profile, result);
        if ok {
            app.set_subscriptions(&subs);
        }
    }
}
