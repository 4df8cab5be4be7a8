//! Subjects (addresses, companies, persons) and the dated relations between them.
//!
//! A person is stored as a keyed pseudonym with the name and date of birth sealed; the clear
//! form is opened only for a role with [`Permission::ViewPersons`], and each opening is audited.

use baken_domain::auth::Permission;
use baken_domain::signal::subject::RelationKind;
use baken_domain::signal::{NewAddress, NewCompany, NewPerson, SubjectKind};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

/// A new subject of one of the three kinds.
#[derive(Debug, Clone)]
pub enum NewSubject {
    Address(NewAddress),
    Company(NewCompany),
    Person(NewPerson),
}

/// A subject as pages and the API show it. A person's `label` is its pseudonym's short form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub id: i64,
    pub kind: SubjectKind,
    pub label: String,
    pub neighbourhood: String,
    /// A person's name and date of birth, when the actor may see them (and the view is audited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonClear>,
}

/// A person in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonClear {
    pub name: String,
    pub birth_date: String,
}

/// A dated relation with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relation {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    pub kind: RelationKind,
    pub valid_from: String,
    pub valid_until: String,
    pub source: String,
}

pub(crate) const PERSON_CONTEXT: &str = "subject.person";

/// The label of a person: a short form of the pseudonym, stable inside the organisation.
pub(crate) fn person_label(key: &str) -> String {
    format!("Persoon {}", &key[..key.len().min(8)])
}

pub(crate) fn subject_from_row(r: &AnyRow) -> Result<Subject, StoreError> {
    let kind: String = r.try_get("kind")?;
    Ok(Subject {
        id: r.try_get("id")?,
        kind: SubjectKind::from_code(&kind)
            .ok_or_else(|| StoreError::Internal(format!("unknown subject kind {kind}")))?,
        label: r.try_get("label")?,
        neighbourhood: r.try_get("neighbourhood")?,
        person: None,
    })
}

