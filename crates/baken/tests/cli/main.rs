//! The command line, run as a user runs it: the real binary against a fresh database
//! (SQLite, or PostgreSQL when `BAKEN_TEST_DATABASE_URL` names a server).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use baken_store::testing::TestDatabase;

struct Cli {
    url: String,
    key_file: std::path::PathBuf,
    data_key_file: std::path::PathBuf,
    db: TestDatabase,
}

impl Cli {
    async fn new() -> Self {
        let db = TestDatabase::create().await.expect("test database");
        let dir = std::env::temp_dir().join(format!("baken-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key_file = dir.join(format!("audit-{}.key", db.url.len() ^ rand_suffix()));
        // The key the test store uses, so that records written by either verify.
        std::fs::write(&key_file, hex_of(b"baken-test-audit-key-0123456789abcdef")).unwrap();
        // And the data key of the test store, so that both open what the other sealed.
        let data_key_file = dir.join(format!("data-{}.key", db.url.len() ^ rand_suffix()));
        std::fs::write(
            &data_key_file,
            hex_of(b"baken-test-data-key-0123456789abcdef"),
        )
        .unwrap();
        Self {
            url: db.url.clone(),
            key_file,
            data_key_file,
            db,
        }
    }

    /// A test database with the demo organisations and users.
    async fn with_demo() -> Self {
        let cli = Self::new().await;
        cli.db
            .store
            .seed_demo(
                &baken_store::Operator::command_line("test"),
                baken_store::demo::DEFAULT_DEMO_PASSWORD,
            )
            .await
            .unwrap();
        cli
    }

    /// `baken serve` on `addr` over this test's database and keys, quiet.
    fn serve(&self, addr: &str) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_baken"))
            .args([
                "serve",
                "--addr",
                addr,
                "--database",
                &self.url,
                "--audit-key-file",
            ])
            .arg(&self.key_file)
            .arg("--data-key-file")
            .arg(&self.data_key_file)
            .env("BAKEN_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_baken"));
        cmd.args(args)
            .arg("--database")
            .arg(&self.url)
            .arg("--audit-key-file")
            .arg(&self.key_file)
            .arg("--data-key-file")
            .arg(&self.data_key_file)
            .env_remove("BAKEN_AUDIT_KEY")
            .env_remove("BAKEN_DATA_KEY")
            .env("BAKEN_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("baken runs");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        } else {
            drop(child.stdin.take());
        }
        child.wait_with_output().unwrap()
    }
}

