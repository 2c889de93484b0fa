//! Connections: libpq connection strings (URL and `key=value` forms) parsed into a
//! [`DbUrl`] whose `Display`/`Debug` never show the password, and [`connect`], which opens a
//! `tokio_postgres` client with TLS chosen by `sslmode` (rustls).
//!
//! `sslmode` follows libpq: `disable` (plain), `prefer` (TLS when the server offers it,
//! certificate not checked; the default), `require` (TLS, certificate not checked unless
//! `sslrootcert` is given, then as `verify-ca`), `verify-ca` (chain checked against
//! `sslrootcert`, or the Mozilla roots when none is given), `verify-full` (chain and host
//! name). Supabase's direct connections need `verify-full` with Supabase's CA file.

mod tls;

use miette::Diagnostic;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// What can go wrong reaching a database. Messages never contain the password.
#[derive(Debug, Error, Diagnostic)]
pub enum DbError {
    #[error("invalid database URL `{url}`: {reason}")]
    #[diagnostic(
        code(supaform::db::invalid_url),
        help("write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require")
    )]
    InvalidUrl { url: String, reason: String },

    #[error("cannot reach the database at {target}: {reason}")]
    #[diagnostic(
        code(supaform::db::unreachable),
        help("check the host and port, that the server is running, and that no firewall is in the way")
    )]
    Unreachable { target: String, reason: String },

    #[error("the database at {target} refused the login: {reason}")]
    #[diagnostic(
        code(supaform::db::auth_failed),
        help(
            "check the user name and password in the database URL (the password is not shown here)"
        )
    )]
    AuthFailed { target: String, reason: String },

    #[error("TLS with {target} failed: {reason}")]
    #[diagnostic(
        code(supaform::db::tls),
        help("check sslmode and sslrootcert; Supabase's direct connections need sslmode=verify-full with sslrootcert=<the CA file from the dashboard>")
    )]
    Tls { target: String, reason: String },

    #[error("cannot read the root certificate file {path}: {reason}")]
    #[diagnostic(
        code(supaform::db::sslrootcert),
        help("sslrootcert must name a PEM file holding the CA certificate(s)")
    )]
    RootCert { path: String, reason: String },

    #[error("database error from {target}: {reason}")]
    #[diagnostic(code(supaform::db::error))]
    Other { target: String, reason: String },
}

/// Characters escaped in a URL component of [`DbUrl::redacted`].
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'/')
    .add(b':')
    .add(b'=')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b']');

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A parsed connection string. The password is kept, but never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    pub user: Option<String>,
    password: Option<String>,
    /// A host name, an IP address, or a Unix socket directory (starts with `/`).
    pub host: String,
    port: Option<u16>,
    pub dbname: Option<String>,
    pub sslmode: SslMode,
    pub sslrootcert: Option<PathBuf>,
    pub application_name: Option<String>,
    pub connect_timeout: Option<Duration>,
    pub options: Option<String>,
}

