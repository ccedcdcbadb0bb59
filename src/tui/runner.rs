//! Carries out the app's effects and reports what came of them. Publishes and subscriptions go
//! to the worker without waiting; connects start a worker (after resolving the profile as a job
//! when the session is two-step); files, commands and looks run as jobs (`jobs.rs`,
//! `file_jobs.rs`). The runner never writes the app: every answer is an `Output`, which the
//! loop hands to `App::update`; the app alone decides what the user is told.

use std::time::Instant;

use super::jobs::{Done, Finished, Jobs, blocking};
use super::session::{Connect, Session};
use crate::app::effect::Draft;
use crate::app::{ConnId, Effect, JobKind, Output};
use crate::config::{PasswordSource, Profile};
use crate::mqtt::{Command, ConnectionSettings};

/// The runner's state beside the session: its jobs, and what only the loop acts on.
#[derive(Default)]
pub struct Runner {
    pub jobs: Jobs,
    /// The timer the app asked for last.
    pub wake: Option<Instant>,
    /// The app asked to suspend (Ctrl+Z).
    pub suspend: bool,
    /// `E`: the recording's writer, while one runs.
    pub recording: Option<super::recorder::Recording>,
    /// `L`: the replay, while one runs.
    pub replaying: Option<super::replayer::Replayer>,
}

impl Runner {
    /// Carries out `effects` in order; returns what came of them at once (later results come
    /// from `jobs`).
    pub fn apply(&mut self, session: &mut Session<'_>, effects: Vec<Effect>) -> Vec<Output> {
        let mut out = Vec::new();
        for effect in effects {
            self.apply_one(session, effect, &mut out);
        }
        out
    }

