//! rumqttc's connection errors in words a user can act on ("not authorized", "connection
//! refused", "TLS: certificate signed by an unknown authority", "timed out").

use std::error::Error as StdError;
use std::io;

use rustls::{AlertDescription, CertificateError, Error as TlsError};

use super::link::words;

/// Finds the first rustls or io error in a chain of sources.
fn root_cause(err: &(dyn StdError + 'static)) -> Option<String> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    let mut io_kind = None;
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<TlsError>() {
            return Some(describe_tls(tls));
        }
        if let Some(ioe) = e.downcast_ref::<io::Error>() {
            if let Some(inner) = ioe.get_ref()
                && let Some(tls) = inner.downcast_ref::<TlsError>()
            {
                return Some(describe_tls(tls));
            }
            io_kind.get_or_insert(describe_io(ioe));
        }
        current = e.source();
    }
    io_kind
}

fn describe_tls(e: &TlsError) -> String {
    match e {
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "TLS: certificate signed by an unknown authority".into()
        }
        TlsError::InvalidCertificate(CertificateError::NotValidForName)
        | TlsError::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            "TLS: certificate is not valid for this host name".into()
        }
        TlsError::InvalidCertificate(CertificateError::Expired)
        | TlsError::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            "TLS: certificate has expired".into()
        }
        TlsError::InvalidCertificate(other) => format!("TLS: invalid certificate ({other:?})"),
        TlsError::AlertReceived(AlertDescription::CertificateRequired) => {
            "TLS: the broker requires a client certificate (cert_file/key_file, --cert/--key)"
                .into()
        }
        TlsError::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown,
        ) => "TLS: the broker rejected our client certificate".into(),
        TlsError::AlertReceived(alert) => {
            format!("TLS: the broker refused the handshake ({alert:?})")
        }
        other => format!("TLS: {other}"),
    }
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::ConnectionReset => "connection reset by the broker".into(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::UnexpectedEof => {
            "connection closed by the broker".into()
        }
        io::ErrorKind::NotFound => format!("host not found ({e})"),
        _ => {
            let text = e.to_string();
            if text.contains("failed to lookup address") || text.contains("Name or service") {
                "host not found".into()
            } else {
                format!("network error: {text}")
            }
        }
    }
}

fn fallback(text: String) -> String {
    // Some errors only carry text (e.g. wrapped by websocket layers).
    if text.contains("UnknownIssuer") {
        return "TLS: certificate signed by an unknown authority".into();
    }
    if text.contains("Connection refused") {
        return "connection refused".into();
    }
    text
}

pub(crate) fn describe_v4(e: &rumqttc::ConnectionError) -> String {
    use rumqttc::{ConnectionError as C, StateError as S};
    match e {
        C::NetworkTimeout | C::FlushTimeout => "timed out".into(),
        C::MqttState(S::AwaitPingResp) => "timed out (no answer to ping)".into(),
        C::MqttState(S::ConnectionAborted) => "connection closed by the broker".into(),
        C::MqttState(S::Deserialization(d)) => {
            root_cause(d).unwrap_or_else(|| format!("protocol error: {d}"))
        }
        C::NotConnAck(_) => "protocol error: the broker did not answer with CONNACK".into(),
        _ => root_cause(e).unwrap_or_else(|| fallback(e.to_string())),
    }
}

pub(crate) fn describe_v5(e: &rumqttc::v5::ConnectionError) -> String {
    use rumqttc::v5::{ConnectionError as C, StateError as S};
    match e {
        C::Timeout(_) => "timed out".into(),
        C::MqttState(S::AwaitPingResp) => "timed out (no answer to ping)".into(),
        C::MqttState(S::ConnectionAborted) => "connection closed by the broker".into(),
        C::MqttState(S::ServerDisconnect {
            reason_code,
            reason_string,
        }) => match reason_string {
            Some(r) => format!("disconnected by the broker: {} ({r})", words(reason_code)),
            None => format!("disconnected by the broker: {}", words(reason_code)),
        },
        C::MqttState(S::Deserialization(d)) => {
            root_cause(d).unwrap_or_else(|| format!("protocol error: {d}"))
        }
        C::NotConnAck(_) => "protocol error: the broker did not answer with CONNACK".into(),
        _ => root_cause(e).unwrap_or_else(|| fallback(e.to_string())),
    }
}

pub(crate) fn refused_v4(code: rumqttc::ConnectReturnCode) -> String {
    use rumqttc::ConnectReturnCode as R;
    match code {
        R::BadUserNamePassword => "not authorized: bad username or password".into(),
        R::NotAuthorized => "not authorized".into(),
        R::BadClientId => "connection refused: client id rejected".into(),
        R::RefusedProtocolVersion => {
            "connection refused: protocol version not supported (try --protocol 5 or 3)".into()
        }
        R::ServiceUnavailable => "connection refused: broker unavailable".into(),
        R::Success => "connection refused".into(),
    }
}

pub(crate) fn refused_v5(code: rumqttc::v5::mqttbytes::v5::ConnectReturnCode) -> String {
    use rumqttc::v5::mqttbytes::v5::ConnectReturnCode as R;
    match code {
        R::BadUserNamePassword => "not authorized: bad username or password".into(),
        R::NotAuthorized => "not authorized".into(),
        R::UnsupportedProtocolVersion | R::RefusedProtocolVersion => {
            "connection refused: protocol version not supported (try --protocol 3)".into()
        }
        other => format!("connection refused: {}", words(&other)),
    }
}
