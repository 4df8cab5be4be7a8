//! The route registry: every route of Baken, with the access it needs, in one list.
//!
//! The router is built from this list and each route's guard is derived from its
//! [`RouteSpec`], so a route cannot exist without a declared access rule. The permission-matrix
//! test walks the same list: a new route joins the matrix by being added here.

use axum::Extension;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post, put};
use baken_domain::auth::Permission;
use serde_json::json;

use crate::context::RequestContext;
use crate::error::{AppError, Surface};
use crate::{AppState, api, assets, pages};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (login page, health, static files, the OpenAPI document).
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose roles grant this business permission.
    Permission(Permission),
}

/// A path parameter that names an object owned by an organisation; the matrix test calls
/// such routes with an object of the caller's own organisation and with one of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantParam {
    /// `{id}` is a user id.
    User,
    /// `{id}` is a background job (an import) id.
    Job,
    /// `{id}` is a signal id.
    Signal,
    /// `{id}` is a subject id.
    Subject,
    /// `{id}` is a cross-border case id.
    CrossBorderCase,
}

/// The body limit of a path that takes uploads larger than the general limit, if it is one.
pub fn upload_limit(path: &str) -> Option<usize> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["importeren"] => Some(baken_store::job::MAX_JOB_FILE_BYTES + 64 * 1024),
        ["signalen", "bronnen"] => Some(pages::signal_admin::MAX_EXTRACT_BYTES + 64 * 1024),
        ["delen", "matches"] | ["api", "v1", "matches"] => {
            Some(pages::sharing::MAX_LIST_UPLOAD * 2 + 64 * 1024)
        }
        ["delen", "matches", id, "antwoord"] if id.parse::<i64>().is_ok() => {
            Some(pages::sharing::MAX_LIST_UPLOAD + 64 * 1024)
        }
        ["delen", "uitwisseling", "ontvangen"] | ["api", "v1", "uitwisseling"] => {
            Some(baken_domain::sharing::package::MAX_PACKAGE_BYTES + 64 * 1024)
        }
        ["signalen", id, "bijlagen"] if id.parse::<i64>().is_ok() => {
            Some(pages::signal::MAX_ATTACHMENT_BYTES + 64 * 1024)
        }
        _ => None,
    }
}

/// What the registry says about a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub tenant: Option<TenantParam>,
}

impl RouteSpec {
    pub fn surface(&self) -> Surface {
        Surface::of_path(self.path)
    }
}

pub(crate) struct Route {
    pub spec: RouteSpec,
    pub handler: MethodRouter<AppState>,
}

fn route(
    method: &'static str,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        spec: RouteSpec {
            method,
            path,
            access,
            tenant: None,
        },
        handler,
    }
}

fn tenant(mut r: Route, param: TenantParam) -> Route {
    r.spec.tenant = Some(param);
    r
}

use Access::{Permission as P, Public, SignedIn};

