//! Exchange packages between Baken installations: a payload encrypted to the receiving
//! organisation (X25519 with a fresh ephemeral key, XChaCha20-Poly1305) and signed by the
//! sending organisation (Ed25519).
//!
//! The signature covers every field but itself, so a changed byte anywhere is found before
//! anything is decrypted. The header (format, id, time, sender, receiver, ephemeral key) is also
//! the encryption's associated data. Opening checks, in this order: the format, the sender is a
//! configured partner with this key, the signature, the package is addressed to this
//! organisation and its key, its age, and the decryption. Replays are refused by the store,
//! which remembers every package id it has accepted.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroize;

/// The format tag of version 1.
pub const FORMAT: &str = "baken-uitwisseling/1";
/// The oldest package accepted (and how far a sender's clock may run ahead).
pub const MAX_AGE_MS: i64 = 30 * 24 * 3600 * 1000;
const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;
/// The largest package accepted.
pub const MAX_PACKAGE_BYTES: usize = 16 * 1024 * 1024;

/// An organisation's exchange keys: Ed25519 to sign, X25519 to receive.
pub struct ExchangeKeys {
    signing: SigningKey,
    agreement: [u8; 32],
}

impl Drop for ExchangeKeys {
    fn drop(&mut self) {
        self.agreement.zeroize();
    }
}

/// The public half of an organisation's exchange keys, as a partner configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKeys {
    pub signing: [u8; 32],
    pub agreement: [u8; 32],
}

impl PublicKeys {
    /// `ed25519:<base64>` and `x25519:<base64>` in one line, for copying to a partner.
    pub fn to_text(&self) -> String {
        format!(
            "ed25519:{} x25519:{}",
            STANDARD.encode(self.signing),
            STANDARD.encode(self.agreement)
        )
    }

    /// Reads [`PublicKeys::to_text`].
    pub fn from_text(text: &str) -> Option<Self> {
        let mut parts = text.split_whitespace();
        let signing = decode32(parts.next()?.strip_prefix("ed25519:")?)?;
        let agreement = decode32(parts.next()?.strip_prefix("x25519:")?)?;
        if parts.next().is_some() || VerifyingKey::from_bytes(&signing).is_err() {
            return None;
        }
        Some(Self { signing, agreement })
    }

    /// A short fingerprint to compare by eye or by telephone.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let mut h = Sha256::new();
        h.update(self.signing);
        h.update(self.agreement);
        let digest = h.finalize();
        digest[..8]
            .chunks(2)
            .map(hex::encode)
            .collect::<Vec<_>>()
            .join("-")
    }
}

fn decode32(text: &str) -> Option<[u8; 32]> {
    STANDARD.decode(text).ok()?.try_into().ok()
}

impl ExchangeKeys {
    /// Keys from 64 random bytes (the first 32 the signing seed, the last 32 the X25519 secret).
    pub fn from_bytes(mut bytes: [u8; 64]) -> Self {
        let mut seed = [0u8; 32];
        let mut agreement = [0u8; 32];
        seed.copy_from_slice(&bytes[..32]);
        agreement.copy_from_slice(&bytes[32..]);
        bytes.zeroize();
        let signing = SigningKey::from_bytes(&seed);
        seed.zeroize();
        Self { signing, agreement }
    }

    /// The 64 secret bytes, to be kept sealed.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.signing.to_bytes());
        out[32..].copy_from_slice(&self.agreement);
        out
    }

    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            signing: self.signing.verifying_key().to_bytes(),
            agreement: MontgomeryPoint::mul_base_clamped(self.agreement).to_bytes(),
        }
    }
}

/// One end of an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// The organisation's code at its own installation.
    pub organisatie: String,
    /// The sender's Ed25519 key, or the receiver's X25519 key (base64).
    pub sleutel: String,
}

/// A package as it travels (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub formaat: String,
    /// 16 random bytes, hex: the replay check's key.
    pub id: String,
    /// Milliseconds since 1970 (UTC).
    pub gemaakt: i64,
    pub afzender: Party,
    pub ontvanger: Party,
    /// The ephemeral X25519 key (base64).
    pub efemeer: String,
    pub nonce: String,
    /// The encrypted payload (base64).
    pub inhoud: String,
    /// Ed25519 over [`Package::signed_bytes`] (base64).
    pub handtekening: String,
}

impl Package {
    fn header(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for field in [
            self.formaat.as_str(),
            self.id.as_str(),
            &self.gemaakt.to_string(),
            &self.afzender.organisatie,
            &self.afzender.sleutel,
            &self.ontvanger.organisatie,
            &self.ontvanger.sleutel,
            &self.efemeer,
        ] {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out
    }

    /// What the signature covers: the header, the nonce and the ciphertext.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut out = self.header();
        for field in [&self.nonce, &self.inhoud] {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out
    }
}

/// The randomness one package needs, drawn by the caller from the operating system.
pub struct Fresh {
    pub id: [u8; 16],
    pub ephemeral: [u8; 32],
    pub nonce: [u8; 24],
}

fn content_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(shared)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(b"baken-uitwisseling/1 inhoud");
    mac.update(ephemeral);
    mac.update(recipient);
    mac.finalize().into_bytes().into()
}

