//! Settings of the web layer.

/// How the web layer behaves; the CLI fills it from flags and environment variables.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address users reach Baken at, e.g. `https://baken.tilburg.nl`. When it is https,
    /// cookies are marked `Secure` and HSTS is sent.
    pub public_url: Option<String>,
    /// Trust `X-Forwarded-For` and `X-Forwarded-Proto` from a reverse proxy.
    pub trust_proxy: bool,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            trust_proxy: false,
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}
