//! Per-feature processing, run in parallel chunks by both read paths: a raw feature →
//! its id, geometry (checked, repaired, converted to lon/lat, honouring a feature's own
//! `crs` member) and properties, into a [`Partial`] that [`merge_partial`] appends to
//! the layer in order.
//!
//! Owns the per-feature problems ("skipped it", "ignored the id" …). The layer's CRS
//! is decided before (in [`super::decide_crs`]); nothing here reads files.

use geo::CoordsIter;

use super::decide_crs::SAMPLE;
use super::json::{self, FeatureEntry, GeomField, PropsField, RawGeometry};
use super::{GeomIssue, GeomKind, Issue, Problem, Severity, geometry};
use crate::crs::{Crs, CrsDecision, Projector};
use crate::model::{AttributeTable, FeatureExtras, FeatureId, Layer, PropValue};

/// Appends a chunk's features to the layer (in order).
pub(super) fn merge_partial(layer: &mut Layer, p: Partial, problems: &mut Vec<Problem>) {
    let offset = layer.geometries.len();
    if layer.attributes.rows() == 0 {
        layer.attributes = p.table;
    } else {
        layer.attributes.append(&p.table);
    }
    if !(layer.ids.is_empty() && p.ids.iter().all(Option::is_none)) {
        // The ids are kept from the first feature with an `id` member on (before it,
        // `None`s); a layer without any keeps none (24 bytes a feature).
        layer.ids.resize(offset, None);
        layer.ids.extend(p.ids);
    }
    layer.geometries.extend(p.geoms);
    for (i, e) in p.extras {
        layer.extras.insert(offset + i, e);
    }
    problems.extend(p.problems);
}

/// A layer from its chunks' features, merged in order, with its source.
pub(super) fn layer_from_partials(
    partials: Vec<Partial>,
    problems: &mut Vec<Problem>,
    source: crate::model::LayerSource,
) -> Layer {
    let mut layer = Layer::default();
    for p in partials {
        merge_partial(&mut layer, p, problems);
    }
    layer.source = source;
    layer
}

/// What every feature of a layer shares while being parsed.
pub(super) struct LayerContext<'a> {
    /// The file, as named in problems.
    pub(super) file: &'a str,
    /// The `crs` member the layer's decision was made from (not re-applied per feature).
    pub(super) layer_crs_raw: Option<&'a str>,
    /// Correct GCJ-02 lon/lat to WGS84.
    pub(super) gcj02: bool,
    /// The layer's CRS decision (`None`: unknown, geometries are not loaded).
    pub(super) decision: Option<&'a CrsDecision>,
    /// Its projector to lon/lat.
    pub(super) projector: Option<&'a Projector>,
}

/// The features of one chunk, before merging.
#[derive(Default)]
pub(super) struct Partial {
    table: AttributeTable,
    ids: Vec<Option<FeatureId>>,
    geoms: Vec<Option<geo::Geometry<f64>>>,
    extras: Vec<(usize, FeatureExtras)>,
    problems: Vec<Problem>,
}

impl Partial {
    /// Moves the features' numbers in its problems on by `offset` (the chunk was parsed
    /// before the number of features before it was known).
    pub(super) fn renumber(&mut self, offset: usize) {
        for p in &mut self.problems {
            if let Some(f) = &mut p.feature {
                *f += offset;
            }
        }
    }
}

fn parse_id(raw: &str) -> Result<Option<FeatureId>, String> {
    match PropValue::from_raw_json(raw) {
        PropValue::Null | PropValue::Absent => Ok(None),
        PropValue::Str(s) => Ok(Some(FeatureId::Str(s.into()))),
        PropValue::Int(i) => Ok(Some(FeatureId::Int(i))),
        PropValue::Float(f) => Ok(Some(FeatureId::Float(f))),
        PropValue::Json(j) if j.starts_with('"') => Ok(serde_json::from_str::<String>(j)
            .ok()
            .map(|s| FeatureId::Str(s.into()))),
        PropValue::Json(j) => Err(short_json(j)),
        PropValue::Bool(b) => Err(b.to_string()),
    }
}

fn short_json(j: &str) -> String {
    let s: String = j.chars().take(30).collect();
    if s.len() < j.len() {
        format!("{s}…")
    } else {
        s
    }
}

