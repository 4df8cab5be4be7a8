//! Encryption of personal data at rest and keyed pseudonyms for persons.
//!
//! The [`DataKey`] lives outside the database (a key file or an environment variable), so a copy
//! of the database alone reveals no name, date of birth, description or source detail. Sealed
//! values are XChaCha20-Poly1305 with a random 192-bit nonce, bound to what they hold (the
//! associated data names the column), stored as `v1.` and base64. Pseudonyms are
//! HMAC-SHA256 over the organisation and the identifier, so one person has one pseudonym inside
//! an organisation and an unrelated one in another.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngExt;
use sha2::Sha256;

use crate::StoreError;

/// The key for personal data: one secret from which the encryption key and the pseudonym key
/// are derived.
#[derive(Clone)]
pub struct DataKey {
    cipher: XChaCha20Poly1305,
    pseudonym: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// The key given is shorter than 32 bytes.
#[derive(Debug, thiserror::Error)]
#[error("a data key needs at least 32 bytes, got {0}")]
pub struct DataKeyTooShort(pub usize);

fn derive(master: &[u8], label: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl DataKey {
    pub fn new(master: &[u8]) -> Result<Self, DataKeyTooShort> {
        if master.len() < 32 {
            return Err(DataKeyTooShort(master.len()));
        }
        let enc = derive(master, "baken/personal-data/encryption/v1");
        let cipher = XChaCha20Poly1305::new_from_slice(&enc).expect("32-byte key");
        Ok(Self {
            cipher,
            pseudonym: derive(master, "baken/personal-data/pseudonym/v1"),
        })
    }

    /// Encrypts `plain` for the column named by `context`.
    pub(crate) fn seal(&self, context: &str, plain: &str) -> Result<String, StoreError> {
        let mut nonce = [0u8; 24];
        rand::rng().fill(&mut nonce);
        let ct = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Internal("encryption failed".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ct);
        Ok(format!("v1.{}", STANDARD_NO_PAD.encode(bytes)))
    }

    /// Decrypts a value sealed for `context`; an empty value opens to an empty string.
    pub(crate) fn open(&self, context: &str, sealed: &str) -> Result<String, StoreError> {
        if sealed.is_empty() {
            return Ok(String::new());
        }
        let broken = || StoreError::Internal(format!("a sealed {context} value cannot be opened"));
        let bytes = sealed
            .strip_prefix("v1.")
            .and_then(|b| STANDARD_NO_PAD.decode(b).ok())
            .filter(|b| b.len() > 24)
            .ok_or_else(broken)?;
        let (nonce, ct) = bytes.split_at(24);
        let nonce = XNonce::try_from(nonce).map_err(|_| broken())?;
        let plain = self
            .cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| broken())?;
        String::from_utf8(plain).map_err(|_| broken())
    }

    /// Encrypts bytes (attachments) for `context`.
    pub(crate) fn seal_bytes(&self, context: &str, plain: &[u8]) -> Result<String, StoreError> {
        self.seal(context, &STANDARD_NO_PAD.encode(plain))
    }

    pub(crate) fn open_bytes(&self, context: &str, sealed: &str) -> Result<Vec<u8>, StoreError> {
        STANDARD_NO_PAD
            .decode(self.open(context, sealed)?)
            .map_err(|_| StoreError::Internal("a sealed attachment cannot be opened".into()))
    }

    /// The keyed pseudonym of `basis` inside organisation `org_id`: 32 hex characters.
    pub(crate) fn pseudonym(&self, org_id: i64, basis: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.pseudonym).expect("HMAC takes any key length");
        mac.update(&org_id.to_be_bytes());
        mac.update(basis.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_key_and_for_their_column() {
        let key = DataKey::new(&[7; 32]).unwrap();
        let other = DataKey::new(&[8; 32]).unwrap();
        let sealed = key.seal("person", "Jan Jansen|1980-01-01").unwrap();
        assert!(!sealed.contains("Jansen"));
        assert_eq!(
            key.open("person", &sealed).unwrap(),
            "Jan Jansen|1980-01-01"
        );
        assert!(
            key.open("description", &sealed).is_err(),
            "bound to its column"
        );
        assert!(
            other.open("person", &sealed).is_err(),
            "another key cannot open it"
        );
        assert_ne!(sealed, key.seal("person", "Jan Jansen|1980-01-01").unwrap());
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(
            key.open("person", std::str::from_utf8(&tampered).unwrap())
                .is_err()
        );
        assert!(DataKey::new(&[1; 16]).is_err());
    }

    #[test]
    fn pseudonyms_are_stable_per_organisation_and_unlinkable_across() {
        let key = DataKey::new(&[7; 32]).unwrap();
        assert_eq!(
            key.pseudonym(1, "bsn:111222333"),
            key.pseudonym(1, "bsn:111222333")
        );
        assert_ne!(
            key.pseudonym(1, "bsn:111222333"),
            key.pseudonym(2, "bsn:111222333")
        );
        assert_eq!(key.pseudonym(1, "x").len(), 32);
    }
}