    fn apply_one(&mut self, session: &mut Session<'_>, effect: Effect, out: &mut Vec<Output>) {
        let jobs = &mut self.jobs;
        match effect {
            Effect::WakeAt(at) => self.wake = Some(at),
            Effect::Suspend => self.suspend = true,
            Effect::Publish(draft) => out.push(publish(session, draft)),
            Effect::CleanupPublish(drafts) => {
                for draft in drafts {
                    let id = queue(session, &draft);
                    out.push(Output::CleanupQueued { draft, id });
                }
            }
            Effect::StartReplay(plan) => match session.handle() {
                Some(h) => {
                    // One at a time: the app asks only when none runs.
                    if let Some(mut old) = self.replaying.take() {
                        old.stop();
                    }
                    let base = h.settings().as_ref().clone();
                    self.replaying = Some(super::replayer::Replayer::start(&base, plan));
                }
                None => out.push(Output::ReplayEnded {
                    tally: Err("not connected to a broker".into()),
                    late: (None, 0),
                }),
            },
            Effect::StopReplay => {
                if let Some(r) = self.replaying.as_mut() {
                    r.stop();
                }
            }
            Effect::OpenTime(gate) => {
                if let Some(o) = session.open_file.as_mut()
                    && let Err(why) = o.set(gate)
                {
                    out.push(Output::FileRead {
                        messages: 0,
                        bad: 0,
                        told: Vec::new(),
                        failed: Some(why),
                    });
                }
            }
            Effect::MockPublish {
                conn,
                rule,
                publish,
            } => {
                let sent = match session.handles.iter().find(|(c, _)| *c == conn) {
                    Some((_, h)) => h.publish(publish).map(|_| ()).map_err(|e| e.to_string()),
                    None => Err("the connection is closed".to_string()),
                };
                if let Err(why) = sent {
                    out.push(Output::NotSent(format!(
                        "mock '{}': answer not sent: {why}",
                        crate::text::clean(&rule)
                    )));
                }
            }
            Effect::Bell => {
                // A BEL moves nothing on the screen; where there is no terminal, nothing rings.
                if let Some(sink) = session.clipboard.as_mut() {
                    let _ = sink(b"\x07");
                }
            }
            Effect::AlertPublish {
                conn,
                number,
                publish,
            } => {
                let id = match session.handles.iter().find(|(c, _)| *c == conn) {
                    Some((_, h)) => h.publish(publish).map_err(|e| e.to_string()),
                    None => Err("the connection is closed".to_string()),
                };
                out.push(Output::AlertQueued { conn, number, id });
            }
            Effect::AlertCommand {
                number,
                command,
                payload,
                env,
            } => {
                jobs.spawn(JobKind::AlertCommand(number), async move {
                    let result =
                        crate::process::decoder_command::run_with_env(&command, payload, &env)
                            .await;
                    Ok(Output::AlertRan { number, result })
                });
            }
            Effect::Subscribe(subs) => out.extend(send(session, Command::Subscribe(subs))),
            Effect::Unsubscribe(filters) => {
                out.extend(send(session, Command::Unsubscribe(filters)))
            }
            Effect::Connect { conn, profile } => out.extend(connect(session, jobs, conn, *profile)),
            Effect::Focus(conn) => session.focus = conn,
            Effect::Disconnect(conn) => {
                session.disconnect(conn);
                jobs.cancel(&JobKind::ResolveProfile(conn));
            }
            Effect::Copy { what, bytes } => out.push(copy(session, what, &bytes)),
            Effect::RetainedLook { filter } => {
                let kind = JobKind::RetainedLook(filter.clone());
                match session.handle() {
                    Some(h) => {
                        let settings = h.settings().clone();
                        jobs.spawn(kind, async move {
                            let wait = std::time::Duration::from_secs(15);
                            let found =
                                crate::session::retained::find(&settings, &filter, wait).await?;
                            Ok(Output::RetainedFound { filter, found })
                        });
                    }
                    None => out.push(Output::Failed {
                        job: kind,
                        why: "not connected".into(),
                    }),
                }
            }
            Effect::Decode { command, payload } => {
                jobs.spawn(JobKind::Decode, async move {
                    let output = crate::process::decoder_command::run(&command, payload).await?;
                    Ok(Output::Decoded(output))
                });
            }
            Effect::ReadWhole {
                seq,
                decoder,
                payload,
            } => {
                jobs.spawn(JobKind::ReadWhole, async move {
                    let view = decoder.0.id();
                    let result = super::jobs::blocking(move || Ok(decoder.0.decode(&payload)));
                    Ok(Output::ReadWhole {
                        seq,
                        view,
                        result: result.await?,
                    })
                });
            }
            Effect::TestProfile(profile) => test_profile(session, jobs, *profile),
            Effect::StartRecording {
                header,
                started,
                wall,
            } => {
                let path = super::recorder::path_in(&session.export_dir());
                let writer =
                    super::recorder::Recording::start(path.clone(), header, wall, started, jobs);
                // One at a time: a second start ends the first (the app asks only when none).
                if let Some(old) = self.recording.replace(writer) {
                    old.finish(std::time::Duration::ZERO);
                }
                out.push(Output::RecordingStarted { path });
            }
            Effect::Record(items) => {
                let dropped = match &self.recording {
                    Some(r) => r.send(items),
                    None => items.len() as u64,
                };
                if dropped > 0 {
                    out.push(Output::RecordingDropped(dropped));
                }
            }
            Effect::StopRecording => {
                // Its end (and count) comes back from the writer's job.
                if let Some(r) = self.recording.take() {
                    r.finish(std::time::Duration::ZERO);
                }
            }
            other => out.extend(super::file_jobs::start(session, jobs, other)),
        }
    }

    /// A job finished: a resolved profile starts its worker; anything else is the app's.
    pub fn finished(&mut self, session: &mut Session<'_>, done: Done) -> Option<Output> {
        match done.finished {
            Finished::Out(output) => Some(output),
            Finished::Resolved {
                conn,
                profile,
                settings,
            } => Some(start_resolved(session, conn, &profile, *settings)),
        }
    }
}

/// Hands one publish to the worker: its id, or why it could not be queued.
fn queue(session: &Session<'_>, d: &Draft) -> Result<crate::mqtt::PublishId, String> {
    match session.handle() {
        Some(h) => h.publish(d.publish.clone()).map_err(|e| e.to_string()),
        None => Err("not connected".to_string()),
    }
}

fn publish(session: &Session<'_>, draft: Draft) -> Output {
    let id = queue(session, &draft);
    Output::Queued { draft, id }
}

