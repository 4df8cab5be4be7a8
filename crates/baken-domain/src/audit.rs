//! The audit chain: what an audit record says, how it is hashed, and how a chain is verified.
//!
//! Every record holds the hash of the record before it. The hash is an HMAC-SHA256 over a
//! canonical, length-prefixed encoding of the record, keyed with a secret that lives outside
//! the database: whoever can write the database but lacks the key cannot rebuild the chain after
//! changing, deleting, inserting or reordering a record.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use thiserror::Error;

/// The hash that stands before the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const DOMAIN_SEPARATOR: &[u8] = b"baken-audit-v1";

/// The secret that keys the chain. Kept outside the database (a file or an environment
/// variable); at least 32 bytes.
#[derive(Clone)]
pub struct AuditKey(Vec<u8>);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("the audit key must be at least 32 bytes, got {0}")]
pub struct AuditKeyTooShort(pub usize);

impl AuditKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, AuditKeyTooShort> {
        if bytes.len() < 32 {
            return Err(AuditKeyTooShort(bytes.len()));
        }
        Ok(Self(bytes))
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

/// What happened: the action names are stable, dotted and lowercase (`auth.login`,
/// `org.user.read`, `access.denied`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Ok, Self::Denied, Self::Failed]
            .into_iter()
            .find(|o| o.code() == code)
    }
}

/// One record of the chain as stored. `occurred_at` is Unix milliseconds (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub occurred_at: i64,
    pub actor_user_id: Option<i64>,
    pub actor_org_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub outcome: Outcome,
    /// Canonical JSON (sorted keys) with what else matters; never a secret.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The canonical encoding: every field length-prefixed, absent values marked, so no two
    /// different records encode alike.
    fn canonical_bytes(&self) -> Vec<u8> {
        fn put(buf: &mut Vec<u8>, field: Option<&[u8]>) {
            match field {
                Some(bytes) => {
                    buf.push(1);
                    buf.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
                    buf.extend_from_slice(bytes);
                }
                None => buf.push(0),
            }
        }
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(DOMAIN_SEPARATOR);
        put(&mut buf, Some(&self.seq.to_be_bytes()));
        put(&mut buf, Some(&self.occurred_at.to_be_bytes()));
        put(
            &mut buf,
            self.actor_user_id
                .map(i64::to_be_bytes)
                .as_ref()
                .map(|b| &b[..]),
        );
        put(
            &mut buf,
            self.actor_org_id
                .map(i64::to_be_bytes)
                .as_ref()
                .map(|b| &b[..]),
        );
        put(&mut buf, Some(self.actor_label.as_bytes()));
        put(&mut buf, Some(self.action.as_bytes()));
        put(&mut buf, self.object_type.as_deref().map(str::as_bytes));
        put(&mut buf, self.object_id.as_deref().map(str::as_bytes));
        put(&mut buf, Some(self.outcome.code().as_bytes()));
        put(&mut buf, Some(self.detail.as_bytes()));
        put(&mut buf, Some(self.prev_hash.as_bytes()));
        buf
    }

    /// The hash this record should carry, given its other fields (including `prev_hash`).
    pub fn compute_hash(&self, key: &AuditKey) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0)
            .expect("HMAC accepts keys of any length");
        mac.update(&self.canonical_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Fills `prev_hash` and `hash` to link this record after `prev_hash`.
    pub fn seal(&mut self, prev_hash: &str, key: &AuditKey) {
        self.prev_hash = prev_hash.to_owned();
        self.hash = self.compute_hash(key);
    }
}

/// The first place where a chain is not what it should be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainBreak {
    #[error("record {found} follows record {previous}: a record is missing, inserted or reordered")]
    Sequence { previous: i64, found: i64 },
    #[error("record {seq} does not point at the hash of the record before it")]
    Link { seq: i64 },
    #[error("record {seq} was changed: its hash does not match its contents")]
    Content { seq: i64 },
    #[error(
        "the chain ends at record {last} but the head says {head}: records were removed or added at the end"
    )]
    Head { last: i64, head: i64 },
}

impl ChainBreak {
    /// The sequence number of the first broken record.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Sequence { found, .. } => *found,
            Self::Link { seq } | Self::Content { seq } => *seq,
            Self::Head { last, .. } => *last,
        }
    }
}

/// Walks a chain in order of `seq` and keeps the state needed to check the next record.
/// Records can be fed one at a time, so a long chain is verified in constant memory.
#[derive(Debug)]
pub struct ChainVerifier<'k> {
    key: &'k AuditKey,
    last_seq: i64,
    last_hash: String,
    checked: u64,
}

