//! Which proxy a connection goes through: `--proxy URL` (with `--proxy-password-env VAR` for
//! its password, a reference like the broker's), else the usual variables: `HTTPS_PROXY` for
//! mqtts and wss, `ALL_PROXY` for any (lower case too), unless `NO_PROXY` names the broker's
//! host. `http://` is HTTP CONNECT, `socks5://` (and `socks5h://`) SOCKS5.

use crate::mqtt::{BrokerUrl, Proxy, Secret};

/// The variables read, as `(name, value)`; the process's environment in use, a list in tests.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Whether `NO_PROXY` (a comma-separated list: `*`, host names, `.domain` suffixes, addresses)
/// names `host`.
fn bypassed(no_proxy: &str, host: &str) -> bool {
    let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry.to_ascii_lowercase();
        // A port on an entry is not compared (the broker's port is MQTT's, not the proxy's).
        let entry = match entry.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => {
                h.to_string()
            }
            _ => entry,
        };
        let entry = entry.trim_start_matches('.').trim_matches(['[', ']']);
        !entry.is_empty() && (entry == "*" || host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// The proxy for a connection to `url`: the one given, else the environment's.
pub fn choose(
    given: Option<&str>,
    password_env: Option<&str>,
    url: &BrokerUrl,
    env: Env<'_>,
) -> Result<Option<Proxy>, String> {
    let get = |name: &str| {
        env(name)
            .or_else(|| env(&name.to_ascii_lowercase()))
            .filter(|v| !v.trim().is_empty())
    };
    let from_env = || {
        if get("NO_PROXY").is_some_and(|n| bypassed(&n, &url.host)) {
            return None;
        }
        url.scheme
            .is_tls()
            .then(|| get("HTTPS_PROXY"))
            .flatten()
            .or_else(|| get("ALL_PROXY"))
    };
    let Some(text) = given.map(str::to_string).or_else(from_env) else {
        return Ok(None);
    };
    let mut proxy = Proxy::parse(&text)?;
    if let Some(var) = password_env {
        let value = env(var)
            .ok_or_else(|| format!("--proxy-password-env {var}: the variable is not set"))?;
        proxy.password = Some(Secret::new(value));
        if proxy.username.is_none() {
            return Err(format!(
                "--proxy-password-env {var}: the proxy URL names no user (http://USER@HOST:PORT)"
            ));
        }
    }
    Ok(Some(proxy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> BrokerUrl {
        BrokerUrl::parse(s).unwrap()
    }

    #[test]
    fn the_environment_gives_a_proxy_unless_no_proxy_names_the_host() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let all = vars(&[
            ("ALL_PROXY", "socks5://s:1080"),
            ("https_proxy", "http://h:3128"),
        ]);
        let chosen = |u: &str, env: &dyn Fn(&str) -> Option<String>| {
            choose(None, None, &url(u), env)
                .unwrap()
                .map(|p| p.to_string())
        };
        assert_eq!(
            chosen("mqtt://b:1883", &all).as_deref(),
            Some("socks5://s:1080")
        );
        assert_eq!(
            chosen("mqtts://b:8883", &all).as_deref(),
            Some("http://h:3128")
        );
        assert_eq!(
            chosen("wss://b/mqtt", &all).as_deref(),
            Some("http://h:3128")
        );
        let bypass = vars(&[
            ("ALL_PROXY", "socks5://s:1080"),
            ("NO_PROXY", "localhost, .corp.example,10.0.0.7:1883"),
        ]);
        assert_eq!(chosen("mqtt://broker.corp.example", &bypass), None);
        assert_eq!(chosen("mqtt://corp.example", &bypass), None);
        assert_eq!(chosen("mqtt://10.0.0.7", &bypass), None);
        assert_eq!(
            chosen("mqtt://notcorp.example", &bypass).as_deref(),
            Some("socks5://s:1080")
        );
        let star = vars(&[("ALL_PROXY", "socks5://s:1080"), ("no_proxy", "*")]);
        assert_eq!(chosen("mqtt://anything", &star), None);
        // --proxy beats the environment and NO_PROXY.
        let given = choose(Some("http://g:1"), None, &url("mqtt://localhost"), &bypass)
            .unwrap()
            .map(|p| p.to_string());
        assert_eq!(given.as_deref(), Some("http://g:1"));
        // The password by reference.
        let pw = vars(&[("PROXY_PW", "s3cret")]);
        let p = choose(
            Some("http://alice@g:1"),
            Some("PROXY_PW"),
            &url("mqtt://b"),
            &pw,
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.password.as_ref().map(|s| s.expose()), Some("s3cret"));
        assert!(choose(Some("http://g:1"), Some("PROXY_PW"), &url("mqtt://b"), &pw).is_err());
        assert!(choose(Some("http://a@g:1"), Some("NOPE"), &url("mqtt://b"), &pw).is_err());
    }
}
