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
