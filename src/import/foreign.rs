//! The seam where formats other than GeoJSON (Shapefile, GeoPackage, the land-approval
//! coordinate TXT, GTFS feeds) join the import: their readers turn records into the same raw
//! features the GeoJSON reader makes ([`RawFeature`] with a [`RawGeometry`] of source
//! coordinates and typed properties), and [`layer_from_features`] runs them through the
//! very same CRS decision, per-feature checks and repairs, merge and naming/role/field
//! steps as a GeoJSON file ([`super::decide_crs`], [`super::features`],
//! [`super::finish`]).
//!
//! Owns only that hand-over and the helpers to build raw features. Reading a format is
//! its reader's (`shp.rs`, `gpkg.rs`, `landtxt.rs`); nothing here reads files.

use std::borrow::Cow;

use rayon::prelude::*;

use super::decide_crs::{SAMPLE, decide_crs, projector_for};
use super::features::{LayerContext, Partial, layer_from_partials, process_feature};
use super::json::{
    CoordTree, FeatureEntry, GeomField, PropsField, RawFeature, RawGeometry, RawProp,
};
use super::{ImportError, Issue, LayerOptions, Problem, Progress, finish, geometry};
use crate::crs::{Crs, DatumShift};
use crate::model::{Layer, LayerSource, PropValue, TextEncoding};

/// One layer read from a non-GeoJSON source, before the shared checks.
pub(super) struct ForeignLayer {
    /// The layer's own name (a GeoPackage table, a file stem); the options' name wins.
    pub(super) name: String,
    /// The features, in order, with geometries in the source's coordinates.
    pub(super) features: Vec<RawFeature<'static>>,
    /// The CRS the source declares (`.prj`, `gpkg_spatial_ref_sys`, the TXT header):
    /// `None` when it declares none (then it is guessed as for GeoJSON), `Err` with the
    /// reason when the declaration cannot be used.
    pub(super) declared: Option<Result<Crs, String>>,
    /// How its text was decoded.
    pub(super) encoding: TextEncoding,
    /// Problems its reader found (file level or per record).
    pub(super) problems: Vec<Problem>,
    /// Size of the source in bytes.
    pub(super) bytes: u64,
    /// Document-level facts to keep on the layer (raw JSON values by name), such as a
    /// coordinate TXT's header and its datum transformation parameters.
    pub(super) members: Vec<(String, String)>,
    /// What declared the CRS, as said in messages (".prj", "gpkg_spatial_ref_sys" …),
    /// in place of GeoJSON's "crs member".
    pub(super) crs_source: &'static str,
    /// Why the coordinates must not be placed although they look placeable (an older
    /// datum whose zone or form cannot be told): the geometries are not loaded unless
    /// the user chose a CRS.
    pub(super) refuse_crs: Option<Issue>,
    /// The source's own shift from an older datum (Xi'an 1980, Beijing 1954) to
    /// CGCS2000, such as a coordinate TXT's 转换参数; the options' shift wins.
    pub(super) datum_shift: Option<DatumShift>,
}

/// The file extensions the importer reads (lower case): GeoJSON, Shapefile,
/// GeoPackage, the land-approval coordinate TXT and a GTFS feed (`.zip`).
pub const READ_EXTENSIONS: [&str; 6] = ["geojson", "json", "shp", "gpkg", "txt", "zip"];

/// The format a path's extension names, when it is not GeoJSON.
fn other_format(path: &std::path::Path) -> Option<&'static str> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "shp" => Some("shp"),
        "gpkg" => Some("gpkg"),
        "txt" => Some("txt"),
        "zip" => Some("zip"),
        _ => None,
    }
}

/// Reads a Shapefile, GeoPackage (table `opts.table`, else the first), coordinate TXT
/// or GTFS feed (its `routes` or `stops`, by `opts.table`) into a foreign layer; `Ok(None)` when the path is none of them (GeoJSON).
pub(super) fn read_other_format(
    path: &std::path::Path,
    file: &str,
    opts: &LayerOptions,
) -> Result<Option<ForeignLayer>, ImportError> {
    Ok(Some(match other_format(path) {
        Some("shp") => super::shp::read(path, file)?,
        Some("gpkg") => super::gpkg::read(path, file, opts.table.as_deref())?,
        Some("txt") => super::landtxt::read(path, file)?,
        Some("zip") => super::gtfs::read(path, file, super::gtfs::part_for(opts))?,
        _ => return Ok(None),
    }))
}

/// A position of source coordinates.
pub(super) fn pos(x: f64, y: f64, z: Option<f64>) -> CoordTree {
    CoordTree::Pos { x, y, z }
}

/// A raw geometry of the given GeoJSON type name and coordinate tree.
pub(super) fn raw_geometry(type_name: &str, coordinates: CoordTree) -> GeomField {
    GeomField::Geom(RawGeometry {
        type_name: Some(type_name.to_string().into()),
        coordinates: Some(coordinates),
        geometries: None,
        crs: None,
        members: Vec::new(),
    })
}

