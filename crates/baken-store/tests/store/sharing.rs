//! Sharing between organisations: covenants, what a partner sees of a shared case, hit/no-hit
//! runs between organisations, and exchange packages between two installations.

use baken_domain::sharing::covenant::CovenantStatus;
use baken_domain::sharing::identifier::IdentifierKind;
use baken_domain::sharing::package::PackageError;
use baken_domain::sharing::{CovenantDraft, PartyDraft, ShareDraft};
use baken_store::sharing::case::NewSharedCase;
use baken_store::sharing::exchange::{ReceiveError, Receiver};
use baken_store::sharing::matching::{MAX_MATCHES_PER_DAY, WebAsk};
use baken_store::{Store, StoreError};

use crate::{demo_store, sign_in};

async fn count(store: &Store, sql: &str) -> i64 {
    store.query_i64(sql).await.unwrap()
}

fn covenant_draft() -> CovenantDraft {
    let party = |org: &str, basis: &str| PartyDraft {
        organisatie: org.into(),
        grondslag: basis.into(),
        ondertekenaar: "burgemeester".into(),
    };
    CovenantDraft {
        naam: "Convenant RIEC Zeeland-West-Brabant".into(),
        doelen: vec!["integrale-casus".into(), "hit-no-hit".into()],
        categorieen: vec!["adres".into(), "onderneming".into(), "signaal".into()],
        geldig_van: "2026-01-01".into(),
        geldig_tot: "2099-12-31".into(),
        regeling: "Het RIEC is het aanspreekpunt voor betrokkenen; elke partij blijft verantwoordelijk voor wat zij verstrekt.".into(),
        bewaartermijn_dagen: 730,
        partijen: vec![
            party("riec-zwb", "Art. 6 lid 1 sub e AVG; RIEC-convenant"),
            party("tilburg", "Gemeentewet art. 172; art. 6 lid 1 sub e AVG"),
            party("politie-zwb", "Wpg art. 20; RIEC-convenant"),
        ],
    }
}

/// A covenant signed by all three parties.
async fn active_covenant(store: &Store) -> i64 {
    let tilburg = sign_in(store, "privacy@tilburg.demo").await;
    let id = store
        .register_covenant(&tilburg, &covenant_draft().validate().unwrap())
        .await
        .unwrap();
    for signer in [
        "privacy@tilburg.demo",
        "privacy@riec-zwb.demo",
        "privacy@politie-zwb.demo",
    ] {
        let actor = sign_in(store, signer).await;
        store.sign_covenant(&actor, id).await.unwrap();
    }
    id
}

/// A case under `covenant` with one partner, opened by `actor`'s organisation.
fn case_with(covenant: i64, title: &str, partner: &str) -> NewSharedCase {
    NewSharedCase {
        covenant,
        title: title.into(),
        phenomenon: String::new(),
        signal: None,
        participants: vec![partner.into()],
    }
}

/// An active covenant and a case Tilburg's coordinator opened under it with the RIEC.
async fn tilburg_case(store: &Store, title: &str) -> (i64, baken_store::Actor, i64) {
    let covenant = active_covenant(store).await;
    let coordinator = sign_in(store, "regisseur@tilburg.demo").await;
    let case = store
        .open_shared_case(&coordinator, &case_with(covenant, title, "riec-zwb"))
        .await
        .unwrap();
    (covenant, coordinator, case)
}

fn share(title: &str, distribution: &str) -> ShareDraft {
    ShareDraft {
        titel: title.into(),
        inhoud: format!("{title}: inhoud die alleen de ontvangers mogen zien"),
        doel: "integrale-casus".into(),
        categorie: "adres".into(),
        verspreiding: distribution.into(),
        tlp: "amber".into(),
        minimalisatie: "Alleen wat de casusanalyse nodig heeft.".into(),
    }
}

