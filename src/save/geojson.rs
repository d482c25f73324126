//! Writing a layer back as GeoJSON: RFC 7946 lon/lat by default, or in its source CRS
//! (or another supported CRS) with a legacy `crs` member. Every property (in its original
//! order and JSON type), every foreign member of the collection, the features and their
//! geometries, feature ids and z values are written back.

use std::io::{self, Write};
use std::path::Path;

use geo::{Coord, Geometry};

use crate::crs::{Crs, Projector};
use crate::model::{FeatureId, Layer, PropValue};

/// Which CRS to write coordinates in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WriteCrs {
    /// RFC 7946: WGS84 lon/lat, no `crs` member.
    Rfc7946,
    /// The CRS the layer was read in (lon/lat when it came without one), with a `crs`
    /// member when that is not RFC 7946's.
    Source,
    /// A given CRS, with a `crs` member.
    Crs(Crs),
}

/// Errors writing a layer.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The target is the file the layer is one part of (its lines, or its points …):
    /// writing it there would lose the other parts.
    #[error("{path} holds other layers too (this layer is its {part}): save it to another file")]
    PartOfSource {
        /// The file.
        path: String,
        /// Which part the layer is.
        part: &'static str,
    },
    /// The target is the file the layer was read from, and overwriting was not allowed.
    #[error(
        "{0} is the layer's source file; ParkPlan does not write over a source file unless you confirm it"
    )]
    WouldOverwriteSource(String),
    /// A coordinate could not be converted to the target CRS.
    #[error("cannot convert to {crs}: {message}")]
    Projection {
        /// The target CRS.
        crs: String,
        /// What failed.
        message: String,
    },
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Writes a number the shortest way that reads back to the same f64.
fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".to_string()
    }
}

struct CoordWriter<'a> {
    projector: Option<&'a Projector>,
    z: Option<&'a [f64]>,
    next_z: usize,
    metres: bool,
}

impl CoordWriter<'_> {
    fn position(&mut self, c: &Coord<f64>, out: &mut String) -> Result<(), String> {
        let (x, y) = match self.projector {
            Some(p) => p.from_lon_lat(c.x, c.y).map_err(|e| e.to_string())?,
            None => (c.x, c.y),
        };
        let fmt = |v: f64| {
            if self.metres {
                // 0.1 mm is far below survey accuracy and keeps files readable.
                let r = (v * 10_000.0).round() / 10_000.0;
                num(r)
            } else {
                // 1e-9 degree is about 0.1 mm: exact enough, and files stay readable.
                num((v * 1e9).round() / 1e9)
            }
        };
        out.push('[');
        out.push_str(&fmt(x));
        out.push(',');
        out.push_str(&fmt(y));
        if let Some(z) = self.z {
            if let Some(v) = z.get(self.next_z).filter(|v| v.is_finite()) {
                out.push(',');
                out.push_str(&num(*v));
            }
            self.next_z += 1;
        }
        out.push(']');
        Ok(())
    }

    fn line(&mut self, cs: &[Coord<f64>], out: &mut String) -> Result<(), String> {
        out.push('[');
        for (i, c) in cs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.position(c, out)?;
        }
        out.push(']');
        Ok(())
    }

    fn polygon(&mut self, p: &geo::Polygon<f64>, out: &mut String) -> Result<(), String> {
        out.push('[');
        self.line(&p.exterior().0, out)?;
        for h in p.interiors() {
            out.push(',');
            self.line(&h.0, out)?;
        }
        out.push(']');
        Ok(())
    }

    fn list<T>(
        &mut self,
        items: &[T],
        out: &mut String,
        each: impl Fn(&mut Self, &T, &mut String) -> Result<(), String>,
    ) -> Result<(), String> {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            each(self, item, out)?;
        }
        out.push(']');
        Ok(())
    }

    fn geometry(
        &mut self,
        g: &Geometry<f64>,
        members: &[(String, String)],
        out: &mut String,
    ) -> Result<(), String> {
        let kind = crate::model::layer::geometry_type_name(Some(g));
        if let Geometry::GeometryCollection(gc) = g {
            out.push_str("{\"type\":\"GeometryCollection\",\"geometries\":");
            self.list(&gc.0, out, |w, m, o| w.geometry(m, &[], o))?;
        } else {
            out.push_str(&format!("{{\"type\":\"{kind}\",\"coordinates\":"));
            match g {
                Geometry::Point(p) => self.position(&p.0, out)?,
                Geometry::MultiPoint(mp) => self.list(&mp.0, out, |w, p, o| w.position(&p.0, o))?,
                Geometry::LineString(l) => self.line(&l.0, out)?,
                Geometry::Line(l) => self.line(&[l.start, l.end], out)?,
                Geometry::MultiLineString(ml) => {
                    self.list(&ml.0, out, |w, l, o| w.line(&l.0, o))?
                }
                Geometry::Polygon(p) => self.polygon(p, out)?,
                Geometry::Rect(r) => self.polygon(&r.to_polygon(), out)?,
                Geometry::Triangle(t) => self.polygon(&t.to_polygon(), out)?,
                Geometry::MultiPolygon(mp) => self.list(&mp.0, out, |w, p, o| w.polygon(p, o))?,
                Geometry::GeometryCollection(_) => {}
            }
        }
        for (k, v) in members {
            out.push_str(&format!(",{}:{}", json_string(k), v));
        }
        out.push('}');
        Ok(())
    }
}

