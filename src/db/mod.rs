//! The team database: a park kept in PostgreSQL/PostGIS so that several planners work
//! on it at once (issue #17).
//!
//! Owns the connection (URL, password look-up, TLS), the schema ([`schema`]), pushing a
//! park's layers up with binary COPY ([`push`]), reading a park back as layers
//! ([`load`]), saving edits with optimistic concurrency and pulling others' changes
//! ([`save`]). It knows the model
//! and the GeoPackage reader and writer; it knows no project, no analysis and no GUI.
//!
//! Crates: `postgres` (rust-postgres, synchronous; binary COPY, transactions, SQLSTATE
//! codes), TLS through `tokio-postgres-rustls` with the `ring` provider (pure Rust plus
//! C built by `cc`: builds with mingw for Windows, no cmake, no system OpenSSL), and
//! geometry as WKB through the `wkb` crate (the SRID of EWKB is added to its header).

pub mod load;
pub mod offline;
pub mod push;
pub mod save;
pub mod schema;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

pub use load::{DbLayer, DbPark, open_park};
pub use offline::{
    CheckinOutcome, CheckoutStats, Keep, OfflineInfo, PreparedCheckin, checkin, checkout,
    offline_info, prepare_checkin,
};
pub use push::push_park;
pub use save::{
    Change, Conflict, PullOutcome, Resolution, Resolutions, SaveOutcome, pending_changes, pull,
    save_edits,
};
pub use schema::{ROLES, init};

/// The URL schemes that name a team database.
pub const SCHEMES: [&str; 2] = ["postgres://", "postgresql://"];

/// Whether a path given by the user is a database URL (`postgres://…`).
pub fn is_db_url(text: &str) -> bool {
    SCHEMES
        .iter()
        .any(|s| text.len() >= s.len() && text[..s.len()].eq_ignore_ascii_case(s))
}

/// Errors of the team database, each saying what was being done.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL could not be read.
    #[error("database URL {url}: {message}")]
    Url {
        /// The URL, without its password.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// Connecting failed.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The URL, without its password.
        url: String,
        /// The server's or the network's answer.
        message: String,
    },
    /// A statement failed.
    #[error("{doing}: {message}")]
    Sql {
        /// What was being done.
        doing: String,
        /// The server's message (with its SQLSTATE code when it gave one).
        message: String,
    },
    /// The park is not in the database.
    #[error("no park named \"{park}\" in the database (parks there: {known})")]
    NoSuchPark {
        /// The name asked for.
        park: String,
        /// The parks the database has.
        known: String,
    },
    /// A park of that name is already there.
    #[error(
        "the database already has a park named \"{park}\" (push with --replace to overwrite it)"
    )]
    ParkExists {
        /// Its name.
        park: String,
    },
    /// The database has no ParkPlan schema yet.
    #[error("the database has no ParkPlan schema: run `parkplan-cli db init URL` first")]
    NotInitialised,
    /// The connected role may not write.
    #[error("{0}")]
    ReadOnly(String),
    /// A feature's data cannot be stored or read back.
    #[error("layer \"{layer}\", feature {feature}: {message}")]
    Feature {
        /// The layer.
        layer: String,
        /// The feature (id or row).
        feature: String,
        /// What was wrong.
        message: String,
    },
    /// Reading or writing a local file (the offline GeoPackage).
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl DbError {
    /// A statement error, with the server's message and SQLSTATE.
    pub fn sql(doing: impl Into<String>, e: &postgres::Error) -> DbError {
        let message = match e.as_db_error() {
            Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
            None => e.to_string(),
        };
        DbError::Sql {
            doing: doing.into(),
            message,
        }
    }

    /// Whether the server refused for want of privileges (SQLSTATE 42501).
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, DbError::Sql { message, .. } if message.contains("SQLSTATE 42501"))
            || matches!(self, DbError::ReadOnly(_))
    }
}