/// Every route of Baken.
pub(crate) fn registry() -> Vec<Route> {
    vec![
        // Platform
        route("GET", "/healthz", Public, get(api::health::healthz)),
        route("GET", "/readyz", Public, get(api::health::readyz)),
        route("GET", "/metrics", Public, get(api::health::metrics)),
        route("GET", "/static/baken.css", Public, get(assets::stylesheet)),
        route("GET", "/static/tokens.css", Public, get(assets::tokens)),
        route("GET", "/static/baken.js", Public, get(assets::script)),
        route("GET", "/thema.css", SignedIn, get(pages::admin::theme_css)),
        route("GET", "/taal", Public, get(pages::shell::switch_language)),
        // Signing in and out
        route("GET", "/inloggen", Public, get(pages::auth::login_form)),
        route("POST", "/inloggen", Public, post(pages::auth::login)),
        route(
            "GET",
            "/inloggen/tweede-factor",
            Public,
            get(pages::auth::second_factor_form),
        ),
        route(
            "POST",
            "/inloggen/tweede-factor",
            Public,
            post(pages::auth::second_factor),
        ),
        route("POST", "/uitloggen", SignedIn, post(pages::auth::logout)),
        // Home and the six capabilities
        route("GET", "/", SignedIn, get(pages::shell::home)),
        route(
            "GET",
            "/zicht",
            P(Permission::ViewDashboards),
            get(pages::dashboard::index),
        ),
        route(
            "GET",
            "/zicht/vergelijk",
            P(Permission::ViewDashboards),
            get(pages::dashboard::compare),
        ),
        route(
            "GET",
            "/zicht/eigen",
            P(Permission::ViewDashboards),
            get(pages::dashboard::own_indicators),
        ),
        route(
            "POST",
            "/zicht/eigen",
            P(Permission::DefineIndicators),
            post(pages::dashboard::define_own),
        ),
        route(
            "POST",
            "/zicht/eigen/{id}/delen",
            P(Permission::DefineIndicators),
            post(pages::dashboard::share_own),
        ),
        route(
            "GET",
            "/zicht/export/{file}",
            P(Permission::ExportDashboard),
            get(pages::dashboard::export),
        ),
        route(
            "GET",
            "/zicht/{code}",
            P(Permission::ViewDashboards),
            get(pages::dashboard::area_overview),
        ),
        route(
            "GET",
            "/zicht/{code}/rapport.pdf",
            P(Permission::ExportDashboard),
            get(pages::dashboard::report_pdf),
        ),
        route(
            "GET",
            "/zicht/{code}/sectoren",
            P(Permission::ViewDashboards),
            get(pages::dashboard::sectors),
        ),
        route(
            "GET",
            "/zicht/{code}/{theme}",
            P(Permission::ViewDashboards),
            get(pages::dashboard::theme_page),
        ),
        route(
            "GET",
            "/matrices",
            P(Permission::ViewMatrices),
            get(pages::matrix::index),
        ),
        route(
            "GET",
            "/matrices/bronnen",
            P(Permission::ViewMatrices),
            get(pages::matrix::sources),
        ),
        route(
            "GET",
            "/matrices/inventaris",
            P(Permission::ViewMatrices),
            get(pages::matrix::inventory),
        ),
        route(
            "POST",
            "/matrices/inventaris",
            P(Permission::EditInventory),
            post(pages::matrix::save_inventory),
        ),
        route(
            "GET",
            "/matrices/acties",
            P(Permission::ViewMatrices),
            get(pages::matrix::actions),
        ),
        route(
            "POST",
            "/matrices/acties",
            P(Permission::EditInventory),
            post(pages::matrix::add_action),
        ),
        route(
            "POST",
            "/matrices/acties/{id}/status",
            P(Permission::EditInventory),
            post(pages::matrix::action_status),
        ),
        route(
            "GET",
            "/matrices/{id}",
            P(Permission::ViewMatrices),
            get(pages::matrix::phenomenon),
        ),
        route(
            "GET",
            "/matrices/{id}/bestand",
            P(Permission::ViewMatrices),
            get(pages::matrix::export),
        ),
        route(
            "GET",
            "/matrices/{id}/versies",
            P(Permission::ViewMatrices),
            get(pages::matrix::versions),
        ),
        route(
            "POST",
            "/matrices/{id}/importeren",
            P(Permission::EditInventory),
            post(pages::matrix::import),
        ),
        route(
            "POST",
            "/matrices/versies/{id}/publiceren",
            P(Permission::EditInventory),
            post(pages::matrix::publish),
        ),
        route(
            "POST",
            "/matrices/sjablonen/{id}/overnemen",
            P(Permission::EditInventory),
            post(pages::matrix::adopt),
        ),
        route(
            "GET",
            "/signalen",
            P(Permission::ViewSignals),
            get(pages::signal::queue),
        ),
        route(
            "GET",
            "/signalen/nieuw",
            P(Permission::RegisterSignal),
            get(pages::signal::new_form),
        ),
        route(
            "POST",
            "/signalen/nieuw",
            P(Permission::RegisterSignal),
            post(pages::signal::create),
        ),
        route(
            "GET",
            "/signalen/ophoping",
            P(Permission::ViewSignals),
            get(pages::signal_admin::accumulation),
        ),
        route(
            "GET",
            "/signalen/bronnen",
            P(Permission::ConnectSources),
            get(pages::signal_admin::sources),
        ),
        route(
            "POST",
            "/signalen/bronnen",
            P(Permission::ConnectSources),
            post(pages::signal_admin::connect).layer(axum::extract::DefaultBodyLimit::max(
                pages::signal_admin::MAX_EXTRACT_BYTES + 64 * 1024,
            )),
        ),
        route(
            "GET",
            "/signalen/stappenplan",
            SignedIn,
            get(pages::signal_admin::protocol),
        ),
        route(
            "GET",
            "/signalen/stappenplan/bestand",
            SignedIn,
            get(pages::signal_admin::protocol_file),
        ),
        route(
            "POST",
            "/signalen/stappenplan/bestand",
            P(Permission::ManageProtocol),
            post(pages::signal_admin::upload_protocol),
        ),
        route(
            "POST",
            "/signalen/stappenplan/publiceren",
            P(Permission::ManageProtocol),
            post(pages::signal_admin::publish),
        ),
        route(
            "POST",
            "/signalen/stappenplan/overnemen/{org}",
            P(Permission::ManageProtocol),
            post(pages::signal_admin::adopt),
        ),
        route(
            "GET",
            "/signalen/bewaartermijnen",
            P(Permission::ViewRetention),
            get(pages::signal_admin::retention),
        ),
        route(
            "GET",
            "/signalen/rechten",
            P(Permission::HandleSubjectRights),
            get(pages::signal_admin::rights),
        ),
        route(
            "POST",
            "/signalen/rechten",
            P(Permission::HandleSubjectRights),
            post(pages::signal_admin::find),
        ),
        tenant(
            route(
                "GET",
                "/signalen/rechten/{id}/inzage",
                P(Permission::HandleSubjectRights),
                get(pages::signal_admin::access_export),
            ),
            TenantParam::Subject,
        ),
        tenant(
            route(
                "POST",
                "/signalen/rechten/{id}/correctie",
                P(Permission::HandleSubjectRights),
                post(pages::signal_admin::correct),
            ),
            TenantParam::Subject,
        ),
        tenant(
            route(
                "POST",
                "/signalen/rechten/{id}/verwijderen",
                P(Permission::HandleSubjectRights),
                post(pages::signal_admin::erase),
            ),
            TenantParam::Subject,
        ),
        route(
            "POST",
            "/signalen/vragen/{id}/detailverzoek",
            P(Permission::AskSources),
            post(pages::signal::request_detail),
        ),
        route(
            "POST",
            "/signalen/vragen/{id}/besluit",
            P(Permission::ApprovePrivacyCheck),
            post(pages::signal::decide_detail),
        ),
        route(
            "GET",
            "/signalen/vragen/{id}/details",
            P(Permission::OpenSourceDetails),
            get(pages::signal::open_detail),
        ),
        tenant(
            route(
                "GET",
                "/signalen/{id}",
                P(Permission::ViewSignals),
                get(pages::signal::detail),
            ),
            TenantParam::Signal,
        ),
        tenant(
            route(
                "POST",
                "/signalen/{id}/acties",
                P(Permission::ViewSignals),
                post(pages::signal::act),
            ),
            TenantParam::Signal,
        ),
        tenant(
            route(
                "POST",
                "/signalen/{id}/relaties",
                P(Permission::RegisterSignal),
                post(pages::signal::add_relation),
            ),
            TenantParam::Signal,
        ),
        route(
            "POST",
            "/signalen/{id}/bronnen/{bron}",
            P(Permission::AskSources),
            post(pages::signal::ask),
        ),
        route(
            "POST",
            "/signalen/{id}/bijlagen",
            P(Permission::RegisterSignal),
            post(pages::signal::attach).layer(axum::extract::DefaultBodyLimit::max(
                pages::signal::MAX_ATTACHMENT_BYTES + 64 * 1024,
            )),
        ),
        route(
            "GET",
            "/signalen/{id}/bijlagen/{bijlage}",
            P(Permission::ViewSignals),
            get(pages::signal::attachment),
        ),
        tenant(
            route(
                "GET",
                "/signalen/{id}/verantwoording.pdf",
                P(Permission::ViewSignals),
                get(pages::signal::accountability_pdf),
            ),
            TenantParam::Signal,
        ),
        route(
            "GET",
            "/delen",
            P(Permission::ViewSharing),
            get(pages::sharing::overview),
        ),
        route(
            "POST",
            "/delen/convenanten",
            P(Permission::ManageCovenants),
            post(pages::sharing::create_covenant),
        ),
        route(
            "GET",
            "/delen/convenanten/{id}",
            P(Permission::ViewSharing),
            get(pages::sharing::covenant),
        ),
        route(
            "POST",
            "/delen/convenanten/{id}/ondertekenen",
            P(Permission::ManageCovenants),
            post(pages::sharing::sign_covenant),
        ),
        route(
            "POST",
            "/delen/convenanten/{id}/beeindigen",
            P(Permission::ManageCovenants),
            post(pages::sharing::terminate_covenant),
        ),
        route(
            "POST",
            "/delen/casussen",
            P(Permission::WorkSharedCases),
            post(pages::sharing::create_case),
        ),
        route(
            "GET",
            "/delen/casussen/{id}",
            P(Permission::ViewSharing),
            get(pages::sharing::case),
        ),
        route(
            "POST",
            "/delen/casussen/{id}/items",
            P(Permission::WorkSharedCases),
            post(pages::sharing::share_item),
        ),
        route(
            "POST",
            "/delen/casussen/{id}/deelnemers",
            P(Permission::WorkSharedCases),
            post(pages::sharing::add_participant),
        ),
        route(
            "POST",
            "/delen/casussen/{id}/items/{item}/besluit",
            P(Permission::ApproveSharing),
            post(pages::sharing::decide_item),
        ),
        route(
            "POST",
            "/delen/casussen/{id}/sluiten",
            P(Permission::WorkSharedCases),
            post(pages::sharing::close_case),
        ),
        route(
            "POST",
            "/delen/casussen/{id}/pakket",
            P(Permission::WorkSharedCases),
            post(pages::sharing::export_package),
        ),
        route(
            "GET",
            "/delen/matches",
            P(Permission::WorkSharedCases),
            get(pages::sharing::matches),
        ),
        route(
            "POST",
            "/delen/matches",
            P(Permission::WorkSharedCases),
            post(pages::sharing::ask_match),
        ),
        route(
            "POST",
            "/delen/matches/{id}/antwoord",
            P(Permission::WorkSharedCases),
            post(pages::sharing::answer_match),
        ),
        route(
            "POST",
            "/delen/matches/{id}/weigeren",
            P(Permission::WorkSharedCases),
            post(pages::sharing::decline_match),
        ),
        route(
            "GET",
            "/delen/uitwisseling",
            P(Permission::ViewSharing),
            get(pages::sharing::exchange),
        ),
        route(
            "POST",
            "/delen/uitwisseling/partners",
            P(Permission::ManageCovenants),
            post(pages::sharing::add_partner),
        ),
        route(
            "POST",
            "/delen/uitwisseling/ontvangen",
            P(Permission::WorkSharedCases),
            post(pages::sharing::receive),
        ),
        route(
            "GET",
            "/delen/uitwisseling/{id}",
            P(Permission::WorkSharedCases),
            get(pages::sharing::received_package),
        ),
        route(
            "GET",
            "/grens",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::overview),
        ),
        route(
            "GET",
            "/grens/begrippen",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::glossary),
        ),
        route(
            "GET",
            "/grens/begrippen/export/{file}",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::glossary_export),
        ),
        route(
            "GET",
            "/grens/begrippen/{term}",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::term),
        ),
        route(
            "GET",
            "/grens/bronnen",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::sources),
        ),
        route(
            "GET",
            "/grens/handleidingen",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::guides),
        ),
        route(
            "GET",
            "/grens/handleidingen/{guide}",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::guide),
        ),
        route(
            "GET",
            "/grens/brieven",
            P(Permission::UseCrossBorder),
            get(pages::crossborder::letters),
        ),
        route(
            "POST",
            "/grens/brieven",
            P(Permission::RequestAbroad),
            post(pages::crossborder::create_letter),
        ),
        route(
            "GET",
            "/grens/brieven/{letter}/sjabloon",
            P(Permission::ManageOrganisation),
            get(pages::crossborder::template_form),
        ),
        route(
            "POST",
            "/grens/brieven/{letter}/sjabloon",
            P(Permission::ManageOrganisation),
            post(pages::crossborder::save_template),
        ),
        route(
            "GET",
            "/grens/casussen",
            P(Permission::RequestAbroad),
            get(pages::crossborder::cases),
        ),
        route(
            "POST",
            "/grens/casussen",
            P(Permission::RequestAbroad),
            post(pages::crossborder::create_case),
        ),
        tenant(
            route(
                "GET",
                "/grens/casussen/{id}",
                P(Permission::RequestAbroad),
                get(pages::crossborder::case),
            ),
            TenantParam::CrossBorderCase,
        ),
        tenant(
            route(
                "POST",
                "/grens/casussen/{id}",
                P(Permission::RequestAbroad),
                post(pages::crossborder::update_case),
            ),
            TenantParam::CrossBorderCase,
        ),
        route(
            "GET",
            "/gereedheid",
            P(Permission::TakeReadiness),
            get(pages::readiness::overview),
        ),
        route(
            "GET",
            "/gereedheid/leren/{module}",
            P(Permission::TakeReadiness),
            get(pages::readiness::module),
        ),
        route(
            "POST",
            "/gereedheid/leren/{module}/{quiz}",
            P(Permission::TakeReadiness),
            post(pages::readiness::answer_quiz),
        ),
        route(
            "POST",
            "/gereedheid/rondes",
            P(Permission::TakeReadiness),
            post(pages::readiness::start_round),
        ),
        route(
            "GET",
            "/gereedheid/rondes/{id}",
            P(Permission::TakeReadiness),
            get(pages::readiness::round),
        ),
        route(
            "POST",
            "/gereedheid/rondes/{id}",
            P(Permission::TakeReadiness),
            post(pages::readiness::answer),
        ),
        route(
            "POST",
            "/gereedheid/rondes/{id}/sluiten",
            P(Permission::TakeReadiness),
            post(pages::readiness::close_round),
        ),
        route(
            "GET",
            "/gereedheid/rondes/{id}/uitslag",
            P(Permission::TakeReadiness),
            get(pages::readiness::results),
        ),
        route(
            "GET",
            "/gereedheid/rondes/{id}/rapport.pdf",
            P(Permission::TakeReadiness),
            get(pages::readiness::report_pdf),
        ),
        // Audit and administration
        route(
            "GET",
            "/audit",
            P(Permission::ViewAudit),
            get(pages::audit::audit_page),
        ),
        route(
            "GET",
            "/beheer",
            P(Permission::ManageUsers),
            get(pages::admin::overview),
        ),
        route(
            "POST",
            "/beheer/gebruikers",
            P(Permission::ManageUsers),
            post(pages::admin::create_user),
        ),
        tenant(
            route(
                "GET",
                "/beheer/gebruikers/{id}",
                P(Permission::ManageUsers),
                get(pages::admin::user_form),
            ),
            TenantParam::User,
        ),
        tenant(
            route(
                "POST",
                "/beheer/gebruikers/{id}",
                P(Permission::ManageUsers),
                post(pages::admin::update_user),
            ),
            TenantParam::User,
        ),
        route(
            "POST",
            "/beheer/thema",
            P(Permission::ManageOrganisation),
            post(pages::admin::update_theme),
        ),
        // Importing an organisation's own data
        route(
            "GET",
            "/importeren",
            P(Permission::ImportData),
            get(pages::import::page),
        ),
        route(
            "POST",
            "/importeren",
            P(Permission::ImportData),
            post(pages::import::upload).layer(axum::extract::DefaultBodyLimit::max(
                baken_store::job::MAX_JOB_FILE_BYTES + 64 * 1024,
            )),
        ),
        tenant(
            route(
                "GET",
                "/importeren/{id}",
                P(Permission::ImportData),
                get(pages::import::job),
            ),
            TenantParam::Job,
        ),
        tenant(
            route(
                "POST",
                "/importeren/{id}",
                P(Permission::ImportData),
                post(pages::import::confirm),
            ),
            TenantParam::Job,
        ),
        // One's own account
        route("GET", "/profiel", SignedIn, get(pages::profile::profile)),
        route(
            "POST",
            "/profiel/wachtwoord",
            SignedIn,
            post(pages::profile::change_password),
        ),
        route(
            "POST",
            "/profiel/tweede-factor",
            SignedIn,
            post(pages::profile::begin_second_factor),
        ),
        route(
            "POST",
            "/profiel/tweede-factor/bevestigen",
            SignedIn,
            post(pages::profile::confirm_second_factor),
        ),
        route(
            "POST",
            "/profiel/tweede-factor/uitzetten",
            SignedIn,
            post(pages::profile::disable_second_factor),
        ),
        route(
            "POST",
            "/profiel/tokens",
            SignedIn,
            post(pages::profile::create_token),
        ),
        route(
            "POST",
            "/profiel/tokens/{id}/intrekken",
            SignedIn,
            post(pages::profile::revoke_token),
        ),
        // API
        route(
            "GET",
            "/api/v1/openapi.json",
            Public,
            get(api::openapi::document),
        ),
        route("GET", "/api/v1/mij", SignedIn, get(api::org::me)),
        route(
            "GET",
            "/api/v1/organisaties",
            SignedIn,
            get(api::org::organisations),
        ),
        route(
            "GET",
            "/api/v1/organisaties/{code}",
            SignedIn,
            get(api::org::organisation),
        ),
        route(
            "GET",
            "/api/v1/gebruikers",
            P(Permission::ManageUsers),
            get(api::org::users),
        ),
        route(
            "POST",
            "/api/v1/gebruikers",
            P(Permission::ManageUsers),
            post(api::org::create_user),
        ),
        tenant(
            route(
                "GET",
                "/api/v1/gebruikers/{id}",
                P(Permission::ManageUsers),
                get(api::org::user),
            ),
            TenantParam::User,
        ),
        route("GET", "/api/v1/gebieden", SignedIn, get(api::area::areas)),
        route(
            "GET",
            "/api/v1/gebieden/{code}/opvallend",
            P(Permission::ViewDashboards),
            get(api::dashboard::standouts),
        ),
        route(
            "GET",
            "/api/v1/fenomenen",
            P(Permission::ViewMatrices),
            get(api::matrix::phenomena),
        ),
        route(
            "GET",
            "/api/v1/fenomenen/{id}",
            P(Permission::ViewMatrices),
            get(api::matrix::phenomenon),
        ),
        route(
            "GET",
            "/api/v1/fenomenen/{id}/dekking",
            P(Permission::ViewMatrices),
            get(api::matrix::phenomenon_coverage),
        ),
        route(
            "GET",
            "/api/v1/bronnen",
            P(Permission::ViewMatrices),
            get(api::matrix::sources),
        ),
        route(
            "GET",
            "/api/v1/inventaris",
            P(Permission::ViewMatrices),
            get(api::matrix::inventory),
        ),
        route(
            "PUT",
            "/api/v1/inventaris",
            P(Permission::EditInventory),
            put(api::matrix::replace_inventory),
        ),
        route(
            "GET",
            "/api/v1/zelfscan/vragen",
            P(Permission::TakeReadiness),
            get(api::readiness::questions),
        ),
        route(
            "POST",
            "/api/v1/zelfscans",
            P(Permission::TakeReadiness),
            post(api::readiness::submit),
        ),
        route(
            "GET",
            "/api/v1/zelfscans/{id}",
            P(Permission::TakeReadiness),
            get(api::readiness::round),
        ),
        route(
            "GET",
            "/api/v1/signalen",
            P(Permission::ViewSignals),
            get(api::signal::list),
        ),
        route(
            "POST",
            "/api/v1/signalen",
            P(Permission::RegisterSignal),
            post(api::signal::create),
        ),
        tenant(
            route(
                "GET",
                "/api/v1/signalen/{id}",
                P(Permission::ViewSignals),
                get(api::signal::show),
            ),
            TenantParam::Signal,
        ),
        tenant(
            route(
                "GET",
                "/api/v1/signalen/{id}/historie",
                P(Permission::ViewSignals),
                get(api::signal::history),
            ),
            TenantParam::Signal,
        ),
        tenant(
            route(
                "POST",
                "/api/v1/signalen/{id}/acties",
                P(Permission::ViewSignals),
                post(api::signal::act),
            ),
            TenantParam::Signal,
        ),
        route(
            "GET",
            "/api/v1/subjecten",
            P(Permission::ViewSignals),
            get(api::signal::subjects),
        ),
        route(
            "POST",
            "/api/v1/subjecten",
            P(Permission::RegisterSignal),
            post(api::signal::create_subject),
        ),
        route(
            "GET",
            "/api/v1/begrippen",
            P(Permission::UseCrossBorder),
            get(api::crossborder::glossary),
        ),
        route(
            "GET",
            "/api/v1/openbare-bronnen",
            P(Permission::UseCrossBorder),
            get(api::crossborder::sources),
        ),
        route(
            "POST",
            "/api/v1/brieven",
            P(Permission::RequestAbroad),
            post(api::crossborder::letter),
        ),
        tenant(
            route(
                "GET",
                "/api/v1/subjecten/{id}/relaties",
                P(Permission::ViewSignals),
                get(api::signal::relations),
            ),
            TenantParam::Subject,
        ),
        tenant(
            route(
                "POST",
                "/api/v1/subjecten/{id}/relaties",
                P(Permission::RegisterSignal),
                post(api::signal::add_relation),
            ),
            TenantParam::Subject,
        ),
        route(
            "GET",
            "/api/v1/indicatoren",
            P(Permission::ViewDashboards),
            get(api::dashboard::indicators),
        ),
        route(
            "GET",
            "/api/v1/indicatoren/{id}/waarden",
            P(Permission::ViewDashboards),
            get(api::dashboard::values),
        ),
        route(
            "GET",
            "/api/v1/gebieden/{code}",
            SignedIn,
            get(api::area::area),
        ),
        route(
            "GET",
            "/api/v1/convenanten",
            P(Permission::ViewSharing),
            get(api::sharing::covenants),
        ),
        route(
            "POST",
            "/api/v1/convenanten",
            P(Permission::ManageCovenants),
            post(api::sharing::create_covenant),
        ),
        route(
            "GET",
            "/api/v1/convenanten/{id}",
            P(Permission::ViewSharing),
            get(api::sharing::covenant),
        ),
        route(
            "GET",
            "/api/v1/casussen",
            P(Permission::ViewSharing),
            get(api::sharing::cases),
        ),
        route(
            "POST",
            "/api/v1/casussen",
            P(Permission::WorkSharedCases),
            post(api::sharing::create_case),
        ),
        route(
            "GET",
            "/api/v1/casussen/{id}",
            P(Permission::ViewSharing),
            get(api::sharing::case),
        ),
        route(
            "GET",
            "/api/v1/casussen/{id}/deelnemers",
            P(Permission::ViewSharing),
            get(api::sharing::participants),
        ),
        route(
            "POST",
            "/api/v1/casussen/{id}/deelnemers",
            P(Permission::WorkSharedCases),
            post(api::sharing::add_participant),
        ),
        route(
            "POST",
            "/api/v1/casussen/{id}/items",
            P(Permission::WorkSharedCases),
            post(api::sharing::share_item),
        ),
        route(
            "GET",
            "/api/v1/matches",
            P(Permission::WorkSharedCases),
            get(api::sharing::matches),
        ),
        route(
            "POST",
            "/api/v1/matches",
            P(Permission::WorkSharedCases),
            post(api::sharing::ask),
        ),
        route(
            "GET",
            "/api/v1/matches/{id}",
            P(Permission::WorkSharedCases),
            get(api::sharing::run),
        ),
        route(
            "POST",
            "/api/v1/uitwisseling",
            Public,
            post(api::sharing::receive),
        ),
        route(
            "GET",
            "/api/v1/auditregels",
            P(Permission::ViewAudit),
            get(api::audit::entries),
        ),
    ]
}