#[tokio::test]
async fn a_covenant_is_active_once_every_party_signed_and_others_see_nothing() {
    let store = demo_store().await;
    let tilburg = sign_in(&store, "privacy@tilburg.demo").await;
    let id = store
        .register_covenant(&tilburg, &covenant_draft().validate().unwrap())
        .await
        .unwrap();
    assert_eq!(
        store.covenant(&tilburg, id).await.unwrap().status,
        CovenantStatus::Draft
    );
    store.sign_covenant(&tilburg, id).await.unwrap();
    assert!(matches!(
        store.sign_covenant(&tilburg, id).await,
        Err(StoreError::Conflict { .. })
    ));
    for signer in ["privacy@riec-zwb.demo", "privacy@politie-zwb.demo"] {
        store
            .sign_covenant(&sign_in(&store, signer).await, id)
            .await
            .unwrap();
    }
    let covenant = store.covenant(&tilburg, id).await.unwrap();
    assert_eq!(covenant.status, CovenantStatus::Active);
    assert_eq!(covenant.parties.len(), 3);

    let breda = sign_in(&store, "privacy@breda.demo").await;
    assert!(matches!(
        store.covenant(&breda, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.covenants(&breda).await.unwrap().is_empty());
    assert!(matches!(
        store.sign_covenant(&breda, id).await,
        Err(StoreError::NotFound)
    ));
    let denied = count(
        &store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'access.not_found' AND object_type = 'covenant'",
    )
    .await;
    assert!(denied >= 2, "{denied}");
}

#[tokio::test]
async fn a_partner_sees_exactly_what_was_shared_with_it() {
    let store = demo_store().await;
    let covenant = active_covenant(&store).await;
    let coordinator = sign_in(&store, "regisseur@tilburg.demo").await;
    let case = store
        .open_shared_case(
            &coordinator,
            &NewSharedCase {
                covenant,
                title: "Casus Piushaven".into(),
                phenomenon: "drugs".into(),
                signal: None,
                participants: vec!["riec-zwb".into()],
            },
        )
        .await
        .unwrap();
    let mut items = Vec::new();
    for (title, distribution) in [
        ("Eigendom pand", "deelnemers"),
        ("Interne notitie", "organisatie"),
        ("Vergunningen", "convenant"),
        ("Nog niet goedgekeurd", "deelnemers"),
    ] {
        let s = share(title, distribution).validate().unwrap();
        items.push(store.share_item(&coordinator, case, &s).await.unwrap());
    }
    let riec = sign_in(&store, "analist@riec-zwb.demo").await;
    let police = sign_in(&store, "partner@politie-zwb.demo").await;
    // Nothing is shared before the privacy officer approves.
    assert!(
        store
            .shared_case(&riec, case)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(matches!(
        store.shared_case(&police, case).await,
        Err(StoreError::NotFound)
    ));

    // Four eyes: who asked cannot approve (and a coordinator has no approval right at all).
    assert!(matches!(
        store.decide_item(&coordinator, items[0], true, "").await,
        Err(StoreError::Forbidden(_))
    ));
    let privacy = sign_in(&store, "privacy@tilburg.demo").await;
    for item in &items[..3] {
        store
            .decide_item(&privacy, *item, true, "past binnen het convenant")
            .await
            .unwrap();
    }
    assert!(matches!(
        store.decide_item(&privacy, items[0], true, "").await,
        Err(StoreError::Conflict { .. })
    ));
    // Another organisation's privacy officer cannot decide Tilburg's items.
    let riec_privacy = sign_in(&store, "privacy@riec-zwb.demo").await;
    assert!(matches!(
        store.decide_item(&riec_privacy, items[3], true, "").await,
        Err(StoreError::NotFound)
    ));

    let titles = |view: &baken_store::sharing::case::SharedCaseView| {
        view.items
            .iter()
            .map(|i| i.title.clone())
            .collect::<Vec<_>>()
    };
    let seen_by_riec = store.shared_case(&riec, case).await.unwrap();
    assert_eq!(titles(&seen_by_riec), vec!["Eigendom pand", "Vergunningen"]);
    assert!(
        seen_by_riec.items[0]
            .content
            .contains("alleen de ontvangers")
    );
    assert!(!seen_by_riec.own);
    let seen_by_police = store.shared_case(&police, case).await.unwrap();
    assert_eq!(titles(&seen_by_police), vec!["Vergunningen"]);
    let seen_by_tilburg = store.shared_case(&coordinator, case).await.unwrap();
    assert_eq!(seen_by_tilburg.items.len(), 4);

    let breda = sign_in(&store, "regisseur@breda.demo").await;
    assert!(matches!(
        store.shared_case(&breda, case).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.shared_cases(&breda).await.unwrap().is_empty());
    assert_eq!(store.shared_cases(&police).await.unwrap().len(), 1);

    // The RIEC's reading is in the audit trail of both organisations.
    let tilburg_id = coordinator.org_id();
    let riec_id = riec.org_id();
    for org in [tilburg_id, riec_id] {
        let n = count(
            &store,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'sharing.case.read' AND actor_org_id = {riec_id} AND subject_org_id = {org}"
            ),
        )
        .await;
        assert!(n >= 1, "read by the RIEC audited for org {org}");
    }
    // Content is sealed at rest.
    let plain = count(
        &store,
        "SELECT COUNT(*) FROM shared_items WHERE content_sealed LIKE '%ontvangers%'",
    )
    .await;
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn a_share_outside_the_covenant_or_after_it_ended_is_refused_with_the_reason() {
    let store = demo_store().await;
    let (covenant, coordinator, case) = tilburg_case(&store, "Casus Reeshof").await;
    let mut outside = share("Justitiële gegevens", "deelnemers");
    outside.categorie = "strafrechtelijk".into();
    match store
        .share_item(&coordinator, case, &outside.validate().unwrap())
        .await
    {
        Err(StoreError::Invalid { field, reason }) => {
            assert_eq!(field, "categorie");
            assert!(reason.contains("strafrechtelijk"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let mut bibob = share("Bibob-advies", "deelnemers");
    bibob.doel = "bibob".into();
    assert!(matches!(
        store
            .share_item(&coordinator, case, &bibob.validate().unwrap())
            .await,
        Err(StoreError::Invalid { field: "doel", .. })
    ));
    // Breda is no party: it cannot be added to the case.
    assert!(matches!(
        store
            .add_case_participant(&coordinator, case, "breda")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let pending = store
        .share_item(
            &coordinator,
            case,
            &share("Eigendom", "deelnemers").validate().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM shared_items").await,
        1,
        "refused shares leave nothing behind"
    );

    // The covenant ends: no new shares, and what waited cannot be approved any more.
    let privacy = sign_in(&store, "privacy@tilburg.demo").await;
    store.terminate_covenant(&privacy, covenant).await.unwrap();
    assert!(matches!(
        store
            .share_item(
                &coordinator,
                case,
                &share("Later", "deelnemers").validate().unwrap()
            )
            .await,
        Err(StoreError::Invalid {
            field: "convenant",
            ..
        })
    ));
    assert!(matches!(
        store.decide_item(&privacy, pending, true, "").await,
        Err(StoreError::Invalid {
            field: "convenant",
            ..
        })
    ));
    assert!(matches!(
        store
            .open_shared_case(
                &coordinator,
                &NewSharedCase {
                    covenant,
                    title: "Nieuwe casus".into(),
                    phenomenon: String::new(),
                    signal: None,
                    participants: vec![],
                },
            )
            .await,
        Err(StoreError::Invalid {
            field: "convenant",
            ..
        })
    ));
}

fn kvk_list(range: std::ops::Range<u32>) -> Vec<String> {
    range.map(|i| format!("{:08}", 30_000_000 + i)).collect()
}

#[tokio::test]
async fn hit_no_hit_between_organisations_tells_only_the_asker_its_hits() {
    let store = demo_store().await;
    let covenant = active_covenant(&store).await;
    let tilburg = sign_in(&store, "regisseur@tilburg.demo").await;
    let police = sign_in(&store, "partner@politie-zwb.demo").await;
    let mine = kvk_list(0..40);
    let id = store
        .ask_match(
            &tilburg,
            "politie-zwb",
            covenant,
            IdentifierKind::Coc,
            None,
            Some(WebAsk { identifiers: &mine }),
        )
        .await
        .unwrap();
    // The question at rest holds blinded points and the sealed list, never the identifiers.
    let clear = count(
        &store,
        &format!(
            "SELECT COUNT(*) FROM match_requests WHERE asker_ids_sealed LIKE '%{}%'",
            mine[0]
        ),
    )
    .await;
    assert_eq!(clear, 0);
    let asked = store.match_run(&police, id).await.unwrap();
    assert_eq!(
        (asked.asked_count, asked.mine, asked.hits.clone()),
        (40, false, None)
    );

    store
        .answer_match(&police, id, kvk_list(30..90))
        .await
        .unwrap();
    let run = store.match_run(&tilburg, id).await.unwrap();
    assert_eq!(run.hits, Some(kvk_list(30..40)));
    assert_eq!((run.hit_count, run.held_count), (Some(10), Some(60)));
    let theirs = store.match_run(&police, id).await.unwrap();
    assert_eq!((theirs.hits, theirs.hit_count), (None, None));
    // Key and points are forgotten once finished.
    let left = count(
        &store,
        &format!("SELECT COUNT(*) FROM match_requests WHERE id = {id} AND (request_points IS NOT NULL OR asker_key_sealed <> '')"),
    )
    .await;
    assert_eq!(left, 0);
    // Breda sees nothing of it; the police cannot answer twice.
    let breda = sign_in(&store, "regisseur@breda.demo").await;
    assert!(matches!(
        store.match_run(&breda, id).await,
        Err(StoreError::Forbidden(_)) | Err(StoreError::NotFound)
    ));
    assert!(
        store
            .answer_match(&police, id, kvk_list(0..5))
            .await
            .is_err()
    );
    // Breda is no party to the covenant: it cannot be asked.
    assert!(matches!(
        store
            .ask_match(
                &tilburg,
                "breda",
                covenant,
                IdentifierKind::Coc,
                None,
                Some(WebAsk { identifiers: &mine })
            )
            .await,
        Err(StoreError::Invalid {
            field: "partner",
            ..
        })
    ));
    // BSNs are not a category of this covenant.
    assert!(matches!(
        store
            .ask_match(
                &tilburg,
                "politie-zwb",
                covenant,
                IdentifierKind::Bsn,
                None,
                Some(WebAsk { identifiers: &mine })
            )
            .await,
        Err(StoreError::Invalid { field: "soort", .. })
    ));
}

#[tokio::test]
async fn runs_are_limited_per_day_so_a_list_cannot_be_enumerated() {
    let store = demo_store().await;
    let covenant = active_covenant(&store).await;
    let tilburg = sign_in(&store, "regisseur@tilburg.demo").await;
    let list = kvk_list(0..3);
    for _ in 0..MAX_MATCHES_PER_DAY {
        store
            .ask_match(
                &tilburg,
                "politie-zwb",
                covenant,
                IdentifierKind::Coc,
                None,
                Some(WebAsk { identifiers: &list }),
            )
            .await
            .unwrap();
    }
    assert!(matches!(
        store
            .ask_match(
                &tilburg,
                "politie-zwb",
                covenant,
                IdentifierKind::Coc,
                None,
                Some(WebAsk { identifiers: &list })
            )
            .await,
        Err(StoreError::Invalid {
            field: "limiet",
            ..
        })
    ));
    // A run about one or two identifiers would be a lookup, not a comparison.
    let breda_free = kvk_list(0..2);
    let riec = sign_in(&store, "analist@riec-zwb.demo").await;
    assert!(matches!(
        store
            .ask_match(
                &riec,
                "politie-zwb",
                covenant,
                IdentifierKind::Coc,
                None,
                Some(WebAsk {
                    identifiers: &breda_free
                })
            )
            .await,
        Err(StoreError::Invalid { field: "lijst", .. })
    ));
}

/// Two installations: Tilburg's and the police's, each with its own database.
#[tokio::test]
async fn packages_travel_between_installations_and_tampered_or_replayed_ones_are_refused() {
    let tilburg_store = demo_store().await;
    let police_store = demo_store().await;
    let covenant = active_covenant(&tilburg_store).await;
    let coordinator = sign_in(&tilburg_store, "regisseur@tilburg.demo").await;
    let tilburg_privacy = sign_in(&tilburg_store, "privacy@tilburg.demo").await;
    let police_privacy = sign_in(&police_store, "privacy@politie-zwb.demo").await;
    let police_partner = sign_in(&police_store, "partner@politie-zwb.demo").await;

    // Each side configures the other's public keys.
    let police_keys = police_store
        .exchange_public_keys(&police_privacy)
        .await
        .unwrap();
    let tilburg_keys = tilburg_store
        .exchange_public_keys(&tilburg_privacy)
        .await
        .unwrap();
    let partner = tilburg_store
        .add_exchange_partner(
            &tilburg_privacy,
            "Politie ZWB",
            "politie-zwb",
            "https://politie.example",
            &police_keys.to_text(),
        )
        .await
        .unwrap();
    police_store
        .add_exchange_partner(
            &police_privacy,
            "Gemeente Tilburg",
            "tilburg",
            "https://tilburg.example",
            &tilburg_keys.to_text(),
        )
        .await
        .unwrap();

    let case = tilburg_store
        .open_shared_case(
            &coordinator,
            &NewSharedCase {
                covenant,
                title: "Casus Spoorzone".into(),
                phenomenon: "vastgoed".into(),
                signal: None,
                participants: vec!["politie-zwb".into()],
            },
        )
        .await
        .unwrap();
    // Nothing approved yet: no package.
    assert!(
        tilburg_store
            .export_case_package(&coordinator, case, partner)
            .await
            .is_err()
    );
    let shared = tilburg_store
        .share_item(
            &coordinator,
            case,
            &share("Eigendom pand", "deelnemers").validate().unwrap(),
        )
        .await
        .unwrap();
    let internal = tilburg_store
        .share_item(
            &coordinator,
            case,
            &share("Interne notitie", "organisatie").validate().unwrap(),
        )
        .await
        .unwrap();
    for item in [shared, internal] {
        tilburg_store
            .decide_item(&tilburg_privacy, item, true, "")
            .await
            .unwrap();
    }
    let (package, _) = tilburg_store
        .export_case_package(&coordinator, case, partner)
        .await
        .unwrap();
    let bytes = serde_json::to_vec(&package).unwrap();

    // Tampered: one character of the ciphertext changed.
    let mut tampered = package.clone();
    tampered.inhoud = tampered
        .inhoud
        .replacen(|c: char| c.is_ascii_alphabetic(), "A", 1);
    if tampered.inhoud == package.inhoud {
        tampered.inhoud = tampered.inhoud.replacen('A', "B", 1);
    }
    let refused = police_store
        .receive_package(
            Receiver::Actor(&police_partner),
            &serde_json::to_vec(&tampered).unwrap(),
        )
        .await;
    assert!(
        matches!(refused, Err(ReceiveError::Refused(PackageError::Tampered))),
        "{refused:?}"
    );

    // Wrongly addressed: Breda's installation (the same demo data) refuses it.
    let breda = sign_in(&police_store, "regisseur@breda.demo").await;
    let wrong = police_store
        .receive_package(Receiver::Actor(&breda), &bytes)
        .await;
    assert!(
        matches!(
            wrong,
            Err(ReceiveError::Refused(PackageError::UnknownSender(_))
                | ReceiveError::Refused(PackageError::WrongRecipient(_)))
        ),
        "{wrong:?}"
    );

    let (id, payload) = police_store
        .receive_package(Receiver::Actor(&police_partner), &bytes)
        .await
        .unwrap();
    assert_eq!(payload.titel, "Casus Spoorzone");
    let titles: Vec<&str> = payload.items.iter().map(|i| i.titel.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Eigendom pand"],
        "the internal note stays home"
    );
    assert_eq!(
        police_store
            .received_package(&police_partner, id)
            .await
            .unwrap(),
        payload
    );

    // Replayed: the same package again.
    let replay = police_store
        .receive_package(
            Receiver::Push {
                remote: "203.0.113.9".into(),
            },
            &bytes,
        )
        .await;
    assert!(
        matches!(replay, Err(ReceiveError::Refused(PackageError::Replayed))),
        "{replay:?}"
    );
    let refusals = count(
        &police_store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sharing.exchange.refused'",
    )
    .await;
    assert_eq!(refusals, 3);
    // Another organisation of the receiving installation cannot read it.
    assert!(matches!(
        police_store.received_package(&breda, id).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn an_expired_covenant_carries_no_new_case_and_no_run() {
    let store = demo_store().await;
    let privacy = sign_in(&store, "privacy@tilburg.demo").await;
    let mut draft = covenant_draft();
    draft.geldig_van = "2020-01-01".into();
    draft.geldig_tot = "2021-12-31".into();
    let id = store
        .register_covenant(&privacy, &draft.validate().unwrap())
        .await
        .unwrap();
    assert_eq!(
        store.covenant(&privacy, id).await.unwrap().status,
        CovenantStatus::Expired
    );
    // An expired covenant cannot be signed any more, nor carry a case or a run.
    assert!(matches!(
        store.sign_covenant(&privacy, id).await,
        Err(StoreError::Invalid { .. })
    ));
    let coordinator = sign_in(&store, "regisseur@tilburg.demo").await;
    let opened = store
        .open_shared_case(&coordinator, &case_with(id, "Te laat", "riec-zwb"))
        .await;
    match opened {
        Err(StoreError::Invalid { field, reason }) => {
            assert_eq!(field, "convenant");
            assert!(reason.contains("verlopen"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let list = kvk_list(0..5);
    assert!(matches!(
        store
            .ask_match(
                &coordinator,
                "politie-zwb",
                id,
                IdentifierKind::Coc,
                None,
                Some(WebAsk { identifiers: &list })
            )
            .await,
        Err(StoreError::Invalid {
            field: "convenant",
            ..
        })
    ));
}

#[tokio::test]
async fn a_case_is_handed_over_only_from_a_signal_the_step_plan_gave_to_the_riec() {
    let store = demo_store().await;
    let covenant = active_covenant(&store).await;
    let coordinator = sign_in(&store, "regisseur@tilburg.demo").await;
    let subject = store
        .register_subject(
            &coordinator,
            &crate::signal::person("Jan Steen", "111222333"),
        )
        .await
        .unwrap();
    let signal = store
        .register_signal(&coordinator, &crate::signal::signal(vec![subject]))
        .await
        .unwrap();
    let hand_over = |signal: i64| NewSharedCase {
        covenant,
        title: "Casus uit het stappenplan".into(),
        phenomenon: String::new(),
        signal: Some(signal),
        participants: vec!["riec-zwb".into()],
    };
    assert!(matches!(
        store
            .open_shared_case(&coordinator, &hand_over(signal.id))
            .await,
        Err(StoreError::Invalid {
            field: "signaal",
            ..
        })
    ));
    // The step plan's hand-over (weighing 4 or the case meeting) leaves the signal here.
    store
        .execute_raw(&format!(
            "UPDATE signals SET state = 'naar-riec' WHERE id = {}",
            signal.id
        ))
        .await
        .unwrap();
    let case = store
        .open_shared_case(&coordinator, &hand_over(signal.id))
        .await
        .unwrap();
    let view = store.shared_case(&coordinator, case).await.unwrap();
    assert_eq!(view.case.signal_id, Some(signal.id));
    // Breda cannot hand over Tilburg's signal: not found.
    let breda = sign_in(&store, "regisseur@breda.demo").await;
    assert!(matches!(
        store.open_shared_case(&breda, &hand_over(signal.id)).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn a_closed_case_is_destroyed_after_the_covenants_retention() {
    let store = demo_store().await;
    let (_, coordinator, case) = tilburg_case(&store, "Casus om te sluiten").await;
    store
        .share_item(
            &coordinator,
            case,
            &share("Eigendom", "deelnemers").validate().unwrap(),
        )
        .await
        .unwrap();
    // Only the opening organisation closes it.
    let riec = sign_in(&store, "analist@riec-zwb.demo").await;
    assert!(matches!(
        store.close_shared_case(&riec, case).await,
        Err(StoreError::Forbidden(_))
    ));
    store.close_shared_case(&coordinator, case).await.unwrap();
    let op = baken_store::Operator::command_line("test");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let early = store.run_retention(&op, now, false).await.unwrap();
    assert_eq!(early.shared_cases_destroyed, 0);
    let later = store
        .run_retention(&op, now + 731 * 86_400_000, false)
        .await
        .unwrap();
    assert_eq!(later.shared_cases_destroyed, 1);
    for table in ["shared_cases", "shared_items", "case_participants"] {
        assert_eq!(
            count(&store, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert!(matches!(
        store.shared_case(&coordinator, case).await,
        Err(StoreError::NotFound)
    ));
}
