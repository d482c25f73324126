//! The land-approval coordinate TXT (建设用地报批 / 勘测定界 exchange format) →
//! parcels, through the shared checks ([`super::foreign`]).
//!
//! An `[属性描述]` block (`key=value`: 坐标系, 几度分带, 投影类型, 计量单位, 带号, 精度,
//! 转换参数) and then `[地块坐标]`: per parcel a line `界址点数,地块面积,地块编号,
//! 地块名称,面,图幅号,地块用途,地类编码,@` followed by `点号,圈号,X,Y` rows, X the
//! northing and Y the (usually zone-prefixed) easting. Real files differ from the
//! standard, and each difference is handled and said: the rings of a parcel share a
//! 圈号 and become parts, holes and islands by containment; the closing point may be
//! repeated (and counted) or missing; the declared area may be hectares (the standard)
//! or m² (usual in practice) and is checked against the geometry in both units; CRLF,
//! LF or a lone CR; GBK or UTF-8. CGCS2000 zones map to EPSG codes; Xi'an 1980 and
//! Beijing 1954 map to their own zones' EPSG codes and are shifted to CGCS2000 with
//! the header's 转换参数 (kept on the layer too); without them the report warns of the
//! error to expect. Writing is `save::landtxt`'s.

use std::path::Path;

use geo::Area;

use super::foreign::{
    ForeignLayer, SourceRing, feature, polygons_by_containment, prop, raw_geometry,
};
use super::json::GeomField;
use super::{ImportError, Issue, Problem, Severity, text};
use crate::crs::{self, Crs};
use crate::model::{PropValue, TextEncoding};

/// The header of a coordinate TXT, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// `key=value` pairs of `[属性描述]`, in order.
    pub entries: Vec<(String, String)>,
    /// 转换参数 as numbers (3 or 7 when given), empty when blank.
    pub transform: Vec<f64>,
}

impl Header {
    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// The datum a 坐标系 value names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Datum {
    Cgcs2000,
    Xian80,
    Beijing54,
}

fn datum(name: &str) -> Option<Datum> {
    let n = name.to_ascii_uppercase();
    if name.contains("2000") || n.contains("CGCS") {
        Some(Datum::Cgcs2000)
    } else if name.contains("西安") || name.contains("80") || n.contains("XIAN") {
        Some(Datum::Xian80)
    } else if name.contains("北京") || name.contains("54") || n.contains("BEIJING") {
        Some(Datum::Beijing54)
    } else {
        None
    }
}

/// One parcel block as read.
struct Block {
    line: usize,
    fields: Vec<String>,
    /// (point name, ring number, x = easting, y = northing) in file order.
    points: Vec<(String, String, f64, f64)>,
}

/// Reads a coordinate TXT into a foreign layer of parcels.
pub(super) fn read(path: &Path, file: &str) -> Result<ForeignLayer, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: file.to_string(),
        source,
    })?;
    read_bytes(&bytes, file)
}

fn unreadable(file: &str, message: impl Into<String>) -> ImportError {
    ImportError::Unreadable {
        file: file.to_string(),
        format: "land-approval coordinate TXT",
        message: message.into(),
    }
}