/// The registry without handlers, for tests and documentation.
pub fn specs() -> Vec<RouteSpec> {
    registry().into_iter().map(|r| r.spec).collect()
}

/// The route's handler behind the guard its spec demands.
pub(crate) fn guarded(route: Route, state: &AppState) -> MethodRouter<AppState> {
    route
        .handler
        .route_layer(middleware::from_fn_with_state(state.clone(), guard))
        .route_layer(Extension(route.spec))
}

async fn guard(
    State(state): State<AppState>,
    Extension(spec): Extension<RouteSpec>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let Some(ctx) = req.extensions().get::<RequestContext>() else {
        return Err(AppError::Internal("request context missing".into()));
    };
    match spec.access {
        Access::Public => {}
        Access::SignedIn => {
            if ctx.actor.is_none() {
                return Err(AppError::Unauthorized);
            }
        }
        Access::Permission(permission) => {
            let Some(actor) = &ctx.actor else {
                return Err(AppError::Unauthorized);
            };
            if !actor.can(permission) {
                state
                    .store
                    .record_denial(
                        Some(actor),
                        actor.email(),
                        "access.denied",
                        json!({
                            "permission": permission.code(),
                            "route": format!("{} {}", spec.method, spec.path),
                            "path": ctx.path,
                        }),
                    )
                    .await?;
                return Err(AppError::Forbidden);
            }
        }
    }
    Ok(next.run(req).await)
}
