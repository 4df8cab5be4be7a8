//! The demo's microdata: generated deterministically for every municipality, rolled up per
//! municipality × year × category and stored as public datasets, so that every dashboard has
//! figures on first start. The records themselves are not kept.

use anyhow::{Context, Result};
use baken_store::dataset::Importer;
use baken_store::{Operator, Store};

/// Transactions generated for the demo; the other files scale with it.
pub const DEMO_SCALE: u64 = 1_000_000;
pub const DEMO_SEED: u64 = 1;

/// Generates and stores the demo's rollups unless they are there already. Returns the number
/// of figures stored.
pub async fn load_microdata(store: &Store, scale: u64, seed: u64) -> Result<usize> {
    if store.dataset_exists("synth-vastgoed").await? {
        return Ok(0);
    }
    let bundle = baken_import::reference::load()?;
    let places = baken_import::synthetic::Place::from_reference(&bundle);
    let dir = std::env::temp_dir().join(format!("baken-demo-{}", std::process::id()));
    let work_dir = dir.clone();
    let rollups = tokio::task::spawn_blocking(move || {
        baken_import::synthetic::public_rollups(&work_dir, &places, seed, scale)
    })
    .await
    .context("generating the demo microdata")?;
    std::fs::remove_dir_all(&dir).ok();
    let rollups = rollups?;
    let operator = Operator::command_line("serve-demo");
    let mut stored = 0;
    for r in rollups {
        store
            .import_observations(
                Importer::Operator(&operator),
                "demo",
                &r.dataset,
                &r.provenance,
                &r.observations,
            )
            .await
            .with_context(|| format!("storing {}", r.dataset.code))?;
        stored += r.observations.len();
    }
    Ok(stored)
}

/// Tilburg's inventory, partly filled in, and an action list: so that coverage and gaps show
/// on first start. Sources the catalogue does not have are skipped.
pub async fn load_matrix_demo(store: &Store) -> Result<bool> {
    use baken_domain::matrix::{InventoryAccess, InventoryEntry};
    let matrices = baken_import::matrix::shipped_matrices()?;
    let entry =
        |source: &str, access: InventoryAccess, department: &str, quality: u8| InventoryEntry {
            source: source.to_owned(),
            have: true,
            access,
            department: department.to_owned(),
            contact: String::new(),
            quality: Some(quality),
            last_checked: Some("2026-09-15".to_owned()),
            connected: None,
        };
    let entries: Vec<InventoryEntry> = [
        entry("brp", InventoryAccess::Direct, "Burgerzaken", 5),
        entry("bag", InventoryAccess::Direct, "Geo-informatie", 5),
        entry("woz", InventoryAccess::Direct, "Belastingen", 4),
        entry("kvk", InventoryAccess::Direct, "Economische Zaken", 4),
        entry(
            "handhaving",
            InventoryAccess::Direct,
            "Toezicht en Handhaving",
            3,
        ),
        entry(
            "vergunningen-horeca",
            InventoryAccess::Direct,
            "Vergunningen",
            4,
        ),
        entry(
            "omgevingsvergunningen",
            InventoryAccess::Direct,
            "Vergunningen",
            4,
        ),
        entry("bibob-dossiers", InventoryAccess::Direct, "Bibob-team", 4),
        entry(
            "meldingen-openbare-ruimte",
            InventoryAccess::Direct,
            "Stadsbeheer",
            3,
        ),
        entry("kadaster", InventoryAccess::OpVerzoek, "Geo-informatie", 4),
        entry(
            "riec",
            InventoryAccess::OpVerzoek,
            "Openbare Orde en Veiligheid",
            4,
        ),
        entry(
            "politie",
            InventoryAccess::OpVerzoek,
            "Openbare Orde en Veiligheid",
            3,
        ),
        entry(
            "netbeheerder",
            InventoryAccess::Geen,
            "Openbare Orde en Veiligheid",
            2,
        ),
    ]
    .into_iter()
    .filter(|e| matrices.source(&e.source).is_some())
    .collect();
    let actions = [
        (
            "Convenant met de netbeheerder over afwijkend energieverbruik verkennen",
            "Openbare Orde en Veiligheid",
            "2027-03-01",
        ),
        (
            "Leerplichtgegevens beschikbaar maken voor signalen van criminele uitbuiting",
            "Onderwijs",
            "2027-06-30",
        ),
    ];
    Ok(store
        .seed_demo_inventory(
            &Operator::command_line("serve-demo"),
            "tilburg",
            &entries,
            &actions,
        )
        .await?)
}