/// Why a package is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("this is not a Baken exchange package ({0})")]
    Malformed(String),
    #[error("the sender {0:?} is not a configured partner with this key")]
    UnknownSender(String),
    #[error("the signature does not match: the package was changed after it was signed")]
    Tampered,
    #[error("the package is addressed to {0:?}, not to this organisation and its key")]
    WrongRecipient(String),
    #[error("the package is too old or dated in the future")]
    Stale,
    #[error("the package was already received (replay)")]
    Replayed,
    #[error("the package is larger than {MAX_PACKAGE_BYTES} bytes")]
    TooLarge,
}

impl PackageError {
    /// A stable code for the API and the message catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "onleesbaar",
            Self::UnknownSender(_) => "onbekende-afzender",
            Self::Tampered => "gewijzigd",
            Self::WrongRecipient(_) => "verkeerd-geadresseerd",
            Self::Stale => "verlopen",
            Self::Replayed => "al-ontvangen",
            Self::TooLarge => "te-groot",
        }
    }
}

/// Encrypts `payload` to `recipient` and signs the package as `sender`.
pub fn seal(
    sender: &ExchangeKeys,
    sender_org: &str,
    recipient_org: &str,
    recipient: &PublicKeys,
    payload: &[u8],
    created_ms: i64,
    mut fresh: Fresh,
) -> Package {
    let ephemeral_public = MontgomeryPoint::mul_base_clamped(fresh.ephemeral).to_bytes();
    let mut shared = MontgomeryPoint(recipient.agreement)
        .mul_clamped(fresh.ephemeral)
        .to_bytes();
    fresh.ephemeral.zeroize();
    let mut key = content_key(&shared, &ephemeral_public, &recipient.agreement);
    shared.zeroize();
    let mut package = Package {
        formaat: FORMAT.to_owned(),
        id: hex::encode(fresh.id),
        gemaakt: created_ms,
        afzender: Party {
            organisatie: sender_org.to_owned(),
            sleutel: STANDARD.encode(sender.public().signing),
        },
        ontvanger: Party {
            organisatie: recipient_org.to_owned(),
            sleutel: STANDARD.encode(recipient.agreement),
        },
        efemeer: STANDARD.encode(ephemeral_public),
        nonce: STANDARD.encode(fresh.nonce),
        inhoud: String::new(),
        handtekening: String::new(),
    };
    let cipher = XChaCha20Poly1305::new(&key.into());
    key.zeroize();
    let aad = package.header();
    let ciphertext = cipher
        .encrypt(
            &XNonce::from(fresh.nonce),
            Payload {
                msg: payload,
                aad: &aad,
            },
        )
        .unwrap_or_else(|_| unreachable!("encryption of an in-memory buffer cannot fail"));
    package.inhoud = STANDARD.encode(ciphertext);
    let signature = sender.signing.sign(&package.signed_bytes());
    package.handtekening = STANDARD.encode(signature.to_bytes());
    package
}

/// Reads a package from its JSON text, refusing what is too large or not a package.
pub fn parse(bytes: &[u8]) -> Result<Package, PackageError> {
    if bytes.len() > MAX_PACKAGE_BYTES {
        return Err(PackageError::TooLarge);
    }
    let package: Package =
        serde_json::from_slice(bytes).map_err(|e| PackageError::Malformed(e.to_string()))?;
    if package.formaat != FORMAT {
        return Err(PackageError::Malformed(format!(
            "unknown format {:?}",
            package.formaat
        )));
    }
    Ok(package)
}

