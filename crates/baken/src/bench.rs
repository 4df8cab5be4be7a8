//! `baken bench import`: Baken's table import against `sqlite3 .import` into the same schema
//! and DuckDB's `read_csv`, on the same generated file, in one run. Each contender runs as its
//! own process, so its wall time and peak memory are its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Wall time and peak resident memory of one finished child process.
pub struct Measured {
    pub seconds: f64,
    pub peak_mb: f64,
}

/// Runs `cmd` to completion and measures it (peak RSS from `wait4`).
pub fn measure(cmd: &mut Command) -> Result<Measured> {
    let started = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    let pid = i32::try_from(child.id()).context("pid")?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be filled in by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    if waited != pid {
        bail!("waiting for {cmd:?} failed");
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let mut err = String::new();
        if let Some(mut stderr) = child.stderr {
            use std::io::Read;
            let _ = stderr.read_to_string(&mut err);
        }
        bail!("{cmd:?} failed: {}", err.trim());
    }
    Ok(Measured {
        seconds,
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
    })
}

/// The contenders' results, printed as a table with ratios.
pub fn report(rows: u64, results: &[(&str, Option<Measured>, String)]) {
    println!();
    println!(
        "{:<34} {:>9} {:>13} {:>10}",
        "import of the same CSV", "seconds", "rows/s", "peak MB"
    );
    for (name, m, note) in results {
        match m {
            Some(m) => println!(
                "{name:<34} {:>9.2} {:>13.0} {:>10.1}",
                m.seconds,
                rows as f64 / m.seconds,
                m.peak_mb
            ),
            None => println!("{name:<34} {note}"),
        }
    }
    let find = |n: &str| {
        results
            .iter()
            .find(|r| r.0.starts_with(n))
            .and_then(|r| r.1.as_ref())
    };
    if let Some(baken) = find("baken") {
        for other in ["sqlite3", "duckdb"] {
            if let Some(o) = find(other) {
                println!(
                    "baken / {other}: {:.2}× the time ({})",
                    baken.seconds / o.seconds,
                    if baken.seconds <= o.seconds {
                        "baken is faster"
                    } else {
                        "baken is slower"
                    }
                );
            }
        }
        println!(
            "targets: faster than sqlite3 .import, within 3× of DuckDB, peak under 500 MB (baken: {:.0} MB)",
            baken.peak_mb
        );
    }
}

/// The `CREATE TABLE` that sqlite3 imports into: the columns Baken infers, as SQLite types.
pub fn sqlite_schema(file: &Path) -> Result<String> {
    use baken_domain::table::ColumnType;
    let table = baken_import::table::TableFile::open(file, None)?;
    let inference = baken_import::table::infer(&table, &[])?;
    let cols: Vec<String> = inference
        .columns
        .iter()
        .map(|c| {
            let t = match c.kind {
                ColumnType::Integer | ColumnType::Boolean => "INTEGER",
                ColumnType::Decimal => "REAL",
                _ => "TEXT",
            };
            format!("{} {t}", c.key)
        })
        .collect();
    Ok(format!("CREATE TABLE t ({});", cols.join(", ")))
}

pub fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!("baken-bench-{}", std::process::id()))
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// One plain HTTP/1.1 GET; returns the status code.
fn http_get(port: u16, path: &str, token: &str) -> Result<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(120)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")
}

/// What `wrk` measured.
struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// Loads `path` with `wrk` (two threads, `connections` connections) for `seconds`.
fn wrk(
    dir: &Path,
    port: u16,
    path: &str,
    token: &str,
    seconds: u64,
    connections: u32,
) -> Result<Load> {
    let script = dir.join("percentiles.lua");
    std::fs::write(
        &script,
        "done = function(summary, latency, requests)\n\
         local e = summary.errors\n\
         io.write(string.format(\"BAKEN %d %d %d %d %d %d\\n\", summary.requests, summary.duration, \
         latency:percentile(50), latency:percentile(95), latency:percentile(99), \
         e.status + e.connect + e.read + e.write + e.timeout))\n\
         end\n",
    )?;
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
        ])
        .arg("-s")
        .arg(&script)
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .context("cannot run wrk: install it (Debian: apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("BAKEN "))
        .with_context(|| format!("wrk printed no figures: {text}"))?;
    let n: Vec<f64> = line
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    if n.len() != 6 {
        bail!("wrk printed {line:?}");
    }
    Ok(Load {
        requests_per_second: n[0] / (n[1] / 1e6),
        p50_ms: n[2] / 1000.0,
        p95_ms: n[3] / 1000.0,
        p99_ms: n[4] / 1000.0,
        errors: n[5] as u64,
    })
}

