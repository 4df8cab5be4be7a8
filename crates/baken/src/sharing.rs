//! `baken match` (hit/no-hit between two lists, locally or against a partner installation) and
//! `baken bench psi` (the private set intersection against the machine's raw rate of
//! ristretto255 scalar multiplications).

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use baken_domain::sharing::identifier::{
    IdentifierKind, IdentifierList, MAX_LIST_BYTES, read_list,
};
use baken_domain::sharing::psi::{self, Asker, Key, Point};

/// The threads a run uses: every core the machine offers.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A fresh key for one run.
pub fn fresh_key() -> Result<Key> {
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(Key::from_random_bytes(bytes))
}

/// Reads a list file, refusing one over the size limit before reading it whole, and reports
/// the lines left out on stderr.
pub fn read_list_file(path: &Path, kind: IdentifierKind) -> Result<IdentifierList> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata()?.len();
    if size > MAX_LIST_BYTES {
        bail!(
            "{} is {size} bytes; a list may be at most {MAX_LIST_BYTES} bytes",
            path.display()
        );
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    let list = read_list(kind, &bytes).with_context(|| format!("reading {}", path.display()))?;
    for r in &list.rejected {
        eprintln!("{}:{}: left out: {}", path.display(), r.line, r.reason);
    }
    if list.rejected_total > list.rejected.len() {
        eprintln!(
            "{}: {} more lines left out",
            path.display(),
            list.rejected_total - list.rejected.len()
        );
    }
    Ok(list)
}

/// Both sides of a run in this process (for testing and benchmarks); returns the hits.
pub fn match_local(mine: &Path, theirs: &Path, kind: IdentifierKind) -> Result<Vec<String>> {
    let mine = read_list_file(mine, kind)?;
    let theirs = read_list_file(theirs, kind)?;
    let threads = threads();
    let asker = Asker::new(fresh_key()?, kind.code(), mine.identifiers);
    let request = asker.request(threads);
    let answer = psi::answer(
        &fresh_key()?,
        kind.code(),
        &theirs.identifiers,
        &request,
        threads,
    )?;
    let hits = asker.finish(&answer, threads)?;
    eprintln!(
        "{} asked, {} held by the other side, {} hits",
        asker.identifiers().len(),
        answer.theirs.len(),
        hits.len()
    );
    Ok(hits)
}

/// CPU seconds (user + system) and peak resident megabytes of this process so far.
fn usage() -> (f64, f64) {
    // SAFETY: an all-zero rusage is a valid value to be filled in by getrusage.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live local.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        secs(u.ru_utime) + secs(u.ru_stime),
        u.ru_maxrss as f64 / 1024.0,
    )
}

/// `count` variable-base scalar multiplications spread over `threads` threads: the machine's
/// raw rate, per second.
fn raw_rate(count: usize, threads: usize) -> Result<f64> {
    let key = fresh_key()?;
    let points: Vec<Point> = psi::blind(
        &key,
        "bench",
        &(0..count).map(|i| i.to_string()).collect::<Vec<_>>(),
        threads,
    );
    let points: Vec<_> = points
        .iter()
        .filter_map(|p| curve25519_dalek::ristretto::CompressedRistretto(*p).decompress())
        .collect();
    let scalar = curve25519_dalek::scalar::Scalar::from_bytes_mod_order_wide(&[7u8; 64]);
    let per = points.len().div_ceil(threads.max(1));
    let started = Instant::now();
    let done: usize = std::thread::scope(|s| {
        let handles: Vec<_> = points
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    let mut sink = curve25519_dalek::ristretto::RistrettoPoint::default();
                    for p in chunk {
                        sink += p * scalar;
                    }
                    (chunk.len(), sink)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map(|(n, sink)| std::hint::black_box((n, sink)).0))
            .sum::<Result<usize, _>>()
            .unwrap_or(0)
    });
    Ok(done as f64 / started.elapsed().as_secs_f64())
}

/// `baken bench psi`.
pub fn bench(size: usize, overlap: usize, sample: usize) -> Result<()> {
    if overlap > size {
        bail!("the overlap cannot exceed the size");
    }
    let threads = threads();
    let kvk = |i: usize| format!("{:08}", 10_000_000 + i);
    let mine: Vec<String> = (0..size).map(kvk).collect();
    let theirs: Vec<String> = (size - overlap..2 * size - overlap).map(kvk).collect();
    println!(
        "PSI over ristretto255: {size} × {size} KvK numbers, {overlap} in common, {threads} threads"
    );

    // The raw rate is measured before and after the run; the faster of the two sets the limit,
    // so a slow moment of the machine cannot flatter the ratio.
    let rate_before = raw_rate(sample, threads)?;
    let needed = psi::scalar_mults_needed(size, size);

    let (cpu_before, _) = usage();
    let started = Instant::now();
    let asker = Asker::new(fresh_key()?, "kvk", mine.clone());
    let request = asker.request(threads);
    let answer = psi::answer(&fresh_key()?, "kvk", &theirs, &request, threads)?;
    let hits = asker.finish(&answer, threads)?;
    let wall = started.elapsed().as_secs_f64();
    let (cpu_after, peak_mb) = usage();
    let rate_after = raw_rate(sample, threads)?;
    let rate = rate_before.max(rate_after);
    let limit = needed as f64 / rate;
    let bytes = 32 * (request.len() + answer.reply.len() + answer.theirs.len());

    let theirs_set: HashSet<&String> = theirs.iter().collect();
    let plain: Vec<&String> = mine.iter().filter(|x| theirs_set.contains(x)).collect();
    let equal = hits.len() == plain.len() && hits.iter().zip(&plain).all(|(a, b)| a == *b);

    println!();
    println!(
        "{:<52} {:>12}",
        "raw scalar multiplications per second, before",
        format!("{rate_before:.0}")
    );
    println!(
        "{:<52} {:>12}",
        "raw scalar multiplications per second, after",
        format!("{rate_after:.0}")
    );
    println!(
        "{:<52} {:>12}",
        "scalar multiplications the protocol needs", needed
    );
    println!(
        "{:<52} {:>12.2}",
        "physical limit (needed / faster raw rate), seconds", limit
    );
    println!("{:<52} {:>12.2}", "PSI wall time, seconds", wall);
    println!(
        "{:<52} {:>12.2}",
        "PSI CPU use (CPU seconds / wall seconds, cores)",
        (cpu_after - cpu_before) / wall
    );
    println!("{:<52} {:>12.0}", "peak memory of the process, MB", peak_mb);
    println!(
        "{:<52} {:>12.1}",
        "bytes exchanged, MB (both directions)",
        bytes as f64 / 1e6
    );
    println!("{:<52} {:>12}", "hits", hits.len());
    println!("{:<52} {:>12}", "equal to the plain intersection", equal);
    println!();
    println!(
        "ratio to the physical limit: {:.3}× (target: at most 1.3×)",
        wall / limit
    );
    if !equal {
        bail!("the PSI result differs from the plain intersection");
    }
    Ok(())
}