/// Checks and decrypts a package for organisation `my_org` holding `me`; `sender_key` is the
/// signing key configured for the sending partner (`None` when the sender is unknown).
pub fn open(
    package: &Package,
    sender_key: Option<&[u8; 32]>,
    me: &ExchangeKeys,
    my_org: &str,
    now_ms: i64,
) -> Result<Vec<u8>, PackageError> {
    let unknown = || PackageError::UnknownSender(package.afzender.organisatie.clone());
    let sender_key = sender_key.ok_or_else(unknown)?;
    if decode32(&package.afzender.sleutel).as_ref() != Some(sender_key) {
        return Err(unknown());
    }
    let verifying = VerifyingKey::from_bytes(sender_key).map_err(|_| unknown())?;
    let signature: [u8; 64] = STANDARD
        .decode(&package.handtekening)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(PackageError::Tampered)?;
    verifying
        .verify_strict(&package.signed_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| PackageError::Tampered)?;
    let mine = me.public();
    if package.ontvanger.organisatie != my_org
        || decode32(&package.ontvanger.sleutel) != Some(mine.agreement)
    {
        return Err(PackageError::WrongRecipient(
            package.ontvanger.organisatie.clone(),
        ));
    }
    if package.gemaakt < now_ms - MAX_AGE_MS || package.gemaakt > now_ms + MAX_CLOCK_SKEW_MS {
        return Err(PackageError::Stale);
    }
    let ephemeral = decode32(&package.efemeer)
        .ok_or_else(|| PackageError::Malformed("ephemeral key".into()))?;
    let nonce: [u8; 24] = STANDARD
        .decode(&package.nonce)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| PackageError::Malformed("nonce".into()))?;
    let ciphertext = STANDARD
        .decode(&package.inhoud)
        .map_err(|_| PackageError::Malformed("content".into()))?;
    let mut shared = MontgomeryPoint(ephemeral)
        .mul_clamped(me.agreement)
        .to_bytes();
    let mut key = content_key(&shared, &ephemeral, &mine.agreement);
    shared.zeroize();
    let cipher = XChaCha20Poly1305::new(&key.into());
    key.zeroize();
    cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &ciphertext,
                aad: &package.header(),
            },
        )
        .map_err(|_| PackageError::Tampered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(seed: u8) -> ExchangeKeys {
        ExchangeKeys::from_bytes([seed; 64])
    }

    fn fresh(seed: u8) -> Fresh {
        Fresh {
            id: [seed; 16],
            ephemeral: [seed.wrapping_add(1); 32],
            nonce: [seed.wrapping_add(2); 24],
        }
    }

    const NOW: i64 = 1_795_000_000_000;

    fn package() -> (ExchangeKeys, ExchangeKeys, Package) {
        let (tilburg, politie) = (keys(1), keys(2));
        let p = seal(
            &tilburg,
            "tilburg",
            "politie-zwb",
            &politie.public(),
            b"{\"casus\":1}",
            NOW,
            fresh(7),
        );
        (tilburg, politie, p)
    }

    #[test]
    fn the_addressee_opens_what_the_partner_sealed() {
        let (tilburg, politie, p) = package();
        let key = tilburg.public().signing;
        assert_eq!(
            open(&p, Some(&key), &politie, "politie-zwb", NOW + 1000).unwrap(),
            b"{\"casus\":1}"
        );
        let text = serde_json::to_vec(&p).unwrap();
        assert_eq!(parse(&text).unwrap(), p);
    }

    #[test]
    fn a_changed_byte_anywhere_is_found() {
        let (tilburg, politie, p) = package();
        let key = tilburg.public().signing;
        let mut changed = p.clone();
        let mut ct = STANDARD.decode(&changed.inhoud).unwrap();
        ct[0] ^= 1;
        changed.inhoud = STANDARD.encode(ct);
        assert_eq!(
            open(&changed, Some(&key), &politie, "politie-zwb", NOW),
            Err(PackageError::Tampered)
        );
        let mut changed = p.clone();
        changed.gemaakt += 1;
        assert_eq!(
            open(&changed, Some(&key), &politie, "politie-zwb", NOW),
            Err(PackageError::Tampered)
        );
        let mut changed = p;
        changed.ontvanger.organisatie = "breda".into();
        assert_eq!(
            open(&changed, Some(&key), &politie, "breda", NOW),
            Err(PackageError::Tampered)
        );
    }

    #[test]
    fn a_package_for_someone_else_or_from_a_stranger_is_refused() {
        let (tilburg, _, p) = package();
        let key = tilburg.public().signing;
        let breda = keys(3);
        assert_eq!(
            open(&p, Some(&key), &breda, "breda", NOW),
            Err(PackageError::WrongRecipient("politie-zwb".into()))
        );
        assert_eq!(
            open(&p, Some(&key), &breda, "politie-zwb", NOW),
            Err(PackageError::WrongRecipient("politie-zwb".into()))
        );
        let stranger = keys(4).public().signing;
        assert!(matches!(
            open(&p, Some(&stranger), &keys(2), "politie-zwb", NOW),
            Err(PackageError::UnknownSender(_))
        ));
        assert!(matches!(
            open(&p, None, &keys(2), "politie-zwb", NOW),
            Err(PackageError::UnknownSender(_))
        ));
    }

    #[test]
    fn an_old_package_is_refused() {
        let (tilburg, politie, p) = package();
        let key = tilburg.public().signing;
        assert_eq!(
            open(
                &p,
                Some(&key),
                &politie,
                "politie-zwb",
                NOW + MAX_AGE_MS + 1
            ),
            Err(PackageError::Stale)
        );
        assert_eq!(
            open(&p, Some(&key), &politie, "politie-zwb", NOW - 3_600_000),
            Err(PackageError::Stale)
        );
    }

    #[test]
    fn public_keys_round_trip_as_text() {
        let k = keys(5).public();
        assert_eq!(PublicKeys::from_text(&k.to_text()), Some(k));
        assert_eq!(PublicKeys::from_text("ed25519:abc x25519:def"), None);
        assert_eq!(k.fingerprint().len(), 19);
    }

    #[test]
    fn what_is_not_a_package_is_named() {
        assert!(matches!(
            parse(b"{\"formaat\":1}"),
            Err(PackageError::Malformed(_))
        ));
        assert_eq!(
            parse(&vec![b' '; MAX_PACKAGE_BYTES + 1]),
            Err(PackageError::TooLarge)
        );
    }
}