fn rand_suffix() -> usize {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as usize
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["org", "add", "--help"],
        vec!["user", "add", "--help"],
        vec!["token", "create", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["retention", "run", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_baken"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
    let serve = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&serve.stdout);
    for flag in [
        "--addr",
        "--database",
        "--demo",
        "BAKEN_ADDR",
        "BAKEN_DATABASE_URL",
    ] {
        assert!(help.contains(flag), "serve --help lacks {flag}");
    }
}

#[tokio::test]
async fn an_operator_sets_up_an_organisation_a_user_and_a_token() {
    let cli = Cli::new().await;
    assert!(cli.run(&["migrate"], None).status.success());

    let unknown = cli.run(
        &[
            "user",
            "add",
            "--org",
            "tilburg",
            "--email",
            "a@tilburg.nl",
            "--role",
            "beheerder",
        ],
        Some("een-sterk-wachtwoord\n"),
    );
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("unknown organisation \"tilburg\""),
        "{}",
        text(&unknown)
    );

    let org = cli.run(
        &[
            "org",
            "add",
            "--code",
            "tilburg",
            "--name",
            "Gemeente Tilburg",
            "--type",
            "gemeente",
            "--municipality-code",
            "GM0855",
        ],
        None,
    );
    assert!(org.status.success(), "{}", text(&org));
    let no_code = cli.run(
        &[
            "org",
            "add",
            "--code",
            "breda",
            "--name",
            "Gemeente Breda",
            "--type",
            "gemeente",
        ],
        None,
    );
    assert!(!no_code.status.success());
    assert!(
        text(&no_code).contains("CBS municipality code"),
        "{}",
        text(&no_code)
    );

    let weak = cli.run(
        &[
            "user",
            "add",
            "--org",
            "tilburg",
            "--email",
            "a@tilburg.nl",
            "--role",
            "beheerder",
        ],
        Some("welkom\n"),
    );
    assert!(!weak.status.success());
    assert!(
        text(&weak).contains("at least 12 characters"),
        "{}",
        text(&weak)
    );

    let bad_role = cli.run(
        &[
            "user",
            "add",
            "--org",
            "tilburg",
            "--email",
            "a@tilburg.nl",
            "--role",
            "koning",
        ],
        Some("een-sterk-wachtwoord\n"),
    );
    assert!(!bad_role.status.success());
    assert!(text(&bad_role).contains("unknown role"));

    let ok = cli.run(
        &[
            "user",
            "add",
            "--org",
            "tilburg",
            "--email",
            "a@tilburg.nl",
            "--role",
            "beheerder",
            "--role",
            "privacy",
        ],
        Some("een-sterk-wachtwoord\n"),
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let dup = cli.run(
        &[
            "user",
            "add",
            "--org",
            "tilburg",
            "--email",
            "A@tilburg.nl",
            "--role",
            "lezer",
        ],
        Some("een-sterk-wachtwoord\n"),
    );
    assert!(!dup.status.success());
    assert!(text(&dup).contains("already taken"));

    let token = cli.run(&["token", "create", "--email", "a@tilburg.nl"], None);
    assert!(token.status.success(), "{}", text(&token));
    let stdout = String::from_utf8_lossy(&token.stdout).into_owned();
    assert_eq!(stdout.lines().count(), 1, "one token on one line");
    let token = stdout.trim();
    assert!(token.starts_with("baken_"));
    let actor = cli
        .db
        .store
        .token_actor(token)
        .await
        .unwrap()
        .expect("the token works");
    assert_eq!(actor.email(), "a@tilburg.nl");
    assert!(actor.can(baken_domain_permission()));

    let nobody = cli.run(&["token", "create", "--email", "niemand@tilburg.nl"], None);
    assert!(!nobody.status.success());
}

fn baken_domain_permission() -> baken_domain::auth::Permission {
    baken_domain::auth::Permission::ViewAudit
}

#[tokio::test]
async fn audit_verify_passes_on_an_intact_chain_and_fails_on_an_edited_row() {
    let cli = Cli::new().await;
    let org = cli.run(
        &[
            "org",
            "add",
            "--code",
            "riec-zwb",
            "--name",
            "RIEC Zeeland-West-Brabant",
            "--type",
            "riec",
        ],
        None,
    );
    assert!(org.status.success(), "{}", text(&org));
    cli.run(
        &[
            "user",
            "add",
            "--org",
            "riec-zwb",
            "--email",
            "b@riec.nl",
            "--role",
            "analist",
        ],
        Some("een-sterk-wachtwoord\n"),
    );
    let intact = cli.run(&["audit", "verify"], None);
    assert!(intact.status.success(), "{}", text(&intact));
    assert!(
        text(&intact).contains("intact: 2 records"),
        "{}",
        text(&intact)
    );

    // A database administrator edits a row behind Baken's back.
    let store = &cli.db.store;
    match store.backend() {
        baken_store::Backend::Sqlite => {
            store
                .execute_raw("DROP TRIGGER audit_log_no_update")
                .await
                .unwrap();
        }
        baken_store::Backend::Postgres => {
            store
                .execute_raw("DROP TRIGGER audit_log_no_change ON audit_log")
                .await
                .unwrap();
        }
    }
    store
        .execute_raw("UPDATE audit_log SET action = 'org.user.read' WHERE seq = 2")
        .await
        .unwrap();
    let broken = cli.run(&["audit", "verify"], None);
    assert!(!broken.status.success());
    assert!(
        text(&broken).contains("BROKEN at record 2"),
        "{}",
        text(&broken)
    );

    // A different key cannot vouch for the chain either.
    let other_key = std::env::temp_dir().join(format!("baken-other-{}.key", rand_suffix()));
    std::fs::write(&other_key, "ab".repeat(32)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args([
            "audit",
            "verify",
            "--database",
            &cli.url,
            "--audit-key-file",
        ])
        .arg(&other_key)
        .arg("--data-key-file")
        .arg(&cli.data_key_file)
        .env_remove("BAKEN_AUDIT_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN at record 1"));
}

#[test]
fn a_bad_database_url_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["migrate", "--database", "mysql://x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use sqlite://PATH or postgres://"));
}

