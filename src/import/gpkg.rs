//! GeoPackage (.gpkg, what QGIS saves by default) → [`ForeignLayer`]s for the shared
//! checks ([`super::foreign`]).
//!
//! The file is opened read-only with `rusqlite` (SQLite built in, `bundled`); its
//! feature tables are listed from `gpkg_contents` and `gpkg_geometry_columns`, each
//! table's CRS comes from `gpkg_spatial_ref_sys` (the EPSG code, else its WKT through
//! [`super::prj`]), and each geometry blob is the GeoPackage header followed by WKB
//! (read with the `wkb` crate). The integer primary key is the row's feature id, not an
//! attribute. Owns only the reading of GeoPackages; writing is `save::gpkg`'s.

use std::path::Path;

use geo_traits::{
    CoordTrait, GeometryCollectionTrait, GeometryTrait, GeometryType, LineStringTrait,
    MultiLineStringTrait, MultiPointTrait, MultiPolygonTrait, PointTrait, PolygonTrait,
};
use rusqlite::types::ValueRef;

use super::foreign::{ForeignLayer, feature, pos, prop};
use super::json::{CoordTree, GeomField, RawGeometry};
use super::{ImportError, Issue, Problem, Severity, prj};
use crate::crs::Crs;
use crate::model::{PropValue, TextEncoding};

/// A feature table of a GeoPackage: its name, geometry column and spatial reference id.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureTable {
    /// The table name (the layer's name).
    pub table: String,
    /// Its geometry column.
    pub geometry_column: String,
    /// Its `srs_id` in `gpkg_spatial_ref_sys`.
    pub srs_id: i64,
}

fn not_gpkg(file: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::Unreadable {
        file: file.to_string(),
        format: "GeoPackage",
        message: e.to_string(),
    }
}

fn open(path: &Path, file: &str) -> Result<rusqlite::Connection, ImportError> {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_gpkg(file, e))
}

/// The feature tables of a GeoPackage, in the order they were registered.
pub fn feature_tables(path: &Path) -> Result<Vec<FeatureTable>, ImportError> {
    let file = path.display().to_string();
    let conn = open(path, &file)?;
    list_tables(&conn, &file)
}

fn list_tables(conn: &rusqlite::Connection, file: &str) -> Result<Vec<FeatureTable>, ImportError> {
    let mut stmt = conn
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
             WHERE c.data_type = 'features' ORDER BY c.rowid",
        )
        .map_err(|e| not_gpkg(file, e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(FeatureTable {
                table: r.get(0)?,
                geometry_column: r.get(1)?,
                srs_id: r.get(2)?,
            })
        })
        .map_err(|e| not_gpkg(file, e))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| not_gpkg(file, e))
}

/// The CRS a table's `srs_id` declares (`None`: undefined, then guessed).
fn declared_crs(conn: &rusqlite::Connection, srs_id: i64) -> Option<Result<Crs, String>> {
    if srs_id == 0 || srs_id == -1 {
        return None;
    }
    let row = conn.query_row(
        "SELECT organization, organization_coordsys_id, definition, srs_name FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        },
    );
    let (org, code, definition, name) = match row {
        Ok(r) => r,
        Err(e) => {
            return Some(Err(format!(
                "srs_id {srs_id} is not in gpkg_spatial_ref_sys ({e})"
            )));
        }
    };
    if org
        .as_deref()
        .is_some_and(|o| o.eq_ignore_ascii_case("EPSG"))
        && let Some(code) = code.and_then(|c| u32::try_from(c).ok())
        && let Some(crs) = Crs::from_epsg(code)
    {
        return Some(Ok(crs));
    }
    match definition.as_deref().map(str::trim) {
        Some(wkt) if !wkt.is_empty() && wkt != "undefined" => Some(prj::crs_from_wkt(wkt)),
        _ => Some(Err(format!(
            "{} ({}:{}) is not a CRS ParkPlan reads",
            name.unwrap_or_default(),
            org.unwrap_or_default(),
            code.unwrap_or_default()
        ))),
    }
}

