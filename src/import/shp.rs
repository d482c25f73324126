//! Shapefile (.shp with its .shx, .dbf, .prj and .cpg) → a [`ForeignLayer`] for the
//! shared checks ([`super::foreign`]).
//!
//! Shapes are read with the `shapefile` crate and the table with `dbase` (strings
//! decoded through `encoding_rs`). The DBF's encoding comes from the `.cpg`, else from
//! the DBF's language-driver byte when it names GBK, else from the bytes themselves
//! (the same evidence as for GeoJSON text: GBK without a `.cpg` is the classic case);
//! the CRS from the `.prj` ([`super::prj`]); polygon rings become parts and holes by
//! containment. A missing `.shx`, `.dbf` or `.prj` is reported and what can be read is
//! read. Owns only the reading of these files.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use dbase::{FieldValue, ReadableRecord};
use shapefile::{PolygonRing, Shape};

use super::foreign::{
    ForeignLayer, SourceRing, feature, polygons_by_containment, pos, prop, raw_geometry,
};
use super::json::{CoordTree, GeomField, RawProp};
use super::{ImportError, Issue, Problem, Severity, prj, text};
use crate::model::{PropValue, TextEncoding};

/// Unreadable records in a row after which a table or shape file is taken as broken
/// from there on (a damaged header can promise billions of records).
const MAX_FAILED_IN_A_ROW: usize = 100;

/// The file beside `path` with the same stem and extension `ext` (either case).
pub(super) fn sidecar(path: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

/// A DBF record's values in field order (the `dbase` crate's own record is a map,
/// which would lose the order and fields whose 10-character names collide).
struct OrderedRecord(Vec<FieldValue>);

impl ReadableRecord for OrderedRecord {
    fn read_using<Source, MemoSource>(
        fields: &mut dbase::FieldIterator<Source, MemoSource>,
    ) -> Result<Self, dbase::FieldError>
    where
        Source: Read + Seek,
        MemoSource: Read + Seek,
    {
        let mut v = Vec::new();
        for f in fields {
            v.push(f?.value);
        }
        Ok(OrderedRecord(v))
    }
}

/// The encoding a DBF's text is in, and why.
fn dbf_encoding(
    dbf: &Path,
    file: &str,
    problems: &mut Vec<Problem>,
) -> (&'static encoding_rs::Encoding, TextEncoding) {
    if let Some(cpg) = sidecar(dbf, "cpg") {
        let label = std::fs::read(&cpg).unwrap_or_default();
        let label = String::from_utf8_lossy(&label).trim().to_string();
        let enc = match label.as_str() {
            "936" | "CP936" | "cp936" => Some(encoding_rs::GBK),
            "65001" => Some(encoding_rs::UTF_8),
            l => l
                .parse::<u16>()
                .ok()
                .and_then(|cp| encoding_rs::Encoding::for_label(format!("windows-{cp}").as_bytes()))
                .or_else(|| encoding_rs::Encoding::for_label(l.as_bytes())),
        };
        match enc {
            Some(e) if e == encoding_rs::UTF_8 => return (e, TextEncoding::Utf8),
            Some(e) if e == encoding_rs::GBK || e == encoding_rs::GB18030 => {
                return (encoding_rs::GB18030, TextEncoding::Gb18030);
            }
            Some(e) => {
                problems.push(Problem::file_level(
                    file,
                    Severity::Warning,
                    Issue::CpgEncodingUnrecorded {
                        label,
                        used: e.name().to_string(),
                    },
                ));
                return (e, TextEncoding::Utf8);
            }
            None => problems.push(Problem::file_level(
                file,
                Severity::Warning,
                Issue::CpgEncodingUnknown { label },
            )),
        }
    }
    let bytes = std::fs::read(dbf).unwrap_or_default();
    // Byte 29: the language driver; 0x4D and 0x7A are GBK (code page 936).
    if matches!(bytes.get(29), Some(0x4D | 0x7A)) {
        return (encoding_rs::GB18030, TextEncoding::Gb18030);
    }
    let header_len = bytes
        .get(8..10)
        .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
        .unwrap_or(0)
        .min(bytes.len());
    match text::utf8_or_gbk(&bytes[header_len..]) {
        TextEncoding::Gb18030 => {
            problems.push(Problem::file_level(
                file,
                Severity::Repaired,
                Issue::DbfNotUtf8,
            ));
            (encoding_rs::GB18030, TextEncoding::Gb18030)
        }
        _ => (encoding_rs::UTF_8, TextEncoding::Utf8),
    }
}

fn field_value(v: FieldValue, decimals_zero: bool) -> RawProp<'static> {
    let value = match v {
        FieldValue::Character(None)
        | FieldValue::Numeric(None)
        | FieldValue::Logical(None)
        | FieldValue::Date(None)
        | FieldValue::Float(None) => PropValue::Null,
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => return RawProp::Owned(s),
        FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n) => {
            if decimals_zero && n.fract() == 0.0 && n.abs() < 9.0e15 {
                PropValue::Int(n as i64)
            } else {
                PropValue::Float(n)
            }
        }
        FieldValue::Float(Some(f)) => PropValue::Float(f as f64),
        FieldValue::Integer(i) => PropValue::Int(i as i64),
        FieldValue::Logical(Some(b)) => PropValue::Bool(b),
        FieldValue::Date(Some(d)) => {
            return RawProp::Owned(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()));
        }
        FieldValue::DateTime(dt) => {
            let d = dt.date();
            let t = dt.time();
            return RawProp::Owned(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ));
        }
    };
    prop(value)
}

