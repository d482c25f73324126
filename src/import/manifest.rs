//! Manifests: a small JSON file listing a map's layers with their role, field mapping
//! and (optionally) CRS. A manifest overrides every guess.
//!
//! ```json
//! {"parkplan_manifest": 1, "name": "荆州经济技术开发区",
//!  "layers": [{"path": "地块.geojson", "name": "地块", "role": "parcels",
//!              "fields": {"status": "审批状态"}, "crs": "EPSG:4546"}]}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Field, FieldMap, Role};

/// The manifest format version this build reads and writes.
pub const MANIFEST_VERSION: u32 = 1;

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version (must be ≤ [`MANIFEST_VERSION`]).
    pub parkplan_manifest: u32,
    /// The map's name.
    #[serde(default)]
    pub name: Option<String>,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
    /// The layers, in drawing order.
    pub layers: Vec<ManifestLayer>,
}

/// One layer of a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestLayer {
    /// The file, relative to the manifest.
    pub path: String,
    /// The name to show.
    #[serde(default)]
    pub name: Option<String>,
    /// The role code (`parcels`, `enterprises` …) or its Chinese name.
    #[serde(default)]
    pub role: Option<String>,
    /// Model field code → property name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The CRS to read the file in, overriding its `crs` member and any guess.
    #[serde(default)]
    pub crs: Option<String>,
    /// The lon/lat were digitised on a GCJ-02 map (Gaode/AMap): correct them to WGS84.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gcj02: bool,
    /// The survey's shift from an older datum to CGCS2000:
    /// `{"dx":…, "dy":…, "dz":…, "rx":…, "ry":…, "rz":…, "scale_ppm":…,
    /// "rotation": "position_vector" | "coordinate_frame"}` (rotations in arc-seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datum_shift: Option<crate::crs::DatumShift>,
    /// Only this part of a file holding several kinds of geometry: `"lines"`,
    /// `"points"` or `"polygons"` (one manifest layer per part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<crate::model::GeomFamily>,
}

/// Errors reading a manifest.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Not valid JSON or not a manifest's shape.
    #[error("{file}: not a valid ParkPlan manifest: {message}")]
    Invalid {
        /// The manifest file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// Written by a newer ParkPlan.
    #[error(
        "{file}: manifest version {found} is newer than this ParkPlan understands (up to {MANIFEST_VERSION}); please update ParkPlan"
    )]
    TooNew {
        /// The manifest file.
        file: String,
        /// Its version.
        found: u32,
    },
}

/// Whether a JSON text looks like a manifest (has a `parkplan_manifest` member near the
/// top), without parsing it all.
pub fn looks_like_manifest(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.contains("\"parkplan_manifest\"")
}

impl Manifest {
    /// Parses a manifest's text.
    pub fn parse(text: &str, file: &str) -> Result<Manifest, ManifestError> {
        let m: Manifest = serde_json::from_str(text).map_err(|e| ManifestError::Invalid {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        if m.parkplan_manifest > MANIFEST_VERSION {
            return Err(ManifestError::TooNew {
                file: file.to_string(),
                found: m.parkplan_manifest,
            });
        }
        Ok(m)
    }
}

impl ManifestLayer {
    /// The layer's file, resolved against the manifest's folder.
    pub fn resolve(&self, base: &Path) -> PathBuf {
        base.join(&self.path)
    }

    /// The role, when given and understood.
    pub fn role(&self) -> Result<Option<Role>, String> {
        match &self.role {
            None => Ok(None),
            Some(r) => Role::parse(r)
                .map(Some)
                .ok_or_else(|| format!("unknown role \"{r}\" (known: {})", role_codes())),
        }
    }

    /// The field mapping; unknown field codes are reported, not fatal.
    pub fn field_map(&self) -> (FieldMap, Vec<String>) {
        field_map_from_codes(&self.fields)
    }
}

/// A field mapping from `field code → property name` pairs (as manifests and projects
/// store it), with the codes that name no model field.
pub fn field_map_from_codes(codes: &BTreeMap<String, String>) -> (FieldMap, Vec<String>) {
    let mut map = FieldMap::new();
    let mut unknown = Vec::new();
    for (code, column) in codes {
        match Field::from_code(code) {
            Some(f) => {
                map.insert(f, column.clone());
            }
            None => unknown.push(code.clone()),
        }
    }
    (map, unknown)
}

/// A stored datum shift, checked as if typed ([`crate::crs::DatumShift::from_params`]);
/// an implausible one is reported against `file` and `layer` and not used.
pub fn shift_choice(
    file: &str,
    layer: &str,
    shift: Option<crate::crs::DatumShift>,
    report: &mut super::ImportReport,
) -> Option<crate::crs::DatumShift> {
    let s = shift?;
    match crate::crs::DatumShift::from_params(&s.params(), s.rotation) {
        Ok(ok) => Some(ok),
        Err(e) => {
            report.push(super::Problem::file_level(
                file,
                super::Severity::Warning,
                super::Issue::DatumShiftInvalid {
                    layer: layer.to_string(),
                    detail: e.to_string(),
                },
            ));
            None
        }
    }
}

/// Reads the stored choices for one layer (field codes and a CRS name), reporting unknown
/// field codes and unusable CRS names against `file` (the manifest or project) and
/// `layer` (how the layer is named there). Both manifests and projects go through here.
pub fn layer_choices(
    file: &str,
    layer: &str,
    codes: &BTreeMap<String, String>,
    crs: Option<&str>,
    report: &mut super::ImportReport,
) -> (Option<FieldMap>, Option<crate::crs::Crs>) {
    use super::{Problem, Severity};
    let (fields, unknown) = field_map_from_codes(codes);
    if !unknown.is_empty() {
        report.push(Problem::file_level(
            file,
            Severity::Warning,
            super::Issue::UnknownFieldCodes {
                layer: layer.to_string(),
                codes: unknown,
            },
        ));
    }
    let crs = crs.and_then(|c| match crate::crs::Crs::parse(c) {
        Ok(c) => Some(c),
        Err(e) => {
            report.push(Problem::file_level(
                file,
                Severity::Warning,
                super::Issue::LayerCrsUnusable {
                    layer: layer.to_string(),
                    detail: e.to_string(),
                },
            ));
            None
        }
    });
    ((!fields.is_empty()).then_some(fields), crs)
}

fn role_codes() -> String {
    Role::ALL
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_newer_versions() {
        let m = Manifest::parse(
            r#"{"parkplan_manifest":1,"layers":[{"path":"a.geojson","role":"地块","fields":{"status":"审批状态","bogus":"x"}}]}"#,
            "m.json",
        )
        .unwrap();
        assert_eq!(m.layers[0].role().unwrap(), Some(Role::Parcels));
        let (map, unknown) = m.layers[0].field_map();
        assert_eq!(
            map.get(&Field::Status).map(|s| s.as_str()),
            Some("审批状态")
        );
        assert_eq!(unknown, vec!["bogus".to_string()]);
        let e = Manifest::parse(r#"{"parkplan_manifest":9,"layers":[]}"#, "m.json").unwrap_err();
        assert!(e.to_string().contains("newer"));
    }
}
