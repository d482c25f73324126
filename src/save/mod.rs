//! Saving: atomic file writes and writing layers back as GeoJSON, as a GeoPackage
//! ([`gpkg`]) or as a land-approval coordinate TXT ([`landtxt`]), and GTFS feeds
//! ([`gtfs`]). Nothing here ever
//! writes over a file unless the new content was completely written, and never over a
//! layer's source file without the caller's explicit consent.

pub mod atomic;
pub mod csv;
pub mod geojson;
pub mod gpkg;
pub mod gtfs;
pub mod landtxt;

pub use atomic::{backup_path, write_atomic, write_atomic_path, write_atomic_with};
pub use geojson::{SaveError, WriteCrs, save_layer, write_layer};

use std::path::Path;

use crate::model::Layer;

/// What [`save_layers_as`] wrote, for messages: the format and the CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// "GeoJSON", "GeoPackage" or "coordinate TXT".
    pub format: &'static str,
    /// The CRS code written (the first layer's for a GeoPackage).
    pub crs: String,
}

/// Saves layers in the format the path's extension names: `.gpkg` a GeoPackage holding
/// every layer; `.txt` a land-approval coordinate TXT of one parcel layer's polygons
/// (in `target` when that is a Gauss-Krüger zone, else the zone around them); anything
/// else GeoJSON, which holds one layer. Atomic; never over a source file unless
/// `overwrite_source`.
pub fn save_layers_as(
    layers: &[&Layer],
    path: &Path,
    target: WriteCrs,
    overwrite_source: bool,
) -> Result<Saved, SaveError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let first = layers.first().ok_or_else(|| SaveError::Projection {
        crs: String::new(),
        message: "there is no layer to write".into(),
    })?;
    match ext.as_str() {
        "gpkg" => {
            gpkg::save_gpkg(layers, path, target, overwrite_source)?;
            Ok(Saved {
                format: "GeoPackage",
                crs: geojson::target_crs(first, target).code(),
            })
        }
        "txt" | "geojson" | "json" | "" if layers.len() > 1 => Err(SaveError::Projection {
            crs: String::new(),
            message: format!(
                "{} layers cannot go into one {} file; write a .gpkg, or one layer",
                layers.len(),
                if ext == "txt" {
                    "coordinate TXT"
                } else {
                    "GeoJSON"
                }
            ),
        }),
        "txt" => {
            geojson::refuse_part_of_source(first, path)?;
            if geojson::is_source_of(first, path) && !overwrite_source {
                return Err(SaveError::WouldOverwriteSource(path.display().to_string()));
            }
            let rows: Vec<usize> = (0..first.len()).collect();
            let crs = match target {
                WriteCrs::Crs(c @ crate::crs::Crs::GaussKruger { .. }) => Some(c),
                _ => None,
            };
            let crs = crs.or_else(|| landtxt::zone_for(first, &rows));
            landtxt::save_land_txt(first, &rows, crs, path)?;
            Ok(Saved {
                format: "coordinate TXT",
                crs: crs.map(|c| c.code()).unwrap_or_default(),
            })
        }
        _ => {
            save_layer(first, path, target, overwrite_source)?;
            Ok(Saved {
                format: "GeoJSON",
                crs: geojson::target_crs(first, target).code(),
            })
        }
    }
}