/// A shape's geometry in source coordinates; `Err` describes a shape type ParkPlan
/// does not read.
fn shape_geometry(shape: Shape) -> Result<GeomField, String> {
    fn line<P>(pts: &[P], xyz: impl Fn(&P) -> (f64, f64, Option<f64>)) -> CoordTree {
        CoordTree::List(
            pts.iter()
                .map(|p| {
                    let (x, y, z) = xyz(p);
                    pos(x, y, z)
                })
                .collect(),
        )
    }
    fn lines<P>(parts: &[Vec<P>], xyz: impl Fn(&P) -> (f64, f64, Option<f64>) + Copy) -> GeomField {
        if parts.len() == 1 {
            raw_geometry("LineString", line(&parts[0], xyz))
        } else {
            raw_geometry(
                "MultiLineString",
                CoordTree::List(parts.iter().map(|p| line(p, xyz)).collect()),
            )
        }
    }
    fn polygon<P>(
        rings: &[PolygonRing<P>],
        xyz: impl Fn(&P) -> (f64, f64, Option<f64>),
    ) -> GeomField {
        let rings: Vec<SourceRing> = rings
            .iter()
            .map(|r| r.points().iter().map(&xyz).collect())
            .collect();
        match polygons_by_containment(rings) {
            Some((t, tree)) => raw_geometry(t, tree),
            None => GeomField::Null,
        }
    }
    let xy = |p: &shapefile::Point| (p.x, p.y, None);
    let xym = |p: &shapefile::PointM| (p.x, p.y, None);
    let xyz = |p: &shapefile::PointZ| (p.x, p.y, Some(p.z));
    Ok(match shape {
        Shape::NullShape => GeomField::Null,
        Shape::Point(p) => raw_geometry("Point", pos(p.x, p.y, None)),
        Shape::PointM(p) => raw_geometry("Point", pos(p.x, p.y, None)),
        Shape::PointZ(p) => raw_geometry("Point", pos(p.x, p.y, Some(p.z))),
        Shape::Multipoint(m) => raw_geometry("MultiPoint", line(m.points(), xy)),
        Shape::MultipointM(m) => raw_geometry("MultiPoint", line(m.points(), xym)),
        Shape::MultipointZ(m) => raw_geometry("MultiPoint", line(m.points(), xyz)),
        Shape::Polyline(l) => lines(l.parts(), xy),
        Shape::PolylineM(l) => lines(l.parts(), xym),
        Shape::PolylineZ(l) => lines(l.parts(), xyz),
        Shape::Polygon(p) => polygon(p.rings(), xy),
        Shape::PolygonM(p) => polygon(p.rings(), xym),
        Shape::PolygonZ(p) => polygon(p.rings(), xyz),
        Shape::Multipatch(_) => {
            return Err("a MultiPatch (3D surface) shape, which ParkPlan does not read".into());
        }
    })
}