impl Store {
    /// Registers a subject in the actor's organisation, or returns the existing one with the
    /// same key (the same BAG id, KvK number or person pseudonym).
    pub async fn register_subject(
        &self,
        actor: &Actor,
        subject: &NewSubject,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::RegisterSignal, "subject.register")
            .await?;
        let key = self.data_key()?;
        let org = actor.org_id();
        let (kind, subject_key, alt_key, label, details, sealed, neighbourhood) = match subject {
            NewSubject::Address(a) => (
                SubjectKind::Address,
                a.key(),
                a.postcode_key(),
                a.label(),
                json!({ "gemeente": a.municipality.as_str(), "postcode": a.postcode.as_str() }),
                String::new(),
                a.neighbourhood
                    .as_ref()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
            NewSubject::Company(c) => (
                SubjectKind::Company,
                format!("kvk:{}", c.coc_number),
                String::new(),
                format!("{} (KvK {})", c.name, c.coc_number),
                json!({ "sbi": c.sbi.iter().map(|s| s.as_str()).collect::<Vec<_>>() }),
                String::new(),
                String::new(),
            ),
            NewSubject::Person(p) => {
                let pseudonym = key.pseudonym(org, &p.pseudonym_basis());
                let alt = key.pseudonym(org, &p.name_basis());
                let clear = json!({ "naam": p.name, "geboortedatum": p.birth_date.to_string() });
                (
                    SubjectKind::Person,
                    pseudonym.clone(),
                    alt,
                    person_label(&pseudonym),
                    json!({}),
                    key.seal(PERSON_CONTEXT, &clear.to_string())?,
                    String::new(),
                )
            }
        };
        let mut tx = self.db.begin().await?;
        let existing =
            sqlx::query("SELECT id FROM subjects WHERE org_id = $1 AND kind = $2 AND key = $3")
                .bind(org)
                .bind(kind.code())
                .bind(&subject_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(r) = existing {
            tx.rollback().await?;
            return Ok(r.try_get("id")?);
        }
        let id: i64 = sqlx::query(
            "INSERT INTO subjects (org_id, kind, key, alt_key, label, details, sealed, neighbourhood, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(org)
        .bind(kind.code())
        .bind(&subject_key)
        .bind(&alt_key)
        .bind(&label)
        .bind(details.to_string())
        .bind(&sealed)
        .bind(&neighbourhood)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "subject.register")
                .object("subject", id)
                .subject_org(org)
                .detail(json!({ "kind": kind.code() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The organisation's subjects of one kind (or all), newest first, at most `limit`.
    pub async fn subjects(
        &self,
        actor: &Actor,
        kind: Option<SubjectKind>,
        limit: i64,
    ) -> Result<Vec<Subject>, StoreError> {
        self.require(actor, Permission::ViewSignals, "subject.list")
            .await?;
        let rows = sqlx::query(
            "SELECT id, kind, label, neighbourhood FROM subjects WHERE org_id = $1 \
             AND ($2 = '' OR kind = $2) ORDER BY id DESC LIMIT $3",
        )
        .bind(actor.org_id())
        .bind(kind.map_or("", |k| k.code()))
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(subject_from_row).collect()
    }

    /// One subject of the actor's organisation, a person in clear when the actor may see it.
    pub async fn subject(&self, actor: &Actor, id: i64) -> Result<Subject, StoreError> {
        self.require(actor, Permission::ViewSignals, "subject.read")
            .await?;
        self.require_owned(actor, Owned::Subject, OwnedId::Int(id))
            .await?;
        let mut conn = self.db.pool.acquire().await?;
        let mut subjects = self.load_subjects(&mut conn, actor, &[id]).await?;
        subjects.pop().ok_or(StoreError::NotFound)
    }

    /// Loads subjects by id (of the actor's organisation), opening persons for those who may
    /// see them and auditing each opening.
    pub(crate) async fn load_subjects(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        ids: &[i64],
    ) -> Result<Vec<Subject>, StoreError> {
        let mut out = Vec::new();
        for &id in ids {
            let Some(r) = sqlx::query(
                "SELECT id, kind, label, neighbourhood, sealed FROM subjects WHERE id = $1 AND org_id = $2",
            )
            .bind(id)
            .bind(actor.org_id())
            .fetch_optional(&mut *conn)
            .await?
            else {
                continue;
            };
            let mut subject = subject_from_row(&r)?;
            if subject.kind == SubjectKind::Person && actor.can(Permission::ViewPersons) {
                let sealed: String = r.try_get("sealed")?;
                let clear: serde_json::Value =
                    serde_json::from_str(&self.data_key()?.open(PERSON_CONTEXT, &sealed)?)
                        .map_err(|e| StoreError::Internal(e.to_string()))?;
                subject.person = Some(PersonClear {
                    name: clear["naam"].as_str().unwrap_or_default().to_owned(),
                    birth_date: clear["geboortedatum"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                });
                self.audit_alone(
                    Entry::new(Who::actor(actor), "subject.person.view")
                        .object("subject", id)
                        .subject_org(actor.org_id()),
                )
                .await?;
            }
            out.push(subject);
        }
        Ok(out)
    }

    /// The display labels (addresses, companies, persons by pseudonym) of subjects of the
    /// actor's organisation; no person is opened.
    pub async fn subject_labels(
        &self,
        actor: &Actor,
        ids: &[i64],
    ) -> Result<std::collections::BTreeMap<i64, String>, StoreError> {
        self.require(actor, Permission::ViewSignals, "subject.labels")
            .await?;
        let mut out = std::collections::BTreeMap::new();
        for &id in ids {
            if let Some(r) = sqlx::query("SELECT label FROM subjects WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(actor.org_id())
                .fetch_optional(&self.db.pool)
                .await?
            {
                out.insert(id, r.try_get("label")?);
            }
        }
        Ok(out)
    }

    /// The kind of a subject of the actor's organisation (not found, audited, otherwise).
    async fn subject_kind(&self, actor: &Actor, id: i64) -> Result<SubjectKind, StoreError> {
        self.require_owned(actor, Owned::Subject, OwnedId::Int(id))
            .await?;
        let kind: String = sqlx::query("SELECT kind FROM subjects WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?
            .try_get("kind")?;
        SubjectKind::from_code(&kind)
            .ok_or_else(|| StoreError::Internal(format!("unknown subject kind {kind}")))
    }

    /// Records a dated relation between two subjects of the organisation, with its source.
    pub async fn add_relation(
        &self,
        actor: &Actor,
        from: i64,
        draft: &baken_domain::signal::RelationDraft,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::RegisterSignal, "subject.relation.add")
            .await?;
        let a = self.subject_kind(actor, from).await?;
        let relation = draft
            .validate(crate::signal::today())
            .map_err(StoreError::Fields)?;
        let (to, kind, valid_from, valid_until, source) = (
            relation.to,
            relation.kind,
            relation.valid_from,
            relation.valid_until,
            relation.source.as_str(),
        );
        let b = self.subject_kind(actor, to).await?;
        if !kind.allowed(a, b) {
            return Err(StoreError::Invalid {
                field: "soort",
                reason: format!(
                    "{} cannot join a {} to a {}",
                    kind.code(),
                    a.code(),
                    b.code()
                ),
            });
        }
        if valid_until.is_some_and(|u| u < valid_from) {
            return Err(StoreError::Invalid {
                field: "tot",
                reason: "a relation cannot end before it starts".into(),
            });
        }
        let source = source.trim();
        if source.is_empty() || source.chars().count() > 200 {
            return Err(StoreError::Invalid {
                field: "bron",
                reason: "a relation names its source (at most 200 characters)".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO subject_relations (org_id, from_subject, to_subject, kind, valid_from, valid_until, source, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(from)
        .bind(to)
        .bind(kind.code())
        .bind(valid_from.to_string())
        .bind(valid_until.map(|u| u.to_string()).unwrap_or_default())
        .bind(source)
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "subject.relation.add")
                .object("relation", id)
                .subject_org(actor.org_id())
                .detail(json!({ "from": from, "to": to, "kind": kind.code() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The relations a subject takes part in.
    pub async fn relations(
        &self,
        actor: &Actor,
        subject: i64,
    ) -> Result<Vec<Relation>, StoreError> {
        self.require(actor, Permission::ViewSignals, "subject.relations")
            .await?;
        self.require_owned(actor, Owned::Subject, OwnedId::Int(subject))
            .await?;
        let rows = sqlx::query(
            "SELECT id, from_subject, to_subject, kind, valid_from, valid_until, source FROM subject_relations \
             WHERE org_id = $1 AND (from_subject = $2 OR to_subject = $2) ORDER BY valid_from, id",
        )
        .bind(actor.org_id())
        .bind(subject)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(Relation {
                    id: r.try_get("id")?,
                    from: r.try_get("from_subject")?,
                    to: r.try_get("to_subject")?,
                    kind: RelationKind::from_code(&kind)
                        .ok_or_else(|| StoreError::Internal(format!("relation kind {kind}")))?,
                    valid_from: r.try_get("valid_from")?,
                    valid_until: r.try_get("valid_until")?,
                    source: r.try_get("source")?,
                })
            })
            .collect()
    }
}