/// The WKB inside a GeoPackage geometry blob; `Ok(None)` for an empty geometry.
pub(crate) fn blob_wkb(blob: &[u8]) -> Result<Option<&[u8]>, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("the geometry blob has no GeoPackage header (\"GP\")".into());
    }
    let flags = blob[3];
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        n => {
            return Err(format!(
                "the geometry blob names an unknown envelope kind {n}"
            ));
        }
    };
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    blob.get(8 + envelope..)
        .filter(|w| !w.is_empty())
        .map(Some)
        .ok_or_else(|| "the geometry blob ends inside its header".into())
}

fn coord(c: impl CoordTrait<T = f64>) -> CoordTree {
    let z = match c.dim() {
        geo_traits::Dimensions::Xyz | geo_traits::Dimensions::Xyzm => c.nth(2),
        _ => None,
    };
    pos(c.x(), c.y(), z)
}

fn line(l: &impl LineStringTrait<T = f64>) -> CoordTree {
    CoordTree::List(l.coords().map(coord).collect())
}

fn polygon(p: &impl PolygonTrait<T = f64>) -> CoordTree {
    let mut rings: Vec<CoordTree> = p.exterior().iter().map(line).collect();
    rings.extend(p.interiors().map(|r| line(&r)));
    CoordTree::List(rings)
}

/// A geometry (any `geo_traits` source: WKB here) as a raw GeoJSON-shaped geometry.
fn geometry(g: &impl GeometryTrait<T = f64>) -> GeomField {
    let geom = |t: &str, c: CoordTree| {
        GeomField::Geom(RawGeometry {
            type_name: Some(t.to_string().into()),
            coordinates: Some(c),
            geometries: None,
            crs: None,
            members: Vec::new(),
        })
    };
    match g.as_type() {
        GeometryType::Point(p) => match p.coord() {
            Some(c) => geom("Point", coord(c)),
            None => GeomField::Null,
        },
        GeometryType::LineString(l) => geom("LineString", line(l)),
        GeometryType::Polygon(p) => geom("Polygon", polygon(p)),
        GeometryType::MultiPoint(m) => geom(
            "MultiPoint",
            CoordTree::List(m.points().filter_map(|p| p.coord().map(coord)).collect()),
        ),
        GeometryType::MultiLineString(m) => geom(
            "MultiLineString",
            CoordTree::List(m.line_strings().map(|l| line(&l)).collect()),
        ),
        GeometryType::MultiPolygon(m) => geom(
            "MultiPolygon",
            CoordTree::List(m.polygons().map(|p| polygon(&p)).collect()),
        ),
        GeometryType::GeometryCollection(c) => GeomField::Geom(RawGeometry {
            type_name: Some("GeometryCollection".into()),
            coordinates: None,
            geometries: Some(c.geometries().map(|g| geometry(&g)).collect()),
            crs: None,
            members: Vec::new(),
        }),
        GeometryType::Rect(_) | GeometryType::Triangle(_) | GeometryType::Line(_) => {
            GeomField::Invalid(
                "a rectangle, triangle or line, which WKB does not carry".to_string(),
            )
        }
    }
}