fn copy(session: &mut Session<'_>, what: String, bytes: &[u8]) -> Output {
    use super::clipboard::{MAX_COPY, osc52};
    let result = if bytes.len() > MAX_COPY {
        Err(format!(
            "{} is more than the {} terminals take",
            crate::text::human_bytes(bytes.len() as u64),
            crate::text::human_bytes(MAX_COPY as u64)
        ))
    } else {
        match session.clipboard.as_mut() {
            Some(sink) => sink(&osc52(bytes)).map_err(|e| e.to_string()),
            None => Err("no terminal".into()),
        }
    };
    Output::Copied {
        what,
        bytes: bytes.len(),
        result,
    }
}

fn send(session: &Session<'_>, command: Command) -> Option<Output> {
    let sent = session
        .handle()
        .is_some_and(|h| h.try_send(command).is_ok());
    (!sent).then(|| Output::NotSent("not connected, or the connection is busy: try again".into()))
}

fn connect(
    session: &mut Session<'_>,
    jobs: &mut Jobs,
    conn: ConnId,
    profile: Profile,
) -> Vec<Output> {
    session.disconnect(conn);
    let kind = JobKind::ResolveProfile(conn);
    jobs.cancel(&kind);
    let password_command = match &profile.password {
        PasswordSource::Command(argv) => Some(argv.first().cloned().unwrap_or_default()),
        _ => None,
    };
    let mut out = Vec::new();
    match &mut session.connect {
        Connect::Direct(connector) => {
            out.push(Output::Connecting {
                conn,
                password_command: None,
            });
            let result = connector(&profile);
            out.push(started(session, conn, &profile, result, None));
        }
        Connect::TwoStep { resolve, .. } => {
            out.push(Output::Connecting {
                conn,
                password_command,
            });
            let resolve = resolve.clone();
            jobs.spawn_resolve(kind, async move {
                let p = profile.clone();
                let settings = blocking(move || resolve(&p)).await?;
                Ok(Finished::Resolved {
                    conn,
                    profile: Box::new(profile),
                    settings: Box::new(settings),
                })
            });
        }
    }
    out
}

fn started(
    session: &mut Session<'_>,
    conn: ConnId,
    profile: &Profile,
    result: Result<(crate::mqtt::MqttHandle, crate::app::ConnInfo), String>,
    subscriptions: Option<Vec<crate::mqtt::Subscription>>,
) -> Output {
    match result {
        Ok((handle, info)) => {
            session.disconnect(conn);
            session.handles.push((conn, handle));
            Output::Connected {
                conn,
                info,
                subscriptions,
            }
        }
        Err(why) => Output::NotConnected {
            conn,
            name: profile.name.clone(),
            why,
        },
    }
}

fn start_resolved(
    session: &mut Session<'_>,
    conn: ConnId,
    profile: &Profile,
    settings: ConnectionSettings,
) -> Output {
    let Connect::TwoStep { start, .. } = &mut session.connect else {
        return Output::NotConnected {
            conn,
            name: profile.name.clone(),
            why: "this session connects in one step".into(),
        };
    };
    let subs = settings.subscriptions.clone();
    let result = start(settings, profile);
    started(session, conn, profile, result, Some(subs))
}

/// The profile editor's test: the profile resolved as for connecting (its password_command
/// run off the loop), connected, its CONNACK read, disconnected.
fn test_profile(session: &Session<'_>, jobs: &mut Jobs, profile: Profile) {
    let resolve = match &session.connect {
        Connect::TwoStep { resolve, .. } => Some(resolve.clone()),
        Connect::Direct(_) => None,
    };
    jobs.spawn(JobKind::TestProfile, async move {
        let settings = match resolve {
            Some(r) => blocking(move || r(&profile)).await?,
            None => profile.settings(),
        };
        let url = settings.url.to_string();
        let wait = std::time::Duration::from_secs(10);
        match crate::session::probe::connack(&settings, wait).await {
            Ok(info) => Ok(Output::Tested {
                url,
                connack: Box::new(info),
            }),
            Err(e) => Err(format!("{url}: {e}")),
        }
    });
}