impl DbUrl {
    /// Parse a libpq connection string: `postgres://` / `postgresql://` URLs or
    /// `key=value` pairs.
    pub fn parse(s: &str) -> Result<DbUrl, DbError> {
        let t = s.trim();
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            parse_url(t)
        } else if t.contains('=') {
            parse_keyword_value(t)
        } else {
            Err(DbError::InvalidUrl {
                url: redact_unparsed(t),
                reason: "expected a postgresql:// URL or key=value pairs".into(),
            })
        }
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(5432)
    }

    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// `host:port/dbname` (or the socket directory), for messages.
    pub fn target(&self) -> String {
        format!(
            "{}:{}/{}",
            self.host,
            self.port(),
            self.dbname.as_deref().unwrap_or("")
        )
    }

    /// The URL with the password replaced by `********`.
    pub fn redacted(&self) -> String {
        let mut u = String::from("postgresql://");
        let enc = |s: &str| percent_encoding::utf8_percent_encode(s, URL_COMPONENT).to_string();
        if let Some(user) = &self.user {
            u.push_str(&enc(user));
            if self.password.is_some() {
                u.push_str(":********");
            }
            u.push('@');
        }
        if self.host.starts_with('/') {
            u.push_str(&enc(&self.host));
        } else if self.host.contains(':') {
            u.push_str(&format!("[{}]", self.host));
        } else {
            u.push_str(&self.host);
        }
        if let Some(p) = self.port {
            u.push_str(&format!(":{p}"));
        }
        u.push('/');
        if let Some(d) = &self.dbname {
            u.push_str(&enc(d));
        }
        let mut params = vec![];
        if self.sslmode != SslMode::Prefer {
            params.push(format!("sslmode={}", self.sslmode.as_str()));
        }
        if let Some(c) = &self.sslrootcert {
            params.push(format!("sslrootcert={}", enc(&c.display().to_string())));
        }
        if !params.is_empty() {
            u.push('?');
            u.push_str(&params.join("&"));
        }
        u
    }

    /// The same server and credentials, another database.
    pub fn with_database(&self, dbname: &str) -> DbUrl {
        DbUrl {
            dbname: Some(dbname.to_string()),
            ..self.clone()
        }
    }

    /// The whole connection string as `key='value'` pairs, password included: only for
    /// handing to [`connect`] within this process, never for output (use [`DbUrl::redacted`]).
    pub fn conninfo(&self) -> String {
        let q = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
        let mut parts = vec![format!("host={}", q(&self.host))];
        if let Some(p) = self.port {
            parts.push(format!("port={p}"));
        }
        let text = [
            ("user", self.user.as_deref()),
            ("password", self.password.as_deref()),
            ("dbname", self.dbname.as_deref()),
            ("application_name", self.application_name.as_deref()),
            ("options", self.options.as_deref()),
        ];
        for (k, v) in text {
            if let Some(v) = v {
                parts.push(format!("{k}={}", q(v)));
            }
        }
        parts.push(format!("sslmode={}", self.sslmode.as_str()));
        if let Some(c) = &self.sslrootcert {
            parts.push(format!("sslrootcert={}", q(&c.display().to_string())));
        }
        if let Some(t) = self.connect_timeout {
            parts.push(format!("connect_timeout={}", t.as_secs()));
        }
        parts.join(" ")
    }

    /// The `tokio_postgres` configuration (TLS is chosen separately by [`connect`]).
    pub fn pg_config(&self) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        if self.host.starts_with('/') {
            c.host_path(&self.host);
        } else {
            c.host(&self.host);
        }
        c.port(self.port());
        if let Some(u) = &self.user {
            c.user(u);
        }
        if let Some(p) = &self.password {
            c.password(p);
        }
        if let Some(d) = &self.dbname {
            c.dbname(d);
        }
        if let Some(o) = &self.options {
            c.options(o);
        }
        c.application_name(self.application_name.as_deref().unwrap_or("supaform"));
        c.connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)));
        c.ssl_mode(match self.sslmode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Allow | SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                tokio_postgres::config::SslMode::Require
            }
        });
        c
    }

    fn set(&mut self, key: &str, value: String, raw: &str) -> Result<(), DbError> {
        let bad = |reason: String| DbError::InvalidUrl {
            url: redact_unparsed(raw),
            reason,
        };
        match key {
            "host" | "hostaddr" => self.host = value,
            "port" => {
                self.port = Some(
                    value
                        .parse()
                        .map_err(|_| bad(format!("`{value}` is not a port number")))?,
                )
            }
            "user" => self.user = Some(value),
            "password" => self.password = Some(value),
            "dbname" => self.dbname = Some(value),
            "sslmode" => {
                self.sslmode = SslMode::parse(&value).ok_or_else(|| {
                    bad(format!(
                        "sslmode `{value}` is not one of disable, allow, prefer, require, verify-ca, verify-full"
                    ))
                })?
            }
            "sslrootcert" => self.sslrootcert = Some(PathBuf::from(value)),
            "application_name" => self.application_name = Some(value),
            "connect_timeout" => {
                let secs: u64 = value
                    .parse()
                    .map_err(|_| bad(format!("connect_timeout `{value}` is not a number of seconds")))?;
                self.connect_timeout = Some(Duration::from_secs(secs.max(1)));
            }
            "options" => self.options = Some(value),
            // Accepted and ignored: libpq parameters that do not change what supaform does.
            "sslcert" | "sslkey" | "sslcompression" | "target_session_attrs" | "keepalives"
            | "keepalives_idle" | "gssencmode" | "channel_binding" | "client_encoding"
            | "sslnegotiation" | "pgbouncer" | "supa" => {}
            other => return Err(bad(format!("unknown connection parameter `{other}`"))),
        }
        Ok(())
    }

    fn empty() -> DbUrl {
        DbUrl {
            user: None,
            password: None,
            host: "localhost".into(),
            port: None,
            dbname: None,
            sslmode: SslMode::default(),
            sslrootcert: None,
            application_name: None,
            connect_timeout: None,
            options: None,
        }
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({})", self.redacted())
    }
}

impl std::str::FromStr for DbUrl {
    type Err = DbError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DbUrl::parse(s)
    }
}

