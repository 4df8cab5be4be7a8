//! The command line, run as a user runs it: the real binary against a fresh database
//! (SQLite, or PostgreSQL when `BAKEN_TEST_DATABASE_URL` names a server).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use baken_store::testing::TestDatabase;

struct Cli {
    url: String,
    key_file: std::path::PathBuf,
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
        Self {
            url: db.url.clone(),
            key_file,
            db,
        }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_baken"));
        cmd.args(args)
            .arg("--database")
            .arg(&self.url)
            .arg("--audit-key-file")
            .arg(&self.key_file)
            .env_remove("BAKEN_AUDIT_KEY")
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
