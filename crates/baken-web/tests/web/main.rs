//! The web layer's integration suite: the real router through `tower::ServiceExt::oneshot`,
//! on SQLite by default and on PostgreSQL when `BAKEN_TEST_DATABASE_URL` names a server.

mod api;
mod area;
mod auth;
mod crossborder;
mod dashboard;
mod matrices;
mod matrix;
mod pages;
mod readiness;
mod sharing;
mod signals;

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Request, StatusCode};
use baken_store::demo::DEFAULT_DEMO_PASSWORD;
use baken_store::testing::TestDatabase;
use baken_store::{Operator, Store};
use baken_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A Baken with the demo organisations and users on a fresh database.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// The database's URL (`sqlite://…` or `postgres://…`).
    pub url: String,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the cookie `name` that this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.strip_prefix(&format!("{name}="))
                    .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
            })
    }
}

/// A browser's session: the cookie and the CSRF token its pages carry.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    pub session: Option<String>,
    pub csrf: String,
    pub lang: Option<&'static str>,
}

impl Browser {
    fn cookie_header(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(s) = &self.session {
            parts.push(format!("baken_session={s}"));
        }
        if let Some(l) = self.lang {
            parts.push(format!("baken_lang={l}"));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    pub async fn new() -> Self {
        let db = TestDatabase::create().await.expect("test database");
        db.store
            .seed_demo(&Operator::command_line("test"), DEFAULT_DEMO_PASSWORD)
            .await
            .expect("demo seed");
        let state = AppState::new(db.store.clone(), WebConfig::default());
        Self {
            router: baken_web::app(state),
            store: db.store,
            url: db.url,
        }
    }

    /// A test app with the shipped reference data loaded (areas, boundaries, statistics).
    pub async fn with_reference() -> Self {
        let app = Self::new().await;
        let bundle = baken_import::reference::load().expect("reference data");
        app.store
            .load_reference_data(&Operator::command_line("test"), &bundle)
            .await
            .expect("reference load");
        app
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, browser: &Browser) -> Reply {
        let mut req = Request::get(path);
        if let Some(c) = browser.cookie_header() {
            req = req.header(COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form as a browser would (same origin), with the CSRF token added.
    pub async fn post_form(&self, path: &str, browser: &Browser, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = vec![("csrf", browser.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        self.post_raw(path, browser, "application/x-www-form-urlencoded", body)
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        browser: &Browser,
        content_type: &str,
        body: String,
    ) -> Reply {
        let mut req = Request::post(path)
            .header(CONTENT_TYPE, content_type)
            .header("origin", "http://localhost")
            .header("host", "localhost")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = browser.cookie_header() {
            req = req.header(COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        json: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let body = match json {
            Some(j) => {
                req = req.header(CONTENT_TYPE, "application/json");
                Body::from(j.to_owned())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// Opens the login form: an anonymous session with its CSRF token.
    pub async fn anonymous(&self) -> Browser {
        let page = self.get("/inloggen", &Browser::default()).await;
        assert_eq!(page.status, StatusCode::OK);
        Browser {
            session: page.cookie("baken_session"),
            csrf: csrf_in(&page.body),
            lang: None,
        }
    }

    /// Signs in through the login form and returns the signed-in browser.
    pub async fn login(&self, email: &str) -> Browser {
        let anon = self.anonymous().await;
        let reply = self
            .post_form(
                "/inloggen",
                &anon,
                &[
                    ("email", email),
                    ("password", DEFAULT_DEMO_PASSWORD),
                    ("terug", "/"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "login of {email} failed: {}",
            reply.body
        );
        let mut browser = Browser {
            session: reply.cookie("baken_session"),
            csrf: String::new(),
            lang: None,
        };
        let home = self.get("/profiel", &browser).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        browser.csrf = csrf_in(&home.body);
        browser
    }

    /// Uploads a file on the import page as `browser` and returns the draft job's id.
    pub async fn upload(&self, browser: &Browser, name: &str, bytes: &[u8]) -> Reply {
        self.upload_to("/importeren", browser, name, bytes).await
    }

    /// Posts a file as a browser's multipart form to `path` (the CSRF token in the query).
    pub async fn upload_to(
        &self,
        path: &str,
        browser: &Browser,
        name: &str,
        bytes: &[u8],
    ) -> Reply {
        self.upload_form(path, browser, &[], "file", name, bytes)
            .await
    }

    /// Posts a multipart form with text `fields` and one file in `file_field`.
    pub async fn upload_form(
        &self,
        path: &str,
        browser: &Browser,
        fields: &[(&str, &str)],
        file_field: &str,
        name: &str,
        bytes: &[u8],
    ) -> Reply {
        let boundary = "XbakenUploadX";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let path = format!("{path}?csrf={}", browser.csrf);
        let mut req = Request::post(path)
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("origin", "http://localhost")
            .header("host", "localhost");
        if let Some(c) = browser.cookie_header() {
            req = req.header(COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// An API token for a demo user.
    pub async fn token(&self, email: &str) -> String {
        self.store
            .create_api_token_for(&Operator::command_line("test"), email, "test")
            .await
            .expect("token")
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        self.store
            .query_i64(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
            ))
            .await
            .unwrap()
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        self.store
            .query_i64(&format!("SELECT id FROM users WHERE email = '{email}'"))
            .await
            .unwrap()
    }
}
