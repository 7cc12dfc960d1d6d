//! TLS to PostgreSQL, for a database reached over a network: `sslmode=require` in the URL turns
//! it on, and the server's certificate is then verified (the public web roots, plus the CA in
//! `sslrootcert=FILE` when the URL names one, as a managed database's own CA or a private one).
//! Without `sslmode=require` the connection is plain, as before (a database on the same host or
//! a private network); `sslrootcert` alone also asks for TLS.
//!
//! rustls (on ring) through `tokio-postgres-rustls`: no OpenSSL to install or link.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::StoreError;

/// `url` without its `sslrootcert` parameter (which the driver does not know), and that
/// parameter's value. Takes both forms: `postgres://…?sslmode=require&sslrootcert=/ca.pem` and
/// `host=… sslrootcert=/ca.pem`.
pub(super) fn split_root_cert(url: &str) -> (String, Option<String>) {
    if url.contains("://") {
        let Some((base, query)) = url.split_once('?') else {
            return (url.to_owned(), None);
        };
        let mut root = None;
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| match p.strip_prefix("sslrootcert=") {
                Some(v) => {
                    root = Some(percent_decode(v));
                    false
                }
                None => true,
            })
            .collect();
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        (url, root)
    } else {
        let mut root = None;
        let kept: Vec<&str> = url
            .split_whitespace()
            .filter(|p| match p.strip_prefix("sslrootcert=") {
                Some(v) => {
                    root = Some(v.to_owned());
                    false
                }
                None => true,
            })
            .collect();
        (kept.join(" "), root)
    }
}

/// `%2F` and the like in a URL's query value.
fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&v[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The TLS connector: the public web roots and the CA file's certificates, if any.
pub(super) fn connector(root_cert: Option<&str>) -> Result<MakeRustlsConnect, StoreError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = root_cert {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| StoreError::Failed(format!("sslrootcert {path}: {e}")))?;
        let mut added = 0;
        for cert in certs {
            let cert = cert.map_err(|e| StoreError::Failed(format!("sslrootcert {path}: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| StoreError::Failed(format!("sslrootcert {path}: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(StoreError::Failed(format!(
                "sslrootcert {path}: no PEM certificate in the file"
            )));
        }
    }
    // ring rather than aws-lc-rs: nothing to build with cmake; rustls marks ring's provider
    // deprecated for lacking post-quantum key exchange, which a database link can do without.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Failed(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_ca_file_is_taken_out_of_the_url() {
        assert_eq!(
            split_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=%2Ftmp%2Fca.pem"),
            (
                "postgres://u@h/db?sslmode=require".to_owned(),
                Some("/tmp/ca.pem".to_owned())
            )
        );
        assert_eq!(
            split_root_cert("postgres://u@h/db?sslrootcert=/ca.pem"),
            ("postgres://u@h/db".to_owned(), Some("/ca.pem".to_owned()))
        );
        assert_eq!(
            split_root_cert("postgres://u@h/db?sslmode=require"),
            ("postgres://u@h/db?sslmode=require".to_owned(), None)
        );
        assert_eq!(
            split_root_cert("host=h sslmode=require sslrootcert=/ca.pem"),
            (
                "host=h sslmode=require".to_owned(),
                Some("/ca.pem".to_owned())
            )
        );
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_a_clear_error() {
        let e = connector(Some("/nonexistent/ca.pem")).err().unwrap();
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").unwrap();
        let e = connector(Some(empty.to_str().unwrap())).err().unwrap();
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
    }
}
