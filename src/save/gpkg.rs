//! Writing layers as one GeoPackage (.gpkg) for QGIS users: each layer a feature table
//! (named after the layer) with its attributes as typed columns, the layer's ids in an
//! `id` column when no attribute already has that name, and geometries as GeoPackage
//! blobs (header with envelope, then WKB written by the `wkb` crate), in lon/lat
//! (EPSG:4326) or the layer's source CRS, registered in `gpkg_spatial_ref_sys` with
//! its WKT. SQLite is `rusqlite` (bundled). The file is built under a temporary name
//! beside the target and renamed over it when complete ([`super::atomic`]). z values
//! are not written (2D tables).

use std::path::Path;

use geo::{BoundingRect, Geometry, MapCoords};
use rusqlite::types::Value;

use super::geojson::{SaveError, WriteCrs, is_source_of, projector_to, target_crs};
use crate::crs::Crs;
use crate::model::attributes::ColumnType;
use crate::model::{FeatureId, Layer, PropValue};

/// The WKT (1) of a CRS ParkPlan writes, with its EPSG authority.
pub fn crs_wkt(crs: &Crs) -> String {
    let geogcs = |epsg: u32| {
        if epsg == 4490 {
            r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]]"#.to_string()
        } else {
            r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]"#.to_string()
        }
    };
    let tmerc = |name: &str, geo: u32, lon0: f64, k: f64, x0: f64, y0: f64, epsg: u32| {
        format!(
            r#"PROJCS["{name}",{},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{lon0}],PARAMETER["scale_factor",{k}],PARAMETER["false_easting",{x0}],PARAMETER["false_northing",{y0}],UNIT["metre",1],AUTHORITY["EPSG","{epsg}"]]"#,
            geogcs(geo)
        )
    };
    match *crs {
        Crs::LonLat { epsg, .. } => geogcs(epsg as u32),
        Crs::GaussKruger {
            epsg,
            zone,
            central_meridian,
            zone_prefixed,
            ..
        } => {
            let x0 = if zone_prefixed {
                zone as f64 * 1e6 + 500_000.0
            } else {
                500_000.0
            };
            tmerc(&crs.describe(), 4490, central_meridian as f64, 1.0, x0, 0.0, epsg as u32)
        }
        Crs::Utm { zone, north } => tmerc(
            &crs.describe(),
            4326,
            zone as f64 * 6.0 - 183.0,
            0.9996,
            500_000.0,
            if north { 0.0 } else { 10_000_000.0 },
            crs.epsg(),
        ),
        Crs::WebMercator => r#"PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs"],AUTHORITY["EPSG","3857"]]"#.to_string(),
    }
}