/// Reads the bytes of a coordinate TXT (see [`read`]).
pub(super) fn read_bytes(bytes: &[u8], file: &str) -> Result<ForeignLayer, ImportError> {
    let mut problems = Vec::new();
    let decoded = text::decode(bytes);
    if decoded.encoding == TextEncoding::Gb18030 {
        problems.push(Problem::file_level(
            file,
            Severity::Repaired,
            Issue::TextNotUtf8,
        ));
    }
    // CRLF, LF and a lone CR all end a line.
    let lines: Vec<(usize, &str)> = decoded
        .text
        .split(['\n', '\r'])
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let mut header = Header::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut section = "";
    let mut saw_coords = false;
    for &(_, l) in &lines {
        if l.starts_with('[') {
            section = if l.contains("属性描述") {
                "header"
            } else if l.contains("地块坐标") {
                saw_coords = true;
                "coords"
            } else {
                "other"
            };
            continue;
        }
        match section {
            "header" => {
                if let Some((k, v)) = l.split_once(['=', '＝']) {
                    header
                        .entries
                        .push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "coords" => {
                let fields: Vec<String> =
                    l.split([',', '，']).map(|f| f.trim().to_string()).collect();
                if fields.last().is_some_and(|f| f == "@") || fields.len() >= 8 {
                    blocks.push(Block {
                        line: 0,
                        fields,
                        points: Vec::new(),
                    });
                    continue;
                }
                let parsed = (fields.len() >= 4)
                    .then(|| {
                        Some((
                            fields[2].parse::<f64>().ok()?,
                            fields[3].parse::<f64>().ok()?,
                        ))
                    })
                    .flatten();
                match (parsed, blocks.last_mut()) {
                    (Some((x, y)), Some(b)) => {
                        b.points.push((fields[0].clone(), fields[1].clone(), y, x))
                    }
                    _ => problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        Issue::TxtLineUnrecognised { line: short(l) },
                    )),
                }
            }
            _ => {}
        }
    }
    if !saw_coords {
        return Err(unreadable(file, "it has no [地块坐标] section"));
    }
    // Line numbers are not needed beyond messages; blocks are named by their number.
    for (i, b) in blocks.iter_mut().enumerate() {
        b.line = i + 1;
    }
    header.transform = header
        .get("转换参数")
        .map(|t| {
            t.split([',', '，'])
                .filter_map(|v| v.trim().parse::<f64>().ok())
                .collect()
        })
        .unwrap_or_default();

    // The CRS from the header, checked against the eastings.
    let eastings: Vec<f64> = blocks
        .iter()
        .flat_map(|b| b.points.iter().map(|p| p.2))
        .collect();
    let prefixed = !eastings.is_empty()
        && eastings.iter().filter(|e| **e >= 1.0e7).count() * 2 > eastings.len();
    let zone_in_eastings = eastings
        .iter()
        .find(|e| **e >= 1.0e7)
        .map(|e| (*e / 1.0e6).floor() as u32);
    let width: u32 = header
        .get("几度分带")
        .and_then(|w| w.trim_end_matches(['度', '°']).parse().ok())
        .unwrap_or(3);
    let zone: Option<u32> = header
        .get("带号")
        .and_then(|z| z.parse().ok())
        .or(zone_in_eastings);
    if let (Some(z), Some(e)) = (
        header.get("带号").and_then(|z| z.parse::<u32>().ok()),
        zone_in_eastings,
    ) && z != e
    {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::TxtZoneMismatch {
                header: z,
                eastings: e,
            },
        ));
    }
    let zone = zone_in_eastings.or(zone);
    let datum_name = header.get("坐标系").unwrap_or("").to_string();
    let mut refuse_crs = None;
    let gk_datum = match datum(&datum_name) {
        Some(Datum::Xian80) => crs::Datum::Xian1980,
        Some(Datum::Beijing54) => crs::Datum::Beijing1954,
        Some(Datum::Cgcs2000) | None => crs::Datum::Cgcs2000,
    };
    let declared = match zone {
        Some(zone) => match u8::try_from(width)
            .ok()
            .zip(u8::try_from(zone).ok())
            .and_then(|(w, z)| crs::gauss_kruger_epsg(gk_datum, w, z, prefixed))
        {
            Some(code) => Crs::from_epsg(code).map(Ok),
            None => Some(Err(format!(
                "{} {width}-degree zone {zone} is not a zone ParkPlan knows",
                gk_datum.name()
            ))),
        },
        None if gk_datum == crs::Datum::Cgcs2000 => None,
        None => {
            // An older datum is tens of metres off a guessed CGCS2000 zone: not guessed.
            refuse_crs = Some(Issue::DatumNotPlaceable {
                source: "TXT header",
                detail: format!(
                    "{}: the 坐标系 is \"{datum_name}\" but neither the header (带号) nor the eastings give the zone",
                    gk_datum.name()
                ),
            });
            None
        }
    };
    // The survey's 转换参数 shift an older datum to CGCS2000 (position vector, as
    // Chinese software writes them); without them the datum_shift_missing warning says
    // what to expect.
    let mut datum_shift = None;
    if gk_datum != crs::Datum::Cgcs2000 && !header.transform.is_empty() {
        match crs::DatumShift::from_params(&header.transform, crs::Rotation::PositionVector) {
            Ok(shift) => datum_shift = Some(shift),
            Err(e) => problems.push(Problem::file_level(
                file,
                Severity::Warning,
                Issue::DatumShiftInvalid {
                    layer: file.to_string(),
                    detail: format!("转换参数: {e}"),
                },
            )),
        }
    }
    if datum(&datum_name).is_none() && !datum_name.is_empty() {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::TxtDatumUnknown { name: datum_name },
        ));
    }

    let mut features = Vec::with_capacity(blocks.len());
    for (index, b) in blocks.into_iter().enumerate() {
        let field = |i: usize| b.fields.get(i).map(String::as_str).unwrap_or("");
        let parcel_problem = |severity, issue: Issue| Problem {
            feature: Some(index),
            feature_id: Some(field(2).to_string()).filter(|s| !s.is_empty()),
            ..Problem::file_level(file, severity, issue)
        };
        // Rings by 圈号, in order of first appearance.
        let mut rings: Vec<(String, SourceRing)> = Vec::new();
        for (_, ring, x, y) in &b.points {
            match rings.iter_mut().find(|(r, _)| r == ring) {
                Some((_, pts)) => pts.push((*x, *y, None)),
                None => rings.push((ring.clone(), vec![(*x, *y, None)])),
            }
        }
        let declared_count: Option<usize> = field(0).parse().ok();
        let closed_rings = rings
            .iter()
            .filter(|(_, r)| r.len() > 1 && r.first() == r.last())
            .count();
        if let Some(n) = declared_count
            && n != b.points.len()
        {
            let open_rings = rings.len() - closed_rings;
            problems.push(parcel_problem(
                Severity::Warning,
                Issue::ParcelPointCount {
                    parcel: b.line,
                    declared: n,
                    written: b.points.len(),
                    closing_missing: n == b.points.len() + open_rings,
                },
            ));
        }
        let source_rings: Vec<SourceRing> = rings.into_iter().map(|(_, r)| r).collect();
        // Planar area in the Gauss-Krüger plane (what surveys state), by containment.
        let planar_area = planar_area(&source_rings);
        let geometry = match polygons_by_containment(source_rings) {
            Some((t, tree)) => raw_geometry(t, tree),
            None => {
                problems.push(parcel_problem(
                    Severity::Warning,
                    Issue::ParcelNoCoordinates { parcel: b.line },
                ));
                GeomField::Null
            }
        };
        let mut props = vec![
            ("界址点数".to_string(), number_or_text(field(0))),
            ("地块面积".to_string(), number_or_text(field(1))),
            ("地块编号".to_string(), prop(PropValue::Str(field(2)))),
            ("地块名称".to_string(), prop(PropValue::Str(field(3)))),
            ("图形属性".to_string(), prop(PropValue::Str(field(4)))),
            ("图幅号".to_string(), prop(PropValue::Str(field(5)))),
            ("地块用途".to_string(), prop(PropValue::Str(field(6)))),
            ("地类编码".to_string(), prop(PropValue::Str(field(7)))),
        ];
        // The declared area: hectares (the standard) or m² (usual), checked.
        if let (Ok(declared), Some(measured)) = (field(1).parse::<f64>(), planar_area) {
            let close = |m2: f64| measured > 0.0 && (m2 / measured - 1.0).abs() <= 0.01;
            let (unit, m2) = if close(declared * 10_000.0) {
                ("公顷", Some(declared * 10_000.0))
            } else if close(declared) {
                ("平方米", Some(declared))
            } else {
                problems.push(parcel_problem(
                    Severity::Warning,
                    Issue::ParcelAreaUnclear {
                        parcel: b.line,
                        declared,
                        measured,
                    },
                ));
                ("不明", None)
            };
            if unit == "平方米" {
                problems.push(parcel_problem(
                    Severity::Repaired,
                    Issue::ParcelAreaInSquareMetres {
                        parcel: b.line,
                        declared,
                        measured,
                    },
                ));
            }
            props.push(("面积单位".to_string(), prop(PropValue::Str(unit))));
            if let Some(m2) = m2 {
                props.push(("面积_平方米".to_string(), prop(PropValue::Float(m2))));
            }
        }
        features.push(feature(geometry, props));
    }
    let mut members = Vec::new();
    let header_json = serde_json::Value::Object(
        header
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    );
    members.push(("land_txt_header".to_string(), header_json.to_string()));
    if !header.transform.is_empty() {
        members.push((
            "transform_parameters".to_string(),
            serde_json::to_string(&header.transform).unwrap_or_else(|_| "[]".into()),
        ));
    }
    Ok(ForeignLayer {
        name: String::new(),
        features,
        declared,
        encoding: decoded.encoding,
        problems,
        bytes: bytes.len() as u64,
        members,
        crs_source: "TXT header",
        refuse_crs,
        datum_shift,
    })
}