/// Reads one feature table (`table`, else the first) of a GeoPackage.
pub(super) fn read(
    path: &Path,
    file: &str,
    table: Option<&str>,
) -> Result<ForeignLayer, ImportError> {
    let conn = open(path, file)?;
    let tables = list_tables(&conn, file)?;
    let t = match table {
        Some(name) => {
            tables
                .iter()
                .find(|t| t.table == name)
                .ok_or_else(|| ImportError::Unreadable {
                    file: file.to_string(),
                    format: "GeoPackage",
                    message: format!(
                        "the GeoPackage has no feature table \"{name}\" (it has: {})",
                        tables
                            .iter()
                            .map(|t| t.table.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?
        }
        None => tables.first().ok_or_else(|| ImportError::Unreadable {
            file: file.to_string(),
            format: "GeoPackage",
            message: "it holds no feature table".into(),
        })?,
    };
    let mut problems = Vec::new();
    let declared = declared_crs(&conn, t.srs_id);
    if declared.is_none() {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::GpkgSrsUndefined {
                table: t.table.clone(),
                srs_id: t.srs_id,
            },
        ));
    }
    // The integer primary key is the feature id, not an attribute.
    let quoted = format!("\"{}\"", t.table.replace('"', "\"\""));
    let mut pk: Option<String> = None;
    {
        let mut info = conn
            .prepare(&format!("PRAGMA table_info({quoted})"))
            .map_err(|e| not_gpkg(file, e))?;
        let cols = info
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .map_err(|e| not_gpkg(file, e))?;
        for c in cols.flatten() {
            if c.2 == 1 && c.1.eq_ignore_ascii_case("INTEGER") {
                pk = Some(c.0);
            }
        }
    }
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {quoted}"))
        .map_err(|e| not_gpkg(file, e))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let geom_col = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(&t.geometry_column));
    let pk_col = pk.and_then(|pk| names.iter().position(|n| *n == pk));
    let mut rows = stmt.query([]).map_err(|e| not_gpkg(file, e))?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(|e| not_gpkg(file, e))? {
        let index = features.len();
        let mut props = Vec::new();
        let mut g = GeomField::Null;
        for (i, name) in names.iter().enumerate() {
            let Ok(v) = row.get_ref(i) else { continue };
            if Some(i) == pk_col {
                continue;
            }
            if Some(i) == geom_col {
                g = match v {
                    ValueRef::Blob(b) => match blob_wkb(b).and_then(|w| match w {
                        None => Ok(GeomField::Null),
                        Some(w) => wkb::reader::read_wkb(w)
                            .map(|g| geometry(&g))
                            .map_err(|e| format!("the WKB cannot be read: {e}")),
                    }) {
                        Ok(g) => g,
                        Err(e) => {
                            problems.push(Problem {
                                feature: Some(index),
                                ..Problem::file_level(
                                    file,
                                    Severity::Warning,
                                    Issue::GpkgGeometryUnreadable {
                                        table: t.table.clone(),
                                        detail: e,
                                    },
                                )
                            });
                            GeomField::Null
                        }
                    },
                    _ => GeomField::Null,
                };
                continue;
            }
            let value = match v {
                ValueRef::Null => prop(PropValue::Null),
                ValueRef::Integer(n) => prop(PropValue::Int(n)),
                ValueRef::Real(f) => prop(PropValue::Float(f)),
                ValueRef::Text(s) => prop(PropValue::Str(&String::from_utf8_lossy(s))),
                ValueRef::Blob(b) => prop(PropValue::Str(&format!(
                    "({} bytes of binary data)",
                    b.len()
                ))),
            };
            props.push((name.clone(), value));
        }
        features.push(feature(g, props));
    }
    let refuse_crs = match &declared {
        Some(Err(e)) if e.contains("not supported") => Some(Issue::DatumNotPlaceable {
            source: "gpkg_spatial_ref_sys",
            detail: format!("table {}: {e}", t.table),
        }),
        _ => None,
    };
    Ok(ForeignLayer {
        name: t.table.clone(),
        features,
        declared,
        encoding: TextEncoding::Utf8,
        problems,
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        members: Vec::new(),
        crs_source: "gpkg_spatial_ref_sys",
        refuse_crs,
        datum_shift: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_header_is_checked() {
        assert!(blob_wkb(b"XX\0\x01\0\0\0\0").is_err());
        assert!(blob_wkb(b"GP").is_err());
        // Empty-geometry flag.
        assert_eq!(blob_wkb(b"GP\0\x11\0\0\0\0"), Ok(None));
        // Envelope kind 1 (32 bytes) then one WKB byte.
        let mut b = b"GP\0\x03\0\0\0\0".to_vec();
        b.extend([0u8; 32]);
        b.push(1);
        assert_eq!(blob_wkb(&b), Ok(Some(&[1u8][..])));
        // Envelope kind 7 does not exist.
        assert!(blob_wkb(b"GP\0\x0e\0\0\0\0").is_err());
    }
}