/// Two closed self-assessment rounds for Tilburg, a year apart, answered by its team: so that
/// the results, the team's spread and the history show on first start. The answers are made
/// deterministically from the question and the member, the later round a little higher.
pub async fn load_readiness_demo(store: &Store) -> Result<bool> {
    let scan = baken_import::readiness::shipped_scan()?;
    let members = [
        "analist@tilburg.demo",
        "regisseur@tilburg.demo",
        "privacy@tilburg.demo",
        "team@tilburg.demo",
        "beheerder@tilburg.demo",
    ];
    let rounds: Vec<Vec<(String, std::collections::BTreeMap<String, u8>)>> = (0..2u8)
        .map(|round| {
            members
                .iter()
                .enumerate()
                .map(|(m, email)| {
                    let answers = scan
                        .dimensies
                        .iter()
                        .enumerate()
                        .flat_map(|(d, dim)| {
                            dim.vragen.iter().enumerate().map(move |(q, question)| {
                                // Data and technology lag, cooperation leads; members differ.
                                let base: u8 = [2, 3, 1, 2, 1, 3, 2][d % 7];
                                let level = base
                                    + round
                                    + ((m + q) % 3 == 0) as u8
                                    + (m == 2 && d == 1) as u8;
                                (question.id.clone(), level.clamp(1, 5))
                            })
                        })
                        .collect();
                    ((*email).to_owned(), answers)
                })
                .collect()
        })
        .collect();
    Ok(store
        .seed_demo_readiness(&Operator::command_line("serve-demo"), "tilburg", &rounds)
        .await?)
}

// ----- signals ----------------------------------------------------------------------------------

/// A fictional person of the demo: name, date of birth, and a BSN made to pass the 11-test.
struct DemoPerson {
    name: &'static str,
    birth: &'static str,
    bsn_seed: u32,
}

const DEMO_PERSONS: [DemoPerson; 5] = [
    DemoPerson {
        name: "Jan de Vries",
        birth: "1978-03-14",
        bsn_seed: 1_001,
    },
    DemoPerson {
        name: "Petra Smits",
        birth: "1985-11-02",
        bsn_seed: 2_002,
    },
    DemoPerson {
        name: "Karim Bakker",
        birth: "1969-07-21",
        bsn_seed: 3_003,
    },
    DemoPerson {
        name: "Sanne Verhoeven",
        birth: "1991-01-30",
        bsn_seed: 4_004,
    },
    DemoPerson {
        name: "Theo van Dam",
        birth: "1974-05-09",
        bsn_seed: 5_005,
    },
];

/// The first 9-digit number from `seed` upward (in the 2xxxxxxxx range, clearly not a real
/// series of the demo's own making) that passes the 11-test.
pub fn demo_bsn(seed: u32) -> String {
    (200_000_000 + seed * 97..)
        .map(|n| n.to_string())
        .find(|s| baken_domain::signal::ids::Bsn::parse(s).is_ok())
        .unwrap_or_default()
}

/// Demo addresses in Tilburg: street, number, postcode, neighbourhood.
const TILBURG_ADDRESSES: [(&str, u32, &str, &str); 6] = [
    ("Heuvelstraat", 12, "5038 AA", "BU08550101"),
    ("Korvelseweg", 140, "5025 JH", "BU08550402"),
    ("Ringbaan-Oost", 301, "5018 HC", "BU08550703"),
    ("Piushaven", 8, "5017 AN", "BU08550703"),
    ("Bredaseweg", 455, "5037 LE", "BU08550905"),
    ("Goirkestraat", 77, "5046 GC", "BU08550402"),
];

const TILBURG_COMPANIES: [(&str, &str, &str); 4] = [
    ("60000011", "Shisha Lounge De Haven B.V.", "56.30"),
    ("60000022", "Autopoetsbedrijf Ringbaan", "45.20"),
    ("60000033", "Belwinkel Centrum", "47.42"),
    ("60000044", "Vastgoed Beheer Zuid B.V.", "68.20"),
];

