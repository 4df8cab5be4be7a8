//! The audit chain of the caller's organisation, for privacy officers and administrators.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{Paginated, rfc3339};
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};
use crate::pages::audit::AuditQuery;

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct AuditApiQuery {
    /// Part of the actor's e-mail address.
    wie: Option<String>,
    /// Prefix of the action, e.g. `auth.` or `org.user.read`.
    actie: Option<String>,
    /// Object type, or `type:id`.
    object: Option<String>,
    /// ok, denied or failed.
    uitkomst: Option<String>,
    /// From this day (YYYY-MM-DD, UTC).
    van: Option<String>,
    /// Up to and including this day (YYYY-MM-DD, UTC).
    tot: Option<String>,
    pagina: Option<u32>,
    paginagrootte: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditregelJson {
    pub volgnummer: i64,
    pub tijdstip: String,
    pub wie: String,
    pub actie: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub uitkomst: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// Records of the audit chain about the caller's organisation, newest first.
#[utoipa::path(get, path = "/api/v1/auditregels", tag = "audit",
    params(AuditApiQuery),
    responses((status = 200, body = Paginated<AuditregelJson>), (status = 403, description = "Geen recht")),
    security(("bearer" = [])))]
pub(crate) async fn entries(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Query(q): Query<AuditApiQuery>,
) -> Result<Json<Paginated<AuditregelJson>>, AppError> {
    let form = AuditQuery {
        wie: q.wie.unwrap_or_default(),
        actie: q.actie.unwrap_or_default(),
        object: q.object.unwrap_or_default(),
        uitkomst: q.uitkomst.unwrap_or_default(),
        van: q.van.unwrap_or_default(),
        tot: q.tot.unwrap_or_default(),
        pagina: q.pagina,
    };
    let filter = form.filter().map_err(|(field, _)| AppError::BadRequest {
        detail: format!("invalid filter {field}"),
        params: vec![InvalidParam {
            name: field.into(),
            reason: "ok | denied | failed, dates as YYYY-MM-DD".into(),
        }],
    })?;
    let page = baken_store::Page::new(q.pagina.unwrap_or(1), q.paginagrootte.unwrap_or(25));
    let paged = state.store.audit_entries(&actor, &filter, page).await?;
    Ok(Json(Paginated::new(paged, "/api/v1/auditregels", |e| {
        AuditregelJson {
            volgnummer: e.seq,
            tijdstip: rfc3339(e.occurred_at),
            wie: e.actor_label,
            actie: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            uitkomst: e.outcome.code().to_owned(),
            details: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        }
    })))
}