/// A property value owned by the feature (strings are copied).
pub(super) fn prop(v: PropValue<'_>) -> RawProp<'static> {
    match v {
        PropValue::Str(s) | PropValue::Json(s) => RawProp::Owned(s.to_string()),
        PropValue::Absent => RawProp::Value(PropValue::Absent),
        PropValue::Null => RawProp::Value(PropValue::Null),
        PropValue::Bool(b) => RawProp::Value(PropValue::Bool(b)),
        PropValue::Int(i) => RawProp::Value(PropValue::Int(i)),
        PropValue::Float(f) => RawProp::Value(PropValue::Float(f)),
    }
}

/// A feature from a geometry (or `GeomField::Null`) and its properties in order.
pub(super) fn feature(
    geometry: GeomField,
    properties: Vec<(String, RawProp<'static>)>,
) -> RawFeature<'static> {
    RawFeature {
        type_name: Some(Cow::Borrowed("Feature")),
        id: None,
        properties: PropsField::Object(
            properties
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), v))
                .collect(),
        ),
        geometry: Some(geometry),
        crs: None,
        members: Vec::new(),
    }
}

/// Runs a foreign layer's features through the same CRS decision, checks, repairs,
/// merge, naming, role and field mapping as a GeoJSON file. `file` names the source in
/// problems.
pub(super) fn layer_from_features(
    file: &str,
    source: ForeignLayer,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    let ForeignLayer {
        name,
        features,
        declared,
        encoding,
        mut problems,
        bytes,
        members,
        crs_source,
        refuse_crs,
        datum_shift,
    } = source;
    let mut sample = Vec::new();
    for f in features.iter().take(2000) {
        if sample.len() >= SAMPLE {
            break;
        }
        if let Some(GeomField::Geom(g)) = &f.geometry {
            geometry::sample_positions(g, &mut sample, SAMPLE);
        }
    }
    let decision = match refuse_crs {
        Some(reason) if opts.crs.is_none() => {
            problems.push(Problem::file_level(file, super::Severity::Error, reason));
            None
        }
        _ => decide_crs(file, declared, opts.crs, &sample, &mut problems),
    };
    // The CRS decision speaks of GeoJSON's crs member; say what this format declared.
    // (The problems' text comes from the issue catalog, in the planner's language, and
    // keeps the catalog's wording.)
    let reword = |t: &str| {
        t.replace("no crs member", &format!("no CRS declared ({crs_source})"))
            .replace("crs member", crs_source)
    };
    let mut decision = decision.map(|mut d| {
        d.reason = reword(&d.reason);
        d
    });
    let projector = projector_for(
        file,
        decision.as_mut(),
        opts.datum_shift.or(datum_shift),
        &mut problems,
    );
    let ctx = LayerContext {
        file,
        layer_crs_raw: None,
        gcj02: opts.gcj02,
        decision: decision.as_ref().filter(|_| projector.is_some()),
        projector: projector.as_ref(),
    };
    let total = features.len().max(1) as u64;
    let partials = features
        .into_par_iter()
        .enumerate()
        .chunks(finish::CHUNK)
        .map(|chunk| {
            if progress.is_some_and(|p| p.is_cancelled()) {
                return Err(ImportError::Cancelled);
            }
            let mut p = Partial::default();
            let n = chunk.len() as u64;
            for (i, f) in chunk {
                process_feature(i, FeatureEntry::Feature(f), &ctx, &mut p);
            }
            if let Some(pr) = progress {
                pr.add_done(bytes * n / total);
            }
            Ok(p)
        })
        .collect::<Result<Vec<_>, ImportError>>()?;
    let layer = layer_from_partials(
        partials,
        &mut problems,
        LayerSource {
            path: None,
            encoding,
            crs: decision,
            bytes,
            part: None,
        },
    );
    let mut raw: Vec<(String, Box<serde_json::value::RawValue>)> = Vec::new();
    if let Ok(v) = serde_json::value::to_raw_value(&name) {
        raw.push(("name".to_string(), v));
    }
    for (k, v) in members {
        if let Ok(v) = serde_json::value::RawValue::from_string(v) {
            raw.push((k, v));
        }
    }
    let top = super::json::TopLevel {
        type_name: None,
        features: None,
        crs: None,
        members: raw.iter().map(|(k, v)| (k.clone(), v.as_ref())).collect(),
        not_object: None,
    };
    let (layer, mut problems) = finish::finish_layer(layer, problems, &top, file, opts);
    if layer_has_replacement(&layer) {
        problems.push(super::read::replaced_text(&layer, file));
    }
    Ok((layer, problems))
}

/// Whether any field name or text value holds U+FFFD (bytes that could not be decoded).
fn layer_has_replacement(layer: &Layer) -> bool {
    layer.attributes.columns().iter().any(|c| {
        c.name().contains('\u{FFFD}')
            || (0..layer.len()).any(|r| c.get(r).as_text().is_some_and(|t| t.contains('\u{FFFD}')))
    })
}

/// One ring of source positions (x, y, z).
pub(super) type SourceRing = Vec<(f64, f64, Option<f64>)>;

