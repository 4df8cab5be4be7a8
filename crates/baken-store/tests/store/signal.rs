//! The store's side of the step plan: sealing and pseudonyms at rest, a race between two steps,
//! and a store without a data key refusing personal data.

use baken_domain::signal::subject::PersonDraft;
use baken_domain::signal::{Channel, InfoGrade, NewSignal, SourceGrade, State, StepDraft, Tlp};
use baken_store::signal::{NewSubject, today};
use baken_store::{Store, StoreError};

use crate::{demo_store, sign_in};

pub fn person(name: &str, bsn: &str) -> NewSubject {
    NewSubject::Person(
        PersonDraft {
            bsn: bsn.into(),
            naam: name.into(),
            geboortedatum: "1975-06-01".into(),
        }
        .validate(today())
        .expect("valid person"),
    )
}

pub fn signal(subjects: Vec<i64>) -> NewSignal {
    NewSignal {
        received_on: today(),
        channel: Channel::Telephone,
        reporter_org: String::new(),
        reporter_department: String::new(),
        reporter_contact: "Bel 06-12345678 na 17 uur".into(),
        description: "Beschrijving met de naam Henk Vlietstra erin".into(),
        phenomenon: None,
        indicators: Vec::new(),
        source_grade: SourceGrade::B,
        info_grade: InfoGrade::Two,
        tlp: Tlp::Amber,
        subjects,
    }
}

async fn raw_text(store: &Store, sql: &str) -> String {
    store.query_text(sql).await.expect("query")
}

#[tokio::test]
async fn personal_data_is_sealed_and_pseudonyms_differ_between_organisations() {
    let store = demo_store().await;
    let tilburg = sign_in(&store, "regisseur@tilburg.demo").await;
    let breda = sign_in(&store, "regisseur@breda.demo").await;
    let a = store
        .register_subject(&tilburg, &person("Henk Vlietstra", "111222333"))
        .await
        .unwrap();
    let b = store
        .register_subject(&breda, &person("Henk Vlietstra", "111222333"))
        .await
        .unwrap();
    let again = store
        .register_subject(&tilburg, &person("Henk  Vlietstra", "111222333"))
        .await
        .unwrap();
    assert_eq!(
        a, again,
        "the same BSN is the same subject inside one organisation"
    );
    let key_a = raw_text(&store, &format!("SELECT key FROM subjects WHERE id = {a}")).await;
    let key_b = raw_text(&store, &format!("SELECT key FROM subjects WHERE id = {b}")).await;
    assert_ne!(key_a, key_b, "unlinkable across organisations");
    assert!(!key_a.contains("111222333"));
    let sealed = raw_text(
        &store,
        &format!("SELECT sealed FROM subjects WHERE id = {a}"),
    )
    .await;
    assert!(sealed.starts_with("v1.") && !sealed.contains("Vlietstra"));
    let id = store
        .register_signal(&tilburg, &signal(vec![a]))
        .await
        .unwrap()
        .id;
    for column in ["description_sealed", "reporter_sealed"] {
        let value = raw_text(
            &store,
            &format!("SELECT {column} FROM signals WHERE id = {id}"),
        )
        .await;
        assert!(
            value.starts_with("v1.") && !value.contains("Vlietstra") && !value.contains("06-"),
            "{column}"
        );
    }
    // Another organisation's subject cannot be named in a signal.
    let refused = store.register_signal(&tilburg, &signal(vec![b])).await;
    assert!(matches!(refused, Err(StoreError::Fields(f)) if f[0].field == "subjecten"));
    // An analyst reads the signal with the person as a pseudonym only.
    let analyst = sign_in(&store, "analist@tilburg.demo").await;
    let read = store.signal(&analyst, id).await.unwrap();
    assert!(read.subject_list[0].person.is_none());
    assert!(read.reporter_contact.is_none());
    assert!(
        read.description.contains("Vlietstra"),
        "the description opens for who may read signals"
    );
}

#[tokio::test]
async fn two_people_taking_the_same_step_at_once_make_one_step() {
    let store = demo_store().await;
    let regisseur = sign_in(&store, "regisseur@tilburg.demo").await;
    let subject = store
        .register_subject(&regisseur, &person("Ria Kok", ""))
        .await
        .unwrap();
    let id = store
        .register_signal(&regisseur, &signal(vec![subject]))
        .await
        .unwrap()
        .id;
    let draft = StepDraft {
        actie: "weging-1-nee".into(),
        motivering: "Geen ondermijning.".into(),
        ..Default::default()
    };
    let (one, two) = tokio::join!(
        store.take_step(&regisseur, id, &draft),
        store.take_step(&regisseur, id, &draft)
    );
    let oks = [&one, &two].iter().filter(|r| r.is_ok()).count();
    assert_eq!(oks, 1, "{one:?} {two:?}");
    let loser = if one.is_ok() { two } else { one };
    assert!(
        matches!(
            loser,
            Err(StoreError::Conflict { .. }) | Err(StoreError::Fields(_))
        ),
        "the other loses with a conflict or finds the step gone: {loser:?}"
    );
    let history = store.signal_history(&regisseur, id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].to, State::NotHandled);
}
