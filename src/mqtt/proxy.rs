//! Our proxy settings as rumqttc's (HTTP CONNECT upstream; SOCKS5 is vendor patch 8), and a
//! proxy's failure in words that name the proxy, so it is never taken for the broker's.

use super::settings::{Proxy, ProxyKind};
use super::types::{ConnError, ConnErrorKind};

pub(super) fn option(p: &Proxy) -> rumqttc::Proxy {
    let auth = match (&p.username, &p.password) {
        (Some(u), pass) => rumqttc::ProxyAuth::Basic {
            username: u.clone(),
            password: pass
                .as_ref()
                .map(|s| s.expose().to_string())
                .unwrap_or_default(),
        },
        (None, _) => rumqttc::ProxyAuth::None,
    };
    rumqttc::Proxy {
        ty: match p.kind {
            ProxyKind::Http => rumqttc::ProxyType::Http,
            ProxyKind::Socks5 => rumqttc::ProxyType::Socks5,
        },
        auth,
        addr: p.host.clone(),
        port: p.port,
    }
}

/// A proxy's failure, named as the proxy's: credentials it refused stop the retrying (they
/// stay wrong); anything else (refused, unreachable, the broker unreachable from it) may pass.
pub(super) fn failure(proxy: Option<&Proxy>, e: &rumqttc::ProxyError) -> ConnError {
    let at = proxy.map_or_else(|| "proxy".to_string(), |p| format!("proxy {p}"));
    let (kind, why) = match e {
        rumqttc::ProxyError::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            (ConnErrorKind::Network, "connection refused".to_string())
        }
        rumqttc::ProxyError::Io(io) => (ConnErrorKind::Network, io.to_string()),
        rumqttc::ProxyError::Socks(why) if why.contains("username or password") => {
            (ConnErrorKind::ProxyCredentials, why.clone())
        }
        rumqttc::ProxyError::Socks(why) => (ConnErrorKind::Network, why.clone()),
        other => http_status(&other.to_string()),
    };
    ConnError::new(kind, format!("{at}: {why}"))
}

/// An HTTP proxy's refusal in words, by its status code (async-http-proxy reports "The HTTP
/// code is not equal 200: 407").
fn http_status(text: &str) -> (ConnErrorKind, String) {
    let code = text
        .rsplit(':')
        .next()
        .and_then(|c| c.trim().trim_end_matches('.').parse::<u16>().ok());
    match code {
        Some(c @ (401 | 407)) => (
            ConnErrorKind::ProxyCredentials,
            format!("the proxy refused our credentials (HTTP {c})"),
        ),
        Some(403) => (
            ConnErrorKind::Network,
            "the proxy does not allow this destination (HTTP 403)".into(),
        ),
        Some(c @ 502..=504) => (
            ConnErrorKind::Network,
            format!("the proxy could not reach the broker (HTTP {c})"),
        ),
        Some(c) => (
            ConnErrorKind::Network,
            format!("the proxy answered HTTP {c}"),
        ),
        None => (
            ConnErrorKind::Network,
            text.trim_end_matches('.').to_string(),
        ),
    }
}
