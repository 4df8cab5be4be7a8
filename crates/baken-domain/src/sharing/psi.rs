//! Hit/no-hit between organisations without revealing non-hits: Diffie-Hellman private set
//! intersection over ristretto255.
//!
//! The asking party A holds identifiers X, the answering party B holds Y; each draws a fresh
//! secret scalar for this one run ([`Key::from_random_bytes`]).
//!
//! 1. A sends `H(x)·a` for every x, in the order of its own list ([`Asker::request`]).
//! 2. B answers with `H(x)·a·b` in the same order, and with `H(y)·b` for every y, sorted so
//!    that their order says nothing of B's list ([`answer`]).
//! 3. A computes `H(y)·b·a` and keeps those of its own x whose `H(x)·a·b` is among them
//!    ([`Asker::finish`]).
//!
//! A learns which of its own identifiers B also holds, and how many B holds; B learns only how
//! many A asked about. Without `b`, A cannot test an identifier of its own choosing against B's
//! list after the run, and B's non-hits stay pseudorandom points. `H` is the hash to the group of
//! RFC 9496 (two Elligator maps over SHA-512), domain-separated by the kind of identifier.
//!
//! Every point that leaves a party is encoded with the batched double-and-encode of ristretto255:
//! each party multiplies by half its scalar and lets [`RistrettoPoint::double_and_compress_batch`]
//! double and encode a whole chunk with one field inversion, instead of one inverse square root per
//! point. The work is spread over `threads` scoped threads.

use std::collections::HashSet;

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use sha2::{Digest, Sha512};
use thiserror::Error;
use zeroize::Zeroize;

/// One encoded group element as it travels between the parties.
pub type Point = [u8; 32];

/// How many points are multiplied and encoded together (one field inversion per chunk).
const CHUNK: usize = 2048;

/// What went wrong in a run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PsiError {
    #[error("point {0} from the other party is not a valid ristretto255 encoding")]
    BadPoint(usize),
    #[error("the answer has {got} blinded points for the {asked} that were asked")]
    LengthMismatch { asked: usize, got: usize },
    #[error("a packed point list must be a multiple of 32 bytes, not {0}")]
    Packing(usize),
}

/// A party's secret for one run. Never stored longer than the run; zeroed when dropped.
pub struct Key {
    scalar: Scalar,
    /// `scalar / 2`: multiplied in before the batched double-and-encode.
    half: Scalar,
}

impl Key {
    /// A key from 64 uniformly random bytes (reduced modulo the group order). The caller draws
    /// them from the operating system's generator; a run must never reuse them.
    pub fn from_random_bytes(mut bytes: [u8; 64]) -> Self {
        let mut scalar = Scalar::from_bytes_mod_order_wide(&bytes);
        bytes.zeroize();
        if scalar == Scalar::ZERO {
            scalar = Scalar::ONE;
        }
        let half = scalar * Scalar::from(2u8).invert();
        Self { scalar, half }
    }

    /// The secret as 32 bytes, for a run that must wait for the other party (kept sealed).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.scalar.to_bytes()
    }

    /// A key saved with [`Key::to_bytes`]; `None` for bytes that are not a canonical scalar.
    pub fn from_saved(bytes: [u8; 32]) -> Option<Self> {
        let scalar: Option<Scalar> = Scalar::from_canonical_bytes(bytes).into();
        let scalar = scalar.filter(|s| *s != Scalar::ZERO)?;
        let half = scalar * Scalar::from(2u8).invert();
        Some(Self { scalar, half })
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        self.scalar.zeroize();
        self.half.zeroize();
    }
}

/// The group element of one normalised identifier: SHA-512 over a domain label, the kind of
/// identifier and the identifier, mapped with RFC 9496's hash to ristretto255.
pub fn hash_to_group(kind: &str, identifier: &str) -> RistrettoPoint {
    let mut h = Sha512::new();
    h.update(b"baken-psi-v1\0");
    h.update(kind.as_bytes());
    h.update(b"\0");
    h.update(identifier.as_bytes());
    let wide: [u8; 64] = h.finalize().into();
    RistrettoPoint::from_uniform_bytes(&wide)
}

/// The number of variable-base scalar multiplications a run over `asked` × `held` identifiers
/// needs: each party multiplies its own list and the other's once.
pub fn scalar_mults_needed(asked: usize, held: usize) -> u64 {
    2 * (asked as u64 + held as u64)
}