fn shapes(
    shp: &Path,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Option<GeomField>>, ImportError> {
    let io = |source: std::io::Error| ImportError::Io {
        file: file.to_string(),
        source,
    };
    let bad = |e: shapefile::Error| ImportError::Unreadable {
        file: file.to_string(),
        format: "Shapefile",
        message: e.to_string(),
    };
    let source = BufReader::new(File::open(shp).map_err(io)?);
    let mut out = Vec::new();
    let skip = |i: usize, e: String, problems: &mut Vec<Problem>| {
        problems.push(Problem {
            feature: Some(i),
            ..Problem::file_level(
                file,
                Severity::Warning,
                Issue::ShapeUnreadable {
                    shape: i + 1,
                    detail: e,
                },
            )
        });
    };
    match sidecar(shp, "shx") {
        Some(shx) => {
            let shx = BufReader::new(File::open(shx).map_err(io)?);
            let mut reader = shapefile::ShapeReader::with_shx(source, shx).map_err(bad)?;
            let n = reader.shape_count().map_err(bad)?;
            let mut failed_in_a_row = 0;
            for i in 0..n {
                if failed_in_a_row >= MAX_FAILED_IN_A_ROW {
                    problems.push(Problem::file_level(
                        file,
                        Severity::Error,
                        Issue::ShpStopsReadable { shape: i + 1 },
                    ));
                    break;
                }
                let shape = reader.read_nth_shape(i);
                failed_in_a_row = if matches!(shape, Some(Err(_))) {
                    failed_in_a_row + 1
                } else {
                    0
                };
                match shape {
                    Some(Ok(s)) => match shape_geometry(s) {
                        Ok(g) => out.push(Some(g)),
                        Err(e) => {
                            skip(i, e, problems);
                            out.push(None);
                        }
                    },
                    Some(Err(e)) => {
                        skip(i, e.to_string(), problems);
                        out.push(None);
                    }
                    None => break,
                }
            }
        }
        None => {
            problems.push(Problem::file_level(
                file,
                Severity::Warning,
                Issue::ShxMissing,
            ));
            let mut reader = shapefile::ShapeReader::new(source).map_err(bad)?;
            for (i, s) in reader.iter_shapes().enumerate() {
                match s {
                    Ok(s) => match shape_geometry(s) {
                        Ok(g) => out.push(Some(g)),
                        Err(e) => {
                            skip(i, e, problems);
                            out.push(None);
                        }
                    },
                    Err(e) => {
                        // Without an index the next shape cannot be found.
                        problems.push(Problem::file_level(
                            file,
                            Severity::Error,
                            Issue::ShapeUnreadableNoIndex {
                                shape: i + 1,
                                detail: e.to_string(),
                            },
                        ));
                        break;
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Reads a shapefile into a foreign layer (see the module notes).
pub(super) fn read(shp: &Path, file: &str) -> Result<ForeignLayer, ImportError> {
    let mut problems = Vec::new();
    let geoms = shapes(shp, file, &mut problems)?;
    let mut bytes = std::fs::metadata(shp).map(|m| m.len()).unwrap_or(0);
    let mut encoding = TextEncoding::Utf8;
    let mut columns: Vec<(String, bool)> = Vec::new();
    let mut records: Vec<Option<Vec<FieldValue>>> = Vec::new();
    match sidecar(shp, "dbf") {
        None => problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::DbfMissing,
        )),
        Some(dbf) => {
            bytes += std::fs::metadata(&dbf).map(|m| m.len()).unwrap_or(0);
            let (enc, which) = dbf_encoding(&dbf, file, &mut problems);
            encoding = which;
            match dbase::ReaderBuilder::new()
                .with_encoding(dbase::encoding::EncodingRs::from(enc))
                .open(&dbf)
            {
                Err(e) => problems.push(Problem::file_level(
                    file,
                    Severity::Error,
                    Issue::DbfUnreadable {
                        detail: e.to_string(),
                    },
                )),
                Ok(mut reader) => {
                    columns = reader
                        .fields()
                        .iter()
                        .map(|f| {
                            let decimals_zero = f.length() > 0
                                && !matches!(
                                    f.field_type(),
                                    dbase::FieldType::Float | dbase::FieldType::Double
                                );
                            (f.name().to_string(), decimals_zero)
                        })
                        .collect();
                    // Numeric fields with decimals read as floats.
                    let decimals = dbf_decimals(&dbf);
                    for (c, d) in columns.iter_mut().zip(decimals) {
                        c.1 = c.1 && d == 0;
                    }
                    let mut failed_in_a_row = 0;
                    for (i, r) in reader.iter_records_as::<OrderedRecord>().enumerate() {
                        match r {
                            Ok(r) => {
                                failed_in_a_row = 0;
                                records.push(Some(r.0));
                            }
                            Err(_) if failed_in_a_row >= MAX_FAILED_IN_A_ROW => {
                                // A header promising more records than the file holds:
                                // the rest is unreadable too.
                                problems.push(Problem::file_level(
                                    file,
                                    Severity::Error,
                                    Issue::DbfStopsReadable { record: i + 1 },
                                ));
                                break;
                            }
                            Err(e) => {
                                failed_in_a_row += 1;
                                problems.push(Problem {
                                    feature: Some(i),
                                    ..Problem::file_level(
                                        file,
                                        Severity::Warning,
                                        Issue::DbfRecordUnreadable {
                                            record: i + 1,
                                            detail: e.to_string(),
                                        },
                                    )
                                });
                                records.push(None);
                            }
                        }
                    }
                }
            }
        }
    }
    if sidecar(shp, "dbf").is_some() && records.len() != geoms.len() && !columns.is_empty() {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::ShpDbfCountMismatch {
                shapes: geoms.len(),
                records: records.len(),
            },
        ));
    }
    let declared = match sidecar(shp, "prj") {
        Some(prj) => {
            let t = std::fs::read(&prj).unwrap_or_default();
            Some(prj::crs_from_wkt(&text::decode(&t).text))
        }
        None => {
            problems.push(Problem::file_level(
                file,
                Severity::Warning,
                Issue::PrjMissing,
            ));
            None
        }
    };
    // An old Chinese datum must not be placed by a guess (tens of metres off).
    let refuse_crs = match &declared {
        Some(Err(e)) if e.contains("not supported") => Some(Issue::DatumNotPlaceable {
            source: ".prj",
            detail: e.clone(),
        }),
        _ => None,
    };
    let n = geoms.len().max(records.len());
    let mut geoms = geoms.into_iter();
    let mut records = records.into_iter();
    let mut features = Vec::with_capacity(n);
    for _ in 0..n {
        let g = geoms.next().flatten().unwrap_or(GeomField::Null);
        let props = match records.next().flatten() {
            Some(values) => columns
                .iter()
                .zip(values)
                .map(|((name, int), v)| (name.clone(), field_value(v, *int)))
                .collect(),
            None => Vec::new(),
        };
        features.push(feature(g, props));
    }
    let name = shp
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(ForeignLayer {
        name,
        features,
        declared,
        encoding,
        problems,
        bytes,
        members: Vec::new(),
        crs_source: ".prj",
        refuse_crs,
        datum_shift: None,
    })
}

/// The decimal count of each field, from the DBF's field descriptors (byte 17 of each
/// 32-byte descriptor; the `dbase` crate does not expose it).
fn dbf_decimals(dbf: &Path) -> Vec<u8> {
    let mut bytes = vec![0u8; 32 * 256 + 33];
    let n = File::open(dbf)
        .and_then(|mut f| f.read(&mut bytes))
        .unwrap_or(0);
    bytes.truncate(n);
    let mut out = Vec::new();
    let mut at = 32;
    while at + 32 <= bytes.len() && bytes[at] != 0x0D {
        out.push(bytes[at + 17]);
        at += 32;
    }
    out
}
