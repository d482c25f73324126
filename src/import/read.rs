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
use super::features::{LayerContext, Partial, layer_from_partials, process_feature};
use super::json::{self, FeatureEntry, FeatureList, GeomField, JsonParser, RawFeature};
use super::stream::read_layer_streaming_with;
use super::{
    ImportError, Issue, LayerOptions, Problem, Progress, Severity, finish, geometry, text,
};
use crate::model::{Layer, LayerSource};

/// Reads one file into a layer, with the problems found: GeoJSON here, a Shapefile,
/// GeoPackage or land-approval coordinate TXT through its reader and then the same
/// checks ([`super::foreign`]).
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
    read_layer_file_with(path, opts, progress, JsonParser::Fast)
}

/// [`read_layer_file`] with the parser of GeoJSON features chosen (both give the same
/// layer and problems; [`JsonParser::Serde`] is the reference for tests and benches).
pub fn read_layer_file_with(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
    parser: JsonParser,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    let file = path.display().to_string();
    if let Some(source) = super::foreign::read_other_format(path, &file, opts)? {
        let (mut layer, problems) =
            super::foreign::layer_from_features(&file, source, opts, progress)?;
        layer.source.path = Some(path.to_path_buf());
        return Ok(with_part(layer, problems, &file, opts));
    }
    if let Some(done) = read_layer_streaming_with(path, opts, progress, parser) {
        return done.map(|(l, p)| with_part(l, p, &file, opts));
    }
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: file.clone(),
        source,
    })?;
    let (mut layer, problems) = read_layer_bytes_with(&bytes, &file, opts, progress, parser)?;
    layer.source.path = Some(path.to_path_buf());
    Ok(with_part(layer, problems, &file, opts))
}

/// The part of the layer `opts.part` names (the whole layer when none).
fn with_part(
    layer: Layer,
    mut problems: Vec<Problem>,
    file: &str,
    opts: &LayerOptions,
) -> (Layer, Vec<Problem>) {
    match opts.part {
        Some(part) => {
            let l = super::split::take_part(&layer, part, file, opts, &mut problems);
            (l, problems)
        }
        None => (layer, problems),
    }
}

/// The text with every number literal beyond the range of an f64 (such as `1e400`)
/// replaced by `null` padded to the same length (so byte positions stay), and a problem
/// for each; `None` when there is none.
fn blank_huge_numbers(text: &str, file: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c == b'-' || c.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < b.len() && matches!(b[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                i += 1;
            }
            let token = &text[start..i];
            let huge = (token.contains('e') || token.contains('E') || token.len() > 300)
                && token.parse::<f64>().is_ok_and(|v| v.is_infinite());
            if huge {
                let buf = out.get_or_insert_with(|| b.to_vec());
                let blank = format!("{:<width$}", "null", width = token.len().max(4));
                if token.len() >= 4 {
                    buf[start..i].copy_from_slice(blank.as_bytes());
                    let pos = json::position_of_byte(text, start);
                    problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        Issue::NumberBeyondRange {
                            token: token.to_string(),
                            line: pos.line,
                            column: pos.column,
                        },
                    ));
                }
            }
            continue;
        }
        i += 1;
    }
    out.and_then(|v| String::from_utf8(v).ok())
}

/// Reads GeoJSON bytes into a layer. `file` names the source in messages.
pub fn read_layer_bytes(
    bytes: &[u8],
    file: &str,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    read_layer_bytes_with(bytes, file, opts, progress, JsonParser::Fast)
}

/// [`read_layer_bytes`] with the parser of GeoJSON features chosen.
pub fn read_layer_bytes_with(
    bytes: &[u8],
    file: &str,
    opts: &LayerOptions,
    progress: Option<&Progress>,
    parser: JsonParser,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    let decoded = text::decode(bytes);
    let mut problems = Vec::new();
    if decoded.encoding == crate::model::TextEncoding::Gb18030 {
        problems.push(Problem::file_level(
            file,
            Severity::Repaired,
            Issue::TextNotUtf8,
        ));
    }
    if decoded.replaced > 0 {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::BytesUndecodable {
                count: decoded.replaced,
                encoding: decoded.encoding.name().to_string(),
            },
        ));
    }
    // Numbers beyond f64 (`1e400`: valid JSON grammar) would reject the whole file; each
    // is blanked to `null`, so only its feature is skipped (as a bad coordinate), and
    // reported here with its place.
    let patched = blank_huge_numbers(&decoded.text, file, &mut problems);
    let text: &str = patched.as_deref().unwrap_or(&decoded.text);
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
            single = match json::parse_feature_with(text, parser).map_err(|e| json_error(e, 0))? {
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
        None => {
            sample_features(features.iter().map(|raw| Some(raw.get())), parser).unwrap_or_default()
        }
    };
    let mut decision = decide_crs(file, declared, opts.crs, &sample, &mut problems);
    let projector = projector_for(file, decision.as_mut(), opts.datum_shift, &mut problems);
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
            .par_chunks(finish::CHUNK)
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
                    let entry = json::parse_feature_with(s, parser)
                        .map_err(|e| json_error(e, s.as_ptr() as usize - base))?;
                    process_feature(ci * finish::CHUNK + k, entry, &ctx, &mut p);
                }
                if let Some(pr) = progress {
                    pr.add_done(chunk_bytes);
                }
                Ok(p)
            })
            .collect::<Result<Vec<_>, ImportError>>()?;
    }

    // Merge in order.
    let layer = layer_from_partials(
        partials,
        &mut problems,
        LayerSource {
            path: None,
            encoding: decoded.encoding,
            crs: decision,
            bytes: bytes.len() as u64,
            part: None,
        },
    );
    let (layer, mut problems) = finish::finish_layer(layer, problems, &top, file, opts);
    if decoded.replaced > 0 {
        problems.push(replaced_text(&layer, file));
    }
    Ok((layer, problems))
}

/// Where a file's undecodable bytes ended up: the field names and the features whose
/// text holds a replacement character (U+FFFD), so the user knows what to check.
pub(super) fn replaced_text(layer: &crate::model::Layer, file: &str) -> Problem {
    const BAD: char = '\u{FFFD}';
    let mut fields = Vec::new();
    let mut features = std::collections::BTreeSet::new();
    for col in layer.attributes.columns() {
        if col.name().contains(BAD) {
            fields.push(col.name().to_string());
        }
        for row in 0..layer.len() {
            if col.get(row).as_text().is_some_and(|t| t.contains(BAD)) {
                features.insert(row);
                if !fields.iter().any(|f| f == col.name()) {
                    fields.push(col.name().to_string());
                }
            }
        }
    }
    let shown: Vec<usize> = features.iter().take(10).map(|i| i + 1).collect();
    let more = features.len().saturating_sub(shown.len());
    Problem::file_level(
        file,
        Severity::Warning,
        Issue::ReplacedText {
            layer: layer.name.clone(),
            fields,
            features: shown,
            more,
        },
    )
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
