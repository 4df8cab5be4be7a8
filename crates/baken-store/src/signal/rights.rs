//! Data-subject rights under the AVG: access (inzage, art. 15) to everything held on one
//! person, correction (art. 16) and erasure (art. 17). Each request is recorded and audited.

use baken_domain::auth::Permission;
use baken_domain::signal::{NewPerson, PersonDraft};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::signal::retention::destroy_signal;
use crate::signal::subject::{PERSON_CONTEXT, PersonClear, Relation};
use crate::signal::{SignalDetail, Step};
use crate::{Actor, Store, StoreError, now_ms};

const NOTE_CONTEXT: &str = "rights.note";

/// Everything held on one person, for an access request.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectExport {
    pub subject_id: i64,
    pub pseudonym: String,
    pub person: Option<PersonClear>,
    pub relations: Vec<Relation>,
    pub signals: Vec<ExportedSignal>,
    pub source_answers: Vec<ExportedAnswer>,
    pub exported_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedSignal {
    pub reference: String,
    pub state: String,
    pub received_on: String,
    pub description: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedAnswer {
    pub signal: String,
    pub source: String,
    pub hit: bool,
    pub asked_at: i64,
}

impl Store {
    /// The person subject with this BSN, or name and date of birth, in the organisation.
    pub async fn find_person(
        &self,
        actor: &Actor,
        person: &NewPerson,
    ) -> Result<Option<i64>, StoreError> {
        self.require(actor, Permission::HandleSubjectRights, "rights.find")
            .await?;
        let key = self.data_key()?;
        let primary = key.pseudonym(actor.org_id(), &person.pseudonym_basis());
        let by_name = key.pseudonym(actor.org_id(), &person.name_basis());
        let row = sqlx::query(
            "SELECT id FROM subjects WHERE org_id = $1 AND kind = 'persoon' AND (key = $2 OR alt_key = $3) ORDER BY id LIMIT 1",
        )
        .bind(actor.org_id())
        .bind(&primary)
        .bind(&by_name)
        .fetch_optional(&self.db.pool)
        .await?;
        self.audit_alone(
            Entry::new(Who::actor(actor), "rights.find")
                .subject_org(actor.org_id())
                .detail(json!({ "found": row.is_some() })),
        )
        .await?;
        Ok(row.map(|r| r.try_get("id")).transpose()?)
    }

    async fn record_request(
        &self,
        tx: &mut sqlx::AnyConnection,
        actor: &Actor,
        kind: &str,
        subject: i64,
        note: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO subject_requests (org_id, kind, subject_ref, note_sealed, handled_by, handled_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor.org_id())
        .bind(kind)
        .bind(format!("subject:{subject}"))
        .bind(self.data_key()?.seal(NOTE_CONTEXT, note.trim())?)
        .bind(actor.email())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "rights.request")
                .object("subject", subject)
                .subject_org(actor.org_id())
                .detail(json!({ "kind": kind })),
        )
        .await?;
        Ok(())
    }

    /// Everything the organisation holds on one person (an access request).
    pub async fn export_subject(
        &self,
        actor: &Actor,
        subject: i64,
    ) -> Result<SubjectExport, StoreError> {
        self.require(actor, Permission::HandleSubjectRights, "rights.access")
            .await?;
        self.require_owned(actor, Owned::Subject, OwnedId::Int(subject))
            .await?;
        let s = self.subject(actor, subject).await?;
        let relations = self.relations(actor, subject).await?;
        let ids: Vec<i64> = sqlx::query(
            "SELECT signal_id FROM signal_subjects WHERE subject_id = $1 ORDER BY signal_id",
        )
        .bind(subject)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("signal_id"))
        .collect::<Result<_, _>>()?;
        let mut signals = Vec::new();
        for id in ids {
            let d: SignalDetail = self.signal(actor, id).await?;
            signals.push(ExportedSignal {
                reference: d.summary.reference,
                state: d.summary.state.code().to_owned(),
                received_on: d.summary.received_on,
                description: d.description,
                steps: d.steps,
            });
        }
        let answers = sqlx::query(
            "SELECT s.reference, c.code, q.hit, q.asked_at FROM source_questions q JOIN signals s ON s.id = q.signal_id \
             JOIN connected_sources c ON c.id = q.source_id WHERE q.subject_id = $1 ORDER BY q.id",
        )
        .bind(subject)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ExportedAnswer {
                signal: r.try_get("reference")?,
                source: r.try_get("code")?,
                hit: r.try_get::<i64, _>("hit")? != 0,
                asked_at: r.try_get("asked_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let mut tx = self.db.begin().await?;
        self.record_request(&mut tx, actor, "inzage", subject, "")
            .await?;
        tx.commit().await?;
        Ok(SubjectExport {
            subject_id: subject,
            pseudonym: s.label,
            person: s.person,
            relations,
            signals,
            source_answers: answers,
            exported_at: now_ms(),
        })
    }

    /// Corrects a person's name and date of birth (and with them the pseudonym).
    pub async fn correct_person(
        &self,
        actor: &Actor,
        subject: i64,
        person: &PersonDraft,
        note: &str,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::HandleSubjectRights, "rights.correct")
            .await?;
        self.require_owned(actor, Owned::Subject, OwnedId::Int(subject))
            .await?;
        let person = person
            .validate(crate::signal::today())
            .map_err(StoreError::Fields)?;
        let key = self.data_key()?;
        let org = actor.org_id();
        let pseudonym = key.pseudonym(org, &person.pseudonym_basis());
        let clear = json!({ "naam": person.name, "geboortedatum": person.birth_date.to_string() });
        let mut tx = self.db.begin().await?;
        let updated = sqlx::query(
            "UPDATE subjects SET key = $1, alt_key = $2, label = $3, sealed = $4 WHERE id = $5 AND kind = 'persoon'",
        )
        .bind(&pseudonym)
        .bind(key.pseudonym(org, &person.name_basis()))
        .bind(crate::signal::subject::person_label(&pseudonym))
        .bind(key.seal(PERSON_CONTEXT, &clear.to_string())?)
        .bind(subject)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "persoon"))?
        .rows_affected();
        if updated != 1 {
            tx.rollback().await?;
            return Err(StoreError::Invalid {
                field: "subject",
                reason: "only a person can be corrected this way".into(),
            });
        }
        self.record_request(&mut tx, actor, "correctie", subject, note)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Erases a subject: it is removed from every signal, with its relations and the answers
    /// about it; a signal that named only this subject is destroyed (tombstone kept).
    pub async fn erase_subject(
        &self,
        actor: &Actor,
        subject: i64,
        note: &str,
    ) -> Result<usize, StoreError> {
        self.require(actor, Permission::HandleSubjectRights, "rights.erase")
            .await?;
        self.require_owned(actor, Owned::Subject, OwnedId::Int(subject))
            .await?;
        let mut tx = self.db.begin().await?;
        let signals: Vec<i64> =
            sqlx::query("SELECT signal_id FROM signal_subjects WHERE subject_id = $1")
                .bind(subject)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get("signal_id"))
                .collect::<Result<_, _>>()?;
        let mut destroyed = 0;
        let batch = format!("verwijderverzoek-{}", now_ms());
        for signal in signals {
            let others: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM signal_subjects WHERE signal_id = $1 AND subject_id <> $2",
            )
            .bind(signal)
            .bind(subject)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if others == 0 {
                destroy_signal(&mut tx, signal, "verwijderverzoek", &batch, actor.email()).await?;
                destroyed += 1;
            }
        }
        for sql in [
            "DELETE FROM source_questions WHERE subject_id = $1",
            "DELETE FROM signal_subjects WHERE subject_id = $1",
            "DELETE FROM subject_relations WHERE from_subject = $1 OR to_subject = $1",
            "DELETE FROM subjects WHERE id = $1",
        ] {
            sqlx::query(sql).bind(subject).execute(&mut *tx).await?;
        }
        self.record_request(&mut tx, actor, "verwijdering", subject, note)
            .await?;
        tx.commit().await?;
        self.checkpoint().await?;
        Ok(destroyed)
    }
}
