//! A proxy URL read: `http://[user[:password]@]host:port` (HTTP CONNECT) or `socks5://…` (and
//! `socks5h://`), for `--proxy`, the environment's variables and a profile's `proxy` key.

use super::settings::{Proxy, ProxyKind, Secret};

impl Proxy {
    /// A proxy URL: `http://[user[:password]@]host:port` or `socks5://…`.
    pub fn parse(url: &str) -> Result<Proxy, String> {
        let shown = crate::mqtt::url::redacted(url);
        let bad = |why: &str| format!("proxy '{shown}': {why}");
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("needs a scheme: http:// or socks5://"))?;
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "http" => ProxyKind::Http,
            "socks5" | "socks5h" => ProxyKind::Socks5,
            other => {
                return Err(bad(&format!(
                    "{other}:// is not a proxy kind mqscope speaks (http://, socks5://)"
                )));
            }
        };
        let rest = rest.trim_end_matches('/');
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (host, port) = match hostport.strip_prefix('[') {
            Some(v6) => {
                let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
                (host, after.strip_prefix(':'))
            }
            None => match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            },
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad("the port must be 1 to 65535"))?,
            None => match kind {
                ProxyKind::Http => 8080,
                ProxyKind::Socks5 => 1080,
            },
        };
        let (username, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((user, pass)) => (Some(user.to_string()), Some(Secret::new(pass.to_string()))),
                None => (Some(u.to_string()), None),
            },
            None => (None, None),
        };
        Ok(Proxy {
            kind,
            host: host.to_string(),
            port,
            username,
            password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_parse_with_their_defaults() {
        let p = Proxy::parse("socks5://bob:pw@127.0.0.1:1081").unwrap();
        assert_eq!(
            (p.kind, p.host.as_str(), p.port),
            (ProxyKind::Socks5, "127.0.0.1", 1081)
        );
        assert_eq!(p.username.as_deref(), Some("bob"));
        assert_eq!(p.password.as_ref().map(|s| s.expose()), Some("pw"));
        assert_eq!(
            p.to_string(),
            "socks5://127.0.0.1:1081",
            "no credentials shown"
        );
        assert_eq!(Proxy::parse("http://proxy.corp").unwrap().port, 8080);
        assert_eq!(
            Proxy::parse("socks5h://[::1]").unwrap().to_string(),
            "socks5://[::1]:1080"
        );
        for bad in [
            "proxy:3128",
            "ftp://h:1",
            "http://:3128",
            "http://h:0",
            "http://h:x",
        ] {
            let e = Proxy::parse(bad).unwrap_err();
            assert!(e.starts_with("proxy '"), "{bad}: {e}");
        }
        assert!(
            !Proxy::parse("http://u:secret@h:1")
                .unwrap_err_or_ok()
                .contains("secret")
        );
    }

    trait OkText {
        fn unwrap_err_or_ok(self) -> String;
    }
    impl OkText for Result<Proxy, String> {
        fn unwrap_err_or_ok(self) -> String {
            match self {
                Ok(p) => p.to_string(),
                Err(e) => e,
            }
        }
    }
}
