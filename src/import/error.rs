//! [`ImportError`]: why a file could not be loaded at all, and how such an error is
//! worded in the import report.
//!
//! Owns the error type only; problems that do not stop a file (a bad feature, a
//! guessed CRS) are [`super::Problem`]s in the report, not errors.

use super::manifest::ManifestError;

/// Why a file could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid JSON (or is truncated, or nests too deep).
    #[error("{file}: {what} at byte {byte} (line {line}, column {column})")]
    Json {
        /// The file.
        file: String,
        /// What serde_json found wrong, in words.
        what: String,
        /// Byte offset in the file.
        byte: usize,
        /// Line, 1-based.
        line: usize,
        /// Column, 1-based.
        column: usize,
    },
    /// Valid JSON but not GeoJSON.
    #[error("{file}: not GeoJSON: {message}")]
    NotGeoJson {
        /// The file.
        file: String,
        /// What it is instead.
        message: String,
    },
    /// A Shapefile, GeoPackage or coordinate TXT that cannot be read as one.
    #[error("{file}: not a readable {format}: {message}")]
    Unreadable {
        /// The file.
        file: String,
        /// The format it was taken for ("Shapefile", "GeoPackage" …).
        format: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A manifest could not be used.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The user cancelled the load.
    #[error("loading cancelled")]
    Cancelled,
}

/// An import error as a problem of the report (which names the file).
pub(super) fn error_issue(e: ImportError) -> super::Issue {
    use super::Issue;
    match e {
        ImportError::Io { source, .. } => Issue::FileUnreadable {
            detail: source.to_string(),
        },
        ImportError::Json {
            what,
            byte,
            line,
            column,
            ..
        } => Issue::JsonInvalid {
            what,
            byte,
            line,
            column,
        },
        ImportError::NotGeoJson { message, .. } => Issue::NotGeoJson { detail: message },
        ImportError::Unreadable {
            format, message, ..
        } => Issue::FormatUnreadable {
            format,
            detail: message,
        },
        other => Issue::FileFailed {
            detail: other.to_string(),
        },
    }
}