/// Processes feature `index` of the layer into `out` (problems included); a feature
/// that cannot be used is skipped and reported.
pub(super) fn process_feature(
    index: usize,
    entry: FeatureEntry<'_>,
    ctx: &LayerContext<'_>,
    out: &mut Partial,
) {
    let problem = |severity, issue: Issue, id: Option<String>, location| Problem {
        file: ctx.file.to_string(),
        feature: Some(index),
        feature_id: id,
        issue,
        severity,
        location,
    };
    let f = match entry {
        FeatureEntry::Feature(f) => f,
        FeatureEntry::NotObject(what) => {
            out.problems.push(problem(
                Severity::Warning,
                Issue::EntryNotFeature {
                    found: what.to_string(),
                },
                None,
                None,
            ));
            return;
        }
    };
    // The id people will see in messages.
    let (id, id_problem) = match f.id.map(parse_id) {
        None => (None, None),
        Some(Ok(id)) => (id, None),
        Some(Err(e)) => (None, Some(e)),
    };
    // Computed only when a problem names the feature (most features have none).
    let shown_id = || {
        id.as_ref()
            .map(|i| i.to_string())
            .or_else(|| match &f.properties {
                PropsField::Object(p) => p
                    .iter()
                    .find(|(k, _)| matches!(k.as_ref(), "id" | "ID" | "编号"))
                    .and_then(|(_, v)| v.as_value().as_text().map(|s| s.into_owned())),
                _ => None,
            })
    };
    match f.type_name.as_deref() {
        Some("Feature") => {}
        None => out.problems.push(problem(
            Severity::Repaired,
            Issue::FeatureTypeMissing,
            shown_id(),
            None,
        )),
        Some(other) => {
            let shown: String = other.chars().take(40).collect();
            out.problems.push(problem(
                Severity::Warning,
                Issue::FeatureTypeWrong { found: shown },
                shown_id(),
                None,
            ));
            return;
        }
    }
    // Geometry.
    let mut extras = FeatureExtras {
        members: f.members.clone(),
        ..FeatureExtras::default()
    };
    let geometry = match &f.geometry {
        None => {
            out.problems.push(problem(
                Severity::Repaired,
                Issue::GeometryMissing,
                shown_id(),
                None,
            ));
            None
        }
        Some(GeomField::Null) => None,
        Some(GeomField::Invalid(what)) => {
            out.problems.push(problem(
                Severity::Warning,
                Issue::GeometryNotObject {
                    found: what.to_string(),
                },
                shown_id(),
                None,
            ));
            return;
        }
        Some(GeomField::Geom(raw)) => {
            extras.geometry_members = raw.members.clone();
            match convert_with_own_crs(raw, f.crs.as_deref(), ctx) {
                Ok(None) => None,
                Ok(Some(c)) => {
                    // Where a repair is shown: the first position (found only when
                    // there is one to show).
                    let location = if c.repairs.is_empty() {
                        None
                    } else {
                        c.geometry.coords_iter().next().map(|c| [c.x, c.y])
                    };
                    for r in c.repairs {
                        out.problems.push(problem(
                            Severity::Repaired,
                            Issue::GeometryRepaired(r),
                            shown_id(),
                            location,
                        ));
                    }
                    extras.z = c.z;
                    Some(c.geometry)
                }
                Err(e) => {
                    out.problems.push(problem(
                        Severity::Warning,
                        Issue::GeometryUnusable(e),
                        shown_id(),
                        None,
                    ));
                    return;
                }
            }
        }
    };
    if let Some(e) = id_problem {
        out.problems.push(problem(
            Severity::Warning,
            Issue::IdInvalid { found: e },
            shown_id(),
            None,
        ));
    }
    // Properties.
    out.table.begin_row();
    match &f.properties {
        PropsField::Object(props) => {
            for (k, v) in props {
                out.table.set(k, v.as_value());
            }
        }
        PropsField::None => {}
        PropsField::Invalid(what) => out.problems.push(problem(
            Severity::Warning,
            Issue::PropertiesNotObject {
                found: what.to_string(),
            },
            shown_id(),
            None,
        )),
    }
    out.table.end_row();
    let local = out.geoms.len();
    out.ids.push(id);
    out.geoms.push(geometry);
    if extras != FeatureExtras::default() {
        out.extras.push((local, extras));
    }
}

/// Converts a feature's geometry, honouring a `crs` member on the feature or geometry.
/// `Ok(None)` when the layer's CRS is unknown (reported once for the layer).
fn convert_with_own_crs(
    raw: &RawGeometry,
    feature_crs: Option<&str>,
    ctx: &LayerContext<'_>,
) -> Result<Option<geometry::Converted>, GeomIssue> {
    let own_crs = |detail: String| GeomIssue::at(&[], GeomKind::OwnCrsUnusable { detail });
    let own = feature_crs
        .or(raw.crs.as_deref())
        .filter(|c| Some(*c) != ctx.layer_crs_raw);
    if let Some(own) = own
        && let Ok(Some(name)) = json::crs_member_name(own)
    {
        let crs = Crs::parse(&name).map_err(|e| own_crs(e.to_string()))?;
        if ctx.decision.map(|d| d.crs) != Some(crs) {
            let mut sample = Vec::new();
            geometry::sample_positions(raw, &mut sample, SAMPLE);
            let n = sample
                .iter()
                .filter(|(x, y)| crs.looks_swapped(*x, *y))
                .count();
            let decision = CrsDecision {
                crs,
                axis_swapped: n * 2 > sample.len() && !sample.is_empty(),
                reason: format!("the feature's own crs member {}", crs.code()),
                guessed: false,
                shift: None,
            };
            let projector = crs.projector().map_err(|e| own_crs(e.to_string()))?;
            return geometry::convert(
                raw,
                &geometry::CoordContext {
                    decision: &decision,
                    projector: &projector,
                    gcj02: ctx.gcj02,
                },
            )
            .map(Some);
        }
    }
    match (ctx.decision, ctx.projector) {
        (Some(decision), Some(projector)) => geometry::convert(
            raw,
            &geometry::CoordContext {
                decision,
                projector,
                gcj02: ctx.gcj02,
            },
        )
        .map(Some),
        _ => Ok(None),
    }
}
