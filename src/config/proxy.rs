//! A profile's proxy: `proxy = "socks5://alice@proxy.corp:1080"` and its password by reference
//! (`proxy_password_env` or `proxy_password_command`, as the broker's). A password written in
//! the URL is accepted, with the plain-password warning.

use toml::Spanned;

use super::error::{ConfigError, Locator};
use super::profile::PasswordSource;
use crate::mqtt::{Proxy, Secret};

/// The proxy keys of one profile, read.
pub fn validate(
    loc: &Locator,
    ctx: &dyn Fn(&str) -> String,
    url: Option<&Spanned<String>>,
    env: Option<&Spanned<String>>,
    command: Option<&Spanned<Vec<String>>>,
) -> Result<(Option<Proxy>, PasswordSource), ConfigError> {
    let Some(url) = url else {
        if let Some(at) = env
            .map(|e| e.span().start)
            .or(command.map(|c| c.span().start))
        {
            return Err(loc.at(
                at,
                format!(
                    "{}: there is no proxy to give it to",
                    ctx("proxy_password_env")
                ),
            ));
        }
        return Ok((None, PasswordSource::None));
    };
    let mut proxy = Proxy::parse(url.get_ref())
        .map_err(|e| loc.at(url.span().start, format!("{}: {e}", ctx("proxy"))))?;
    let mut password = match proxy.password.take() {
        Some(p) => PasswordSource::Plain(p),
        None => PasswordSource::None,
    };
    if env.is_some() && command.is_some()
        || env.is_some() && !matches!(password, PasswordSource::None)
    {
        let at = command.map_or(url.span().start, |c| c.span().start);
        return Err(loc.at(at, format!("{}: give only one of the URL's password, proxy_password_env, proxy_password_command", ctx("proxy"))));
    }
    if let Some(var) = env {
        password = super::secrets::env_source(loc, &ctx("proxy_password_env"), var)?;
    }
    if let Some(cmd) = command {
        password = super::secrets::command_source(loc, &ctx("proxy_password_command"), cmd)?;
    }
    if !matches!(password, PasswordSource::None) && proxy.username.is_none() {
        return Err(loc.at(
            url.span().start,
            format!(
                "{}: a password needs a user in the URL (socks5://USER@HOST:PORT)",
                ctx("proxy")
            ),
        ));
    }
    Ok((Some(proxy), password))
}

/// The proxy with its password looked up (an environment variable, or a command run).
pub fn resolved(proxy: &Option<Proxy>, password: &PasswordSource) -> Result<Option<Proxy>, String> {
    let Some(p) = proxy else {
        return Ok(None);
    };
    let mut p = p.clone();
    if let Some(secret) =
        super::secrets::resolve(password).map_err(|e| format!("proxy password: {e}"))?
    {
        p.password = Some(Secret::new(secret.expose().to_string()));
    }
    Ok(Some(p))
}
