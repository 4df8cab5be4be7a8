//! The OpenAPI 3 document, generated from the handlers' `#[utoipa::path]` annotations.

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{area, audit, crossborder, dashboard, matrix, org, readiness, sharing, signal};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Baken API", description = "De API van Baken: informatiepositie ondermijning. Fouten als application/problem+json."),
    paths(org::me, org::organisations, org::organisation, org::users, org::user, org::create_user, area::areas, area::area, dashboard::indicators, dashboard::values, dashboard::standouts, matrix::phenomena, matrix::phenomenon, matrix::sources, matrix::inventory, matrix::replace_inventory, matrix::phenomenon_coverage, readiness::questions, readiness::submit, readiness::round, signal::list, signal::create, signal::show, signal::history, signal::act, signal::subjects, signal::create_subject, signal::relations, signal::add_relation, crossborder::glossary, crossborder::sources, crossborder::letter, sharing::covenants, sharing::create_covenant, sharing::covenant, sharing::cases, sharing::create_case, sharing::case, sharing::participants, sharing::add_participant, sharing::share_item, sharing::matches, sharing::ask, sharing::run, sharing::receive, audit::entries),
    modifiers(&BearerAuth),
    tags(
        (name = "organisaties", description = "Organisaties en de aanroeper zelf"),
        (name = "gebruikers", description = "Gebruikers van de eigen organisatie"),
        (name = "gebieden", description = "Gebieden: land, provincies, politie-eenheden (RIEC-regio's), veiligheidsregio's, gemeenten"),
        (name = "zicht", description = "Dashboards: indicatoren, waarden met vergelijkingen, wat opvalt"),
        (name = "matrices", description = "Indicatorenmatrices, vindplaatsen, de eigen inventaris en dekking"),
        (name = "gereedheid", description = "De zelfscan: vragen, antwoorden en uitslag per ronde"),
        (name = "signalen", description = "Signalen en het stappenplan: subjecten, stappen, historie"),
        (name = "delen", description = "Delen tussen organisaties: convenanten, casussen, hit/no-hit, uitwisseling"),
        (name = "grens", description = "Over de grens: begrippen, openbare bronnen, brieven"),
        (name = "audit", description = "De auditketen van de eigen organisatie"),
    )
)]
pub struct ApiDoc;

/// The document as JSON.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub(crate) async fn document() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], json())
}
