//! Broker URLs: `mqtt://`, `mqtts://`, `ws://`, `wss://`, with a default port per scheme and
//! the WebSocket path kept. Written by hand because rumqttc's `parse_url` drops the ws path and
//! needs the whole ws URL as its "host", and the `url` crate alone would not give these errors.

use std::fmt;

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl Scheme {
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Mqtt => 1883,
            Scheme::Mqtts => 8883,
            Scheme::Ws => 80,
            Scheme::Wss => 443,
        }
    }

    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Mqtts | Scheme::Wss)
    }

    pub fn is_websocket(self) -> bool {
        matches!(self, Scheme::Ws | Scheme::Wss)
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Mqtt => "mqtt",
            Scheme::Mqtts => "mqtts",
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    pub scheme: Scheme,
    /// Host name or IP address; IPv6 without brackets.
    pub host: String,
    pub port: u16,
    /// WebSocket path (always starting with '/'); "/" for TCP schemes.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UrlError {
    #[error("missing scheme; use mqtt://, mqtts://, ws:// or wss://")]
    NoScheme,
    #[error("unknown scheme '{0}'; use mqtt, mqtts, ws or wss")]
    BadScheme(String),
    #[error("missing host")]
    NoHost,
    #[error("bad port '{0}'; a number from 1 to 65535 is allowed")]
    BadPort(String),
    #[error("credentials in the URL are not supported; use username and password_env")]
    Credentials,
    #[error("a path is only allowed for ws:// and wss://")]
    PathOnTcp,
    #[error("URL contains whitespace or control characters")]
    BadChars,
    #[error(
        "bad host '{0}': a host name has no ':', '[' or ']' (an IPv6 address goes in brackets: [::1])"
    )]
    BadHost(String),
}

impl BrokerUrl {
    pub fn parse(input: &str) -> Result<BrokerUrl, UrlError> {
        let input = input.trim();
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlError::BadChars);
        }
        let (scheme, rest) = input.split_once("://").ok_or(UrlError::NoScheme)?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "mqtt" | "tcp" => Scheme::Mqtt,
            "mqtts" | "ssl" | "tls" => Scheme::Mqtts,
            "ws" => Scheme::Ws,
            "wss" => Scheme::Wss,
            other => return Err(UrlError::BadScheme(other.to_string())),
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(UrlError::Credentials);
        }
        let (host, port) = if let Some(after) = authority.strip_prefix('[') {
            // [v6]:port
            let (h, tail) = after.split_once(']').ok_or(UrlError::NoHost)?;
            let port = tail.strip_prefix(':');
            if !tail.is_empty() && port.is_none() {
                return Err(UrlError::BadPort(tail.to_string()));
            }
            (h.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        // In brackets, an IPv6 address and nothing else; outside, no ':' '[' ']' (a second
        // ':' once made "a:b" a host, and "a]b" was taken too).
        let bracketed = authority.starts_with('[');
        let host_ok = if bracketed {
            host.parse::<std::net::Ipv6Addr>().is_ok()
        } else {
            !host.contains([':', '[', ']'])
        };
        if !host_ok {
            return Err(UrlError::BadHost(host));
        }
        let port = match port {
            None => scheme.default_port(),
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(UrlError::BadPort(p.to_string())),
            },
        };
        let path = if scheme.is_websocket() {
            if path.is_empty() {
                "/".to_string()
            } else if path.starts_with('?') {
                format!("/{path}")
            } else {
                path.to_string()
            }
        } else {
            if !(path.is_empty() || path == "/") {
                return Err(UrlError::PathOnTcp);
            }
            "/".to_string()
        };
        Ok(BrokerUrl {
            scheme,
            host,
            port,
            path,
        })
    }

    fn host_for_url(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// The whole ws URL, which rumqttc wants in place of a host for WebSocket transports.
    pub fn websocket_url(&self) -> String {
        format!(
            "{}://{}:{}{}",
            self.scheme.as_str(),
            self.host_for_url(),
            self.port,
            self.path
        )
    }
}

impl fmt::Display for BrokerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scheme.is_websocket() {
            f.write_str(&self.websocket_url())
        } else {
            write!(
                f,
                "{}://{}:{}",
                self.scheme.as_str(),
                self.host_for_url(),
                self.port
            )
        }
    }
}

/// `url` as it may be shown: a password in it (`user:pw@host`) replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_paths() {
        let u = BrokerUrl::parse("mqtt://localhost").unwrap();
        assert_eq!((u.scheme, u.port), (Scheme::Mqtt, 1883));
        let u = BrokerUrl::parse("mqtts://h").unwrap();
        assert_eq!(u.port, 8883);
        let u = BrokerUrl::parse("ws://h:9001/mqtt").unwrap();
        assert_eq!(u.websocket_url(), "ws://h:9001/mqtt");
        let u = BrokerUrl::parse("wss://h").unwrap();
        assert_eq!(u.websocket_url(), "wss://h:443/");
        let u = BrokerUrl::parse("mqtt://[::1]:1884").unwrap();
        assert_eq!(u.host, "::1");
        assert_eq!(u.to_string(), "mqtt://[::1]:1884");
    }

    #[test]
    fn errors() {
        assert_eq!(BrokerUrl::parse("localhost"), Err(UrlError::NoScheme));
        assert_eq!(
            BrokerUrl::parse("http://x"),
            Err(UrlError::BadScheme("http".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://x:0"),
            Err(UrlError::BadPort("0".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://x:99999"),
            Err(UrlError::BadPort("99999".into()))
        );
        assert_eq!(BrokerUrl::parse("mqtt://:1883"), Err(UrlError::NoHost));
        assert_eq!(BrokerUrl::parse("mqtt://x/p"), Err(UrlError::PathOnTcp));
        assert_eq!(BrokerUrl::parse("mqtt://u:p@x"), Err(UrlError::Credentials));
        assert_eq!(
            redacted("mqtt://u:secret@x:1883/p"),
            "mqtt://u:***@x:1883/p"
        );
        assert_eq!(redacted("mqtt://x"), "mqtt://x");
    }
}