/// A run against another installation's API: who answers, under which covenant, how long to
/// wait for the answer.
pub struct PartnerRun<'a> {
    /// The partner installation, e.g. `https://baken.politie.example`.
    pub url: &'a str,
    /// An API token of a user of that installation.
    pub token: &'a str,
    /// The answering organisation's code there.
    pub with: &'a str,
    pub covenant: i64,
    pub kind: IdentifierKind,
    pub wait: std::time::Duration,
    pub poll: std::time::Duration,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Reads a JSON answer; a refusal is reported with the partner's problem detail.
fn json_reply(
    mut response: ureq::http::Response<ureq::Body>,
    what: &str,
) -> Result<serde_json::Value> {
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(512 * 1024 * 1024)
        .read_to_string()
        .with_context(|| format!("reading the partner's answer to {what}"))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("the partner's answer to {what} is not JSON ({status})"))?;
    if !status.is_success() {
        let reasons: Vec<String> = value["invalidParams"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        format!(
                            "{}: {}",
                            p["name"].as_str().unwrap_or(""),
                            p["reason"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        bail!(
            "the partner refused {what} ({status}): {} {}",
            value["detail"].as_str().unwrap_or(""),
            reasons.join("; ")
        );
    }
    Ok(value)
}

fn unpack_field(value: &serde_json::Value, field: &str) -> Result<Vec<Point>> {
    use base64::Engine;
    let text = value["antwoord"][field]
        .as_str()
        .with_context(|| format!("the answer lacks {field}"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .with_context(|| format!("{field} is not base64"))?;
    Ok(psi::unpack(&bytes)?)
}

/// Asks the partner installation, waits for its answer and finishes the run here: the key
/// never leaves this machine. Returns the hits.
pub fn match_partner(mine: &Path, run: &PartnerRun<'_>) -> Result<Vec<String>> {
    use base64::Engine;
    let list = read_list_file(mine, run.kind)?;
    let threads = threads();
    let asker = Asker::new(fresh_key()?, run.kind.code(), list.identifiers);
    let points =
        base64::engine::general_purpose::STANDARD.encode(psi::pack(&asker.request(threads)));
    let base = run.url.trim_end_matches('/');
    let agent = agent();
    let body = serde_json::json!({
        "partner": run.with,
        "convenant": run.covenant,
        "soort": run.kind.code(),
        "punten": points,
    })
    .to_string();
    let asked = agent
        .post(format!("{base}/api/v1/matches"))
        .header("authorization", format!("Bearer {}", run.token))
        .header("content-type", "application/json")
        .send(body.as_bytes())
        .with_context(|| format!("cannot reach {base}"))?;
    let asked = json_reply(asked, "the question")?;
    let id = asked["id"]
        .as_i64()
        .context("the partner's answer has no run id")?;
    eprintln!(
        "Asked {} about {} identifiers (run {id} at {base}); waiting for the answer.",
        run.with,
        asker.identifiers().len()
    );
    let started = Instant::now();
    loop {
        let reply = agent
            .get(format!("{base}/api/v1/matches/{id}"))
            .header("authorization", format!("Bearer {}", run.token))
            .call()
            .with_context(|| format!("cannot reach {base}"))?;
        let reply = json_reply(reply, "the question for the answer")?;
        match reply["status"].as_str() {
            Some("beantwoord") => {
                let answer = psi::Answer {
                    reply: unpack_field(&reply, "antwoord")?,
                    theirs: unpack_field(&reply, "hunne")?,
                };
                let hits = asker.finish(&answer, threads)?;
                eprintln!(
                    "{} asked, {} held by {}, {} hits",
                    asker.identifiers().len(),
                    answer.theirs.len(),
                    run.with,
                    hits.len()
                );
                return Ok(hits);
            }
            Some("geweigerd") => bail!("{} declined to answer run {id}", run.with),
            _ if started.elapsed() >= run.wait => bail!(
                "no answer to run {id} within {} s; the key of this run is gone, ask again later",
                run.wait.as_secs()
            ),
            _ => std::thread::sleep(run.poll),
        }
    }
}
