//! Writing parcels (a layer, or some of its features) as a land-approval coordinate TXT
//! (建设用地报批 / 勘测定界 exchange format) for submission: the `[属性描述]` header
//! (CGCS2000, 3° Gauss-Krüger, zone number, metres) and per parcel a line
//! `界址点数,面积(公顷),地块编号,地块名称,面,图幅号,地块用途,地类编码,@` followed by
//! `J点号,圈号,X,Y` rows: X the northing, Y the easting with the zone number prefixed,
//! each ring closed by repeating its first point (and counted), area in hectares as the
//! standard says. GBK text with CRLF line ends, as the receiving systems expect;
//! written atomically. Reading it is `import::landtxt`'s.

use std::io::Write;
use std::path::Path;

use geo::{Area, Geometry, MapCoords, Polygon};

use super::geojson::SaveError;
use crate::crs::Crs;
use crate::model::{Field, Layer};

/// The CRS a coordinate TXT of these lon/lat geometries is written in: the CGCS2000 3°
/// Gauss-Krüger zone (zone-prefixed eastings, EPSG:4513–4533) around their first vertex.
pub fn zone_for(layer: &Layer, rows: &[usize]) -> Option<Crs> {
    use geo::CoordsIter;
    let c = rows
        .iter()
        .filter_map(|&r| layer.geometries.get(r)?.as_ref())
        .find_map(|g| g.coords_iter().next())?;
    let zone = (c.x / 3.0).round() as u32;
    (25..=45)
        .contains(&zone)
        .then(|| Crs::from_epsg(4513 + zone - 25))
        .flatten()
}

fn polygons(g: &Geometry<f64>) -> Vec<Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(polygons).collect(),
        Geometry::Rect(r) => vec![r.to_polygon()],
        Geometry::Triangle(t) => vec![t.to_polygon()],
        _ => Vec::new(),
    }
}

/// A property as text fit for a comma-separated line.
fn attr(layer: &Layer, row: usize, column: &str) -> String {
    layer
        .attributes
        .get(row, column)
        .as_text()
        .map(|t| t.replace([',', '\r', '\n'], " "))
        .unwrap_or_default()
}

/// The mapped field's text, else the property named as the TXT names it.
fn text(layer: &Layer, row: usize, field: Field, fallback: &str) -> String {
    match layer.fields.get(&field).map(|col| attr(layer, row, col)) {
        Some(t) if !t.is_empty() => t,
        _ => attr(layer, row, fallback),
    }
}

