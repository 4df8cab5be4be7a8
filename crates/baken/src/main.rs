//! The `baken` command line: serve the web application, migrate, manage users and tokens,
//! verify the audit chain.

mod bench;
mod demo;
mod pipeline;
mod sharing;
mod worker;

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use baken_domain::audit::AuditKey;
use baken_domain::auth::Role;
use baken_domain::codes::{Email, MunicipalityCode, OrgCode};
use baken_domain::org::{NewOrganisation, OrgType};
use baken_domain::sharing::IdentifierKind;
use baken_store::demo::{DEFAULT_DEMO_PASSWORD, demo_users};
use baken_store::org::NewUser;
use baken_store::{DataKey, Operator, Store, StoreError};
use baken_web::{AppState, WebConfig};
use clap::{Args, Parser, Subcommand};

const DEFAULT_DATABASE: &str = "sqlite://baken-data/baken.db";

/// Baken: informatiepositie ondermijning voor gemeenten en hun partners.
#[derive(Parser)]
#[command(name = "baken", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// The database: sqlite://PATH (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(long = "database", env = "BAKEN_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    url: String,
    /// The file with the audit chain's secret key (created when missing). Keep it outside the
    /// database and its backups. BAKEN_AUDIT_KEY (hex) takes precedence.
    #[arg(
        long,
        env = "BAKEN_AUDIT_KEY_FILE",
        default_value = "baken-data/audit.key"
    )]
    audit_key_file: PathBuf,
    /// The file with the key that encrypts personal data and makes pseudonyms (created when
    /// missing). Keep it outside the database and its backups: without it, sealed personal
    /// data cannot be read. BAKEN_DATA_KEY (hex) takes precedence.
    #[arg(
        long,
        env = "BAKEN_DATA_KEY_FILE",
        default_value = "baken-data/data.key"
    )]
    data_key_file: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web application (pages and /api/v1).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, env = "BAKEN_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Create the demo organisations and users (password from BAKEN_DEMO_PASSWORD).
        #[arg(long)]
        demo: bool,
        /// The address users reach Baken at; https:// marks cookies Secure and sends HSTS.
        #[arg(long, env = "BAKEN_PUBLIC_URL")]
        public_url: Option<String>,
        /// Trust X-Forwarded-For from a reverse proxy (for login throttling per client).
        #[arg(long, env = "BAKEN_TRUST_PROXY")]
        trust_proxy: bool,
    },
    /// Apply the database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Demo material: synthetic microdata.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Import data: CBS StatLine downloads.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Benchmarks that print figures against named baselines.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Check the audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Hit/no-hit between two lists of identifiers without revealing non-hits (private set
    /// intersection over ristretto255, fresh keys per run). Prints the hits of `--mine`, one
    /// per line; lines that do not normalise are named on stderr and left out.
    Match {
        /// Your list: one identifier per line (or the first column of a CSV).
        #[arg(long)]
        mine: PathBuf,
        /// The other side's list, run locally (for testing and benchmarks).
        #[arg(long, required_unless_present = "partner", conflicts_with = "partner")]
        theirs: Option<PathBuf>,
        /// Another installation (`https://…`) whose organisation answers; your key stays here.
        #[arg(long, requires_all = ["token", "with", "covenant"])]
        partner: Option<String>,
        /// An API token of your user at the partner installation.
        #[arg(long, env = "BAKEN_PARTNER_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// The answering organisation's code at the partner installation.
        #[arg(long)]
        with: Option<String>,
        /// The covenant (its id at the partner installation) the run falls under.
        #[arg(long)]
        covenant: Option<i64>,
        /// Seconds to wait for the answer.
        #[arg(long, default_value_t = 3600)]
        wait: u64,
        /// Seconds between two looks for the answer.
        #[arg(long, default_value_t = 5)]
        poll: u64,
        /// What the lists hold: bsn, kvk or bag.
        #[arg(long, default_value = "kvk")]
        kind: String,
    },
    /// Retention: destroy signals whose retention term has passed.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Destroy what is due (or, with --dry-run, list it); a tombstone keeps metadata only.
    Run {
        #[command(flatten)]
        db: DbArgs,
        /// List what would be destroyed without destroying anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add an organisation (a tenant).
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Short code: lowercase letters, digits and hyphens, e.g. tilburg or riec-zwb.
        #[arg(long)]
        code: String,
        /// Full name, e.g. "Gemeente Tilburg".
        #[arg(long)]
        name: String,
        /// gemeente, riec, politie, belastingdienst, om, buitenlandse-overheid or overig.
        #[arg(long = "type")]
        org_type: String,
        /// The CBS municipality code (GM0855) of a gemeente.
        #[arg(long)]
        municipality_code: Option<String>,
    },
    /// List the organisations.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Organisation code, e.g. tilburg.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// Role: beheerder, regisseur, analist, team, privacy, bronhouder, partner or lezer.
        /// Repeat for several roles.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Display name (defaults to the e-mail address).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it on one line.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// A name that says what the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Write deterministic synthetic microdata (property transactions, FIU reports,
    /// establishments, drug incidents) as CSV, with volumes after each municipality's
    /// population and a few planted patterns.
    Generate {
        /// The same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of property transactions (the other files follow from it), up to 100 million.
        #[arg(long, default_value_t = 100_000)]
        scale: u64,
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Load the shipped reference data, the demo organisations and users, and the synthetic
    /// microdata rolled up for the dashboards (what `serve --demo` does before it listens).
    Load {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = demo::DEMO_SEED)]
        seed: u64,
        /// Number of property transactions generated (the other files follow from it).
        #[arg(long, default_value_t = demo::DEMO_SCALE)]
        scale: u64,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A CBS StatLine download: the CSV export (with statistical symbols) or the OData
    /// TypedDataSet JSON. Every row is checked before anything is stored; all or nothing.
    Statline {
        #[command(flatten)]
        db: DbArgs,
        /// The downloaded file.
        file: PathBuf,
        /// The dataset to store into (default: made from the table's title).
        #[arg(long)]
        dataset: Option<String>,
        /// Check and report, store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Area boundaries: a GeoJSON FeatureCollection or a TopoJSON Topology, simplified for
    /// drawing. Replaces the level's boundaries of that year; all or nothing.
    Boundaries {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// gemeente, provincie, politie-eenheid or veiligheidsregio.
        #[arg(long, default_value = "gemeente")]
        level: String,
        /// The year of the division.
        #[arg(long)]
        year: i32,
        /// The property holding the area code (default: the first property that is one).
        #[arg(long)]
        code_property: Option<String>,
        /// The TopoJSON object to read (default: the first).
        #[arg(long)]
        object: Option<String>,
        /// Simplification: the area (degrees²) of the smallest triangle kept; 0 keeps all.
        #[arg(long, default_value_t = 1e-7)]
        tolerance: f64,
        #[arg(long)]
        dry_run: bool,
    },
    /// An organisation's own table: CSV (delimiter and encoding detected, decimal commas) or
    /// XLSX. Column types are inferred and shown; set one with --column "header=type". Every
    /// row is checked; all or nothing. Records are rolled up per municipality and year.
    Table {
        #[command(flatten)]
        db: DbArgs,
        /// The CSV or XLSX file.
        file: PathBuf,
        /// The dataset to store into: lowercase letters, digits and hyphens.
        #[arg(long)]
        dataset: String,
        /// The organisation the data belongs to.
        #[arg(long)]
        org: String,
        /// The sheet of an XLSX workbook (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// A column's type: "header=type", with type geheel-getal, decimaal, datum, ja-nee,
        /// gemeentecode or tekst. Repeat for several columns.
        #[arg(long = "column", value_parser = parse_column_override)]
        columns: Vec<(String, baken_domain::table::ColumnType)>,
        /// Check every row and report, store nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `header=type` for `--column`.
fn parse_column_override(s: &str) -> Result<(String, baken_domain::table::ColumnType), String> {
    use baken_domain::table::ColumnType;
    let (header, kind) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected HEADER=TYPE, got {s:?}"))?;
    let kind = ColumnType::from_code(kind).ok_or_else(|| {
        format!(
            "unknown type {kind:?}: use {}",
            ColumnType::ALL.map(ColumnType::code).join(", ")
        )
    })?;
    Ok((header.trim().to_owned(), kind))
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Generate property transactions, then import the same CSV with `baken import table`
    /// (into SQLite), with `sqlite3 .import` into the same schema, and with DuckDB
    /// (`read_csv`, the Python package); print rows per second, peak memory and ratios.
    Import {
        /// Number of transactions.
        #[arg(long, default_value_t = 10_000_000)]
        rows: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Load the dashboards with generated microdata, then load a municipality's dashboard
    /// page from `wrk` (32 connections) and print requests per second and latency
    /// percentiles; and recompute every rollup of the transactions next to DuckDB computing
    /// the same aggregations over the same CSV.
    Dashboard {
        /// Number of transactions.
        #[arg(long, default_value_t = 10_000_000)]
        rows: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Seconds of load per page.
        #[arg(long, default_value_t = 60)]
        duration: u64,
        #[arg(long, default_value_t = 32)]
        connections: u32,
    },
    /// Private set intersection of two generated lists of KvK numbers with a known overlap,
    /// next to the machine's raw rate of ristretto255 scalar multiplications measured in the
    /// same run; prints wall time, CPU use, peak memory, bytes exchanged and the ratio to the
    /// physical limit, and checks the result against the plain intersection.
    Psi {
        /// Identifiers on each side.
        #[arg(long, default_value_t = 1_000_000)]
        size: usize,
        /// Identifiers both sides hold.
        #[arg(long, default_value_t = 100_000)]
        overlap: usize,
        /// Scalar multiplications timed for the raw rate (before and after the run).
        #[arg(long, default_value_t = 500_000)]
        sample: usize,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the whole chain; exit 0 when intact, 1 with the first broken record otherwise.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// A secret of 32 random bytes in hex: from the environment variable `env`, from `path`, or
/// newly made and written to `path` (mode 0600).
fn load_secret(path: &Path, env: &str, what: &str) -> Result<Vec<u8>> {
    if let Ok(hex_key) = std::env::var(env) {
        return hex::decode(hex_key.trim()).with_context(|| format!("{env} must be hex"));
    }
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the {what} {}", path.display()))?;
        return hex::decode(text.trim())
            .with_context(|| format!("the {what} {} must be hex", path.display()));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    write_secret(path, &hex::encode(bytes))?;
    eprintln!(
        "Created a new {what} at {}. Keep it safe and outside database backups.",
        path.display()
    );
    Ok(bytes.to_vec())
}

fn load_audit_key(path: &Path) -> Result<AuditKey> {
    AuditKey::new(load_secret(path, "BAKEN_AUDIT_KEY", "audit key")?).context("audit key")
}

fn load_data_key(path: &Path) -> Result<DataKey> {
    DataKey::new(&load_secret(path, "BAKEN_DATA_KEY", "data key")?).context("data key")
}

#[cfg(unix)]
fn write_secret(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_secret(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).with_context(|| format!("creating {}", path.display()))
}

/// The current time in Unix milliseconds.
fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// A time in Unix milliseconds as `2026-11-28 14:05` (UTC).
fn format_ms(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// Destroys what is due at start and then every hour, so nothing outlives its term by more
/// than an hour. Several instances may run it: each destruction is its own transaction, and
/// a signal already destroyed is no longer due.
async fn retention_loop(store: Store) {
    let operator = Operator::command_line("serve:retention");
    loop {
        match store.run_retention(&operator, now_ms(), false).await {
            Ok(r) if r.destroyed > 0 => {
                tracing::info!(destroyed = r.destroyed, batch = %r.batch, "retention run")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the retention run failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// Loads the reference data shipped in the binary, unless this version is already loaded.
async fn load_reference(store: &Store) -> Result<()> {
    let bundle = baken_import::reference::load().context("reading the shipped reference data")?;
    let load = store
        .load_reference_data(&Operator::command_line("reference"), &bundle)
        .await?;
    if load.loaded {
        println!(
            "Reference data loaded: {} areas, {} boundaries, {} SBI codes, {} statistics.",
            load.areas, load.boundaries, load.sbi_codes, load.observations
        );
    }
    Ok(())
}

async fn open(db: &DbArgs) -> Result<Store> {
    // A URL that names no supported database is refused before any key file is made.
    baken_store::Backend::from_url(&db.url)?;
    let key = load_audit_key(&db.audit_key_file)?;
    let data_key = load_data_key(&db.data_key_file)?;
    let store = Store::connect(&db.url, key).await?.with_data_key(data_key);
    store.migrate().await?;
    Ok(store)
}

fn explain(err: StoreError) -> anyhow::Error {
    match err {
        StoreError::WeakPassword(problems) => {
            let lines: Vec<String> = problems
                .into_iter()
                .map(|p| format!("  - {}", baken_web::i18n::Lang::En.password_problem(p)))
                .collect();
            anyhow::anyhow!("the password is not accepted:\n{}", lines.join("\n"))
        }
        StoreError::Conflict { field } => anyhow::anyhow!("that {field} is already taken"),
        StoreError::UnknownOrganisation(code) => {
            anyhow::anyhow!(
                "unknown organisation {code:?} (see the organisation codes in /api/v1/organisaties)"
            )
        }
        other => other.into(),
    }
}

fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("Password (input is shown; pipe it in to hide it): ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

async fn serve(
    db: DbArgs,
    addr: SocketAddr,
    demo: bool,
    public_url: Option<String>,
    trust_proxy: bool,
) -> Result<()> {
    let store = open(&db).await?;
    load_reference(&store).await?;
    let demo_password =
        std::env::var("BAKEN_DEMO_PASSWORD").unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.to_owned());
    if demo {
        let seed = store
            .seed_demo(&Operator::command_line("serve-demo"), &demo_password)
            .await
            .map_err(explain)?;
        tracing::info!(?seed, "demo data ready");
        let started = std::time::Instant::now();
        let figures = demo::load_microdata(&store, demo::DEMO_SCALE, demo::DEMO_SEED).await?;
        demo::load_matrix_demo(&store).await?;
        demo::load_readiness_demo(&store).await?;
        if demo::load_signals_demo(&store).await? {
            println!("Demo signals for Tilburg and Breda walked through the step plan.");
        }
        if demo::load_crossborder_demo(&store).await? {
            println!(
                "A demo cross-border case of Breda with a Belgian municipality, with one letter."
            );
        }
        if demo::load_sharing_demo(&store).await? {
            println!(
                "A demo RIEC covenant with Tilburg, Breda and the police, and one case Tilburg shared with the RIEC."
            );
        }
        if figures > 0 {
            println!(
                "Demo microdata (synthetic) rolled up into {figures} figures in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let config = WebConfig {
        public_url,
        trust_proxy,
        ..WebConfig::default()
    };
    let state = AppState::new(store.clone(), config);
    tokio::spawn(retention_loop(store.clone()));
    // Fill the dashboards' cache in the background; pages compute what is missing anyway.
    let dashboards = state.dashboards.clone();
    let warm_store = store.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        match dashboards.warm(&warm_store).await {
            Ok(n) => tracing::info!(
                figures = n,
                seconds = started.elapsed().as_secs_f64(),
                "dashboards ready"
            ),
            Err(e) => tracing::warn!(error = %e, "warming the dashboards failed"),
        }
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    println!(
        "Baken listens on http://{bound} ({})",
        store.backend().name()
    );
    if demo {
        println!("Demo users (password: {demo_password}):");
        for (email, _, role) in demo_users() {
            println!("  {email:<28} {}", role.code());
        }
    }
    tokio::spawn(worker::run(store.clone()));
    let purge = store.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            every.tick().await;
            if let Err(e) = purge.purge_expired().await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
        }
    });
    axum::serve(
        listener,
        baken_web::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    store.close().await;
    Ok(())
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve {
            db,
            addr,
            demo,
            public_url,
            trust_proxy,
        } => {
            serve(db, addr, demo, public_url, trust_proxy).await?;
        }
        Command::Migrate { db } => {
            let store = open(&db).await?;
            load_reference(&store).await?;
            println!("Database migrated ({}).", store.backend().name());
        }
        Command::Org {
            command:
                OrgCommand::Add {
                    db,
                    code,
                    name,
                    org_type,
                    municipality_code,
                },
        } => {
            let code = OrgCode::parse(&code)?;
            let org_type = OrgType::from_code(&org_type).with_context(|| {
                format!(
                    "unknown type {org_type:?}: use {}",
                    OrgType::ALL.map(OrgType::code).join(", ")
                )
            })?;
            let municipality_code = municipality_code
                .as_deref()
                .map(MunicipalityCode::parse)
                .transpose()?;
            let new = NewOrganisation::new(code.clone(), &name, org_type, municipality_code)?;
            let store = open(&db).await?;
            store
                .create_organisation(&Operator::command_line("org-add"), &new)
                .await
                .map_err(explain)?;
            println!("Organisation {code} added.");
        }
        Command::Org {
            command: OrgCommand::List { db },
        } => {
            let store = open(&db).await?;
            for org in store.organisations().await? {
                println!(
                    "{:<16} {:<22} {:<8} {}",
                    org.code,
                    org.org_type.code(),
                    org.municipality_code.unwrap_or_default(),
                    org.name
                );
            }
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    org,
                    email,
                    roles,
                    name,
                },
        } => {
            let email = Email::parse(&email)?;
            let roles = roles
                .iter()
                .map(|r| {
                    Role::from_code(r).with_context(|| {
                        format!(
                            "unknown role {r:?}: use {}",
                            Role::ALL.map(Role::code).join(", ")
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let password = read_password()?;
            let store = open(&db).await?;
            let id = store
                .add_user(
                    &Operator::command_line("user-add"),
                    &org,
                    NewUser {
                        display_name: name.unwrap_or_else(|| email.to_string()),
                        email: email.clone(),
                        roles,
                        password,
                    },
                )
                .await
                .map_err(explain)?;
            println!("User {email} added (id {id}).");
        }
        Command::Token {
            command: TokenCommand::Create { db, email, name },
        } => {
            let store = open(&db).await?;
            let token = store
                .create_api_token_for(&Operator::command_line("token-create"), &email, &name)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => anyhow::anyhow!("no active user with e-mail {email}"),
                    other => explain(other),
                })?;
            println!("{token}");
        }
        Command::Bench {
            command: BenchCommand::Import { rows, seed },
        } => bench_import(rows, seed)?,
        Command::Bench {
            command:
                BenchCommand::Dashboard {
                    rows,
                    seed,
                    duration,
                    connections,
                },
        } => bench::dashboard(rows, seed, duration, connections)?,
        Command::Bench {
            command:
                BenchCommand::Psi {
                    size,
                    overlap,
                    sample,
                },
        } => sharing::bench(size, overlap, sample)?,
        Command::Demo {
            command: DemoCommand::Load { db, seed, scale },
        } => {
            let store = open(&db).await?;
            load_reference(&store).await?;
            let password = std::env::var("BAKEN_DEMO_PASSWORD")
                .unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.to_owned());
            store
                .seed_demo(&Operator::command_line("demo-load"), &password)
                .await
                .map_err(explain)?;
            let started = std::time::Instant::now();
            let figures = demo::load_microdata(&store, scale, seed).await?;
            demo::load_matrix_demo(&store).await?;
            demo::load_readiness_demo(&store).await?;
            println!(
                "Demo microdata (seed {seed}, scale {scale}) rolled up into {figures} figures in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Demo {
            command: DemoCommand::Generate { seed, scale, out },
        } => {
            let bundle = baken_import::reference::load()?;
            let places = baken_import::synthetic::Place::from_reference(&bundle);
            let bar = indicatif::ProgressBar::new(scale);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:24} {bar:30} {pos}/{len} rows, {per_sec}, eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let files =
                baken_import::synthetic::generate(&out, &places, seed, scale, |file, rows| {
                    bar.set_message(file);
                    bar.set_position(rows.min(scale));
                })?;
            bar.finish_and_clear();
            for f in &files {
                println!("{:>12} rows  {}", f.rows, f.path.display());
            }
            let total: u64 = files.iter().map(|f| f.rows).sum();
            println!(
                "{total} rows in {:.1} s (seed {seed}); planted quick resales in {}.",
                started.elapsed().as_secs_f64(),
                baken_import::synthetic::planted_resale_municipality(&places, seed)
                    .unwrap_or_default()
            );
        }
        Command::Import {
            command:
                ImportCommand::Statline {
                    db,
                    file,
                    dataset,
                    dry_run,
                },
        } => return import_statline(db, file, dataset, dry_run).await,
        Command::Import {
            command:
                ImportCommand::Boundaries {
                    db,
                    file,
                    level,
                    year,
                    code_property,
                    object,
                    tolerance,
                    dry_run,
                },
        } => {
            let level = baken_domain::area::AreaLevel::from_code(&level)
                .filter(|l| *l != baken_domain::area::AreaLevel::Other)
                .with_context(|| format!("unknown level {level:?}: use gemeente, provincie, politie-eenheid, veiligheidsregio or land"))?;
            let bytes = read_import_file(&file)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let read = match baken_import::boundary::read(
                &name,
                &bytes,
                level,
                year,
                code_property.as_deref(),
                object.as_deref(),
                tolerance,
            ) {
                Ok(read) => read,
                Err(baken_import::ImportError::Rows { errors, .. }) => {
                    println!("{name}: {} problem(s); nothing was stored:", errors.len());
                    for e in errors.iter().take(100) {
                        println!(
                            "    feature {}: {} ({}: {})",
                            e.row, e.reason, e.column, e.value
                        );
                    }
                    return Ok(ExitCode::FAILURE);
                }
                Err(other) => return Err(other.into()),
            };
            println!(
                "{name}: {}, {} areas of level {level} ({year}); {} vertices simplified to {}.",
                read.format,
                read.boundaries.len(),
                read.vertices_before,
                read.vertices_after
            );
            if dry_run {
                println!("  dry run: nothing stored.");
                return Ok(ExitCode::SUCCESS);
            }
            let store = open(&db).await?;
            load_reference(&store).await?;
            let provenance = baken_domain::dataset::Provenance {
                file_name: name.clone(),
                checksum: baken_import::checksum(&bytes),
                dataset: None,
                source: "boundary file".to_owned(),
                licence: "as published (CBS/PDOK boundaries: CC-BY 4.0)".to_owned(),
                rows_read: read.boundaries.len() as u64,
            };
            match store
                .import_boundaries(
                    &Operator::command_line("import-boundaries"),
                    level,
                    year,
                    &read.boundaries,
                    &read.names,
                    &provenance,
                )
                .await?
            {
                None => println!("  {name} was imported before; nothing changed."),
                Some((stored, added)) => {
                    println!("  stored {stored} boundaries; {added} new areas for {year}.")
                }
            }
        }
        Command::Import {
            command:
                ImportCommand::Table {
                    db,
                    file,
                    dataset,
                    org,
                    sheet,
                    columns,
                    dry_run,
                },
        } => {
            return import_table(
                db,
                TableArgs {
                    path: file,
                    dataset,
                    org,
                    sheet,
                    overrides: columns,
                    dry_run,
                },
            )
            .await;
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let store = open(&db).await?;
            let report = store.verify_audit_chain().await?;
            match report.first_break {
                None => println!("Audit chain intact: {} records verified.", report.checked),
                Some(broken) => {
                    println!("Audit chain BROKEN at record {}: {broken}", broken.seq());
                    println!("{} records before it verified.", report.checked);
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Match {
            mine,
            theirs,
            partner,
            token,
            with,
            covenant,
            wait,
            poll,
            kind,
        } => {
            let kind = IdentifierKind::from_code(&kind)
                .with_context(|| format!("unknown kind {kind:?}: use bsn, kvk or bag"))?;
            let hits = match (theirs, partner) {
                (Some(theirs), None) => sharing::match_local(&mine, &theirs, kind)?,
                (None, Some(url)) => {
                    let run = sharing::PartnerRun {
                        url: &url,
                        token: token.as_deref().context("--token or BAKEN_PARTNER_TOKEN")?,
                        with: with.as_deref().context("--with")?,
                        covenant: covenant.context("--covenant")?,
                        kind,
                        wait: std::time::Duration::from_secs(wait),
                        poll: std::time::Duration::from_secs(poll.max(1)),
                    };
                    tokio::task::block_in_place(|| sharing::match_partner(&mine, &run))?
                }
                _ => bail!("give --theirs FILE or --partner URL"),
            };
            for hit in hits {
                println!("{hit}");
            }
        }
        Command::Retention {
            command: RetentionCommand::Run { db, dry_run },
        } => {
            let store = open(&db).await?;
            let report = store
                .run_retention(
                    &Operator::command_line("cli:retention-run"),
                    now_ms(),
                    dry_run,
                )
                .await?;
            for due in &report.due {
                println!(
                    "{} {} {} ({}, due since {})",
                    if dry_run {
                        "would destroy"
                    } else {
                        "destroyed"
                    },
                    due.org_code,
                    due.reference,
                    due.state,
                    format_ms(due.destroy_after)
                );
            }
            if dry_run {
                println!(
                    "Dry run: {} signal(s) due, nothing destroyed.",
                    report.due.len()
                );
            } else {
                println!(
                    "{} signal(s) destroyed with {} subject(s) no other signal named, and {} closed shared case(s); batch {}.",
                    report.destroyed,
                    report.subjects_destroyed,
                    report.shared_cases_destroyed,
                    report.batch
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The largest file an import reads.
const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// The largest table file `import table` reads: it streams, so size costs time, not memory.
const MAX_TABLE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Reads a file for import, refusing one over the limit before reading it.
fn read_import_file(path: &Path) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot open {}", path.display()))?;
    if meta.len() > MAX_IMPORT_BYTES {
        bail!(
            "{} is {} MiB; the limit is {} MiB",
            path.display(),
            meta.len() / (1024 * 1024),
            MAX_IMPORT_BYTES / (1024 * 1024)
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

async fn import_statline(
    db: DbArgs,
    path: PathBuf,
    dataset: Option<String>,
    dry_run: bool,
) -> Result<ExitCode> {
    use baken_import::statline::{KnownArea, parse_csv, parse_odata, resolve};
    let bytes = read_import_file(&path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_json = name.to_lowercase().ends_with(".json")
        || bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let table = if is_json {
        parse_odata(&name, &bytes)?
    } else {
        parse_csv(&name, &bytes)?
    };
    let store = open(&db).await?;
    load_reference(&store).await?;
    let areas: Vec<KnownArea> = store
        .known_areas()
        .await?
        .into_iter()
        .filter_map(|(code, name)| {
            baken_domain::area::AreaCode::parse(&code)
                .ok()
                .map(|code| KnownArea { code, name })
        })
        .collect();
    let resolved = resolve(&table, &areas);
    println!(
        "{name}: {} ({}, {})",
        table.title,
        table.format,
        table.encoding.name()
    );
    println!(
        "  {} data rows, {} figures read, {} matched to areas",
        table.rows,
        table.cells.len(),
        resolved.observations.len()
    );
    if !resolved.unmatched.is_empty() {
        println!(
            "  {} region(s) not matched to an area (left out):",
            resolved.unmatched.len()
        );
        for (line, region) in &resolved.unmatched {
            println!("    line {line}: {region}");
        }
    }
    if !resolved.errors.is_empty() {
        println!(
            "  {} problem(s); nothing was stored:",
            resolved.errors.len()
        );
        for e in &resolved.errors {
            println!("    {e}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let code = dataset.unwrap_or_else(|| slug(&table.title));
    if code.is_empty() {
        bail!("give the dataset a name with --dataset");
    }
    if dry_run {
        println!(
            "  dry run: {} figures would be stored in dataset {code}; nothing stored.",
            resolved.observations.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let source = table
        .source
        .clone()
        .map(|s| format!("{s}, via CBS StatLine"))
        .unwrap_or_else(|| "CBS StatLine".to_owned());
    let meta = baken_domain::dataset::Dataset {
        code: code.clone(),
        title: table.title.clone(),
        source: source.clone(),
        licence: "CC-BY 4.0 (Bron: CBS)".to_owned(),
    };
    let provenance = baken_domain::dataset::Provenance {
        file_name: name.clone(),
        checksum: baken_import::checksum(&bytes),
        dataset: Some(code.clone()),
        source,
        licence: meta.licence.clone(),
        rows_read: table.rows,
    };
    let outcome = store
        .import_observations(
            baken_store::dataset::Importer::Operator(&Operator::command_line("import-statline")),
            "statline",
            &meta,
            &provenance,
            &resolved.observations,
        )
        .await
        .map_err(explain)?;
    if outcome.already_imported {
        println!("  {name} was imported into {code} before; nothing changed.");
    } else {
        println!("  stored {} figures in dataset {code}.", outcome.stored);
    }
    Ok(ExitCode::SUCCESS)
}

fn bench_import(rows: u64, seed: u64) -> Result<()> {
    let dir = bench::scratch_dir();
    std::fs::create_dir_all(&dir)?;
    let me = std::env::current_exe()?;
    println!(
        "Generating {rows} property transactions (seed {seed}) in {} …",
        dir.display()
    );
    let generated = dir.join("gen");
    let status = std::process::Command::new(&me)
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
    let db = format!("sqlite://{}", dir.join("baken.db").display());
    let key = dir.join("audit.key");
    let prepare = |args: &[&str]| -> Result<()> {
        let ok = std::process::Command::new(&me)
            .args(args)
            .args(["--database", &db, "--audit-key-file"])
            .arg(&key)
            .stdout(std::process::Stdio::null())
            .status()?
            .success();
        if ok { Ok(()) } else { bail!("{args:?} failed") }
    };
    prepare(&["migrate"])?;
    prepare(&[
        "org", "add", "--code", "bench", "--name", "Bench", "--type", "overig",
    ])?;

    let mut results: Vec<(&str, Option<bench::Measured>, String)> = Vec::new();
    let baken = bench::measure(
        std::process::Command::new(&me)
            .args(["import", "table"])
            .arg(&csv)
            .args([
                "--dataset",
                "bench",
                "--org",
                "bench",
                "--database",
                &db,
                "--audit-key-file",
            ])
            .arg(&key),
    )?;
    results.push((
        "baken import table (validating)",
        Some(baken),
        String::new(),
    ));

    let schema = bench::sqlite_schema(&csv)?;
    let s3 = dir.join("sqlite3.db");
    let sqlite3 = std::process::Command::new("sqlite3")
        .arg(&s3)
        .arg(&schema)
        .status();
    match sqlite3 {
        Ok(s) if s.success() => {
            let m = bench::measure(
                std::process::Command::new("sqlite3")
                    .arg(&s3)
                    .arg(format!(".import --csv --skip 1 {} t", csv.display())),
            )?;
            results.push(("sqlite3 .import (same schema)", Some(m), String::new()));
        }
        _ => results.push((
            "sqlite3 .import",
            None,
            "not run: install the sqlite3 shell".into(),
        )),
    }

    let duck = dir.join("duck.db");
    let script = "import sys, duckdb\n\
con = duckdb.connect(sys.argv[1])\n\
path = sys.argv[2].replace(\"'\", \"''\")\n\
con.execute(f\"CREATE TABLE t AS SELECT * FROM read_csv('{path}')\")\n";
    let has_duckdb = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_duckdb {
        let m = bench::measure(
            std::process::Command::new("python3")
                .args(["-c", script])
                .arg(&duck)
                .arg(&csv),
        )?;
        results.push(("duckdb read_csv (Python)", Some(m), String::new()));
    } else {
        results.push(("duckdb", None, "not run: pip install duckdb".into()));
    }
    bench::report(rows, &results);
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

struct TableArgs {
    path: PathBuf,
    dataset: String,
    org: String,
    sheet: Option<String>,
    overrides: Vec<(String, baken_domain::table::ColumnType)>,
    dry_run: bool,
}

fn progress_bar(total: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:10} {bar:30} {pos}/{len} rows, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar
}

async fn import_table(db: DbArgs, args: TableArgs) -> Result<ExitCode> {
    use baken_import::table::{TableFile, infer};
    use pipeline::TableOutcome;
    if !pipeline::valid_dataset_code(&args.dataset) {
        bail!("--dataset is 2 to 60 lowercase letters, digits and hyphens");
    }
    let meta = std::fs::metadata(&args.path)
        .with_context(|| format!("cannot open {}", args.path.display()))?;
    if meta.len() > MAX_TABLE_BYTES {
        bail!(
            "{} is {} MiB; the limit is {} MiB",
            args.path.display(),
            meta.len() / (1024 * 1024),
            MAX_TABLE_BYTES / (1024 * 1024)
        );
    }
    let file = TableFile::open(&args.path, args.sheet.as_deref())?;
    let inference = infer(&file, &args.overrides)?;
    println!(
        "{}: {}, {}{} rows, {}",
        file.name,
        file.format(),
        if inference.complete { "" } else { "about " },
        inference.estimated_rows,
        if inference.decimal_comma {
            "decimal comma"
        } else {
            "decimal point"
        }
    );
    println!("  columns (set a type with --column \"header=type\"):");
    for c in &inference.columns {
        println!("    {:<32} {}", c.header, c.kind);
    }
    println!("  first rows:");
    for row in inference.preview.iter().take(5) {
        let shown: Vec<String> = row.iter().map(|v| v.chars().take(24).collect()).collect();
        println!("    {}", shown.join(" | "));
    }
    match baken_import::rollup::RollupPlan::new(&inference.columns, &inference.categories) {
        Some(p) => println!("  rollup: {}", p.describe()),
        None => println!("  rollup: none (needs a gemeentecode column and a datum or jaar column)"),
    }
    let store = open(&db).await?;
    let dataset = baken_domain::dataset::Dataset {
        code: args.dataset.clone(),
        title: format!("{} ({})", args.dataset, file.name),
        source: format!("{} (own data)", args.org),
        licence: "own data of the organisation".to_owned(),
    };
    let operator = Operator::command_line("import-table");
    let file_name = file.name.clone();
    let bar = progress_bar(inference.estimated_rows, "importing");
    let outcome = pipeline::run_table(
        &store,
        baken_store::dataset::Importer::Operator(&operator),
        Some(&args.org),
        file,
        &inference,
        &dataset,
        args.dry_run,
        |rows| bar.set_position(rows),
    )
    .await
    .map_err(|e| match e.downcast::<StoreError>() {
        Ok(store_error) => explain(store_error),
        Err(other) => other,
    })?;
    bar.finish_and_clear();
    match outcome {
        TableOutcome::AlreadyImported => {
            println!(
                "  {file_name} was imported into {} before; nothing changed.",
                args.dataset
            );
        }
        TableOutcome::Checked { rows, figures } => println!(
            "  dry run: every row is valid; {rows} rows and {figures} rolled-up figures would be stored. Nothing stored."
        ),
        TableOutcome::Stored { rows, figures } => println!(
            "  stored {rows} rows in dataset {} of {}, and {figures} rolled-up figures.",
            args.dataset, args.org
        ),
        TableOutcome::Problems { total, shown } => {
            println!("  {total} problem(s); nothing was stored:");
            if !inference.complete {
                println!(
                    "  (types were inferred from the first {} rows; set one with --column \"header=type\")",
                    inference.sampled
                );
            }
            for p in &shown {
                println!("    {p}");
            }
            if total > shown.len() {
                println!("    … and {} more", total - shown.len());
            }
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BAKEN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
