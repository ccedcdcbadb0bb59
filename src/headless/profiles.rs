//! `mqscope profile list | import-mqttx FILE | export NAME`: the profile file from the shell.
//! Imports are written the way the explorer writes profiles (atomically, 0600, comments and
//! order kept, checked by the loader's rules first).

use std::path::PathBuf;

use crate::cli::{ProfileAction, ProfileArgs};
use crate::config::{ConfigFile, PasswordSource, persist, store};
use crate::process::failure::{Failure, runtime, usage};
use crate::text::clean;

fn path_of(args: &ProfileArgs) -> Result<(PathBuf, bool), Failure> {
    match &args.config {
        Some(p) => Ok((p.clone(), true)),
        None => store::default_path()
            .map(|p| (p, false))
            .ok_or_else(|| usage("no platform config directory: give --config FILE")),
    }
}

pub fn run(args: ProfileArgs) -> Result<(), Failure> {
    let (path, explicit) = path_of(&args)?;
    match &args.action {
        ProfileAction::List => {
            let file = store::load(&path, explicit)?;
            if file.profiles.is_empty() {
                println!("no profiles in {}", path.display());
            }
            for p in &file.profiles {
                let default = if file.default_profile.as_deref() == Some(p.name.as_str()) {
                    " (default)"
                } else {
                    ""
                };
                let user = p
                    .username
                    .as_deref()
                    .map(|u| format!(" as {}", clean(u)))
                    .unwrap_or_default();
                println!(
                    "{}{default}  {}  {}{user}",
                    clean(&p.name),
                    p.broker,
                    p.protocol
                );
            }
            Ok(())
        }
        ProfileAction::Export { name } => {
            let file = store::load(&path, explicit)?;
            let Some(p) = file.profile(name) else {
                let known: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
                return Err(usage(format!(
                    "no profile named '{}'; defined: {}",
                    clean(name),
                    known.join(", ")
                )));
            };
            let mut p = p.clone();
            if matches!(p.password, PasswordSource::Plain(_)) {
                eprintln!(
                    "mqscope: the plain password is left out of the export (secrets are never printed)"
                );
                p.password = PasswordSource::None;
            }
            let text = persist::with_profile(&path, "", &p).map_err(|e| runtime(e.to_string()))?;
            print!("{text}");
            Ok(())
        }
        ProfileAction::ImportMqttx { file: export } => {
            let text = std::fs::read_to_string(export)
                .map_err(|e| usage(format!("{}: {e}", export.display())))?;
            let imported = crate::config::mqttx::import(&text)
                .map_err(|e| usage(format!("{}: {e}", export.display())))?;
            let existing: ConfigFile = store::load(&path, false)?;
            let (mut added, mut skipped) = (0, 0);
            for i in imported {
                let name = i.profile.name.clone();
                if existing.profile(&name).is_some() {
                    println!("{}: skipped, a profile of that name exists", clean(&name));
                    skipped += 1;
                    continue;
                }
                persist::save_profile(&path, &i.profile)
                    .map_err(|e| runtime(format!("{}: {e}", clean(&name))))?;
                added += 1;
                println!("{}: imported as {}", clean(&name), i.profile.broker);
                for n in i.notes {
                    println!("  {}", clean(&n));
                }
            }
            println!(
                "{added} imported, {skipped} skipped, into {}",
                path.display()
            );
            Ok(())
        }
    }
}