/// Best-effort redaction of a string that failed to parse: hide what follows `user:` in
/// the authority, and any `password=` value.
pub fn redact_unparsed(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = out[rest_start..].rfind('@').map(|i| i + rest_start) {
            if let Some(colon) = out[rest_start..at].find(':').map(|i| i + rest_start) {
                out.replace_range(colon + 1..at, "********");
            }
        }
    }
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("password=") {
        result.push_str(&rest[..i + "password=".len()]);
        result.push_str("********");
        let after = &rest[i + "password=".len()..];
        let end = after.find(['&', ' ']).unwrap_or(after.len());
        rest = &after[end..];
    }
    result.push_str(rest);
    result
}

fn parse_url(s: &str) -> Result<DbUrl, DbError> {
    let bad = |reason: String| DbError::InvalidUrl {
        url: redact_unparsed(s),
        reason,
    };
    let u = url::Url::parse(s).map_err(|e| bad(e.to_string()))?;
    let dec = |x: &str| -> Result<String, DbError> {
        percent_encoding::percent_decode_str(x)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| bad("the URL is not valid UTF-8 after percent-decoding".into()))
    };
    let mut d = DbUrl::empty();
    if !u.username().is_empty() {
        d.user = Some(dec(u.username())?);
    }
    if let Some(p) = u.password() {
        d.password = Some(dec(p)?);
    }
    match u.host() {
        Some(url::Host::Domain(h)) => {
            let h = dec(h)?;
            if h.contains(',') {
                return Err(bad("several hosts are not supported; name one".into()));
            }
            if !h.is_empty() {
                d.host = h;
            }
        }
        Some(url::Host::Ipv4(a)) => d.host = a.to_string(),
        Some(url::Host::Ipv6(a)) => d.host = a.to_string(),
        None => {}
    }
    d.port = u.port();
    let path = u.path().trim_start_matches('/');
    if !path.is_empty() {
        d.dbname = Some(dec(path)?);
    }
    for (k, v) in u.query_pairs() {
        d.set(&k, v.into_owned(), s)?;
    }
    Ok(d)
}

fn parse_keyword_value(s: &str) -> Result<DbUrl, DbError> {
    let bad = |reason: String| DbError::InvalidUrl {
        url: redact_unparsed(s),
        reason,
    };
    let mut d = DbUrl::empty();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(bad(format!("expected `=` after `{key}`")));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => match chars.next() {
                        Some(c) => value.push(c),
                        None => return Err(bad("unterminated quoted value".into())),
                    },
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => return Err(bad("unterminated quoted value".into())),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                } else {
                    value.push(c);
                }
            }
        }
        d.set(&key, value, s)?;
    }
    Ok(d)
}

/// Connect to `url`: TLS per `sslmode`, `application_name=supaform`, the connection task
/// spawned on the current Tokio runtime.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, DbError> {
    let parsed = DbUrl::parse(url)?;
    connect_url(&parsed).await
}

/// [`connect`] with an already parsed URL.
pub async fn connect_url(url: &DbUrl) -> Result<tokio_postgres::Client, DbError> {
    let config = url.pg_config();
    let target = url.target();
    let result = if url.sslmode == SslMode::Disable || url.host.starts_with('/') {
        config
            .connect(tokio_postgres::NoTls)
            .await
            .map(|(client, conn)| {
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                client
            })
    } else {
        let tls = tls::make_connector(url)?;
        config.connect(tls).await.map(|(client, conn)| {
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
        })
    };
    result.map_err(|e| classify(&e, &target, url))
}

/// Turn a connection error into one of [`DbError`]'s kinds, without the password.
fn classify(e: &tokio_postgres::Error, target: &str, url: &DbUrl) -> DbError {
    let mut reason = error_chain(e);
    if let Some(p) = &url.password {
        if !p.is_empty() {
            reason = reason.replace(p.as_str(), "********");
        }
    }
    let target = target.to_string();
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        // 28P01 invalid_password, 28000 invalid_authorization_specification
        if code.starts_with("28") {
            return DbError::AuthFailed { target, reason };
        }
        return DbError::Other { target, reason };
    }
    let lower = reason.to_ascii_lowercase();
    if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("ssl")
        || lower.contains("handshake")
    {
        return DbError::Tls { target, reason };
    }
    if lower.contains("password") || lower.contains("authentication") {
        return DbError::AuthFailed { target, reason };
    }
    DbError::Unreachable { target, reason }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Create, as `NOLOGIN` roles, those of `roles` the server lacks: a project's own roles