/// The CRS a write option resolves to for a layer.
pub fn target_crs(layer: &Layer, target: WriteCrs) -> Crs {
    match target {
        WriteCrs::Rfc7946 => Crs::WGS84,
        WriteCrs::Source => layer
            .source
            .crs
            .as_ref()
            .map(|d| d.crs)
            .unwrap_or(Crs::WGS84),
        WriteCrs::Crs(c) => c,
    }
}

/// The converter from lon/lat to a target CRS (`None`: lon/lat, nothing to convert).
pub(super) fn projector_to(crs: &Crs) -> Result<Option<Projector>, SaveError> {
    if crs.is_geographic() {
        return Ok(None);
    }
    crs.projector()
        .map(Some)
        .map_err(|e| SaveError::Projection {
            crs: crs.code(),
            message: e.to_string(),
        })
}

/// Writes a layer as a GeoJSON FeatureCollection.
pub fn write_layer(layer: &Layer, target: WriteCrs, w: &mut impl Write) -> Result<(), SaveError> {
    let crs = target_crs(layer, target);
    let rfc = crs == Crs::WGS84 && target == WriteCrs::Rfc7946;
    let projector = projector_to(&crs)?;
    let io_err = |source| SaveError::Io {
        path: layer.name.clone(),
        source,
    };
    let mut head = String::from("{\"type\":\"FeatureCollection\"");
    for (k, v) in &layer.document_members {
        if matches!(k.as_str(), "type" | "features" | "crs") {
            continue;
        }
        head.push_str(&format!(",{}:{}", json_string(k), v));
    }
    if !rfc {
        head.push_str(&format!(
            ",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":{}}}}}",
            json_string(&crs.urn())
        ));
    }
    head.push_str(",\"features\":[\n");
    w.write_all(head.as_bytes()).map_err(io_err)?;
    let mut out = String::new();
    for i in 0..layer.len() {
        out.clear();
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str("{\"type\":\"Feature\"");
        match layer.ids.get(i).and_then(|id| id.as_ref()) {
            Some(FeatureId::Str(s)) => out.push_str(&format!(",\"id\":{}", json_string(s))),
            Some(FeatureId::Int(n)) => out.push_str(&format!(",\"id\":{n}")),
            Some(FeatureId::Float(f)) => out.push_str(&format!(",\"id\":{}", num(*f))),
            None => {}
        }
        out.push_str(",\"properties\":{");
        let mut first = true;
        for (k, v) in layer.attributes.row(i) {
            let Some(text) = v.to_json_text() else {
                continue;
            };
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&json_string(k));
            out.push(':');
            out.push_str(&text);
        }
        out.push_str("},\"geometry\":");
        let extras = layer.extras.get(&i);
        match &layer.geometries[i] {
            None => out.push_str("null"),
            Some(g) => {
                let mut cw = CoordWriter {
                    projector: projector.as_ref(),
                    z: extras.and_then(|e| e.z.as_deref()),
                    next_z: 0,
                    metres: !crs.is_geographic(),
                };
                let members = extras.map(|e| e.geometry_members.as_slice()).unwrap_or(&[]);
                cw.geometry(g, members, &mut out)
                    .map_err(|message| SaveError::Projection {
                        crs: crs.code(),
                        message: format!("feature {i}: {message}"),
                    })?;
            }
        }
        if let Some(e) = extras {
            for (k, v) in &e.members {
                out.push_str(&format!(",{}:{}", json_string(k), v));
            }
        }
        out.push('}');
        w.write_all(out.as_bytes()).map_err(io_err)?;
    }
    w.write_all(b"\n]}\n").map_err(io_err)?;
    Ok(())
}