impl<'k> ChainVerifier<'k> {
    pub fn new(key: &'k AuditKey) -> Self {
        Self {
            key,
            last_seq: 0,
            last_hash: GENESIS_HASH.to_owned(),
            checked: 0,
        }
    }

    pub fn check(&mut self, record: &AuditRecord) -> Result<(), ChainBreak> {
        if record.seq != self.last_seq + 1 {
            return Err(ChainBreak::Sequence {
                previous: self.last_seq,
                found: record.seq,
            });
        }
        if record.prev_hash != self.last_hash {
            return Err(ChainBreak::Link { seq: record.seq });
        }
        if record.compute_hash(self.key) != record.hash {
            return Err(ChainBreak::Content { seq: record.seq });
        }
        self.last_seq = record.seq;
        self.last_hash.clone_from(&record.hash);
        self.checked += 1;
        Ok(())
    }

    /// Checks the end of the chain against the stored head (last sequence number and hash).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<u64, ChainBreak> {
        if head_seq != self.last_seq || head_hash != self.last_hash {
            return Err(ChainBreak::Head {
                last: self.last_seq,
                head: head_seq,
            });
        }
        Ok(self.checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> AuditKey {
        AuditKey::new(vec![7; 32]).unwrap()
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let key = key();
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    seq,
                    occurred_at: 1_700_000_000_000 + seq,
                    actor_user_id: Some(seq % 3),
                    actor_org_id: if seq % 2 == 0 { Some(1) } else { None },
                    actor_label: format!("user{seq}@tilburg.demo"),
                    action: "org.user.read".into(),
                    object_type: Some("user".into()),
                    object_id: Some(seq.to_string()),
                    outcome: Outcome::Ok,
                    detail: "{}".into(),
                    prev_hash: String::new(),
                    hash: String::new(),
                };
                r.seal(&prev, &key);
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    fn verify(records: &[AuditRecord]) -> Result<u64, ChainBreak> {
        let key = key();
        let mut v = ChainVerifier::new(&key);
        for r in records {
            v.check(r)?;
        }
        let (seq, hash) = records
            .last()
            .map(|r| (r.seq, r.hash.clone()))
            .unwrap_or((0, GENESIS_HASH.to_owned()));
        v.finish(seq, &hash)
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(20)), Ok(20));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn a_short_key_is_refused() {
        assert_eq!(AuditKey::new(vec![1; 8]).unwrap_err(), AuditKeyTooShort(8));
    }

    #[test]
    fn a_different_key_breaks_the_first_record() {
        let records = chain(3);
        let other = AuditKey::new(vec![8; 32]).unwrap();
        let mut v = ChainVerifier::new(&other);
        assert_eq!(v.check(&records[0]), Err(ChainBreak::Content { seq: 1 }));
    }

    #[test]
    fn deleting_a_record_is_found() {
        let mut records = chain(5);
        records.remove(2);
        assert_eq!(
            verify(&records),
            Err(ChainBreak::Sequence {
                previous: 2,
                found: 4
            })
        );
    }

    #[test]
    fn reordering_is_found() {
        let mut records = chain(5);
        records.swap(1, 2);
        assert_eq!(verify(&records).unwrap_err().seq(), 3);
    }

    #[test]
    fn truncating_the_end_is_found_against_the_head() {
        let records = chain(5);
        let key = key();
        let mut v = ChainVerifier::new(&key);
        for r in &records[..4] {
            v.check(r).unwrap();
        }
        assert_eq!(
            v.finish(5, &records[4].hash),
            Err(ChainBreak::Head { last: 4, head: 5 })
        );
    }

    proptest! {
        /// Any single change to any field of any record is detected, at that record.
        #[test]
        fn any_single_change_is_detected(index in 0usize..8, field in 0usize..9, salt in 1i64..1000) {
            let mut records = chain(8);
            let r = &mut records[index];
            match field {
                0 => r.occurred_at += salt,
                1 => r.actor_user_id = Some(r.actor_user_id.unwrap_or(0) + salt),
                2 => r.actor_org_id = if r.actor_org_id.is_some() { None } else { Some(salt) },
                3 => r.actor_label.push('x'),
                4 => r.action = format!("auth.login{salt}"),
                5 => r.object_type = None,
                6 => r.object_id = Some(format!("{salt}-x")),
                7 => r.outcome = Outcome::Denied,
                _ => r.detail = format!("{{\"n\":{salt}}}"),
            }
            let seq = r.seq;
            let broken = verify(&records).unwrap_err();
            prop_assert_eq!(broken, ChainBreak::Content { seq });
        }
    }
}
