//! rustls client configuration: a CA file or the system roots, an optional client certificate,
//! ALPN, hostname verification on, and an explicit insecure mode.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use thiserror::Error;

use super::settings::TlsSettings;

#[derive(Debug, Error)]
pub enum TlsSetupError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} holds no PEM certificate")]
    NoCertificate { path: String },
    #[error("{path} holds no PEM private key")]
    NoKey { path: String },
    #[error(
        "no system root certificates found; give the CA file (--ca FILE, or tls.ca_file in the profile)"
    )]
    NoSystemRoots,
    #[error("TLS setup: {0}")]
    Rustls(#[from] rustls::Error),
    #[error("SSLKEYLOGFILE {path}: {source}")]
    KeyLog {
        path: String,
        source: std::io::Error,
    },
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| TlsSetupError::Read {
        path: shown.clone(),
        source,
    })?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut BufReader::new(file))
        .collect::<Result<_, _>>()
        .map_err(|source| TlsSetupError::Read {
            path: shown.clone(),
            source,
        })?;
    if certs.is_empty() {
        return Err(TlsSetupError::NoCertificate { path: shown });
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsSetupError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| TlsSetupError::Read {
        path: shown.clone(),
        source,
    })?;
    rustls_pemfile::private_key(&mut BufReader::new(file))
        .map_err(|source| TlsSetupError::Read {
            path: shown.clone(),
            source,
        })?
        .ok_or(TlsSetupError::NoKey { path: shown })
}

/// Checks that the files exist and parse, without building a config. Used by config loading so
/// a bad file is reported before connecting.
pub fn check_files(tls: &TlsSettings) -> Result<(), TlsSetupError> {
    if let Some(ca) = &tls.ca_file {
        read_certs(ca)?;
    }
    if let Some(cert) = &tls.cert_file {
        read_certs(cert)?;
    }
    if let Some(key) = &tls.key_file {
        read_key(key)?;
    }
    Ok(())
}

pub fn client_config(tls: &TlsSettings) -> Result<ClientConfig, TlsSetupError> {
    let builder =
        ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions()?;
    let builder = if tls.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServer(provider())))
    } else {
        let mut roots = RootCertStore::empty();
        match &tls.ca_file {
            Some(ca) => {
                for cert in read_certs(ca)? {
                    roots.add(cert)?;
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                for cert in found.certs {
                    // One unparsable system certificate should not block the others.
                    let _ = roots.add(cert);
                }
                if roots.is_empty() {
                    return Err(TlsSetupError::NoSystemRoots);
                }
            }
        }
        builder.with_root_certificates(roots)
    };
    let mut config = match (&tls.cert_file, &tls.key_file) {
        (Some(cert), Some(key)) => {
            builder.with_client_auth_cert(read_certs(cert)?, read_key(key)?)?
        }
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = tls.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    if let Some(path) = &tls.key_log {
        let log = super::key_log::KeyLogTo::open(path).map_err(|source| TlsSetupError::KeyLog {
            path: path.display().to_string(),
            source,
        })?;
        config.key_log = Arc::new(log);
    }
    Ok(config)
}

/// The `insecure` verifier: accepts any certificate and host name, but still checks that the
/// handshake signatures are valid for the presented key.
#[derive(Debug)]
struct AcceptAnyServer(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