/// Saves a layer to `path` atomically. Refuses to write over the layer's own source file
/// unless `overwrite_source` is set (the caller asked the user).
pub fn save_layer(
    layer: &Layer,
    path: &Path,
    target: WriteCrs,
    overwrite_source: bool,
) -> Result<(), SaveError> {
    let same_as_source = is_source_of(layer, path);
    refuse_part_of_source(layer, path)?;
    if same_as_source && !overwrite_source {
        return Err(SaveError::WouldOverwriteSource(path.display().to_string()));
    }
    let mut result = Ok(());
    super::atomic::write_atomic_with(path, same_as_source, |w| {
        result = write_layer(layer, target, w);
        match &result {
            Ok(()) => Ok(()),
            Err(e) => Err(io::Error::other(e.to_string())),
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

/// Whether `path` is the file the layer was read from.
pub(super) fn is_source_of(layer: &Layer, path: &Path) -> bool {
    layer.source.path.as_ref().is_some_and(|src| {
        let a = std::fs::canonicalize(src).ok();
        let b = std::fs::canonicalize(path).ok();
        a.is_some() && a == b
    })
}

/// Refuses to write a part of a file (one kind of geometry split off it) over that
/// shared file, whatever the format: the other parts would be lost.
pub(super) fn refuse_part_of_source(layer: &Layer, path: &Path) -> Result<(), SaveError> {
    match layer.source.part {
        Some(part) if is_source_of(layer, path) => Err(SaveError::PartOfSource {
            path: path.display().to_string(),
            part: part.code(),
        }),
        _ => Ok(()),
    }
}

/// A property value as it would be written (for previews and tests).
pub fn property_json(v: PropValue<'_>) -> Option<String> {
    v.to_json_text()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{LayerOptions, read_layer_bytes};

    fn round_trip(text: &str, target: WriteCrs) -> (Layer, Layer, String) {
        let (a, _) =
            read_layer_bytes(text.as_bytes(), "a.geojson", &LayerOptions::default(), None).unwrap();
        let mut out = Vec::new();
        write_layer(&a, target, &mut out).unwrap();
        let written = String::from_utf8(out).unwrap();
        let (b, problems) = read_layer_bytes(
            written.as_bytes(),
            "b.geojson",
            &LayerOptions::default(),
            None,
        )
        .unwrap();
        assert!(problems.is_empty(), "{problems:?}\n{written}");
        (a, b, written)
    }

    #[test]
    fn properties_ids_members_and_z_survive() {
        let text = r#"{"type":"FeatureCollection","name":"企业","features":[
            {"type":"Feature","id":7,"properties":{"名称":"荆州\"五方\"","n":3,"x":null,"o":{"a":[1,2]},"f":2.5},
             "geometry":{"type":"Point","coordinates":[112.3,30.3,12.5]},"extra":{"k":true}},
            {"type":"Feature","id":"b","properties":{"名称":"乙"},"geometry":null}]}"#;
        let (a, b, written) = round_trip(text, WriteCrs::Rfc7946);
        assert!(!written.contains("\"crs\""));
        assert_eq!(b.name, "企业");
        assert_eq!(a.ids, b.ids);
        for i in 0..2 {
            assert_eq!(a.attributes.row_json(i), b.attributes.row_json(i));
        }
        assert_eq!(b.attributes.get(0, "x"), PropValue::Null);
        assert_eq!(b.attributes.get(1, "n"), PropValue::Absent);
        assert_eq!(a.extras, b.extras);
        assert!(b.geometries[1].is_none());
        // Property order is kept.
        let keys: Vec<&str> = b.attributes.row(0).map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["名称", "n", "x", "o", "f"]);
    }

    #[test]
    fn source_crs_round_trip_is_within_a_millimetre() {
        let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4525"}},"features":[
            {"type":"Feature","properties":{"k":1},"geometry":{"type":"Polygon","coordinates":[[[37629686.0739,3357377.6731],[37629955.6404,3357358.7030],[37630030.0733,3357570.2790],[37629686.0739,3357377.6731]]]}}]}"#;
        let (a, b, written) = round_trip(text, WriteCrs::Source);
        assert!(written.contains("urn:ogc:def:crs:EPSG::4525"), "{written}");
        assert!(written.contains("37629686.0739"), "{written}");
        assert_eq!(b.source.crs.as_ref().unwrap().crs.epsg(), 4525);
        let (Some(Geometry::Polygon(pa)), Some(Geometry::Polygon(pb))) =
            (&a.geometries[0], &b.geometries[0])
        else {
            panic!()
        };
        use geo::{Distance, Haversine, Point};
        for (ca, cb) in pa.exterior().0.iter().zip(&pb.exterior().0) {
            assert!(Haversine.distance(Point(*ca), Point(*cb)) < 0.001);
        }
    }

    #[test]
    fn refuses_to_overwrite_the_source_without_consent() {
        let dir = std::env::temp_dir().join(format!("parkplan-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("src.geojson");
        std::fs::write(&p, r#"{"type":"Point","coordinates":[1,2]}"#).unwrap();
        let (mut layer, _) =
            crate::import::read_layer_file(&p, &LayerOptions::default(), None).unwrap();
        layer.source.path = Some(p.clone());
        assert!(matches!(
            save_layer(&layer, &p, WriteCrs::Rfc7946, false),
            Err(SaveError::WouldOverwriteSource(_))
        ));
        save_layer(&layer, &p, WriteCrs::Rfc7946, true).unwrap();
        assert!(
            super::super::atomic::backup_path(&p).exists(),
            "the old source is kept as .bak"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