/// A database URL as the user gave it, read once: the connection part (without the
/// `park` parameter), the park named, and the password when the URL held one (kept in
/// memory only: [`DbUrl::display`] and everything saved leave it out).
#[derive(Clone, PartialEq)]
pub struct DbUrl {
    /// The URL without `park=` and without the password.
    shown: String,
    /// The URL without `park=`, as given (may hold the password).
    conn: String,
    /// The park named by `?park=`.
    pub park: Option<String>,
    /// A password given at connect time (the desktop's prompt); never saved.
    pub password: Option<String>,
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbUrl")
            .field("url", &self.shown)
            .field("park", &self.park)
            .finish_non_exhaustive()
    }
}

impl DbUrl {
    /// Reads `postgres://user[:password]@host[:port]/database[?park=NAME&sslmode=…]`.
    /// A host starting with `/` (written `%2F…`) is a Unix socket directory.
    pub fn parse(text: &str) -> Result<DbUrl, DbError> {
        let text = text.trim();
        let bad = |message: &str| DbError::Url {
            url: strip_password(text),
            message: message.to_string(),
        };
        if !is_db_url(text) {
            return Err(bad("not a postgres:// URL"));
        }
        let (base, query) = match text.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (text, None),
        };
        let mut park = None;
        let mut kept = Vec::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            match pair.split_once('=') {
                Some(("park", v)) => {
                    let name = percent_encoding::percent_decode_str(&v.replace('+', " "))
                        .decode_utf8()
                        .map_err(|_| bad("the park name is not UTF-8"))?
                        .into_owned();
                    park = Some(name).filter(|n| !n.trim().is_empty());
                }
                _ if pair.is_empty() => {}
                _ => kept.push(pair),
            }
        }
        let conn = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        postgres::Config::from_str(&conn).map_err(|e| bad(&e.to_string()))?;
        Ok(DbUrl {
            shown: strip_password(&conn),
            conn,
            park,
            password: None,
        })
    }

    /// The URL without password and without the park, for messages, logs and files.
    pub fn display(&self) -> &str {
        &self.shown
    }

    /// The URL with `?park=NAME` (without password), as the user can type it again.
    pub fn with_park(&self, park: &str) -> String {
        let enc = percent_encoding::utf8_percent_encode(park, percent_encoding::NON_ALPHANUMERIC);
        let sep = if self.shown.contains('?') { '&' } else { '?' };
        format!("{}{sep}park={enc}", self.shown)
    }

    /// The park named by the URL, or an error saying to name one.
    pub fn park_name(&self) -> Result<&str, DbError> {
        self.park.as_deref().ok_or_else(|| DbError::Url {
            url: self.shown.clone(),
            message: "name the park: add ?park=NAME".into(),
        })
    }

    /// The connection settings, the password filled in from (in order) the URL, the
    /// desktop's prompt, `PGPASSWORD`, or the password file (`PGPASSFILE`, else
    /// `~/.pgpass`, or `%APPDATA%\postgresql\pgpass.conf` on Windows).
    pub fn config(&self) -> Result<postgres::Config, DbError> {
        let mut config = postgres::Config::from_str(&self.conn).map_err(|e| DbError::Url {
            url: self.shown.clone(),
            message: e.to_string(),
        })?;
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .or_else(|_| std::env::var("USERNAME"))
                .unwrap_or_else(|_| "postgres".into());
            config.user(&user);
        }
        if config.get_password().is_none() {
            if let Some(p) = self
                .password
                .clone()
                .or_else(|| std::env::var("PGPASSWORD").ok())
            {
                config.password(p);
            } else if let Some(p) = pgpass_lookup(&config) {
                config.password(p);
            }
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        Ok(config)
    }
}

/// The URL without the password of its user-info part.
fn strip_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..auth_end].rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}@{}", &url[..scheme_end], &rest[at + 1..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// The password file's path.
fn pgpass_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(p));
    }
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(|a| PathBuf::from(a).join("postgresql").join("pgpass.conf"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
    }
}