/// Walks demo signals for Tilburg (every step of the plan) and Breda (a few) through the store,
/// as the demo users, with connected demo sources answering hit/no-hit. Once: nothing is done
/// when Tilburg has signals already. Names, numbers and addresses are invented.
fn explain(action: &str) -> impl FnOnce(baken_store::StoreError) -> anyhow::Error + '_ {
    move |e| match e {
        baken_store::StoreError::Fields(fields) => anyhow::anyhow!(
            "demo step {action}: {}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.reason))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("demo step {action}: {other}"),
    }
}

pub async fn load_signals_demo(store: &Store) -> Result<bool> {
    use baken_domain::signal::subject::{AddressDraft, CompanyDraft, PersonDraft};
    use baken_domain::signal::{Action, SignalDraft, StepDraft};
    use baken_store::signal::{NewSubject, Queue, today};

    let op = Operator::command_line("serve-demo");
    let actor = |email: &'static str| store.demo_actor(&op, email);
    let regisseur = actor("regisseur@tilburg.demo").await?;
    if !store.signals(&regisseur, Queue::Open).await?.is_empty()
        || !store.signals(&regisseur, Queue::Closed).await?.is_empty()
    {
        return Ok(false);
    }
    let team = actor("team@tilburg.demo").await?;
    let privacy = actor("privacy@tilburg.demo").await?;
    let analist = actor("analist@tilburg.demo").await?;
    let bronhouder = actor("bronhouder@tilburg.demo").await?;
    let protocol = baken_import::signal::shipped_protocol()?;
    let matrices = baken_import::matrix::shipped_matrices()?;

    // Connected sources: extracts of four municipal registers.
    let mut handhaving = String::from(
        "soort;bsn;naam;geboortedatum;kvk;postcode;huisnummer;dossier;datum;besluit\n",
    );
    let mut vergunningen = String::from("soort;kvk;postcode;huisnummer;vergunning;verleend\n");
    let mut bibob = String::from("soort;bsn;naam;geboortedatum;kvk;dossier;advies\n");
    let mut woz = String::from("soort;postcode;huisnummer;wozwaarde;peildatum\n");
    for (i, (street, nr, pc, _)) in TILBURG_ADDRESSES.iter().enumerate() {
        if i % 2 == 0 {
            handhaving.push_str(&format!(
                "adres;;;;;{pc};{nr};HH-2025-{:03};2025-0{}-12;last onder dwangsom ({street})\n",
                40 + i,
                1 + i
            ));
        }
        woz.push_str(&format!(
            "adres;{pc};{nr};{};2025-01-01\n",
            310_000 + i * 45_000
        ));
    }
    for (i, (kvk, _, _)) in TILBURG_COMPANIES.iter().enumerate() {
        if i != 1 {
            let (_, nr, pc, _) = TILBURG_ADDRESSES[i];
            vergunningen.push_str(&format!(
                "bedrijf;{kvk};;;exploitatievergunning;2024-0{}-01\n",
                2 + i
            ));
            vergunningen.push_str(&format!(
                "adres;;{pc};{nr};drank- en horecavergunning;2024-0{}-01\n",
                2 + i
            ));
        }
        if i == 0 || i == 3 {
            bibob.push_str(&format!(
                "bedrijf;;;;{kvk};BIB-2024-{:02};ernstige mate van gevaar (b)\n",
                10 + i
            ));
        }
    }
    for (i, p) in DEMO_PERSONS.iter().enumerate() {
        if i < 3 {
            handhaving.push_str(&format!(
                "persoon;{};;;;;;HH-2024-{:03};2024-10-0{};bestuurlijke waarschuwing\n",
                demo_bsn(p.bsn_seed),
                200 + i,
                1 + i
            ));
        }
        if i == 0 || i == 2 {
            bibob.push_str(&format!(
                "persoon;;{};{};;BIB-2023-{:02};geen advies gevraagd, eigen onderzoek\n",
                p.name,
                p.birth,
                30 + i
            ));
        }
    }
    let sources = [
        (
            "handhaving",
            "Handhavingsdossiers",
            "handhaving",
            "Vergunningen, toezicht en handhaving",
            &handhaving,
        ),
        (
            "vergunningen-horeca",
            "Horeca- en exploitatievergunningen",
            "vergunningen-horeca",
            "Vergunningen",
            &vergunningen,
        ),
        (
            "bibob",
            "Bibob-dossiers",
            "bibob-dossiers",
            "Bibob-team",
            &bibob,
        ),
        ("woz", "WOZ-administratie", "woz", "Belastingen", &woz),
    ];
    for (code, name, matrix, dept, csv) in sources {
        let rows = baken_import::signal::read_extract(csv.as_bytes(), today())
            .map_err(|e| anyhow::anyhow!("demo extract {code}: {:?}", e.first()))?;
        store
            .connect_source(&bronhouder, code, name, matrix, dept, &rows)
            .await?;
    }

    // Subjects.
    let mut addresses = Vec::new();
    for (street, nr, pc, hood) in TILBURG_ADDRESSES {
        let a = AddressDraft {
            straat: street.into(),
            postcode: pc.into(),
            huisnummer: nr.to_string(),
            gemeente: "GM0855".into(),
            buurt: hood.into(),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("demo address: {e:?}"))?;
        addresses.push(
            store
                .register_subject(&regisseur, &NewSubject::Address(a))
                .await?,
        );
    }
    let mut companies = Vec::new();
    for (kvk, name, sbi) in TILBURG_COMPANIES {
        let c = CompanyDraft {
            kvk: kvk.into(),
            naam: name.into(),
            sbi: vec![sbi.into()],
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("demo company: {e:?}"))?;
        companies.push(
            store
                .register_subject(&regisseur, &NewSubject::Company(c))
                .await?,
        );
    }
    let mut persons = Vec::new();
    for p in &DEMO_PERSONS {
        let person = PersonDraft {
            bsn: demo_bsn(p.bsn_seed),
            naam: p.name.into(),
            geboortedatum: p.birth.into(),
        }
        .validate(today())
        .map_err(|e| anyhow::anyhow!("demo person: {e:?}"))?;
        persons.push(
            store
                .register_subject(&regisseur, &NewSubject::Person(person))
                .await?,
        );
    }

    // Dated relations with their source.
    for (from, kind, to, since, until, source) in [
        (
            persons[0],
            "bestuurder-van",
            companies[0],
            "2021-03-01",
            "",
            "KvK-uittreksel",
        ),
        (
            companies[0],
            "gevestigd-op",
            addresses[0],
            "2021-03-01",
            "",
            "KvK-uittreksel",
        ),
        (
            persons[0],
            "ingeschreven-op",
            addresses[2],
            "2019-06-15",
            "",
            "BRP",
        ),
        (
            companies[3],
            "eigenaar-van",
            addresses[4],
            "2023-09-01",
            "",
            "Kadaster",
        ),
        (
            persons[4],
            "bestuurder-van",
            companies[3],
            "2022-01-10",
            "2025-06-30",
            "KvK-uittreksel",
        ),
    ] {
        let draft = baken_domain::signal::RelationDraft {
            soort: kind.into(),
            naar: to,
            vanaf: since.into(),
            tot: until.into(),
            bron: source.into(),
        };
        store
            .add_relation(&regisseur, from, &draft)
            .await
            .map_err(explain("relation"))?;
    }

    // The path through the plan, with fields from the shipped protocol.
    let basis = |id: &str| {
        protocol
            .legal_basis(id)
            .map(|g| g.id.clone())
            .unwrap_or_default()
    };
    let public_task = basis("avg-6-1-e");
    let step = |action: Action| {
        let mut d = StepDraft {
            actie: action.code().into(),
            ..Default::default()
        };
        match action {
            Action::Weighing1Met => {
                d.verankering = vec![
                    protocol.verankering[2].id.clone(),
                    protocol.verankering[4].id.clone(),
                ];
                d.rode_vlaggen = vec![protocol.signalering[0].rode_vlaggen[0].id.clone()];
                d.motivering = "Zaak met weinig klanten maar hoge omzet; eigenaar ook betrokken bij een ander pand in de gemeente.".into();
            }
            Action::Weighing2AMet => {
                d.motivering = "Raakt de openbare orde en de vergunningverlening: een taak van burgemeester en college.".into();
                d.grondslag = public_task.clone();
            }
            Action::Weighing2BMet => {
                d.motivering = "Het pand en de onderneming liggen in Tilburg.".into()
            }
            Action::Weighing3SourceResearch => {
                d.ernst = protocol
                    .ernst
                    .iter()
                    .take(2)
                    .map(|i| i.id.clone())
                    .collect();
                d.motivering = "Concreet en recent; past in de fenomeenanalyse horeca.".into();
            }
            Action::PrivacyCheck1Approve => {
                d.bronnen = vec![
                    "handhaving".into(),
                    "vergunningen-horeca".into(),
                    "bibob".into(),
                ];
                d.grondslag = basis("avg-6-4");
                d.verenigbaarheid = "Handhavings- en vergunningsgegevens zijn verzameld voor toezicht op dezelfde panden en ondernemingen; het verband met het nieuwe doel is nauw.".into();
                d.noodzaak = "Eerst alleen hit/no-hit; details alleen na een gemotiveerd verzoek. Geen lichter middel om het signaal te toetsen.".into();
            }
            Action::Weighing4CaseMeeting => {
                d.motivering = "Hits bij handhaving en vergunningen bevestigen het signaal.".into()
            }
            Action::PrivacyCheck2A => {
                d.deelnemers = vec![
                    "Vergunningen".into(),
                    "Handhaving".into(),
                    "Bibob-team".into(),
                ];
                d.delen = vec![baken_domain::signal::protocol::Share {
                    met: "Handhaving".into(),
                    wat: "hits en dossiernummers handhaving en vergunningen".into(),
                }];
                d.grondslag = public_task.clone();
            }
            Action::DecideApproach => {
                d.besluit = "Integrale controle en een Bibob-onderzoek bij de verlenging van de exploitatievergunning.".into();
                d.acties = vec![
                    baken_domain::signal::protocol::Task {
                        wat: "Integrale controle".into(),
                        eigenaar: "Handhaving".into(),
                        deadline: (today() + time::Duration::days(30)).to_string(),
                    },
                    baken_domain::signal::protocol::Task {
                        wat: "Bibob-vragenformulier bij verlenging".into(),
                        eigenaar: "Bibob-team".into(),
                        deadline: (today() + time::Duration::days(60)).to_string(),
                    },
                ];
            }
            Action::PrivacyCheck2B => {
                d.delen = vec![baken_domain::signal::protocol::Share {
                    met: "Handhaving".into(),
                    wat: "adres en vergunningnummer voor de controle".into(),
                }];
                d.grondslag = basis("wet-bibob");
                if d.grondslag.is_empty() {
                    d.grondslag = public_task.clone();
                }
            }
            Action::RecordOutcome => {
                d.uitkomst =
                    "Controle uitgevoerd; vergunning onder voorwaarden verlengd na Bibob-onderzoek."
                        .into()
            }
            Action::Weighing1NotMet => {
                d.motivering = "Burenruzie over geluid; geen aanwijzing voor ondermijning.".into()
            }
            Action::Weighing2ANotMet => {
                d.motivering = "Gaat over strafbare feiten zonder bestuurlijke component.".into();
                d.doorverwezen_naar = "Politie Zeeland-West-Brabant".into();
            }
            _ => d.motivering = "Demo.".into(),
        }
        d
    };
    let path = [
        Action::Weighing1Met,
        Action::Weighing2AMet,
        Action::Weighing2BMet,
        Action::Weighing3SourceResearch,
        Action::PrivacyCheck1Approve,
        Action::Weighing4CaseMeeting,
        Action::PrivacyCheck2A,
        Action::DecideApproach,
        Action::PrivacyCheck2B,
        Action::RecordOutcome,
    ];
    let who = |action: Action| match action {
        Action::Weighing1Met
        | Action::Weighing1NotMet
        | Action::Weighing2AMet
        | Action::Weighing2ANotMet
        | Action::Weighing2BMet => &regisseur,
        Action::PrivacyCheck1Approve | Action::PrivacyCheck2A | Action::PrivacyCheck2B => &privacy,
        _ => &team,
    };
    let phenomenon = matrices
        .phenomena
        .first()
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let descriptions = [
        "Melding van een medewerker vergunningen: shishalounge met weinig bezoekers maar steeds nieuwe luxe inrichting.",
        "Buurtbewoner ziet 's nachts busjes laden en lossen bij een bedrijfspand.",
        "Autopoetsbedrijf zonder zichtbare klanten, veel contante betalingen volgens een leverancier.",
        "Belwinkel wisselt binnen een jaar drie keer van bestuurder.",
        "Woning met dichtgeplakte ramen en hoog stroomverbruik volgens de netbeheerder.",
        "Vastgoedbedrijf koopt in korte tijd meerdere panden contant.",
    ];
    // (how many steps of the path, subjects) for twelve Tilburg signals, from intake to completed.
    let plan: [(usize, Vec<i64>); 11] = [
        (0, vec![addresses[0], companies[0]]),
        (1, vec![addresses[1]]),
        (2, vec![addresses[2], companies[1]]),
        (3, vec![companies[2], persons[3]]),
        (4, vec![addresses[3], persons[1]]),
        (5, vec![addresses[0], companies[0], persons[0]]),
        (6, vec![addresses[0], persons[2]]),
        (7, vec![companies[3], persons[4]]),
        (8, vec![addresses[4], companies[3]]),
        (9, vec![addresses[5], companies[2]]),
        (10, vec![addresses[2], companies[0], persons[0]]),
    ];
    for (i, (steps, subjects)) in plan.iter().enumerate() {
        let draft = SignalDraft {
            ontvangen: (today() - time::Duration::days(10 * (12 - i as i64))).to_string(),
            kanaal: [
                "telefoon",
                "email",
                "eigen-professional",
                "mma",
                "partner",
                "brief",
            ][i % 6]
                .into(),
            melder_organisatie: if i % 6 == 4 {
                "Politie Zeeland-West-Brabant".into()
            } else {
                String::new()
            },
            melder_afdeling: if i % 6 == 2 {
                "Vergunningen".into()
            } else {
                String::new()
            },
            omschrijving: descriptions[i % descriptions.len()].into(),
            fenomeen: phenomenon.clone(),
            betrouwbaarheid_bron: ["B", "C", "A", "D"][i % 4].into(),
            betrouwbaarheid_informatie: ["2", "3", "1", "4"][i % 4].into(),
            tlp: "amber".into(),
            subjecten: subjects.clone(),
            ..Default::default()
        };
        let signal = draft
            .validate(&matrices, today())
            .map_err(|e| anyhow::anyhow!("demo signal: {e:?}"))?;
        let id = store.register_signal(&regisseur, &signal).await?.id;
        for &action in &path[..*steps] {
            store
                .take_step(who(action), id, &step(action))
                .await
                .map_err(explain(action.code()))?;
            if action == Action::PrivacyCheck1Approve {
                for source in ["handhaving", "vergunningen-horeca", "bibob"] {
                    store.ask_source(&analist, id, source).await?;
                }
            }
        }
    }
    // Two closed at intake: not organised crime, and not a municipal task.
    for (action, subject) in [
        (Action::Weighing1NotMet, addresses[1]),
        (Action::Weighing2ANotMet, addresses[4]),
    ] {
        let draft = SignalDraft {
            ontvangen: (today() - time::Duration::days(20)).to_string(),
            kanaal: "telefoon".into(),
            omschrijving: "Melding van een bewoner.".into(),
            betrouwbaarheid_bron: "C".into(),
            betrouwbaarheid_informatie: "3".into(),
            tlp: "amber".into(),
            subjecten: vec![subject],
            ..Default::default()
        };
        let signal = draft
            .validate(&matrices, today())
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = store.register_signal(&regisseur, &signal).await?.id;
        if action == Action::Weighing2ANotMet {
            store
                .take_step(&regisseur, id, &step(Action::Weighing1Met))
                .await?;
        }
        store
            .take_step(&regisseur, id, &step(action))
            .await
            .map_err(explain(action.code()))?;
    }
    // A detail request on a hit, waiting for the privacy officer.
    let research = store.signals(&analist, Queue::Open).await?;
    if let Some(s) = research
        .iter()
        .find(|s| s.state == baken_domain::signal::State::SourceResearch)
    {
        let detail = store.signal(&analist, s.id).await?;
        if let Some(q) = detail.questions.iter().find(|q| q.hit) {
            store
                .request_detail(
                    &analist,
                    q.id,
                    "Nodig om te zien of het handhavingsdossier over hetzelfde pand gaat.",
                )
                .await?;
        }
    }

    // Breda: three signals in the first steps.
    let breda = actor("regisseur@breda.demo").await?;
    let breda_team = actor("team@breda.demo").await?;
    let address = AddressDraft {
        straat: "Haagweg".into(),
        postcode: "4814 GA".into(),
        huisnummer: "21".into(),
        gemeente: "GM0758".into(),
        ..Default::default()
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("demo address: {e:?}"))?;
    let breda_address = store
        .register_subject(&breda, &NewSubject::Address(address))
        .await?;
    for steps in [0usize, 3, 4] {
        let draft = SignalDraft {
            ontvangen: (today() - time::Duration::days(5 + steps as i64)).to_string(),
            kanaal: "eigen-professional".into(),
            melder_afdeling: "Toezicht".into(),
            omschrijving: "Kapsalon die zelden open is, met veel bezoek na sluitingstijd.".into(),
            fenomeen: phenomenon.clone(),
            betrouwbaarheid_bron: "B".into(),
            betrouwbaarheid_informatie: "2".into(),
            tlp: "amber".into(),
            subjecten: vec![breda_address],
            ..Default::default()
        };
        let signal = draft
            .validate(&matrices, today())
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = store.register_signal(&breda, &signal).await?.id;
        for &action in &path[..steps.min(3)] {
            let by = if action == Action::Weighing3SourceResearch {
                &breda_team
            } else {
                &breda
            };
            store.take_step(by, id, &step(action)).await?;
        }
        if steps == 4 {
            store
                .take_step(&breda_team, id, &step(Action::Weighing3NotHandled))
                .await?;
        }
    }
    // Tilburg offers its step plan as a template; Breda can adopt it.
    let beheerder = actor("beheerder@tilburg.demo").await?;
    store.publish_signal_protocol(&beheerder, true).await?;
    Ok(true)
}

