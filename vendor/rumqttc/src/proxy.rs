use crate::eventloop::socket_connect;
use crate::framed::AsyncReadWrite;
use crate::NetworkOptions;

use std::io;

#[cfg(any(feature = "use-rustls-no-provider", feature = "use-native-tls"))]
use crate::{tls, TlsConfiguration};

#[derive(Clone, Debug)]
pub struct Proxy {
    pub ty: ProxyType,
    pub auth: ProxyAuth,
    pub addr: String,
    pub port: u16,
}

#[derive(Clone, Debug)]
pub enum ProxyType {
    Http,
    // mqscope patch (8): SOCKS5 (RFC 1928), with RFC 1929 username/password when the auth is
    // Basic; the broker's host name is sent as is, for the proxy to resolve.
    Socks5,
    #[cfg(any(feature = "use-rustls-no-provider", feature = "use-native-tls"))]
    Https(TlsConfiguration),
}

#[derive(Clone, Debug)]
pub enum ProxyAuth {
    None,
    Basic { username: String, password: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("Socket connect: {0}.")]
    Io(#[from] io::Error),
    #[error("Proxy connect: {0}.")]
    Proxy(#[from] async_http_proxy::HttpError),
    // mqscope patch (8)
    #[error("SOCKS5: {0}")]
    Socks(String),

    #[cfg(any(feature = "use-rustls-no-provider", feature = "use-native-tls"))]
    #[error("Tls connect: {0}.")]
    Tls(#[from] tls::Error),
}

impl Proxy {
    pub(crate) async fn connect(
        self,
        broker_addr: &str,
        broker_port: u16,
        network_options: NetworkOptions,
    ) -> Result<Box<dyn AsyncReadWrite>, ProxyError> {
        let proxy_addr = format!("{}:{}", self.addr, self.port);

        let tcp: Box<dyn AsyncReadWrite> =
            Box::new(socket_connect(proxy_addr, network_options).await?);
        if let ProxyType::Socks5 = self.ty {
            let mut tcp = tcp;
            socks5::connect(&mut tcp, &self.auth, broker_addr, broker_port).await?;
            return Ok(tcp);
        }
        let mut tcp = match self.ty {
            ProxyType::Http | ProxyType::Socks5 => tcp,
            #[cfg(any(feature = "use-rustls-no-provider", feature = "use-native-tls"))]
            ProxyType::Https(tls_config) => {
                tls::tls_connect(&self.addr, self.port, &tls_config, tcp).await?
            }
        };
        self.auth.auth(broker_addr, broker_port, &mut tcp).await?;
        Ok(tcp)
    }
}

impl ProxyAuth {
    async fn auth(
        self,
        host: &str,
        port: u16,
        tcp_stream: &mut Box<dyn AsyncReadWrite>,
    ) -> Result<(), ProxyError> {
        match self {
            Self::None => async_http_proxy::http_connect_tokio(tcp_stream, host, port).await?,
            Self::Basic { username, password } => {
                async_http_proxy::http_connect_tokio_with_basic_auth(
                    tcp_stream, host, port, &username, &password,
                )
                .await?
            }
        }
        Ok(())
    }
}

// mqscope patch (8): the SOCKS5 client handshake.
mod socks5 {
    use super::{ProxyAuth, ProxyError};
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

    fn err(what: impl Into<String>) -> ProxyError {
        ProxyError::Socks(what.into())
    }

    /// The words for a SOCKS5 reply code (RFC 1928 section 6).
    fn reply(code: u8) -> &'static str {
        match code {
            1 => "general SOCKS server failure",
            2 => "connection not allowed by ruleset",
            3 => "network unreachable",
            4 => "host unreachable",
            5 => "connection refused by the destination",
            6 => "TTL expired",
            7 => "command not supported",
            8 => "address type not supported",
            _ => "unknown reply",
        }
    }

    pub(super) async fn connect<S: AsyncRead + AsyncWrite + Unpin + ?Sized>(
        s: &mut S,
        auth: &ProxyAuth,
        host: &str,
        port: u16,
    ) -> Result<(), ProxyError> {
        let offer: &[u8] = match auth {
            ProxyAuth::None => &[5, 1, 0],
            ProxyAuth::Basic { .. } => &[5, 2, 0, 2],
        };
        s.write_all(offer).await?;
        let mut choice = [0u8; 2];
        s.read_exact(&mut choice).await?;
        if choice[0] != 5 {
            return Err(err("the proxy does not speak SOCKS5"));
        }
        match (choice[1], auth) {
            (0, _) => {}
            (2, ProxyAuth::Basic { username, password }) => {
                let (u, p) = (username.as_bytes(), password.as_bytes());
                if u.len() > 255 || p.len() > 255 {
                    return Err(err("username or password longer than 255 bytes"));
                }
                let mut req = vec![1, u.len() as u8];
                req.extend_from_slice(u);
                req.push(p.len() as u8);
                req.extend_from_slice(p);
                s.write_all(&req).await?;
                let mut status = [0u8; 2];
                s.read_exact(&mut status).await?;
                if status[1] != 0 {
                    return Err(err("the proxy refused the username or password"));
                }
            }
            (0xff, ProxyAuth::None) => {
                return Err(err("the proxy requires a username and password"));
            }
            (0xff, _) => return Err(err("the proxy accepts none of our ways to log in")),
            (m, _) => return Err(err(format!("the proxy chose an unknown method {m}"))),
        }
        let h = host.as_bytes();
        if h.len() > 255 {
            return Err(err("host name longer than 255 bytes"));
        }
        let mut req = vec![5, 1, 0, 3, h.len() as u8];
        req.extend_from_slice(h);
        req.extend_from_slice(&port.to_be_bytes());
        s.write_all(&req).await?;
        let mut head = [0u8; 4];
        s.read_exact(&mut head).await?;
        if head[1] != 0 {
            return Err(err(format!("{host}:{port}: {}", reply(head[1]))));
        }
        // The bound address, which we do not need: IPv4, a name, or IPv6, then the port.
        let skip = match head[3] {
            1 => 4,
            4 => 16,
            3 => {
                let mut n = [0u8; 1];
                s.read_exact(&mut n).await?;
                n[0] as usize
            }
            t => return Err(err(format!("unknown address type {t} in the reply"))),
        };
        let mut rest = vec![0u8; skip + 2];
        s.read_exact(&mut rest).await?;
        Ok(())
    }
}