/// (named in grants, policies and default privileges) exist on its database but not on
/// the dev server, where normalisation and rehearsal need them. Roles are the cluster's,
/// so they stay; a role another session creates meanwhile is fine.
pub async fn ensure_roles<'a>(
    client: &tokio_postgres::Client,
    roles: impl IntoIterator<Item = &'a str>,
) -> Result<(), tokio_postgres::Error> {
    let wanted: Vec<String> = roles
        .into_iter()
        .filter(|r| *r != "public" && !r.starts_with("pg_") && !r.is_empty())
        .map(str::to_string)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let rows = client
        .query(
            "SELECT r FROM pg_catalog.unnest($1::text[]) r WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r)",
            &[&wanted],
        )
        .await?;
    for row in rows {
        let role: String = row.get(0);
        let sql = format!("CREATE ROLE {} NOLOGIN", crate::quote::ident(&role));
        if let Err(e) = client.batch_execute(&sql).await {
            if e.code() != Some(&tokio_postgres::error::SqlState::DUPLICATE_OBJECT) {
                return Err(e);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_redact_the_password() {
        let u = DbUrl::parse(
            "postgresql://postgres.abc:s3cr%40t@db.abc.supabase.co:6543/postgres?sslmode=verify-full&sslrootcert=/etc/ca.crt",
        )
        .unwrap();
        assert_eq!(u.user.as_deref(), Some("postgres.abc"));
        assert_eq!(u.password.as_deref(), Some("s3cr@t"));
        assert_eq!(u.host, "db.abc.supabase.co");
        assert_eq!(u.port(), 6543);
        assert_eq!(u.dbname.as_deref(), Some("postgres"));
        assert_eq!(u.sslmode, SslMode::VerifyFull);
        assert_eq!(u.sslrootcert, Some(PathBuf::from("/etc/ca.crt")));
        for shown in [u.redacted(), u.to_string(), format!("{u:?}")] {
            assert!(!shown.contains("s3cr"), "{shown}");
            assert!(shown.contains("********"), "{shown}");
        }
        assert_eq!(
            u.redacted(),
            "postgresql://postgres.abc:********@db.abc.supabase.co:6543/postgres?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.crt"
        );
    }

    #[test]
    fn defaults_and_the_short_scheme() {
        let u = DbUrl::parse("postgres://localhost/app").unwrap();
        assert_eq!(u.port(), 5432);
        assert_eq!(u.sslmode, SslMode::Prefer);
        assert_eq!(u.user, None);
        assert!(!u.has_password());
        assert_eq!(u.redacted(), "postgresql://localhost/app");
    }

    #[test]
    fn every_sslmode_parses_and_unknown_ones_are_refused() {
        for m in [
            "disable",
            "allow",
            "prefer",
            "require",
            "verify-ca",
            "verify-full",
        ] {
            let u = DbUrl::parse(&format!("postgres://h/d?sslmode={m}")).unwrap();
            assert_eq!(u.sslmode.as_str(), m);
        }
        let e = DbUrl::parse("postgres://u:hunter2@h/d?sslmode=verify").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("sslmode `verify`"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
    }

    #[test]
    fn keyword_value_strings_parse() {
        let u = DbUrl::parse(
            "host=127.0.0.1 port=55432 user=postgres password='a b\\'c' dbname=x sslmode=require",
        )
        .unwrap();
        assert_eq!(u.host, "127.0.0.1");
        assert_eq!(u.port(), 55432);
        assert_eq!(u.password.as_deref(), Some("a b'c"));
        assert_eq!(u.sslmode, SslMode::Require);
        assert!(!format!("{u:?}").contains("a b"));
    }

    #[test]
    fn invalid_urls_are_reported_without_their_password() {
        let e = DbUrl::parse("postgres://u:hunter2@h:notaport/d").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let e = DbUrl::parse("host=h password=hunter2 bogus=1").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("bogus"), "{e}");
        assert!(DbUrl::parse("just words").is_err());
    }

    #[test]
    fn unix_socket_hosts_are_kept() {
        let u = DbUrl::parse("postgresql://postgres@%2Ftmp%2Fsock:5433/db").unwrap();
        assert_eq!(u.host, "/tmp/sock");
        let u = DbUrl::parse("postgresql:///db?host=/tmp/sock").unwrap();
        assert_eq!(u.host, "/tmp/sock");
    }

    #[test]
    fn conninfo_round_trips_every_field_including_quotes_in_the_password() {
        let u = DbUrl::parse(
            "postgresql://dev%20user:it%27s%5Cx@db.example.com:6000/my%20db?sslmode=require&sslrootcert=/etc/ca.crt&options=-c%20search_path%3Dpublic&connect_timeout=7",
        )
        .unwrap()
        .with_database("supaform_norm_1");
        let back = DbUrl::parse(&u.conninfo()).unwrap();
        assert!(back == u, "{} vs {}", back.redacted(), u.redacted());
        assert_eq!(back.password.as_deref(), Some("it's\\x"));
        assert_eq!(back.dbname.as_deref(), Some("supaform_norm_1"));
        assert_eq!(back.options.as_deref(), Some("-c search_path=public"));
    }
}