fn fixture(name: &str) -> String {
    format!(
        "{}/../../data/fixtures/statline/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[tokio::test]
async fn a_statline_download_imports_once_and_says_what_it_left_out() {
    let cli = Cli::new().await;
    let dry = cli.run(
        &[
            "import",
            "statline",
            &fixture("vermogen_2023.csv"),
            "--dataset",
            "vermogen",
            "--dry-run",
        ],
        None,
    );
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(
        text(&dry).contains("line 7: Noord-Nederland (LD)"),
        "{}",
        text(&dry)
    );
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'vermogen'")
            .await
            .unwrap(),
        0
    );

    let first = cli.run(
        &[
            "import",
            "statline",
            &fixture("vermogen_2023.csv"),
            "--dataset",
            "vermogen",
        ],
        None,
    );
    assert!(first.status.success(), "{}", text(&first));
    let stored = cli
        .db
        .store
        .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'vermogen'")
        .await
        .unwrap();
    assert_eq!(stored, 1720);
    let symbols = cli
        .db
        .store
        .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'vermogen' AND symbol = '.'")
        .await
        .unwrap();
    assert!(symbols > 0, "the '.' cells are kept as symbols");

    let again = cli.run(
        &[
            "import",
            "statline",
            &fixture("vermogen_2023.csv"),
            "--dataset",
            "vermogen",
        ],
        None,
    );
    assert!(again.status.success());
    assert!(text(&again).contains("nothing changed"), "{}", text(&again));
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'vermogen'")
            .await
            .unwrap(),
        stored
    );
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT COUNT(*) FROM imports WHERE kind = 'statline'")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn one_bad_row_in_the_middle_stores_nothing_and_is_named() {
    let cli = Cli::new().await;
    cli.run(&["migrate"], None);
    let original = std::fs::read_to_string(fixture("Misdrijven_2024.csv")).unwrap();
    let broken = original.replacen("\"Tilburg\";\"", "\"Tilburg\";\"veel", 1);
    assert_ne!(broken, original);
    let line = broken
        .lines()
        .position(|l| l.starts_with("\"Tilburg\""))
        .unwrap()
        + 1;
    let path = std::env::temp_dir().join(format!("baken-broken-{}.csv", rand_suffix()));
    std::fs::write(&path, broken).unwrap();
    let observations = cli
        .db
        .store
        .query_i64("SELECT COUNT(*) FROM observations")
        .await
        .unwrap();
    let audit = cli
        .db
        .store
        .query_i64("SELECT seq FROM audit_head")
        .await
        .unwrap();
    let out = cli.run(
        &[
            "import",
            "statline",
            path.to_str().unwrap(),
            "--dataset",
            "misdrijven",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains(&format!(
            "row {line}, column Geregistreerde misdrijven 2024: \"veel"
        )),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("nothing was stored"));
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT COUNT(*) FROM observations")
            .await
            .unwrap(),
        observations
    );
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT seq FROM audit_head")
            .await
            .unwrap(),
        audit
    );
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT COUNT(*) FROM datasets WHERE code = 'misdrijven'")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_without_reading_it() {
    let cli = Cli::new().await;
    let path = std::env::temp_dir().join(format!("baken-huge-{}.csv", rand_suffix()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk, no time
    let out = cli.run(&["import", "statline", path.to_str().unwrap()], None);
    std::fs::remove_file(&path).ok();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("the limit is 256 MiB"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn something_that_is_not_statline_is_refused_with_a_reason() {
    let cli = Cli::new().await;
    let path = std::env::temp_dir().join(format!("baken-not-statline-{}.csv", rand_suffix()));
    std::fs::write(&path, "naam;bedrag\nx;1\n").unwrap();
    let out = cli.run(&["import", "statline", path.to_str().unwrap()], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("Regio's"), "{}", text(&out));
}

#[tokio::test]
async fn an_organisations_table_imports_all_or_nothing_with_rollups() {
    let cli = Cli::new().await;
    cli.run(
        &[
            "org",
            "add",
            "--code",
            "tilburg",
            "--name",
            "Gemeente Tilburg",
            "--type",
            "gemeente",
            "--municipality-code",
            "GM0855",
        ],
        None,
    );
    let text_1252 = "gemeente;datum;soort;bedrag\r\nGM0855;03-01-2024;café;1.234,50\r\nGM0855;2024-02-29;coöperatie;-12,5\r\nGM0758;15-03-2023;café;0,75\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text_1252);
    let path = std::env::temp_dir().join(format!("baken-eigen-{}.csv", rand_suffix()));
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();

    let dry = cli.run(
        &[
            "import",
            "table",
            p,
            "--dataset",
            "eigen",
            "--org",
            "tilburg",
            "--dry-run",
        ],
        None,
    );
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(
        text(&dry).contains("CSV (Windows-1252, ;)"),
        "{}",
        text(&dry)
    );
    assert!(
        text(&dry).contains("bedrag                           decimaal"),
        "{}",
        text(&dry)
    );
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT COUNT(*) FROM datasets WHERE code = 'eigen'")
            .await
            .unwrap(),
        0
    );

    let ok = cli.run(
        &[
            "import",
            "table",
            p,
            "--dataset",
            "eigen",
            "--org",
            "tilburg",
        ],
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let store = &cli.db.store;
    let sum = store
        .query_i64("SELECT CAST(value * 100 AS BIGINT) FROM observations WHERE dataset = 'eigen' AND area_code = 'GM0855' AND period = '2024' AND measure = 'som bedrag'")
        .await
        .unwrap();
    assert_eq!(sum, 122_200);
    let cafes = store
        .query_i64("SELECT CAST(value AS BIGINT) FROM observations WHERE dataset = 'eigen' AND area_code = 'GM0758' AND category = 'soort: café'")
        .await
        .unwrap();
    assert_eq!(cafes, 1);
    let again = cli.run(
        &[
            "import",
            "table",
            p,
            "--dataset",
            "eigen",
            "--org",
            "tilburg",
        ],
        None,
    );
    assert!(text(&again).contains("nothing changed"), "{}", text(&again));

    // A bad row in the middle: nothing of the new file is stored, the old one stays.
    let broken = text_1252.replace("-12,5", "twaalf");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&broken);
    std::fs::write(&path, &bytes).unwrap();
    let before = store
        .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'eigen'")
        .await
        .unwrap();
    let tables_sql = match store.backend() {
        baken_store::Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'org_data_%'"
        }
        baken_store::Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'org_data_%'"
        }
    };
    let tables_before = store.query_i64(tables_sql).await.unwrap();
    assert_eq!(tables_before, 1);
    let bad = cli.run(
        &[
            "import",
            "table",
            p,
            "--dataset",
            "eigen",
            "--org",
            "tilburg",
            "--column",
            "bedrag=decimaal",
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("row 3, column bedrag: \"twaalf\""),
        "{}",
        text(&bad)
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'eigen'")
            .await
            .unwrap(),
        before
    );
    assert_eq!(
        store
            .query_i64("SELECT row_count FROM org_tables WHERE dataset = 'eigen'")
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store.query_i64(tables_sql).await.unwrap(),
        tables_before,
        "no staging table is left behind"
    );
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn generated_demo_data_is_deterministic_and_imports_like_any_table() {
    let cli = Cli::new().await;
    cli.run(
        &[
            "org",
            "add",
            "--code",
            "breda",
            "--name",
            "Gemeente Breda",
            "--type",
            "gemeente",
            "--municipality-code",
            "GM0758",
        ],
        None,
    );
    let out = std::env::temp_dir().join(format!("baken-gen-cli-{}", rand_suffix()));
    let generate = |dir: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_baken"))
            .args([
                "demo", "generate", "--seed", "11", "--scale", "3000", "--out",
            ])
            .arg(dir)
            .output()
            .unwrap()
    };
    assert!(generate(&out).status.success());
    let again = out.with_extension("again");
    assert!(generate(&again).status.success());
    for f in [
        "vastgoedtransacties.csv",
        "fiu_transacties.csv",
        "vestigingen.csv",
        "drugsincidenten.csv",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    let fiu = out.join("fiu_transacties.csv");
    let imported = cli.run(
        &[
            "import",
            "table",
            fiu.to_str().unwrap(),
            "--dataset",
            "fiu",
            "--org",
            "breda",
        ],
        None,
    );
    assert!(imported.status.success(), "{}", text(&imported));
    assert_eq!(
        cli.db
            .store
            .query_i64("SELECT row_count FROM org_tables WHERE dataset = 'fiu'")
            .await
            .unwrap(),
        750
    );
    let suspicious = cli
        .db
        .store
        .query_i64(
            "SELECT COUNT(*) FROM observations WHERE dataset = 'fiu' AND category = 'verdacht: ja'",
        )
        .await
        .unwrap();
    assert!(suspicious > 10);
    std::fs::remove_dir_all(out).ok();
    std::fs::remove_dir_all(again).ok();
}

/// Signs in a demo user through the store.
async fn demo_actor(store: &baken_store::Store, email: &str) -> baken_store::Actor {
    match store
        .login(
            email,
            baken_store::demo::DEFAULT_DEMO_PASSWORD,
            "test",
            None,
        )
        .await
        .unwrap()
    {
        baken_store::auth::LoginOutcome::SignedIn { token, .. } => store
            .session(&token.0)
            .await
            .unwrap()
            .unwrap()
            .actor
            .unwrap(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_serving_process_runs_queued_imports_and_takes_over_abandoned_ones() {
    let cli = Cli::with_demo().await;
    let store = &cli.db.store;
    let analyst = demo_actor(store, "analist@tilburg.demo").await;
    let csv = b"gemeente;datum;soort\nGM0855;2024-01-03;hennep\nGM0855;2024-02-03;lab\nGM0758;2023-02-03;hennep\n".to_vec();
    let queued = store
        .create_job(&analyst, "table", "incidenten.csv", csv.clone())
        .await
        .unwrap();
    store
        .queue_job(&analyst, queued, "incidenten", &serde_json::json!({}))
        .await
        .unwrap();
    // A job another process claimed and then abandoned (no heartbeat for an hour).
    let abandoned = store
        .create_job(&analyst, "table", "oud.csv", csv)
        .await
        .unwrap();
    store
        .queue_job(
            &analyst,
            abandoned,
            "oud",
            &serde_json::json!({ "columns": { "soort": "tekst" } }),
        )
        .await
        .unwrap();
    store
        .execute_raw(&format!("UPDATE jobs SET status = 'running', claimed_by = 'dead', heartbeat_at = 1 WHERE id = {abandoned}"))
        .await
        .unwrap();

    // A StatLine download uploaded in the web.
    let statline = std::fs::read(fixture("Misdrijven_2024.csv")).unwrap();
    let cbs = store
        .create_job(&analyst, "statline", "Misdrijven_2024.csv", statline)
        .await
        .unwrap();
    store
        .queue_job(&analyst, cbs, "misdrijven-2024", &serde_json::json!({}))
        .await
        .unwrap();

    let mut server = cli.serve("127.0.0.1:0");
    let mut finished = false;
    for _ in 0..120 {
        let done = store
            .query_i64("SELECT COUNT(*) FROM jobs WHERE status = 'done'")
            .await
            .unwrap();
        if done == 3 {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    server.kill().ok();
    server.wait().ok();
    assert!(finished, "all three jobs should be done");
    let tilburg = store
        .query_i64("SELECT CAST(value AS BIGINT) FROM observations WHERE dataset = 'misdrijven-2024' AND area_code = 'GM0855' AND period = '2024'")
        .await
        .unwrap();
    assert!(tilburg > 10_000);
    let hennep = store
        .query_i64("SELECT CAST(value AS BIGINT) FROM observations WHERE dataset = 'incidenten' AND area_code = 'GM0855' AND period = '2024' AND category = 'soort: hennep'")
        .await
        .unwrap();
    assert_eq!(hennep, 1);
    assert_eq!(
        store
            .query_i64("SELECT row_count FROM org_tables WHERE dataset = 'oud'")
            .await
            .unwrap(),
        3
    );
    let progress = store
        .query_i64(&format!(
            "SELECT progress_done FROM jobs WHERE id = {queued}"
        ))
        .await
        .unwrap();
    assert_eq!(progress, 3);
}

#[tokio::test]
async fn boundaries_of_a_new_year_import_once_and_bad_features_are_named() {
    let cli = Cli::new().await;
    let shipped = format!(
        "{}/../../data/reference/gemeenten_2024_wgs84.geojson",
        env!("CARGO_MANIFEST_DIR")
    );
    let ok = cli.run(
        &[
            "import",
            "boundaries",
            &shipped,
            "--year",
            "2025",
            "--code-property",
            "gemeente_code",
            "--tolerance",
            "0.000001",
        ],
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("342 areas of level gemeente (2025)"),
        "{}",
        text(&ok)
    );
    let store = &cli.db.store;
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM area_boundaries WHERE year = 2025")
            .await
            .unwrap(),
        342
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM areas WHERE year = 2025 AND level = 'gemeente'")
            .await
            .unwrap(),
        342
    );
    let smaller = store
        .query_i64("SELECT CASE WHEN (SELECT SUM(LENGTH(geometry)) FROM area_boundaries WHERE year = 2025) < (SELECT SUM(LENGTH(geometry)) FROM area_boundaries WHERE year = 2024 AND code LIKE 'GM%') THEN 1 ELSE 0 END")
        .await
        .unwrap();
    assert_eq!(
        smaller, 1,
        "simplified boundaries are smaller than the shipped ones"
    );
    let again = cli.run(
        &[
            "import",
            "boundaries",
            &shipped,
            "--year",
            "2025",
            "--code-property",
            "gemeente_code",
            "--tolerance",
            "0.000001",
        ],
        None,
    );
    assert!(text(&again).contains("nothing changed"), "{}", text(&again));

    let provinces = format!(
        "{}/../../data/reference/provincies_2024_wgs84.geojson",
        env!("CARGO_MANIFEST_DIR")
    );
    let wrong = cli.run(
        &["import", "boundaries", &provinces, "--year", "2025"],
        None,
    );
    assert!(!wrong.status.success());
    assert!(
        text(&wrong).contains("feature 1: no gemeente code"),
        "{}",
        text(&wrong)
    );
    let right = cli.run(
        &[
            "import",
            "boundaries",
            &provinces,
            "--year",
            "2025",
            "--level",
            "provincie",
        ],
        None,
    );
    assert!(right.status.success(), "{}", text(&right));
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM area_boundaries WHERE year = 2025")
            .await
            .unwrap(),
        354
    );
}

#[tokio::test]
async fn a_table_over_the_limit_is_refused_without_reading_it() {
    let cli = Cli::new().await;
    let path = std::env::temp_dir().join(format!("baken-huge-table-{}.csv", rand_suffix()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(4 * 1024 * 1024 * 1024 + 1).unwrap(); // sparse: no disk, no time
    let out = cli.run(
        &[
            "import",
            "table",
            path.to_str().unwrap(),
            "--dataset",
            "groot",
            "--org",
            "tilburg",
        ],
        None,
    );
    std::fs::remove_file(&path).ok();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("the limit is 4096 MiB"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn retention_run_lists_on_a_dry_run_and_destroys_what_is_due() {
    use baken_domain::signal::{Channel, InfoGrade, NewSignal, SourceGrade, StepDraft, Tlp};
    let cli = Cli::with_demo().await;
    let store = &cli.db.store;
    let regisseur = demo_actor(store, "regisseur@tilburg.demo").await;
    let person = baken_domain::signal::PersonDraft {
        bsn: "111222333".into(),
        naam: "Bertha Oudejans".into(),
        geboortedatum: "1950-01-01".into(),
    }
    .validate(baken_store::signal::today())
    .unwrap();
    let subject = store
        .register_subject(&regisseur, &baken_store::signal::NewSubject::Person(person))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let signal = NewSignal {
            received_on: baken_store::signal::today(),
            channel: Channel::Letter,
            reporter_org: String::new(),
            reporter_department: String::new(),
            reporter_contact: String::new(),
            description: "Brief zonder aanwijzing voor ondermijning.".into(),
            phenomenon: None,
            indicators: Vec::new(),
            source_grade: SourceGrade::C,
            info_grade: InfoGrade::Three,
            tlp: Tlp::Amber,
            subjects: vec![subject],
        };
        let id = store.register_signal(&regisseur, &signal).await.unwrap().id;
        let step = StepDraft {
            actie: "weging-1-nee".into(),
            motivering: "Geen ondermijning.".into(),
            ..Default::default()
        };
        store.take_step(&regisseur, id, &step).await.unwrap();
        ids.push(id);
    }
    // The first is past its term; the second is not.
    store
        .execute_raw(&format!(
            "UPDATE signals SET destroy_after = 1 WHERE id = {}",
            ids[0]
        ))
        .await
        .unwrap();
    let dry = cli.run(&["retention", "run", "--dry-run"], None);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(
        text(&dry).contains("would destroy tilburg SIG-"),
        "{}",
        text(&dry)
    );
    assert!(text(&dry).contains("1 signal(s) due, nothing destroyed"));
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM signals")
            .await
            .unwrap(),
        2
    );
    let run = cli.run(&["retention", "run"], None);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("1 signal(s) destroyed"),
        "{}",
        text(&run)
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM signals")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM signal_tombstones")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM subjects")
            .await
            .unwrap(),
        1,
        "the person stays while another signal names them"
    );
    let again = cli.run(&["retention", "run"], None);
    assert!(
        text(&again).contains("0 signal(s) destroyed"),
        "{}",
        text(&again)
    );
}

#[test]
fn match_runs_two_local_lists_and_names_the_lines_it_left_out() {
    let dir = std::env::temp_dir().join(format!("baken-match-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let mine = dir.join("mine.csv");
    let theirs = dir.join("theirs.csv");
    std::fs::write(
        &mine,
        "kvk;naam\n12345678;A\n87654321;B\n1234;kort\n11112222;C\n",
    )
    .unwrap();
    std::fs::write(&theirs, "87654321\n11112222\n99998888\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["match", "--mine"])
        .arg(&mine)
        .arg("--theirs")
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "87654321\n11112222\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mine.csv:4: left out"), "{err}");
    // Neither a partner nor a second list: refused by the argument parser.
    let none = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["match", "--mine"])
        .arg(&mine)
        .output()
        .unwrap();
    assert!(!none.status.success());
    std::fs::remove_dir_all(dir).ok();
}

/// `baken match --partner`: a real `baken serve` over HTTP answers; the police answer in
/// their installation while the command waits, and the hits come out of the asker's machine.
#[tokio::test]
async fn match_against_a_partner_installation_finishes_on_the_askers_machine() {
    use baken_domain::sharing::{CovenantDraft, PartyDraft};
    let cli = Cli::with_demo().await;
    let store = &cli.db.store;
    let party = |org: &str| PartyDraft {
        organisatie: org.into(),
        grondslag: "Art. 6 lid 1 sub e AVG".into(),
        ondertekenaar: "burgemeester".into(),
    };
    let draft = CovenantDraft {
        naam: "Convenant hit/no-hit".into(),
        doelen: vec!["hit-no-hit".into()],
        categorieen: vec!["onderneming".into()],
        geldig_van: "2026-01-01".into(),
        geldig_tot: "2099-12-31".into(),
        regeling: "Elke partij blijft verantwoordelijk voor de eigen gegevens en beantwoordt verzoeken van betrokkenen.".into(),
        bewaartermijn_dagen: 365,
        partijen: vec![party("tilburg"), party("politie-zwb")],
    };
    let tilburg_privacy = demo_actor(store, "privacy@tilburg.demo").await;
    let covenant = store
        .register_covenant(&tilburg_privacy, &draft.validate().unwrap())
        .await
        .unwrap();
    store
        .sign_covenant(&tilburg_privacy, covenant)
        .await
        .unwrap();
    let police_privacy = demo_actor(store, "privacy@politie-zwb.demo").await;
    store
        .sign_covenant(&police_privacy, covenant)
        .await
        .unwrap();
    let token = store
        .create_api_token_for(
            &baken_store::Operator::command_line("test"),
            "regisseur@tilburg.demo",
            "match",
        )
        .await
        .unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = cli.serve(&format!("127.0.0.1:{port}"));
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..120 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(up, "baken serve did not start");

    let dir = std::env::temp_dir().join(format!("baken-partner-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let mine = dir.join("mine.txt");
    let list: String = (0..20)
        .map(|i| format!("{:08}\n", 50_000_000 + i))
        .collect();
    std::fs::write(&mine, list).unwrap();
    let asker = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["match", "--mine"])
        .arg(&mine)
        .args([
            "--partner",
            &base,
            "--with",
            "politie-zwb",
            "--covenant",
            &covenant.to_string(),
            "--poll",
            "1",
            "--wait",
            "120",
        ])
        .env("BAKEN_PARTNER_TOKEN", &token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // The police see the question arrive and answer with their own list.
    let police = demo_actor(store, "partner@politie-zwb.demo").await;
    let mut run = None;
    for _ in 0..240 {
        if let Some(r) = store.matches(&police).await.unwrap().into_iter().next() {
            run = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let run = run.expect("the question reached the partner installation");
    assert_eq!(run.asked_count, 20);
    let theirs: Vec<String> = (15..40).map(|i| format!("{:08}", 50_000_000 + i)).collect();
    store.answer_match(&police, run.id, theirs).await.unwrap();

    let out = tokio::task::spawn_blocking(move || asker.wait_with_output().unwrap())
        .await
        .unwrap();
    server.kill().ok();
    server.wait().ok();
    assert!(out.status.success(), "{}", text(&out));
    let expected: String = (15..20)
        .map(|i| format!("{:08}\n", 50_000_000 + i))
        .collect();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    // The server kept no key: the run waits answered, with points only.
    assert_eq!(
        store
            .query_i64(&format!("SELECT COUNT(*) FROM match_requests WHERE id = {} AND asker_key_sealed = '' AND status = 'beantwoord'", run.id))
            .await
            .unwrap(),
        1
    );
    std::fs::remove_dir_all(dir).ok();
}