/// Ends the server when the benchmark ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `baken bench dashboard`.
pub fn dashboard(rows: u64, seed: u64, seconds: u64, connections: u32) -> Result<()> {
    let dir = scratch_dir();
    std::fs::create_dir_all(&dir)?;
    let me = std::env::current_exe()?;
    let db = format!("sqlite://{}", dir.join("baken.db").display());
    let key = dir.join("audit.key");
    let with_db = |cmd: &mut Command| {
        cmd.args(["--database", &db, "--audit-key-file"]).arg(&key);
    };

    println!("Loading the dashboards with {rows} generated transactions (seed {seed}) …");
    let mut load = Command::new(&me);
    load.args([
        "demo",
        "load",
        "--seed",
        &seed.to_string(),
        "--scale",
        &rows.to_string(),
    ]);
    with_db(&mut load);
    let loaded = measure(&mut load)?;
    println!(
        "  generated and rolled up in {:.1} s (peak {:.0} MB)",
        loaded.seconds, loaded.peak_mb
    );

    let mut token_cmd = Command::new(&me);
    token_cmd.args([
        "token",
        "create",
        "--email",
        "analist@tilburg.demo",
        "--name",
        "bench",
    ]);
    with_db(&mut token_cmd);
    let token_out = token_cmd.output()?;
    if !token_out.status.success() {
        bail!(
            "creating a token failed: {}",
            String::from_utf8_lossy(&token_out.stderr)
        );
    }
    let token = String::from_utf8_lossy(&token_out.stdout).trim().to_owned();

    let port = free_port()?;
    let mut serve = Command::new(&me);
    serve
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    with_db(&mut serve);
    let _server = Server(serve.spawn().context("cannot start baken serve")?);
    let started = Instant::now();
    loop {
        if http_get(port, "/healthz", &token).is_ok_and(|s| s == 200) {
            break;
        }
        if started.elapsed().as_secs() > 120 {
            bail!("baken serve did not answer within two minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Every page once first, so that the load measures serving, not the first computation
    // (which the server also does in the background after it starts).
    let warm = Instant::now();
    for path in [
        "/zicht/GM0855",
        "/zicht/GM0855/vastgoed",
        "/zicht/GM0855/drugs",
        "/zicht/GM0855/transacties",
        "/zicht/GM0855/branches",
        "/zicht/GM0855/context",
    ] {
        let status = http_get(port, path, &token)?;
        if status != 200 {
            bail!("{path} answered {status}");
        }
    }
    println!(
        "  first visit of the six pages: {:.1} s",
        warm.elapsed().as_secs_f64()
    );
    println!();
    println!(
        "{:<34} {:>10} {:>9} {:>9} {:>9} {:>7}",
        format!("page (wrk, {connections} connections)"),
        "requests/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors"
    );
    for path in ["/zicht/GM0855", "/zicht/GM0855/drugs"] {
        let m = wrk(&dir, port, path, &token, seconds, connections)?;
        println!(
            "{:<34} {:>10.0} {:>9.1} {:>9.1} {:>9.1} {:>7}",
            path, m.requests_per_second, m.p50_ms, m.p95_ms, m.p99_ms, m.errors
        );
        println!(
            "  target p95 under 100 ms: {}",
            if m.p95_ms < 100.0 { "met" } else { "NOT met" }
        );
    }
    drop(_server);

    // Every rollup of the transactions recomputed (a dry-run import reads, validates and rolls
    // up every row) next to DuckDB's GROUP BY over the same CSV.
    println!();
    let generated = dir.join("gen");
    let status = Command::new(&me)
        .args([
            "demo",
            "generate",
            "--seed",
            &seed.to_string(),
            "--scale",
            &rows.to_string(),
            "--out",
        ])
        .arg(&generated)
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        bail!("generating the data failed");
    }
    let csv = generated.join("vastgoedtransacties.csv");
    let mut org = Command::new(&me);
    org.args([
        "org", "add", "--code", "bench", "--name", "Bench", "--type", "overig",
    ])
    .stdout(std::process::Stdio::null());
    with_db(&mut org);
    org.status()?;
    let mut rollup = Command::new(&me);
    rollup.args(["import", "table"]).arg(&csv).args([
        "--dataset",
        "bench-rollup",
        "--org",
        "bench",
        "--dry-run",
    ]);
    with_db(&mut rollup);
    let ours = measure(&mut rollup)?;
    let script = "import sys, duckdb\n\
con = duckdb.connect()\n\
path = sys.argv[1].replace(\"'\", \"''\")\n\
con.execute(f\"\"\"SELECT gemeente_code, year(datum) AS jaar, koper, hypotheek, count(*) AS aantal, \
sum(prijs), sum(woz_waarde) FROM read_csv('{path}') \
GROUP BY GROUPING SETS ((gemeente_code, jaar), (gemeente_code, jaar, koper), (gemeente_code, jaar, hypotheek))\"\"\").fetchall()\n";
    let duck = Command::new("python3")
        .args(["-c", "import duckdb"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        .then(|| measure(Command::new("python3").args(["-c", script]).arg(&csv)))
        .transpose()?;
    println!(
        "{:<44} {:>9} {:>10}",
        "every rollup of the transactions", "seconds", "peak MB"
    );
    println!(
        "{:<44} {:>9.2} {:>10.1}",
        "baken (read, validate, roll up)", ours.seconds, ours.peak_mb
    );
    match duck {
        Some(d) => {
            println!(
                "{:<44} {:>9.2} {:>10.1}",
                "duckdb GROUP BY GROUPING SETS (Python)", d.seconds, d.peak_mb
            );
            println!(
                "baken / duckdb: {:.2}× the time (target: at most 2×)",
                ours.seconds / d.seconds
            );
        }
        None => println!("duckdb: not run (pip install duckdb)"),
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
