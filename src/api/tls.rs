//! The server's TLS identity: a PEM certificate chain and private key, checked before the server
//! opens anything, so that a wrong file is a clear error at start and never a failed handshake
//! later. The handshake itself is rustls (with ring) through tonic.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tonic::transport::{Identity, Server, ServerTlsConfig};

/// Why a certificate and key cannot serve TLS.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("the certificate file holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)")]
    NoCertificate,
    #[error("the certificate file is not valid PEM: {0}")]
    BadCertificate(String),
    #[error("the key file holds no PEM private key (PKCS #8, PKCS #1 or SEC1): {0}")]
    BadKey(String),
    #[error("the certificate and key do not make a TLS identity (is the key the certificate's?): {0}")]
    Mismatch(String),
}

/// A certificate chain and its private key that rustls accepts.
#[derive(Clone)]
pub struct TlsIdentity {
    config: ServerTlsConfig,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.write_str("TlsIdentity { .. }")
    }
}

impl TlsIdentity {
    /// Checks `cert_pem` (the server's certificate first, then any
    /// intermediates) and `key_pem` (its private key).
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<TlsIdentity, TlsError> {
        let certificates = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| TlsError::BadCertificate(err.to_string()))?;
        if certificates.is_empty() {
            return Err(TlsError::NoCertificate);
        }
        PrivateKeyDer::from_pem_slice(key_pem).map_err(|err| TlsError::BadKey(err.to_string()))?;
        let config = ServerTlsConfig::new().identity(Identity::from_pem(cert_pem, key_pem));
        // Building a server with it runs rustls's own checks (the key
        // matches the certificate, the key type is supported), now rather
        // than once the database is open.
        Server::builder()
            .tls_config(config.clone())
            .map_err(|err| TlsError::Mismatch(error_chain(&err)))?;
        Ok(TlsIdentity { config })
    }

    /// The configuration for tonic, with the handshake bounded by `timeout`
    /// (a client that opens a connection and stalls mid-handshake holds a
    /// connection place until then).
    pub(super) fn server_config(&self, timeout: std::time::Duration) -> ServerTlsConfig {
        self.config.clone().timeout(timeout)
    }
}

/// An error and its sources, as one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_a_certificate_and_its_key_are_refused_by_name() {
        assert!(matches!(
            TlsIdentity::from_pem(b"not a certificate", b"not a key"),
            Err(TlsError::NoCertificate)
        ));
        let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let cert_pem = other.cert.pem();
        assert!(matches!(
            TlsIdentity::from_pem(cert_pem.as_bytes(), cert_pem.as_bytes()),
            Err(TlsError::BadKey(_))
        ));
        let stranger = rcgen::KeyPair::generate().unwrap().serialize_pem();
        assert!(matches!(
            TlsIdentity::from_pem(cert_pem.as_bytes(), stranger.as_bytes()),
            Err(TlsError::Mismatch(_))
        ));
        let key_pem = other.signing_key.serialize_pem();
        assert!(TlsIdentity::from_pem(cert_pem.as_bytes(), key_pem.as_bytes()).is_ok());
    }
}