/// Looks the password up in the password file (`host:port:database:user:password`,
/// `*` matching anything, `\:` and `\\` escaped), as libpq does.
fn pgpass_lookup(config: &postgres::Config) -> Option<String> {
    let text = std::fs::read_to_string(pgpass_path()?).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(_)) => "localhost".to_string(),
        None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default().to_string();
    let db = config
        .get_dbname()
        .map_or_else(|| user.clone(), str::to_string);
    let want = [host.as_str(), port.as_str(), db.as_str(), user.as_str()];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() < 5 {
                return None;
            }
            let matches = want.iter().zip(&fields).all(|(w, f)| f == "*" || f == w);
            matches.then(|| fields[4].clone())
        })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && let Some(last) = out.last_mut()
                {
                    last.push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// TLS for `sslmode=prefer` (rust-postgres' default) and `require`: the connection is
/// encrypted when the server offers TLS; like libpq in these modes, the server's
/// certificate is not checked against an authority (`verify-full` is not offered by
/// rust-postgres).
#[derive(Debug)]
struct AcceptAnyCert(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

// ring's provider is deprecated in rustls 0.23.48 only for lacking post-quantum key
// exchange; the alternative provider (aws-lc-rs) needs cmake, which the Windows
// cross-build does not have.
#[allow(deprecated)]
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCert(provider)))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Connects (TLS when the server offers it, see the URL's `sslmode`).
pub fn connect(url: &DbUrl) -> Result<postgres::Client, DbError> {
    let config = url.config()?;
    let fail = |message: String| DbError::Connect {
        url: url.display().to_string(),
        message,
    };
    let tls = tls().map_err(fail)?;
    config.connect(tls).map_err(|e| {
        fail(match e.as_db_error() {
            Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
            None => e.to_string(),
        })
    })
}

/// The connected role, and why it may not write to the park's layers (`None`: it may).
pub fn write_refusal(
    client: &mut postgres::Client,
    tables: &[String],
) -> Result<Option<String>, DbError> {
    let row = client
        .query_one("SELECT current_user::text", &[])
        .map_err(|e| DbError::sql("asking who is connected", &e))?;
    let who: String = row.get(0);
    let q = "SELECT bool_and(has_table_privilege('parkplan.' || quote_ident(t), 'INSERT,UPDATE,DELETE')) \
             FROM unnest($1::text[]) AS t";
    let row = client
        .query_one(q, &[&tables])
        .map_err(|e| DbError::sql("checking write privileges", &e))?;
    let may: Option<bool> = row.get(0);
    if may.unwrap_or(true) {
        return Ok(None);
    }
    let role = role_of(client, &who)?;
    Ok(Some(format!(
        "只读：数据库角色 {role} 无写权限 / read-only: database role {role} ({who}) may not write to this park"
    )))
}

/// The ParkPlan group role a login belongs to (`viewer`, `editor`, `admin`), or its name.
fn role_of(client: &mut postgres::Client, who: &str) -> Result<String, DbError> {
    for (role, short) in [
        ("parkplan_admin", "admin"),
        ("parkplan_editor", "editor"),
        ("parkplan_viewer", "viewer"),
    ] {
        let row = client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) \
                 AND pg_has_role(current_user, $1, 'MEMBER')",
                &[&role],
            )
            .map_err(|e| DbError::sql("checking roles", &e))?;
        if row.get::<_, Option<bool>>(0).unwrap_or(false) {
            return Ok(short.to_string());
        }
    }
    Ok(who.to_string())
}