fn number_or_text(s: &str) -> super::json::RawProp<'static> {
    match (s.parse::<i64>(), s.parse::<f64>()) {
        (Ok(i), _) => prop(PropValue::Int(i)),
        (_, Ok(f)) if f.is_finite() => prop(PropValue::Float(f)),
        _ => prop(PropValue::Str(s)),
    }
}

/// The planar area of rings by containment (parts minus holes plus islands), in the
/// units of the coordinates; `None` without a ring.
fn planar_area(rings: &[SourceRing]) -> Option<f64> {
    use super::json::CoordTree;
    let (_, tree) = polygons_by_containment(rings.to_vec())?;
    let ring = |r: &CoordTree| -> geo::LineString<f64> {
        match r {
            CoordTree::List(ps) => ps
                .iter()
                .filter_map(|p| match p {
                    CoordTree::Pos { x, y, .. } => Some(geo::Coord { x: *x, y: *y }),
                    _ => None,
                })
                .collect(),
            _ => geo::LineString(vec![]),
        }
    };
    let polygon = |p: &CoordTree| -> Option<geo::Polygon<f64>> {
        let CoordTree::List(rs) = p else { return None };
        let mut it = rs.iter();
        let ext = ring(it.next()?);
        Some(geo::Polygon::new(ext, it.map(ring).collect()))
    };
    let CoordTree::List(items) = &tree else {
        return None;
    };
    // A Polygon's items are rings (lists of positions); a MultiPolygon's are polygons.
    let is_multi = matches!(items.first(), Some(CoordTree::List(inner)) if matches!(inner.first(), Some(CoordTree::List(_))));
    let area = if is_multi {
        items
            .iter()
            .filter_map(polygon)
            .map(|p| p.unsigned_area())
            .sum()
    } else {
        polygon(&tree)?.unsigned_area()
    };
    Some(area)
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}