/// Runs `work` over `items` in chunks spread across `threads` threads, keeping the order.
fn parallel<T: Sync, E: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(usize, &[T]) -> Result<Vec<Point>, E> + Sync,
) -> Result<Vec<Point>, E> {
    let threads = threads.max(1);
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let per_thread = items.len().div_ceil(threads);
    let parts: Vec<Result<Vec<Point>, E>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .enumerate()
            .map(|(i, slice)| {
                let work = &work;
                scope.spawn(move || {
                    let mut out = Vec::with_capacity(slice.len());
                    for (j, chunk) in slice.chunks(CHUNK).enumerate() {
                        out.extend(work(i * per_thread + j * CHUNK, chunk)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

/// Multiplies by `key` and encodes, a chunk at a time.
fn multiply_and_encode(key: &Key, points: impl Iterator<Item = RistrettoPoint>) -> Vec<Point> {
    let halves: Vec<RistrettoPoint> = points.map(|p| p * key.half).collect();
    RistrettoPoint::double_and_compress_batch(&halves)
        .into_iter()
        .map(|c| c.to_bytes())
        .collect()
}

/// `H(x)·key` for every identifier, in order.
pub fn blind(key: &Key, kind: &str, identifiers: &[String], threads: usize) -> Vec<Point> {
    let result: Result<Vec<Point>, std::convert::Infallible> =
        parallel(identifiers, threads, |_, chunk| {
            Ok(multiply_and_encode(
                key,
                chunk.iter().map(|id| hash_to_group(kind, id)),
            ))
        });
    match result {
        Ok(points) => points,
        Err(never) => match never {},
    }
}

/// `P·key` for every point the other party sent, in order; a point that does not decode is
/// refused with its position.
pub fn reblind(key: &Key, points: &[Point], threads: usize) -> Result<Vec<Point>, PsiError> {
    parallel(points, threads, |offset, chunk| {
        let decoded = chunk
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                CompressedRistretto(*bytes)
                    .decompress()
                    .ok_or(PsiError::BadPoint(offset + i))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(multiply_and_encode(key, decoded.into_iter()))
    })
}

/// What the answering party sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// `H(x)·a·b`, in the order the asker sent `H(x)·a`.
    pub reply: Vec<Point>,
    /// `H(y)·b` for the answerer's own identifiers, sorted.
    pub theirs: Vec<Point>,
}

/// The answering party's whole step: re-blind the request and blind its own list.
pub fn answer(
    key: &Key,
    kind: &str,
    own: &[String],
    request: &[Point],
    threads: usize,
) -> Result<Answer, PsiError> {
    let reply = reblind(key, request, threads)?;
    let mut theirs = blind(key, kind, own, threads);
    theirs.sort_unstable();
    Ok(Answer { reply, theirs })
}

/// The asking party: its normalised identifiers and its key for this run.
pub struct Asker {
    key: Key,
    kind: String,
    identifiers: Vec<String>,
}

impl Asker {
    pub fn new(key: Key, kind: &str, identifiers: Vec<String>) -> Self {
        Self {
            key,
            kind: kind.to_owned(),
            identifiers,
        }
    }

    /// The identifiers in the order they were blinded.
    pub fn identifiers(&self) -> &[String] {
        &self.identifiers
    }

    pub fn key(&self) -> &Key {
        &self.key
    }

    /// What goes to the answering party: `H(x)·a`, in the order of [`Asker::identifiers`].
    pub fn request(&self, threads: usize) -> Vec<Point> {
        blind(&self.key, &self.kind, &self.identifiers, threads)
    }

    /// The asker's own identifiers that the answering party also holds, in the asker's order.
    pub fn finish(&self, answer: &Answer, threads: usize) -> Result<Vec<String>, PsiError> {
        if answer.reply.len() != self.identifiers.len() {
            return Err(PsiError::LengthMismatch {
                asked: self.identifiers.len(),
                got: answer.reply.len(),
            });
        }
        let theirs: HashSet<Point> = reblind(&self.key, &answer.theirs, threads)?
            .into_iter()
            .collect();
        Ok(self
            .identifiers
            .iter()
            .zip(&answer.reply)
            .filter(|(_, p)| theirs.contains(*p))
            .map(|(id, _)| id.clone())
            .collect())
    }
}

/// Packs points into bytes for storage or transport.
pub fn pack(points: &[Point]) -> Vec<u8> {
    points.concat()
}

/// Unpacks bytes written by [`pack`].
pub fn unpack(bytes: &[u8]) -> Result<Vec<Point>, PsiError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(PsiError::Packing(bytes.len()));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut p = [0u8; 32];
            p.copy_from_slice(c);
            p
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn key(seed: u8) -> Key {
        let mut bytes = [0u8; 64];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = seed.wrapping_mul(31).wrapping_add(i as u8);
        }
        Key::from_random_bytes(bytes)
    }

    fn ids(range: impl Iterator<Item = u32>) -> Vec<String> {
        range.map(|i| format!("{i:08}")).collect()
    }

    fn run(mine: &[String], theirs: &[String], threads: usize) -> Vec<String> {
        let asker = Asker::new(key(1), "kvk", mine.to_vec());
        let request = asker.request(threads);
        let answer = answer(&key(2), "kvk", theirs, &request, threads).unwrap();
        asker.finish(&answer, threads).unwrap()
    }

    #[test]
    fn the_batched_encoding_equals_multiplying_by_the_whole_scalar() {
        let k = key(9);
        let ids = ids(0..5);
        let blinded = blind(&k, "bsn", &ids, 2);
        for (id, p) in ids.iter().zip(&blinded) {
            assert_eq!(
                *p,
                (hash_to_group("bsn", id) * k.scalar).compress().to_bytes()
            );
        }
    }

    #[test]
    fn the_same_identifier_of_another_kind_is_another_point() {
        assert_ne!(
            hash_to_group("bsn", "12345678"),
            hash_to_group("kvk", "12345678")
        );
    }

    #[test]
    fn the_asker_learns_the_intersection_in_its_own_order() {
        let mine = ids((0..5000).rev());
        let theirs = ids(4000..9000);
        let hits = run(&mine, &theirs, 3);
        assert_eq!(hits, ids((4000..5000).rev()));
    }

    #[test]
    fn the_answer_does_not_show_which_own_points_were_hits() {
        // The answerer's own points are sorted, not in its list's order, and none equals a
        // point of the reply: the asker cannot map them back without its key.
        let mine = ids(0..50);
        let theirs = ids(25..75);
        let asker = Asker::new(key(1), "kvk", mine.clone());
        let request = asker.request(1);
        let a = answer(&key(2), "kvk", &theirs, &request, 1).unwrap();
        assert!(a.theirs.windows(2).all(|w| w[0] <= w[1]));
        let reply: HashSet<_> = a.reply.iter().collect();
        assert!(a.theirs.iter().all(|p| !reply.contains(p)));
        assert!(request.iter().all(|p| !a.theirs.contains(p)));
    }

    #[test]
    fn a_bad_point_is_refused_with_its_position() {
        let mut request = blind(&key(1), "kvk", &ids(0..3), 1);
        request[2] = [0xff; 32];
        assert_eq!(
            answer(&key(2), "kvk", &ids(0..3), &request, 1),
            Err(PsiError::BadPoint(2))
        );
    }

    #[test]
    fn a_short_answer_is_refused() {
        let asker = Asker::new(key(1), "kvk", ids(0..3));
        let mut a = answer(&key(2), "kvk", &ids(0..3), &asker.request(1), 1).unwrap();
        a.reply.pop();
        assert_eq!(
            asker.finish(&a, 1),
            Err(PsiError::LengthMismatch { asked: 3, got: 2 })
        );
    }

    #[test]
    fn a_saved_key_comes_back_the_same() {
        let k = key(4);
        let back = Key::from_saved(k.to_bytes()).unwrap();
        assert_eq!(
            blind(&k, "bag", &ids(0..2), 1),
            blind(&back, "bag", &ids(0..2), 1)
        );
        assert!(Key::from_saved([0xff; 32]).is_none());
    }

    #[test]
    fn packing_round_trips_and_refuses_a_torn_list() {
        let points = blind(&key(1), "kvk", &ids(0..4), 1);
        assert_eq!(unpack(&pack(&points)).unwrap(), points);
        assert_eq!(unpack(&[0u8; 33]), Err(PsiError::Packing(33)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn the_result_equals_the_plain_intersection(
            mine in proptest::collection::btree_set(0u32..400, 0..60),
            theirs in proptest::collection::btree_set(0u32..400, 0..60),
            threads in 1usize..4,
        ) {
            let mine_ids = ids(mine.iter().copied());
            let theirs_ids = ids(theirs.iter().copied());
            let hits: BTreeSet<String> = run(&mine_ids, &theirs_ids, threads).into_iter().collect();
            let plain: BTreeSet<String> = ids(mine.intersection(&theirs).copied()).into_iter().collect();
            prop_assert_eq!(hits, plain);
        }
    }
}
