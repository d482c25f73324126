//! The two ways a GeoJSON file becomes a layer: [`read_layer_file`] tries the streamed
//! read ([`super::read_layer_streaming`]) and falls back to the whole-document read
//! [`read_layer_bytes`] (any encoding, any root, exact problem positions). Both end in
//! [`finish_layer`] (name, role, field mapping).
//!
//! Owns decoding, the document's root and the JSON error positions. The CRS decision is
//! [`super::decide_crs`]'s, each feature's processing [`super::features`]'; this file
//! must not know about manifests, folders or projects.

use std::path::Path;

use rayon::prelude::*;
use serde_json::value::RawValue;

use super::decide_crs::{SAMPLE, decide_crs, declared_crs, projector_for, sample_features};
use super::features::{LayerContext, Partial, merge_partial, process_feature};
use super::json::{self, FeatureEntry, FeatureList, GeomField, RawFeature};
use super::stream::read_layer_streaming;
use super::{
    ImportError, LayerOptions, Problem, Progress, Severity, fields, geometry, roles, text,
};
use crate::model::{Layer, LayerSource};

/// Features parsed per parallel work unit.
pub(super) const CHUNK: usize = 4096;

/// Reads one GeoJSON file into a layer, with the problems found.
///
/// A UTF-8 FeatureCollection is read in blocks ([`read_layer_streaming`]): its
/// features are split without a full parse and parsed in parallel block by block, so
/// the whole file is never held in memory. Anything else, and any file whose
/// streaming read meets a problem, is read whole by [`read_layer_bytes`], which gives
/// the same layer and reports every problem exactly.
pub fn read_layer_file(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    if let Some(done) = read_layer_streaming(path, opts, progress) {
        return done;
    }
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: file.clone(),
        source,
    })?;
    let (mut layer, problems) = read_layer_bytes(&bytes, &file, opts, progress)?;
    layer.source.path = Some(path.to_path_buf());
    Ok((layer, problems))
}

/// Reads GeoJSON bytes into a layer. `file` names the source in messages.
pub fn read_layer_bytes(
    bytes: &[u8],
    file: &str,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    let decoded = text::decode(bytes);
    let mut problems = Vec::new();
    if decoded.encoding == crate::model::TextEncoding::Gb18030 {
        problems.push(Problem::file_level(
            file,
            Severity::Repaired,
            "text is not UTF-8",
            "decoded as GB18030 (GBK)",
        ));
    }
    if decoded.replaced > 0 {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            format!(
                "{} byte sequence(s) could not be decoded as {}",
                decoded.replaced,
                decoded.encoding.name()
            ),
            "replaced them with U+FFFD",
        ));
    }
    let text: &str = &decoded.text;
    let json_error = |e: serde_json::Error, base: usize| -> ImportError {
        let pos = json::position_of(text, e.line(), e.column());
        let what = match e.classify() {
            serde_json::error::Category::Eof => {
                "the file ends too early (truncated JSON)".to_string()
            }
            _ => {
                let m = e.to_string();
                let m = m.split(" at line ").next().unwrap_or(&m).to_string();
                if m.contains("recursion limit") {
                    "the JSON nests too deep".to_string()
                } else {
                    format!("invalid JSON: {m}")
                }
            }
        };
        let byte = if base == 0 {
            pos.byte
        } else {
            base + e.column().saturating_sub(1)
        };
        let line_pos = if base == 0 {
            pos
        } else {
            json::position_of_byte(text, byte)
        };
        ImportError::Json {
            file: file.to_string(),
            what,
            // Byte offsets count from the file's start for UTF-8 (past any BOM).
            byte: if decoded.encoding == crate::model::TextEncoding::Utf8Bom {
                byte + decoded.bom_len
            } else {
                byte
            },
            line: line_pos.line,
            column: line_pos.column,
        }
    };
    if text.trim().is_empty() {
        return Err(ImportError::NotGeoJson {
            file: file.to_string(),
            message: "the file is empty".into(),
        });
    }
    let top = json::parse_top_level(text).map_err(|e| json_error(e, 0))?;
    if let Some(what) = top.not_object {
        return Err(ImportError::NotGeoJson {
            file: file.to_string(),
            message: format!(
                "the file holds {what}, not a GeoJSON object (FeatureCollection, Feature or Geometry)"
            ),
        });
    }

    // The features, raw, however the root was written.
    let type_name = top.type_name.clone().unwrap_or_default();
    let single: Option<RawFeature<'_>>;
    let features: Vec<&RawValue> = match (&top.features, type_name.as_str()) {
        (Some(FeatureList::Array(v)), _) => {
            single = None;
            v.clone()
        }
        (Some(FeatureList::NotArray(what)), _) => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: format!("\"features\" is {what}, not an array"),
            });
        }
        (None, "Feature") => {
            single = match json::parse_feature(text).map_err(|e| json_error(e, 0))? {
                FeatureEntry::Feature(f) => Some(f),
                FeatureEntry::NotObject(_) => None,
            };
            Vec::new()
        }
        (None, t) if is_geometry_type(t) => {
            let g = json::parse_geometry(text).map_err(|e| json_error(e, 0))?;
            single = Some(RawFeature {
                type_name: Some("Feature".into()),
                geometry: Some(g),
                ..RawFeature::default()
            });
            Vec::new()
        }
        (None, "FeatureCollection") => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: "a FeatureCollection without \"features\"".into(),
            });
        }
        (None, "Topology") => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: "this is TopoJSON (type Topology), which ParkPlan does not read; convert it to GeoJSON first".into(),
            });
        }
        (None, "") => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: "the object has no \"type\" member".into(),
            });
        }
        (None, t) => {
            let shown: String = t.chars().take(40).collect();
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: format!("unknown GeoJSON type \"{shown}\""),
            });
        }
    };

    // The declared CRS: the root's crs member, else the single feature's.
    let crs_raw = top
        .crs
        .map(|r| r.get().to_string())
        .or_else(|| single.as_ref().and_then(|f| f.crs.clone()))
        .or_else(|| {
            single.as_ref().and_then(|f| match &f.geometry {
                Some(GeomField::Geom(g)) => g.crs.clone(),
                _ => None,
            })
        });
    let declared = crs_raw.as_deref().and_then(declared_crs);

    // Sample positions to check or guess the CRS.
    let sample = match &single {
        Some(f) => {
            let mut sample = Vec::new();
            if let Some(GeomField::Geom(g)) = &f.geometry {
                geometry::sample_positions(g, &mut sample, SAMPLE);
            }
            sample
        }
        None => sample_features(features.iter().map(|raw| Some(raw.get()))).unwrap_or_default(),
    };
    let decision = decide_crs(file, declared, opts.crs, &sample, &mut problems);
    let projector = projector_for(file, decision.as_ref(), &mut problems);
    let ctx = LayerContext {
        file,
        layer_crs_raw: crs_raw.as_deref(),
        gcj02: opts.gcj02,
        decision: decision.as_ref().filter(|_| projector.is_some()),
        projector: projector.as_ref(),
    };

    // Parse every feature, in parallel chunks.
    let mut partials: Vec<Partial> = Vec::new();
    if let Some(f) = single {
        let mut p = Partial::default();
        process_feature(0, FeatureEntry::Feature(f), &ctx, &mut p);
        partials.push(p);
        if let Some(pr) = progress {
            pr.add_done(bytes.len() as u64);
        }
    } else {
        let base = text.as_ptr() as usize;
        partials = features
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(ci, chunk)| {
                if progress.is_some_and(|p| p.is_cancelled()) {
                    return Err(ImportError::Cancelled);
                }
                let mut p = Partial::default();
                let mut chunk_bytes = 0u64;
                for (k, raw) in chunk.iter().enumerate() {
                    let s = raw.get();
                    chunk_bytes += s.len() as u64;
                    let entry = json::parse_feature(s)
                        .map_err(|e| json_error(e, s.as_ptr() as usize - base))?;
                    process_feature(ci * CHUNK + k, entry, &ctx, &mut p);
                }
                if let Some(pr) = progress {
                    pr.add_done(chunk_bytes);
                }
                Ok(p)
            })
            .collect::<Result<Vec<_>, ImportError>>()?;
    }

    // Merge in order.
    let mut layer = Layer::default();
    for p in partials {
        merge_partial(&mut layer, p, &mut problems);
    }
    layer.source = LayerSource {
        path: None,
        encoding: decoded.encoding,
        crs: decision,
        bytes: bytes.len() as u64,
    };
    Ok(finish_layer(layer, problems, &top, file, opts))
}

