//! From the command line and the profile file to validated connection settings.

use std::path::PathBuf;

use crate::cli::ConnArgs;
use crate::config::validate::Key;
use crate::config::{ConfigFile, PasswordSource, Profile, secrets, store};
use crate::mqtt::{BrokerUrl, ConnectionSettings};
use crate::process::failure::{Failure, usage};

/// Loads the profile file named by `--config`, or the default one (missing is fine there).
pub fn load_config(conn: &ConnArgs) -> Result<ConfigFile, Failure> {
    let (path, explicit) = match &conn.config {
        Some(p) => (p.clone(), true),
        None => match store::default_path() {
            Some(p) => (p, false),
            None => return Ok(ConfigFile::empty(PathBuf::from("config.toml"))),
        },
    };
    Ok(store::load(&path, explicit)?)
}

/// The profile the command line asks for: `-b` (over `-P` when both), `-P`, else the file's
/// default. None when nothing is named and there is no default.
pub fn choose_profile(conn: &ConnArgs, file: &ConfigFile) -> Result<Option<Profile>, Failure> {
    if conn.several() {
        return Err(usage(
            "several -b/-P: only `sub` and the explorer take several connections (one -b with \
             one -P is that profile on that broker)",
        ));
    }
    let mut profile = match conn.profile() {
        Some(name) => Some(file.profile(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
            usage(format!(
                "--profile {name}: no such profile in {} (defined: {})",
                file.path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?),
        None => file
            .default_profile
            .as_deref()
            .and_then(|d| file.profile(d))
            .cloned()
            .filter(|_| conn.broker().is_none()),
    };
    if let Some(url) = conn.broker() {
        let url = BrokerUrl::parse(url).map_err(|e| {
            usage(format!(
                "--broker '{}': {e}",
                crate::mqtt::url::redacted(url)
            ))
        })?;
        profile = Some(match profile {
            Some(mut p) => {
                p.broker = url;
                p
            }
            None => Profile::adhoc(url),
        });
    }
    if let Some(p) = &profile {
        p.check_files()?;
    }
    Ok(profile)
}

/// Applies the command-line overrides and resolves the password. Validates everything.
pub fn settings_for(conn: &ConnArgs, profile: &Profile) -> Result<ConnectionSettings, Failure> {
    let mut settings = resolved(&with_overrides(conn, profile)?)?;
    // --proxy beats the profile's `proxy` (already in), which beats the environment's.
    if conn.proxy.is_none() && settings.proxy.is_some() {
        if conn.proxy_password_env.is_some() {
            return Err(usage(
                "--proxy-password-env goes with --proxy; the profile's proxy takes \
                 proxy_password_env in the profile",
            ));
        }
        return Ok(settings);
    }
    let env = |name: &str| std::env::var(name).ok();
    settings.proxy = super::proxy::choose(
        conn.proxy.as_deref(),
        conn.proxy_password_env.as_deref(),
        &settings.url,
        &env,
    )
    .map_err(usage)?;
    Ok(settings)
}

/// The settings of a profile whose overrides are already in: the password resolved, and
/// everything validated.
pub fn resolved(p: &Profile) -> Result<ConnectionSettings, Failure> {
    if let Some(w) = p.plain_password_warning() {
        tracing::warn!("{w}");
    }
    let mut settings = p.settings();
    settings.password = secrets::resolve(&p.password).map_err(|e| usage(e.to_string()))?;
    settings.proxy = crate::config::proxy::resolved(&p.proxy, &p.proxy_password).map_err(usage)?;
    if settings.tls.insecure {
        // The TUI says it in red in the status bar; headless commands say it here.
        tracing::warn!("TLS certificate verification is off for {}", settings.url);
    }
    settings.tls.key_log = key_log_file(settings.url.scheme);
    // What rumqttc itself would panic on (keep-alive, inflight) is the settings' own check.
    settings.validate().map_err(|e| usage(e.to_string()))?;
    Ok(settings)
}

/// `SSLKEYLOGFILE`, for a TLS connection: where its session secrets are written (as curl and
/// mosquitto do). The TUI's status bar and headless stderr say so while it is on.
pub fn key_log_file(scheme: crate::mqtt::Scheme) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("SSLKEYLOGFILE").filter(|p| !p.is_empty())?;
    scheme.is_tls().then(|| path.into())
}

/// The profile with the command line's overrides in (username, password reference, client
/// id, protocol, keep-alive, TLS files), checked by the profile file's own rules: what the
/// connection uses, and what a profile saved from this session must hold to connect the same
/// way (secrets stay references).
pub fn with_overrides(conn: &ConnArgs, profile: &Profile) -> Result<Profile, Failure> {
    let mut p = profile.clone();
    if let Some(u) = &conn.username {
        p.username = Some(u.clone());
    }
    if let Some(var) = &conn.password_env {
        p.password = PasswordSource::Env(var.clone());
    }
    if let Some(id) = &conn.client_id {
        p.client_id = Some(id.clone());
    }
    if let Some(protocol) = conn.protocol {
        p.protocol = protocol;
    }
    if let Some(ka) = conn.keep_alive {
        p.keep_alive_s = ka;
    }
    let tls_flags = conn.ca.is_some() || conn.cert.is_some() || conn.key.is_some() || conn.insecure;
    if tls_flags {
        for (flag, file) in [
            ("--ca", &conn.ca),
            ("--cert", &conn.cert),
            ("--key", &conn.key),
        ] {
            if let Some(f) = file
                && !f.is_file()
            {
                return Err(usage(format!("{flag} {}: file not found", f.display())));
            }
        }
        if conn.ca.is_some() {
            p.tls.ca_file = conn.ca.clone();
        }
        if conn.cert.is_some() {
            p.tls.cert_file = conn.cert.clone();
        }
        if conn.key.is_some() {
            p.tls.key_file = conn.key.clone();
        }
        p.tls.insecure |= conn.insecure;
    }
    // The profile file's own rules, now with the overrides in (named by their flags).
    crate::config::validate::cross_check(&p, tls_flags || p.tls != Default::default()).map_err(
        |problem| match problem.key {
            Key::Broker => usage(format!(
                "--ca/--cert/--key/--insecure need a TLS URL (mqtts:// or wss://), not {}",
                p.broker
            )),
            Key::Password => usage("a password is given but no username (-u)"),
            key => usage(format!("{}: {}", key.flag(), problem.message)),
        },
    )?;
    Ok(p)
}

/// For headless commands: like mosquitto_sub, no broker at all means localhost.
pub fn headless_settings(conn: &ConnArgs) -> Result<ConnectionSettings, Failure> {
    Ok(headless_setup(conn)?.settings)
}

/// What a headless command takes from the command line and the profile file.
pub struct Setup {
    pub settings: ConnectionSettings,
    /// The decoder rules that apply: the profile's own, then the file's global ones.
    pub rules: Vec<crate::decode::Rule>,
    /// `[[latency]]`: where messages say when they were sent.
    pub latency: Vec<crate::decode::send_time::LatencyRule>,
    /// `[[alerts]]`.
    pub alerts: Vec<crate::alert::Rule>,
    /// `[[schemas]]`.
    pub schemas: Vec<crate::decode::schema::SchemaRule>,
}

pub fn headless_setup(conn: &ConnArgs) -> Result<Setup, Failure> {
    let file = load_config(conn)?;
    let profile = match choose_profile(conn, &file)? {
        Some(p) => p,
        None => Profile::adhoc(
            BrokerUrl::parse("mqtt://localhost:1883").map_err(|e| usage(e.to_string()))?,
        ),
    };
    if let Some(w) = profile.plain_password_warning() {
        eprintln!("mqscope: warning: {}", crate::text::clean(&w));
    }
    let mut rules = profile.decoders.clone();
    rules.extend(file.decoders.iter().cloned());
    Ok(Setup {
        settings: settings_for(conn, &profile)?,
        rules,
        latency: file.latency,
        alerts: file.alerts,
        schemas: file.schemas,
    })
}

pub fn failure_from_tls(e: crate::mqtt::SpawnError) -> Failure {
    match e {
        crate::mqtt::SpawnError::Tls(e) => usage(e.to_string()),
        e @ crate::mqtt::SpawnError::Thread(_) => crate::process::failure::runtime(e.to_string()),
    }
}
