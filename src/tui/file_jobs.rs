//! The effects that write or read a file, each as a job off the loop: the profile file (save,
//! remove, a snippet), the history file, a payload read for compose, an export. A job reports
//! what it wrote; where there is no file to write, that is the answer at once.

use super::jobs::{Jobs, blocking};
use super::session::Session;
use crate::app::{Effect, JobKind, Output};

/// Starts the job for `effect`; what can be answered at once is returned.
pub fn start(session: &Session<'_>, jobs: &mut Jobs, effect: Effect) -> Option<Output> {
    let no_file = |job: JobKind, what: &str| {
        Some(Output::Failed {
            job,
            why: format!("no profile file to {what} (start with --config FILE)"),
        })
    };
    match effect {
        Effect::SaveProfile { profile, replacing } => {
            let kind = JobKind::SaveProfile(profile.name.clone());
            let Some(path) = session.config_path.clone() else {
                return no_file(kind, "save to");
            };
            jobs.spawn(kind, async move {
                let name = profile.name.clone();
                let at = path.clone();
                blocking(move || {
                    crate::config::persist::save_profile_as(&at, &profile, replacing.as_deref())
                        .map_err(|e| e.to_string())
                })
                .await?;
                Ok(Output::ProfileSaved { name, path })
            });
        }
        Effect::RemoveProfile(name) => {
            let kind = JobKind::RemoveProfile(name.clone());
            let Some(path) = session.config_path.clone() else {
                return no_file(kind, "remove it from");
            };
            jobs.spawn(kind, async move {
                let (at, n) = (path.clone(), name.clone());
                blocking(move || {
                    crate::config::persist::remove_profile(&at, &n).map_err(|e| e.to_string())
                })
                .await?;
                Ok(Output::ProfileRemoved { name, path })
            });
        }
        Effect::SaveSnippet(snippet) => {
            let kind = JobKind::SaveSnippet(snippet.name.clone());
            let Some(path) = session.config_path.clone() else {
                return no_file(kind, "save the snippet to");
            };
            jobs.spawn(kind, async move {
                let (at, name) = (path.clone(), snippet.name.clone());
                blocking(move || {
                    crate::config::snippets::save_snippet(&at, &snippet).map_err(|e| e.to_string())
                })
                .await?;
                Ok(Output::SnippetSaved { name, path })
            });
        }
        Effect::SaveAlert {
            section,
            name,
            replacing,
        } => {
            let kind = JobKind::SaveAlert(name.clone());
            let Some(path) = session.config_path.clone() else {
                return no_file(kind, "save the rule to");
            };
            jobs.spawn(kind, async move {
                let at = path.clone();
                let rules = blocking(move || {
                    crate::config::alert_rules::save_alert(&at, &section, replacing.as_deref())
                        .map_err(|e| e.to_string())
                })
                .await?;
                Ok(Output::AlertsSaved {
                    name,
                    removed: false,
                    rules,
                    path,
                })
            });
        }
        Effect::RemoveAlert(name) => {
            let kind = JobKind::SaveAlert(name.clone());
            let Some(path) = session.config_path.clone() else {
                return no_file(kind, "remove the rule from");
            };
            jobs.spawn(kind, async move {
                let (at, n) = (path.clone(), name.clone());
                let rules = blocking(move || {
                    crate::config::alert_rules::remove_alert(&at, &n).map_err(|e| e.to_string())
                })
                .await?;
                Ok(Output::AlertsSaved {
                    name,
                    removed: true,
                    rules,
                    path,
                })
            });
        }
        Effect::SaveHistory {
            items,
            rewrite,
            new,
        } => {
            // Not kept on disk (tests): nothing to write.
            let path = session.history_path.clone()?;
            // Not "newest wins": every batch is written and counted.
            jobs.spawn_each(JobKind::SaveHistory, async move {
                blocking(move || crate::config::history_file::save(&path, &items, rewrite)).await?;
                Ok(Output::HistorySaved { new })
            });
        }
        Effect::LoadPayload { path, limit } => {
            jobs.spawn(JobKind::LoadPayload, async move {
                let bytes = blocking(move || {
                    crate::publish::read_file_capped(&path, limit).map_err(|e| e.to_string())
                })
                .await?;
                Ok(Output::PayloadRead(bytes))
            });
        }
        Effect::Export { topic, rows } => {
            let dir = session.export_dir();
            jobs.spawn(JobKind::Export(topic.clone()), async move {
                let count = rows.len();
                let t = topic.clone();
                let files = blocking(move || super::export::write(&dir, &t, &rows)).await?;
                Ok(Output::Exported {
                    topic,
                    count,
                    files,
                })
            });
        }
        other => tracing::error!("file_jobs::start given {other:?}"),
    }
    None
}
