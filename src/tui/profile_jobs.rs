//! The profile editor's jobs: removing a profile from the file, and a test connection (the
//! profile resolved as for connecting, its password_command run off the loop).

use super::jobs::Jobs;
use super::session::{Connect, Session};
use crate::app::Level;
use crate::app::{App, JobKind};
use crate::config::Profile;

pub fn remove(app: &mut App, session: &Session<'_>, jobs: &mut Jobs, name: String) {
    let Some(path) = session.config_path.clone() else {
        app.tell(
            Level::Warning,
            "no profile file to remove it from (start with --config FILE)".into(),
        );
        return;
    };
    jobs.spawn(JobKind::RemoveProfile(name.clone()), async move {
        let shown = path.display().to_string();
        let done = tokio::task::spawn_blocking(move || {
            crate::config::persist::remove_profile(&path, &name)
        })
        .await;
        match done {
            Ok(Ok(())) => (Ok(format!("profile removed from {shown}")), None),
            Ok(Err(e)) => (Err(e.to_string()), None),
            Err(e) => (Err(e.to_string()), None),
        }
    });
}

pub fn test(session: &Session<'_>, jobs: &mut Jobs, profile: Profile) {
    let resolve = match &session.connect {
        Connect::TwoStep { resolve, .. } => Some(resolve.clone()),
        Connect::Direct(_) => None,
    };
    jobs.spawn(JobKind::TestProfile, async move {
        let settings = match resolve {
            Some(r) => match tokio::task::spawn_blocking(move || r(&profile)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => return (Err(e), None),
                Err(e) => return (Err(e.to_string()), None),
            },
            None => profile.settings(),
        };
        let url = settings.url.to_string();
        match crate::session::probe::connack(&settings, std::time::Duration::from_secs(10)).await {
            Ok(info) => {
                let rows: Vec<String> = info
                    .rows()
                    .into_iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                (
                    Ok(format!("connected to {url}; CONNACK {}", rows.join(" · "))),
                    None,
                )
            }
            Err(e) => (Err(format!("{url}: {e}")), None),
        }
    });
}