/// The parks in the database, by name.
pub fn parks(client: &mut postgres::Client) -> Result<Vec<String>, DbError> {
    schema::check(client)?;
    let rows = client
        .query("SELECT name FROM parkplan.parks ORDER BY name", &[])
        .map_err(|e| DbError::sql("listing parks", &e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEntry {
    /// Its number (increasing).
    pub id: i64,
    /// When, as the server's text (`YYYY-MM-DD HH:MM:SS+TZ`).
    pub at: String,
    /// The database role that made it.
    pub who: String,
    /// The layer's name.
    pub layer: String,
    /// The row (`None` for a whole-park entry such as a push).
    pub fid: Option<i64>,
    /// `insert`, `update`, `delete` or `push`.
    pub op: String,
    /// The row's version after the change (before, for a deletion).
    pub version: Option<i64>,
    /// The row before (JSON: id, properties, geometry as GeoJSON).
    pub before: Option<serde_json::Value>,
    /// The row after.
    pub after: Option<serde_json::Value>,
}

/// One change-log entry as a line of text (the CLI's `db log` and the desktop's
/// change-log view): number, time, who, what, layer, row, version, and the attributes
/// that changed.
pub fn describe_change(e: &ChangeEntry) -> String {
    let row = e.fid.map_or_else(String::new, |f| format!(" #{f}"));
    let version = e.version.map_or_else(String::new, |v| format!(" v{v}"));
    let mut changed = Vec::new();
    let props = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| v.get("properties"))
            .and_then(|p| p.as_object())
            .cloned()
            .unwrap_or_default()
    };
    if e.op == "update" {
        let (b, a) = (props(&e.before), props(&e.after));
        for (k, v) in &a {
            if b.get(k) != Some(v) {
                changed.push(format!(
                    "{k}: {} → {v}",
                    b.get(k).map_or("-".into(), ToString::to_string)
                ));
            }
        }
        for k in b.keys().filter(|k| !a.contains_key(*k)) {
            changed.push(format!("{k}: removed"));
        }
        let geom =
            |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| v.get("geometry")).cloned();
        if geom(&e.before) != geom(&e.after) {
            changed.push("geometry".into());
        }
    } else if e.op == "push" {
        changed.push(
            e.after
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
        );
    }
    let detail = if changed.is_empty() {
        String::new()
    } else {
        format!(" ({})", changed.join("; "))
    };
    format!(
        "{:>6} {} {} {} {}{row}{version}{detail}",
        e.id, e.at, e.who, e.op, e.layer
    )
}

/// The park's change log, newest first, at most `limit` entries.
pub fn change_log(
    client: &mut postgres::Client,
    park: &str,
    limit: i64,
) -> Result<Vec<ChangeEntry>, DbError> {
    let rows = client
        .query(
            "SELECT id, to_char(at, 'YYYY-MM-DD HH24:MI:SS OF'), who, layer, fid, op, version, before, after \
             FROM parkplan.changes WHERE park = $1 ORDER BY id DESC LIMIT $2",
            &[&park, &limit],
        )
        .map_err(|e| DbError::sql("reading the change log", &e))?;
    Ok(rows
        .iter()
        .map(|r| ChangeEntry {
            id: r.get(0),
            at: r.get(1),
            who: r.get(2),
            layer: r.get(3),
            fid: r.get(4),
            op: r.get(5),
            version: r.get(6),
            before: r.get(7),
            after: r.get(8),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keeps_park_out_and_password_hidden() {
        let u = DbUrl::parse(
            "postgres://ann:s3cret@db.example:5433/gis?park=%E8%8D%86%E5%B7%9E&sslmode=require",
        )
        .unwrap();
        assert_eq!(u.park.as_deref(), Some("荆州"));
        assert_eq!(
            u.display(),
            "postgres://ann@db.example:5433/gis?sslmode=require"
        );
        assert!(!format!("{u:?}").contains("s3cret"));
        let c = u.config().unwrap();
        assert_eq!(c.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(
            u.with_park("荆州"),
            "postgres://ann@db.example:5433/gis?sslmode=require&park=%E8%8D%86%E5%B7%9E"
        );
        assert!(DbUrl::parse("http://x").is_err());
        assert!(DbUrl::parse("postgres://x/db?sslmode=bogus").is_err());
        assert!(
            DbUrl::parse("postgres://x/db")
                .unwrap()
                .park_name()
                .is_err()
        );
    }

    #[test]
    fn pgpass_fields_unescape() {
        assert_eq!(
            split_pgpass(r"db\:1:5432:*:ann:pa\:ss"),
            vec!["db:1", "5432", "*", "ann", "pa:ss"]
        );
    }
}