/// A cross-border case between Breda and a Belgian municipality, with one letter recorded on
/// it. Once: nothing is done when Breda has cases already.
pub async fn load_crossborder_demo(store: &Store) -> Result<bool> {
    use baken_domain::crossborder::LetterInput;
    use baken_domain::crossborder::case::CaseDraft;

    let op = Operator::command_line("serve-demo");
    let breda = store.demo_actor(&op, "regisseur@breda.demo").await?;
    if !store.crossborder_cases(&breda).await?.is_empty() {
        return Ok(false);
    }
    let case = CaseDraft {
        land_verzoeker: "NL".into(),
        land_aangezochte: "BE".into(),
        fenomeen: "horeca".into(),
        verzoekende_instantie: "Gemeente Breda, team Ondermijning".into(),
        aangezochte_instantie: "Gemeente Hoogstraten, dienst Lokale Economie".into(),
        obstakel: "geen".into(),
        uitkomst: "lopend".into(),
        toelichting: "Exploitant van een in Breda gesloten shishalounge vraagt in Hoogstraten een uitbatingsvergunning aan.".into(),
        signaal: None,
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("demo case: {e:?}"))?;
    let id = store.register_crossborder_case(&breda, &case).await?;
    let mut input = LetterInput::default();
    for (k, v) in [
        ("afzender.organisatie", "Gemeente Breda"),
        ("afzender.afdeling", "Team Ondermijning"),
        ("afzender.land", "NL"),
        ("afzender.contactpersoon", "M. Verbeek"),
        ("afzender.functie", "coördinator bestuurlijke aanpak"),
        ("ontvanger.instantie", "Gemeente Hoogstraten"),
        ("ontvanger.land", "BE"),
        ("kenmerk", "BR-GRENS-2026-001"),
        ("betreft.naam", "Lounge Grenszicht BV"),
        (
            "gevraagd",
            "De vergunningshistorie van de aanvrager en de onderneming sinds 2022.",
        ),
        (
            "doel",
            "Besluit over een exploitatievergunning en een Bibob-onderzoek.",
        ),
        ("grondslag", "Wet Bibob, art. 7a"),
        (
            "belang",
            "Voorkomen dat een in Breda gesloten zaak over de grens opnieuw opent.",
        ),
        ("bewaartermijn", "vijf jaar na het besluit"),
    ] {
        input.set(k, v);
    }
    store
        .record_letter(&breda, id, "vergunningshistorie", "nl", &input)
        .await?;
    Ok(true)
}