/// The TXT text of the given rows of a parcel layer in `crs` (a CGCS2000 Gauss-Krüger
/// zone). Rows without a polygon are left out; `Err` when a coordinate cannot be
/// converted or the CRS is not a Gauss-Krüger zone.
pub fn land_txt(layer: &Layer, rows: &[usize], crs: Crs) -> Result<String, SaveError> {
    // An older datum's zone would be written as unshifted numbers under a CGCS2000
    // header: refused like any other CRS.
    let Crs::GaussKruger {
        width,
        zone,
        datum: crate::crs::Datum::Cgcs2000,
        ..
    } = crs
    else {
        return Err(SaveError::Projection {
            crs: crs.code(),
            message: "a coordinate TXT is written in a CGCS2000 Gauss-Krüger zone".into(),
        });
    };
    let projector = crs.projector().map_err(|e| SaveError::Projection {
        crs: crs.code(),
        message: e.to_string(),
    })?;
    let mut out = String::new();
    out.push_str("[属性描述]\r\n格式版本号=1.01版本\r\n数据产生单位=ParkPlan\r\n数据产生日期=\r\n");
    out.push_str(&format!(
        "坐标系=2000国家大地坐标系\r\n几度分带={width}\r\n投影类型=高斯克吕格\r\n计量单位=米\r\n带号={zone}\r\n精度=0.001\r\n转换参数=,,,,,,\r\n[地块坐标]\r\n"
    ));
    for &row in rows {
        let Some(g) = layer.geometries.get(row).and_then(|g| g.as_ref()) else {
            continue;
        };
        let parts = polygons(g);
        if parts.is_empty() {
            continue;
        }
        let mut projected = Vec::new();
        for p in &parts {
            projected.push(
                p.try_map_coords(|c| {
                    projector
                        .from_lon_lat(c.x, c.y)
                        .map(|(x, y)| geo::Coord { x, y })
                })
                .map_err(|e| SaveError::Projection {
                    crs: crs.code(),
                    message: format!("feature {row}: {e}"),
                })?,
            );
        }
        let area_ha: f64 = projected.iter().map(|p| p.unsigned_area()).sum::<f64>() / 10_000.0;
        let mut rows_out = Vec::new();
        let mut ring_no = 0;
        let mut point_no = 0;
        for p in &projected {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                ring_no += 1;
                let pts = &ring.0;
                let open = if pts.len() > 1 && pts.first() == pts.last() {
                    &pts[..pts.len() - 1]
                } else {
                    &pts[..]
                };
                let first = point_no + 1;
                for c in open {
                    point_no += 1;
                    rows_out.push(format!("J{point_no},{ring_no},{:.3},{:.3}", c.y, c.x));
                }
                if let Some(c) = open.first() {
                    rows_out.push(format!("J{first},{ring_no},{:.3},{:.3}", c.y, c.x));
                }
            }
        }
        let id = match text(layer, row, Field::Id, "地块编号") {
            s if s.is_empty() => layer
                .ids
                .get(row)
                .and_then(|i| i.as_ref())
                .map(|i| i.to_string())
                .unwrap_or_default(),
            s => s,
        };
        out.push_str(&format!(
            "{},{:.4},{},{},面,{},{},{},@\r\n",
            rows_out.len(),
            area_ha,
            id,
            text(layer, row, Field::Name, "地块名称"),
            attr(layer, row, "图幅号"),
            text(layer, row, Field::LandUse, "地块用途"),
            attr(layer, row, "地类编码"),
        ));
        for r in rows_out {
            out.push_str(&r);
            out.push_str("\r\n");
        }
    }
    Ok(out)
}

/// The rows of `layer` whose id (as shown: the feature's `id` member, else its id
/// field) is one of `ids`, in layer order; the ids no feature has are the error.
pub fn rows_with_ids(layer: &Layer, ids: &[String]) -> Result<Vec<usize>, Vec<String>> {
    let wanted: std::collections::HashSet<&str> = ids.iter().map(|s| s.trim()).collect();
    let mut found: std::collections::HashSet<String> = std::collections::HashSet::new();
    let rows: Vec<usize> = (0..layer.len())
        .filter(|&i| {
            let id = layer.display_id(i);
            let hit = wanted.contains(id.as_str());
            if hit {
                found.insert(id);
            }
            hit
        })
        .collect();
    let missing: Vec<String> = ids
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !found.contains(s))
        .collect();
    if missing.is_empty() {
        Ok(rows)
    } else {
        Err(missing)
    }
}

/// Saves the given rows of a parcel layer as a coordinate TXT (GBK, CRLF) at `path`,
/// atomically, in `crs` (else the zone around the data, [`zone_for`]).
pub fn save_land_txt(
    layer: &Layer,
    rows: &[usize],
    crs: Option<Crs>,
    path: &Path,
) -> Result<(), SaveError> {
    let crs = crs
        .or_else(|| zone_for(layer, rows))
        .ok_or_else(|| SaveError::Projection {
            crs: "CGCS2000 Gauss-Krüger".into(),
            message:
                "the parcels lie outside the CGCS2000 3-degree zones 25–45 (or have no polygon)"
                    .into(),
        })?;
    let text = land_txt(layer, rows, crs)?;
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    super::atomic::write_atomic_with(path, false, |w| w.write_all(&bytes)).map_err(|source| {
        SaveError::Io {
            path: path.display().to_string(),
            source,
        }
    })
}