/// A geometry as a GeoPackage blob: "GP", version 0, flags (little-endian, XY
/// envelope), the srs id, the envelope, then little-endian WKB.
pub fn geometry_blob(g: &Geometry<f64>, srs_id: i32) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0);
    let rect = g.bounding_rect();
    out.push(if rect.is_some() {
        0b0000_0011
    } else {
        0b0001_0001
    });
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = rect {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    wkb::writer::write_geometry(
        &mut out,
        g,
        &wkb::writer::WriteOptions {
            endianness: wkb::Endianness::LittleEndian,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(out)
}

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> std::io::Error + '_ {
    move |e| std::io::Error::other(format!("{}: {e}", path.display()))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The GeoPackage geometry type of a layer: its one geometry type, else GEOMETRY.
fn geometry_type(layer: &Layer) -> &'static str {
    let mut kinds = layer.geometries.iter().flatten().map(|g| match g {
        Geometry::Point(_) => "POINT",
        Geometry::LineString(_) | Geometry::Line(_) => "LINESTRING",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "POLYGON",
        Geometry::MultiPoint(_) => "MULTIPOINT",
        Geometry::MultiLineString(_) => "MULTILINESTRING",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    });
    match kinds.next() {
        Some(first) if kinds.all(|k| k == first) => first,
        _ => "GEOMETRY",
    }
}

pub(crate) fn value(v: PropValue<'_>) -> Value {
    match v {
        PropValue::Absent | PropValue::Null => Value::Null,
        PropValue::Bool(b) => Value::Integer(b as i64),
        PropValue::Int(i) => Value::Integer(i),
        PropValue::Float(f) => Value::Real(f),
        PropValue::Str(s) | PropValue::Json(s) => Value::Text(s.to_string()),
    }
}

pub(crate) fn write_tables(
    conn: &mut rusqlite::Connection,
    layers: &[&Layer],
    target: WriteCrs,
    path: &Path,
) -> Result<(), SaveError> {
    let io = |e: std::io::Error| SaveError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let sql = sql_err(path);
    conn.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
           definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT UNIQUE, description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');",
    )
    .map_err(&sql)
    .map_err(io)?;
    let mut srs_written: Vec<u32> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for layer in layers {
        let crs = target_crs(layer, target);
        let code = crs.epsg();
        if !srs_written.contains(&code) {
            conn.execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
                rusqlite::params![crs.describe(), code, crs_wkt(&crs)],
            )
            .map_err(&sql)
            .map_err(io)?;
            srs_written.push(code);
        }
        // A table name unique in the file.
        let base = if layer.name.trim().is_empty() {
            "layer".to_string()
        } else {
            layer.name.trim().to_string()
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.iter().any(|t| t.eq_ignore_ascii_case(&name))
            || name.to_ascii_lowercase().starts_with("gpkg_")
        {
            name = format!("{base}_{n}");
            n += 1;
        }
        names.push(name.clone());
        let cols = layer.attributes.columns();
        let taken = |c: &str| cols.iter().any(|col| col.name().eq_ignore_ascii_case(c));
        let fid = if taken("fid") { "fid_" } else { "fid" };
        let geom = if taken("geom") { "geom_" } else { "geom" };
        let write_ids = layer.ids.iter().any(Option::is_some) && !taken("id");
        let mut ddl = format!(
            "CREATE TABLE {} ({fid} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {geom} {}",
            quote(&name),
            geometry_type(layer)
        );
        if write_ids {
            ddl.push_str(", \"id\" TEXT");
        }
        for c in cols {
            let t = match c.column_type() {
                ColumnType::Bool => "BOOLEAN",
                ColumnType::Int => "INTEGER",
                ColumnType::Float => "REAL",
                ColumnType::Text | ColumnType::Json | ColumnType::Empty => "TEXT",
            };
            ddl.push_str(&format!(", {} {t}", quote(c.name())));
        }
        ddl.push(')');
        let tx = conn.transaction().map_err(&sql).map_err(io)?;
        tx.execute_batch(&ddl).map_err(&sql).map_err(io)?;
        let projector = projector_to(&crs)?;
        let placeholders: Vec<String> = (1..=cols.len() + 1 + write_ids as usize)
            .map(|i| format!("?{i}"))
            .collect();
        let mut column_list = vec![quote(geom)];
        if write_ids {
            column_list.push("\"id\"".into());
        }
        column_list.extend(cols.iter().map(|c| quote(c.name())));
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(&name),
            column_list.join(", "),
            placeholders.join(", ")
        );
        let mut extent: Option<geo::Rect<f64>> = None;
        {
            let mut stmt = tx.prepare(&insert).map_err(&sql).map_err(io)?;
            for i in 0..layer.len() {
                let mut row: Vec<Value> = Vec::with_capacity(cols.len() + 2);
                row.push(match &layer.geometries[i] {
                    None => Value::Null,
                    Some(g) => {
                        let g = match &projector {
                            None => g.clone(),
                            Some(p) => g
                                .try_map_coords(|c| {
                                    p.from_lon_lat(c.x, c.y).map(|(x, y)| geo::Coord { x, y })
                                })
                                .map_err(|e| SaveError::Projection {
                                    crs: crs.code(),
                                    message: format!("feature {i}: {e}"),
                                })?,
                        };
                        if let Some(r) = g.bounding_rect() {
                            extent = Some(match extent {
                                None => r,
                                Some(e) => crate::model::layer::rect_union(e, r),
                            });
                        }
                        Value::Blob(geometry_blob(&g, code as i32).map_err(|message| {
                            SaveError::Projection {
                                crs: crs.code(),
                                message: format!("feature {i}: {message}"),
                            }
                        })?)
                    }
                });
                if write_ids {
                    row.push(match layer.ids.get(i).and_then(|id| id.as_ref()) {
                        None => Value::Null,
                        Some(FeatureId::Str(s)) => Value::Text(s.to_string()),
                        Some(id) => Value::Text(id.to_string()),
                    });
                }
                for c in cols {
                    row.push(value(c.get(i)));
                }
                stmt.execute(rusqlite::params_from_iter(row))
                    .map_err(&sql)
                    .map_err(io)?;
            }
        }
        let (min_x, min_y, max_x, max_y) = match extent {
            Some(r) => (
                Some(r.min().x),
                Some(r.min().y),
                Some(r.max().x),
                Some(r.max().y),
            ),
            None => (None, None, None, None),
        };
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![name, min_x, min_y, max_x, max_y, code],
        )
        .map_err(&sql)
        .map_err(io)?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
            rusqlite::params![name, geom, geometry_type(layer), code],
        )
        .map_err(&sql)
        .map_err(io)?;
        tx.commit().map_err(&sql).map_err(io)?;
    }
    Ok(())
}

/// Saves layers as one GeoPackage at `path`, atomically: one feature table per layer,
/// in lon/lat (`WriteCrs::Rfc7946`: EPSG:4326), each layer's source CRS, or a given
/// one. Refuses to write over a layer's source file unless `overwrite_source` is set.
pub fn save_gpkg(
    layers: &[&Layer],
    path: &Path,
    target: WriteCrs,
    overwrite_source: bool,
) -> Result<(), SaveError> {
    let same_as_source = layers.iter().any(|l| is_source_of(l, path));
    for l in layers {
        super::geojson::refuse_part_of_source(l, path)?;
    }
    if same_as_source && !overwrite_source {
        return Err(SaveError::WouldOverwriteSource(path.display().to_string()));
    }
    let mut result = Ok(());
    super::atomic::write_atomic_path(path, same_as_source, |tmp| {
        let mut conn = rusqlite::Connection::open(tmp).map_err(sql_err(tmp))?;
        result = write_tables(&mut conn, layers, target, path);
        conn.close().map_err(|(_, e)| sql_err(tmp)(e))?;
        match &result {
            Ok(()) => Ok(()),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    })
    .map_err(|source| match std::mem::replace(&mut result, Ok(())) {
        Err(e) => e,
        Ok(()) => SaveError::Io {
            path: path.display().to_string(),
            source,
        },
    })
}