/// Sharing: the RIEC Zeeland-West-Brabant covenant with Tilburg, Breda and the police, signed
/// by all, and one case Tilburg shared with the RIEC: two approved items for the participants,
/// one kept for Tilburg itself and one waiting for the privacy officer.
pub async fn load_sharing_demo(store: &Store) -> Result<bool> {
    use baken_domain::sharing::{CovenantDraft, PartyDraft, ShareDraft};
    use baken_store::sharing::case::NewSharedCase;

    let op = Operator::command_line("serve-demo");
    let riec_privacy = store.demo_actor(&op, "privacy@riec-zwb.demo").await?;
    if !store.covenants(&riec_privacy).await?.is_empty() {
        return Ok(false);
    }
    let party = |org: &str, basis: &str, signatory: &str| PartyDraft {
        organisatie: org.into(),
        grondslag: basis.into(),
        ondertekenaar: signatory.into(),
    };
    let municipal = "Art. 6 lid 1 sub e AVG; Gemeentewet art. 172 (openbare orde); Wet Bibob";
    let covenant = CovenantDraft {
        naam: "RIEC-convenant Zeeland-West-Brabant".into(),
        doelen: ["bestuurlijke-aanpak", "integrale-casus", "bibob", "hit-no-hit"]
            .map(String::from)
            .to_vec(),
        categorieen: ["identificerend", "adres", "onderneming", "financieel", "signaal", "maatregelen"]
            .map(String::from)
            .to_vec(),
        geldig_van: "2026-01-01".into(),
        geldig_tot: "2029-12-31".into(),
        regeling: "De partijen zijn gezamenlijk verwerkingsverantwoordelijk (art. 26 AVG). Het RIEC is het centrale aanspreekpunt voor betrokkenen; elke partij blijft verantwoordelijk voor de juistheid van wat zij verstrekt en beantwoordt verzoeken over haar eigen gegevens. Datalekken meldt de partij waar het lek ontstond, en zij informeert de andere partijen binnen 24 uur.".into(),
        bewaartermijn_dagen: 730,
        partijen: vec![
            party("riec-zwb", "Art. 6 lid 1 sub e AVG; RIEC-convenant en privacyprotocol RIEC-LIEC", "voorzitter stuurgroep RIEC"),
            party("tilburg", municipal, "burgemeester"),
            party("breda", municipal, "burgemeester"),
            party("politie-zwb", "Wet politiegegevens art. 20 en 24c; RIEC-convenant", "politiechef eenheid Zeeland-West-Brabant"),
        ],
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("demo covenant: {e:?}"))?;
    let id = store.register_covenant(&riec_privacy, &covenant).await?;
    for signer in [
        "privacy@riec-zwb.demo",
        "privacy@tilburg.demo",
        "privacy@breda.demo",
        "privacy@politie-zwb.demo",
    ] {
        store
            .sign_covenant(&store.demo_actor(&op, signer).await?, id)
            .await?;
    }
    let coordinator = store.demo_actor(&op, "regisseur@tilburg.demo").await?;
    let case = store
        .open_shared_case(
            &coordinator,
            &NewSharedCase {
                covenant: id,
                title: "Casus Piushaven: bedrijfspand en horeca".into(),
                phenomenon: "vastgoed".into(),
                signal: None,
                participants: vec!["riec-zwb".into()],
            },
        )
        .await?;
    let items = [
        (
            "Eigendom en gebruik bedrijfspand",
            "Het pand aan de havenkade is sinds 2024 eigendom van een bv die in twee jaar drie keer van bestuurder wisselde. De huurder exploiteert er een shishalounge zonder exploitatievergunning.",
            "adres",
            "deelnemers",
            "amber",
            true,
        ),
        (
            "Handhavingshistorie",
            "Twee lasten onder dwangsom (2025) wegens strijdig gebruik; één keer verbeurd en betaald in contanten.",
            "maatregelen",
            "deelnemers",
            "amber",
            true,
        ),
        (
            "Interne afweging ondermijningsteam",
            "Het team overweegt een Bibob-toets bij de volgende vergunningaanvraag; nog geen besluit.",
            "signaal",
            "organisatie",
            "amber-strict",
            true,
        ),
        (
            "Betrokken ondernemingen",
            "Twee ondernemingen op hetzelfde adres, beide ingeschreven in 2024; KvK-gegevens volgen na goedkeuring.",
            "onderneming",
            "deelnemers",
            "amber",
            false,
        ),
    ];
    let privacy = store.demo_actor(&op, "privacy@tilburg.demo").await?;
    for (title, content, category, distribution, tlp, approve) in items {
        let share = ShareDraft {
            titel: title.into(),
            inhoud: content.into(),
            doel: "integrale-casus".into(),
            categorie: category.into(),
            verspreiding: distribution.into(),
            tlp: tlp.into(),
            minimalisatie: "Alleen wat het RIEC nodig heeft om de casus te analyseren; geen namen van natuurlijke personen.".into(),
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("demo share: {e:?}"))?;
        let item = store.share_item(&coordinator, case, &share).await?;
        if approve {
            store
                .decide_item(
                    &privacy,
                    item,
                    true,
                    "Valt onder doel en categorieën van het convenant.",
                )
                .await?;
        }
    }
    Ok(true)
}