/// Rings → polygons by containment, not by their order or winding (real files differ
/// on both): a ring inside an even number of others is a part (an outer ring; an island
/// in a hole is a part again), a ring inside an odd number is a hole of the innermost
/// ring around it. Returns the polygons as a coordinate tree of a `Polygon` (one part)
/// or a `MultiPolygon`, with its GeoJSON type name; `None` when there is no ring.
pub(super) fn polygons_by_containment(rings: Vec<SourceRing>) -> Option<(&'static str, CoordTree)> {
    use geo::{Contains, Coord, LineString, Point, Polygon, Winding};
    if rings.is_empty() {
        return None;
    }
    let shapes: Vec<Polygon<f64>> = rings
        .iter()
        .map(|r| {
            Polygon::new(
                LineString(r.iter().map(|&(x, y, _)| Coord { x, y }).collect()),
                vec![],
            )
        })
        .collect();
    let n = rings.len();
    // contains[i][j]: ring i holds ring j (a vertex of j strictly inside i).
    let inside = |outer: usize, inner: usize| -> bool {
        outer != inner
            && rings[inner]
                .iter()
                .map(|&(x, y, _)| Point::new(x, y))
                .find(|p| !shapes[outer].exterior().contains(p))
                .is_some_and(|p| shapes[outer].contains(&p))
    };
    let mut depth = vec![0usize; n];
    let mut parent: Vec<Option<usize>> = vec![None; n];
    if n > 1 {
        for j in 0..n {
            for i in 0..n {
                if inside(i, j) {
                    depth[j] += 1;
                    // The innermost container: the one with the most containers itself
                    // (decided below once every depth is known).
                    parent[j] = Some(match parent[j] {
                        Some(k) if inside(k, i) => i,
                        Some(k) => k,
                        None => i,
                    });
                }
            }
        }
    }
    // Rings are oriented as RFC 7946 wants (parts counter-clockwise, holes clockwise):
    // in these formats the winding carries no meaning of its own (shapefiles wind
    // parts clockwise by rule, surveys either way), so turning it is no repair to report.
    let ring_tree = |i: usize, ccw: bool| {
        let r = &rings[i];
        let is_ccw = shapes[i].exterior().is_ccw();
        let pts: Vec<CoordTree> = if is_ccw == ccw {
            r.iter().map(|&(x, y, z)| pos(x, y, z)).collect()
        } else {
            r.iter().rev().map(|&(x, y, z)| pos(x, y, z)).collect()
        };
        CoordTree::List(pts)
    };
    let mut parts: Vec<(usize, Vec<CoordTree>)> = Vec::new();
    for i in (0..n).filter(|&i| depth[i].is_multiple_of(2)) {
        parts.push((i, vec![ring_tree(i, true)]));
    }
    for j in (0..n).filter(|&j| !depth[j].is_multiple_of(2)) {
        match parent[j].and_then(|p| parts.iter_mut().find(|(i, _)| *i == p)) {
            Some((_, polygon)) => polygon.push(ring_tree(j, false)),
            None => parts.push((j, vec![ring_tree(j, true)])),
        }
    }
    if parts.len() == 1 {
        let (_, rings) = parts.pop()?;
        Some(("Polygon", CoordTree::List(rings)))
    } else {
        Some((
            "MultiPolygon",
            CoordTree::List(parts.into_iter().map(|(_, r)| CoordTree::List(r)).collect()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> SourceRing {
        vec![
            (x0, y0, None),
            (x0 + size, y0, None),
            (x0 + size, y0 + size, None),
            (x0, y0 + size, None),
            (x0, y0, None),
        ]
    }

    fn shape(t: &CoordTree) -> Vec<usize> {
        // Rings per polygon.
        match t {
            CoordTree::List(polys) => polys
                .iter()
                .map(|p| match p {
                    CoordTree::List(r) => r.len(),
                    _ => 0,
                })
                .collect(),
            _ => vec![],
        }
    }

    #[test]
    fn holes_and_islands_follow_containment() {
        // The real file of the issue: rings 1, 2, 3 parts; 4 a hole in 3; 5 and 6
        // islands inside 4.
        let rings = vec![
            square(0.0, 0.0, 10.0),
            square(20.0, 0.0, 10.0),
            square(40.0, 0.0, 100.0),
            square(50.0, 10.0, 50.0),
            square(55.0, 15.0, 10.0),
            square(70.0, 15.0, 10.0),
        ];
        let (t, tree) = polygons_by_containment(rings).unwrap();
        assert_eq!(t, "MultiPolygon");
        // 5 parts: 1, 2, 3 (with hole 4), 5, 6.
        assert_eq!(shape(&tree), vec![1, 1, 2, 1, 1]);
    }

    #[test]
    fn one_ring_is_a_polygon() {
        let (t, tree) = polygons_by_containment(vec![square(0.0, 0.0, 1.0)]).unwrap();
        assert_eq!(t, "Polygon");
        assert_eq!(shape(&tree), vec![5]);
        assert!(polygons_by_containment(vec![]).is_none());
    }
}