/// Names the layer, decides its role and maps its fields (shared by both read paths).
pub(super) fn finish_layer(
    mut layer: Layer,
    mut problems: Vec<Problem>,
    top: &json::TopLevel<'_>,
    file: &str,
    opts: &LayerOptions,
) -> (Layer, Vec<Problem>) {
    layer.document_members = top
        .members
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "bbox" | "geometry" | "properties" | "coordinates" | "geometries" | "id"
            )
        })
        .map(|(k, v)| (k.clone(), v.get().to_string()))
        .collect();

    // Name, role, fields.
    let doc_name = top
        .members
        .iter()
        .find(|(k, _)| k == "name")
        .and_then(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
        .filter(|s| !s.trim().is_empty());
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    layer.name = opts
        .name
        .clone()
        .or(doc_name)
        .unwrap_or_else(|| stem.clone());
    match opts.role {
        Some(role) => {
            layer.role = role;
            layer.role_reason = opts
                .role_reason
                .clone()
                .unwrap_or_else(|| "set in the manifest".into());
        }
        None => {
            let family = roles::dominant_family(&layer.geometry_type_counts());
            let file_name = Path::new(file)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let guess = roles::guess_role(&[&layer.name, &file_name], family, &layer.attributes);
            layer.role = guess.role;
            layer.role_reason = guess.reason;
        }
    }
    layer.fields = match &opts.fields {
        Some(f) => {
            let mut m = fields::guess_fields(layer.role, &layer.attributes);
            // The given mapping wins; guesses fill what it leaves out.
            m.retain(|_, col| !f.values().any(|c| c == col));
            m.extend(f.clone());
            // An empty column name means "not mapped": the user said no column holds it.
            m.retain(|_, col| !col.is_empty());
            for (field, col) in f {
                if !col.is_empty() && layer.attributes.column(col).is_none() && !layer.is_empty() {
                    problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        format!(
                            "the mapping names property \"{col}\" for {}, but no feature has it",
                            field.code()
                        ),
                        "the field stays empty",
                    ));
                }
            }
            m
        }
        None => fields::guess_fields(layer.role, &layer.attributes),
    };
    (layer, problems)
}

fn is_geometry_type(t: &str) -> bool {
    matches!(
        t,
        "Point"
            | "MultiPoint"
            | "LineString"
            | "MultiLineString"
            | "Polygon"
            | "MultiPolygon"
            | "GeometryCollection"
    )
}
