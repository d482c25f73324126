//! Saving: atomic file writes and writing layers back as GeoJSON. Nothing here ever
//! writes over a file unless the new content was completely written, and never over a
//! layer's source file without the caller's explicit consent.

pub mod atomic;
pub mod geojson;

pub use atomic::{backup_path, write_atomic, write_atomic_with};
pub use geojson::{SaveError, WriteCrs, save_layer, write_layer};
