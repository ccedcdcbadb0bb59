//! rumqttc's connection errors in words a user can act on ("not authorized", "connection
//! refused", "TLS: certificate signed by an unknown authority", "timed out").

use std::error::Error as StdError;
use std::io;

use rustls::{AlertDescription, CertificateError, Error as TlsError};

use super::link::words;
use super::types::{ConnError, ConnErrorKind as K};

/// Finds the first rustls or io error in a chain of sources.
fn root_cause(err: &(dyn StdError + 'static)) -> Option<ConnError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    let mut io_kind = None;
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<TlsError>() {
            return Some(ConnError::new(K::Tls, describe_tls(tls)));
        }
        if let Some(ioe) = e.downcast_ref::<io::Error>() {
            if let Some(inner) = ioe.get_ref()
                && let Some(tls) = inner.downcast_ref::<TlsError>()
            {
                return Some(ConnError::new(K::Tls, describe_tls(tls)));
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

fn describe_io(e: &io::Error) -> ConnError {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => ConnError::new(K::Network, "connection refused"),
        io::ErrorKind::TimedOut => ConnError::new(K::Timeout, "timed out"),
        io::ErrorKind::ConnectionReset => {
            ConnError::new(K::ClosedByBroker, "connection reset by the broker")
        }
        io::ErrorKind::ConnectionAborted | io::ErrorKind::UnexpectedEof => {
            ConnError::new(K::ClosedByBroker, "connection closed by the broker")
        }
        io::ErrorKind::NotFound => ConnError::new(K::Network, format!("host not found ({e})")),
        _ => {
            let text = e.to_string();
            if text.contains("failed to lookup address") || text.contains("Name or service") {
                ConnError::new(K::Network, "host not found")
            } else {
                ConnError::new(K::Network, format!("network error: {text}"))
            }
        }
    }
}

fn fallback(text: String) -> ConnError {
    // Some errors only carry text (e.g. wrapped by websocket layers).
    if text.contains("UnknownIssuer") {
        return ConnError::new(K::Tls, "TLS: certificate signed by an unknown authority");
    }
    if text.contains("Connection refused") {
        return ConnError::new(K::Network, "connection refused");
    }
    ConnError::new(K::Network, text)
}

pub(crate) fn describe_v4(e: &rumqttc::ConnectionError) -> ConnError {
    use rumqttc::{ConnectionError as C, StateError as S};
    match e {
        C::NetworkTimeout | C::FlushTimeout => ConnError::new(K::Timeout, "timed out"),
        C::MqttState(S::AwaitPingResp) => {
            ConnError::new(K::Timeout, "timed out (no answer to ping)")
        }
        C::MqttState(S::ConnectionAborted) => {
            ConnError::new(K::ClosedByBroker, "connection closed by the broker")
        }
        C::MqttState(S::Deserialization(d)) => root_cause(d)
            .unwrap_or_else(|| ConnError::new(K::Protocol, format!("protocol error: {d}"))),
        C::NotConnAck(_) => ConnError::new(
            K::Protocol,
            "protocol error: the broker did not answer with CONNACK",
        ),
        // Anything else the state machine refused (an ack for a packet we did not send): the
        // broker broke the protocol, which retrying strikes out instead of storming.
        C::MqttState(S::Io(_)) => root_cause(e).unwrap_or_else(|| fallback(e.to_string())),
        C::MqttState(other) => ConnError::new(K::Protocol, format!("protocol error: {other}")),
        _ => root_cause(e).unwrap_or_else(|| fallback(e.to_string())),
    }
}

pub(crate) fn describe_v5(e: &rumqttc::v5::ConnectionError) -> ConnError {
    use rumqttc::v5::{ConnectionError as C, StateError as S};
    match e {
        C::Timeout(_) => ConnError::new(K::Timeout, "timed out"),
        C::MqttState(S::AwaitPingResp) => {
            ConnError::new(K::Timeout, "timed out (no answer to ping)")
        }
        C::MqttState(S::ConnectionAborted) => {
            ConnError::new(K::ClosedByBroker, "connection closed by the broker")
        }
        C::MqttState(S::ServerDisconnect {
            reason_code,
            reason_string,
        }) => ConnError::new(
            if matches!(
                reason_code,
                rumqttc::v5::mqttbytes::v5::DisconnectReasonCode::SessionTakenOver
            ) {
                K::SessionTakenOver
            } else {
                K::ClosedByBroker
            },
            match reason_string {
                Some(r) => format!("disconnected by the broker: {} ({r})", words(reason_code)),
                None => format!("disconnected by the broker: {}", words(reason_code)),
            },
        ),
        C::MqttState(S::Deserialization(d)) => root_cause(d)
            .unwrap_or_else(|| ConnError::new(K::Protocol, format!("protocol error: {d}"))),
        C::NotConnAck(_) => ConnError::new(
            K::Protocol,
            "protocol error: the broker did not answer with CONNACK",
        ),
        C::MqttState(S::Io(_)) => root_cause(e).unwrap_or_else(|| fallback(e.to_string())),
        C::MqttState(other) => ConnError::new(K::Protocol, format!("protocol error: {other}")),
        _ => root_cause(e).unwrap_or_else(|| fallback(e.to_string())),
    }
}

pub(crate) fn refused_v4(code: rumqttc::ConnectReturnCode) -> ConnError {
    use rumqttc::ConnectReturnCode as R;
    let (kind, words) = match code {
        R::BadUserNamePassword => (
            K::BadCredentials,
            "not authorized: bad username or password",
        ),
        R::NotAuthorized => (K::NotAuthorized, "not authorized"),
        R::BadClientId => (
            K::ClientIdRejected,
            "connection refused: client id rejected",
        ),
        R::RefusedProtocolVersion => (
            K::UnsupportedProtocol,
            "connection refused: protocol version not supported (try --protocol 5 or 3)",
        ),
        R::ServiceUnavailable => (K::Refused, "connection refused: broker unavailable"),
        R::Success => (K::Refused, "connection refused"),
    };
    ConnError::new(kind, words)
}

pub(crate) fn refused_v5(code: rumqttc::v5::mqttbytes::v5::ConnectReturnCode) -> ConnError {
    use rumqttc::v5::mqttbytes::v5::ConnectReturnCode as R;
    match code {
        R::BadUserNamePassword => ConnError::new(
            K::BadCredentials,
            "not authorized: bad username or password",
        ),
        R::NotAuthorized | R::Banned => ConnError::new(K::NotAuthorized, "not authorized"),
        R::ClientIdentifierNotValid => ConnError::new(
            K::ClientIdRejected,
            "connection refused: client id rejected",
        ),
        R::UnsupportedProtocolVersion | R::RefusedProtocolVersion => ConnError::new(
            K::UnsupportedProtocol,
            "connection refused: protocol version not supported (try --protocol 3)",
        ),
        other => ConnError::new(K::Refused, format!("connection refused: {}", words(&other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_whether_retrying_can_help() {
        use rumqttc::ConnectReturnCode as R;
        assert!(!refused_v4(R::BadUserNamePassword).kind.retry_can_help());
        assert!(!refused_v4(R::NotAuthorized).kind.retry_can_help());
        assert!(!refused_v4(R::BadClientId).kind.retry_can_help());
        assert!(refused_v4(R::ServiceUnavailable).kind.retry_can_help());
        let reset = describe_io(&io::Error::from(io::ErrorKind::ConnectionReset));
        assert_eq!(reset.kind, K::ClosedByBroker);
        assert!(reset.kind.retry_can_help());
    }
}
