//! Raw coordinates → checked, repaired lon/lat geometry.
//!
//! Every position is checked (numbers, finite, in range after conversion), axes are
//! un-swapped and projected coordinates converted to lon/lat. Safe repairs are made and
//! described: unclosed rings closed, repeated consecutive points dropped, ring winding
//! normalised to RFC 7946 (outer counter-clockwise, holes clockwise), degenerate holes
//! and parts dropped. What cannot be repaired is an error that skips the feature.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon, Winding,
};

use super::issue::{Dropped, GeomIssue, GeomKind, Step};
use super::json::{CoordTree, GeomField, RawGeometry};
use crate::crs::{CrsDecision, Projector};
use crate::model::layer::GEOMETRY_TYPE_NAMES;

/// How to turn a file's numbers into lon/lat.
pub struct CoordContext<'a> {
    /// The CRS decision for the layer (or the feature's own `crs`).
    pub decision: &'a CrsDecision,
    /// The converter for that CRS.
    pub projector: &'a Projector,
    /// Correct GCJ-02 (Gaode/AMap) lon/lat to WGS84 after conversion.
    pub gcj02: bool,
}

/// A geometry ready for the model, with its z values and the repairs made.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The geometry in lon/lat.
    pub geometry: Geometry<f64>,
    /// z values in coordinate order, when any position had one (NaN where missing).
    pub z: Option<Vec<f64>>,
    /// What was repaired (worded by the catalog, `import::issue`).
    pub repairs: Vec<GeomIssue>,
}

struct Walker<'a> {
    ctx: &'a CoordContext<'a>,
    z: Vec<f64>,
    any_z: bool,
    repairs: Vec<GeomIssue>,
}

/// `place` extended by one step.
fn then(place: &[Step], step: Step) -> Vec<Step> {
    let mut p = place.to_vec();
    p.push(step);
    p
}

impl Walker<'_> {
    /// One checked, converted position and its z (NaN when it has none). z values are
    /// recorded by the caller once the position is kept, so they stay aligned with the
    /// coordinates through de-duplication, closing and reversal.
    ///
    /// What is wrong is returned without its place: the caller names the place only
    /// then (a place is a `Vec`, and a park has millions of positions).
    fn position(&mut self, t: &CoordTree) -> Result<(Coord<f64>, f64), GeomKind> {
        match t {
            CoordTree::Pos { x, y, z } => {
                if !x.is_finite() || !y.is_finite() {
                    return Err(GeomKind::NotFinite);
                }
                let (a, b) = if self.ctx.decision.axis_swapped {
                    (*y, *x)
                } else {
                    (*x, *y)
                };
                let (lon, lat) = match self.ctx.projector.to_lon_lat(a, b) {
                    Ok(p) => p,
                    Err(e) => {
                        return Err(GeomKind::CannotConvert {
                            x: *x,
                            y: *y,
                            detail: e.to_string(),
                        });
                    }
                };
                let (lon, lat) = if self.ctx.gcj02 && lon.is_finite() && lat.is_finite() {
                    crate::gcj02::gcj02_to_wgs84(lon, lat)
                } else {
                    (lon, lat)
                };
                if !lon.is_finite() || !lat.is_finite() || lon.abs() > 180.0 || lat.abs() > 90.0 {
                    return Err(GeomKind::OutOfRange {
                        x: *x,
                        y: *y,
                        crs: (!self.ctx.decision.crs.is_geographic())
                            .then(|| self.ctx.decision.crs.code()),
                    });
                }
                let z = match z {
                    Some(z) if z.is_finite() => {
                        self.any_z = true;
                        *z
                    }
                    _ => f64::NAN,
                };
                Ok((Coord { x: lon, y: lat }, z))
            }
            CoordTree::Bad(what) => Err(GeomKind::NotANumber {
                found: what.clone(),
            }),
            CoordTree::Num(_) => Err(GeomKind::BareNumberForPosition),
            CoordTree::List(l) if l.is_empty() => Err(GeomKind::EmptyPosition),
            CoordTree::List(_) => Err(GeomKind::NestedForPosition),
        }
    }

    fn positions(
        &mut self,
        t: &CoordTree,
        at: &[Step],
    ) -> Result<Vec<(Coord<f64>, f64)>, GeomIssue> {
        let err = |kind| Err(GeomIssue::at(at, kind));
        match t {
            CoordTree::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    self.position(p)
                        .map_err(|kind| GeomIssue::at(&then(at, Step::Position(i + 1)), kind))
                })
                .collect(),
            CoordTree::Pos { .. } => err(GeomKind::PositionForList),
            CoordTree::Num(_) => err(GeomKind::NumberForList),
            CoordTree::Bad(b) => err(GeomKind::FoundForList { found: b.clone() }),
        }
    }

    fn lists<'t>(&self, t: &'t CoordTree, at: &[Step]) -> Result<&'t [CoordTree], GeomIssue> {
        match t {
            CoordTree::List(items) => Ok(items),
            CoordTree::Bad(b) => Err(GeomIssue::at(
                at,
                GeomKind::FoundForArray { found: b.clone() },
            )),
            _ => Err(GeomIssue::at(at, GeomKind::WrongDepth)),
        }
    }

    /// Drops repeated consecutive positions; returns how many were dropped.
    fn dedupe(coords: &mut Vec<(Coord<f64>, f64)>) -> usize {
        let before = coords.len();
        coords.dedup_by(|a, b| a.0 == b.0);
        before - coords.len()
    }

    /// Keeps the positions' z values (in order) and returns their coordinates.
    ///
    /// The coordinates go into a vector of their own exact size: collecting in place
    /// would keep the positions' buffer, grown by doubling for 24-byte items (a
    /// 5-position ring then holds 192 bytes for its 80: 37 MB over the 1M scene's
    /// 333k parcels, kept for the session).
    fn keep(&mut self, c: Vec<(Coord<f64>, f64)>) -> Vec<Coord<f64>> {
        self.z.extend(c.iter().map(|(_, z)| *z));
        let mut out = Vec::with_capacity(c.len());
        out.extend(c.iter().map(|(c, _)| *c));
        out
    }

    fn line(&mut self, t: &CoordTree, at: &[Step]) -> Result<LineString<f64>, GeomIssue> {
        let mut c = self.positions(t, at)?;
        let dropped = Self::dedupe(&mut c);
        if c.len() < 2 {
            return Err(GeomIssue::at(at, GeomKind::TooFewPositions));
        }
        if dropped > 0 {
            self.repairs
                .push(GeomIssue::at(at, GeomKind::RepeatedPoints { dropped }));
        }
        Ok(LineString(self.keep(c)))
    }

    fn ring(
        &mut self,
        t: &CoordTree,
        at: &[Step],
        outer: bool,
    ) -> Result<LineString<f64>, GeomIssue> {
        let mut c = self.positions(t, at)?;
        let dropped = Self::dedupe(&mut c);
        if c.len() >= 2 && c.first().map(|p| p.0) != c.last().map(|p| p.0) {
            c.push(c[0]);
            self.repairs
                .push(GeomIssue::at(at, GeomKind::RingNotClosed));
        }
        // A closed ring needs 3 distinct corners: 4 positions with the repeated first.
        if c.len() < 4 {
            return Err(GeomIssue::at(at, GeomKind::TooFewCorners));
        }
        if dropped > 0 {
            self.repairs
                .push(GeomIssue::at(at, GeomKind::RepeatedPoints { dropped }));
        }
        // The ring's own coordinates (exactly sized, see `keep`), turned in place when
        // its orientation is repaired, the z values with them.
        let mut ring = LineString(c.iter().map(|p| p.0).collect());
        let turn = if outer && ring.is_cw() {
            Some(GeomKind::OuterClockwise)
        } else if !outer && ring.is_ccw() {
            Some(GeomKind::HoleCounterClockwise)
        } else {
            None
        };
        if let Some(kind) = turn {
            ring.0.reverse();
            c.reverse();
            self.repairs.push(GeomIssue::at(at, kind));
        }
        self.z.extend(c.iter().map(|(_, z)| *z));
        Ok(ring)
    }

    fn polygon(&mut self, t: &CoordTree, at: &[Step]) -> Result<Polygon<f64>, GeomIssue> {
        let rings = self.lists(t, at)?;
        if rings.is_empty() {
            return Err(GeomIssue::at(at, GeomKind::EmptyPolygon));
        }
        // Rings are named without the bare "Polygon" step: "ring 2", "polygon 3, ring 2".
        let base: Vec<Step> = at
            .iter()
            .copied()
            .filter(|s| !matches!(s, Step::Type("Polygon")))
            .collect();
        let exterior = self.ring(&rings[0], &then(&base, Step::Ring(1)), true)?;
        let mut holes = Vec::new();
        for (i, r) in rings.iter().enumerate().skip(1) {
            let z_len = self.z.len();
            match self.ring(r, &then(&base, Step::Ring(i + 1)), false) {
                Ok(h) => holes.push(h),
                Err(mut e) => {
                    // A broken hole is dropped; the parcel stays.
                    self.z.truncate(z_len);
                    e.dropped = Dropped::Hole;
                    self.repairs.push(e);
                }
            }
        }
        Ok(Polygon::new(exterior, holes))
    }

    fn geometry(&mut self, g: &RawGeometry, at: &[Step]) -> Result<Geometry<f64>, GeomIssue> {
        let type_name = g.type_name.as_deref().unwrap_or("");
        let here = |name: &'static str| then(at, Step::Type(name));
        if type_name == "GeometryCollection" {
            let Some(members) = &g.geometries else {
                return Err(GeomIssue::at(at, GeomKind::NoGeometries));
            };
            let mut out = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let place = then(at, Step::Member(i + 1));
                let dropped = |kind| GeomIssue {
                    place: place.clone(),
                    kind,
                    dropped: Dropped::Member,
                };
                match m {
                    GeomField::Geom(raw) => {
                        let z_len = self.z.len();
                        match self.geometry(raw, &place) {
                            Ok(geom) => out.push(geom),
                            Err(mut e) => {
                                self.z.truncate(z_len);
                                e.dropped = Dropped::Member;
                                self.repairs.push(e);
                            }
                        }
                    }
                    GeomField::Null => self.repairs.push(dropped(GeomKind::NullMember)),
                    GeomField::Invalid(what) => {
                        self.repairs.push(dropped(GeomKind::InvalidMember {
                            found: what.clone(),
                        }))
                    }
                }
            }
            if out.is_empty() {
                return Err(GeomIssue::at(at, GeomKind::EmptyCollection));
            }
            return Ok(Geometry::GeometryCollection(GeometryCollection(out)));
        }
        let known = KNOWN_TYPES.iter().find(|t| **t == type_name).copied();
        let Some(coords) = &g.coordinates else {
            return Err(match known {
                Some(t) => GeomIssue::at(&here(t), GeomKind::NoCoordinates),
                None => GeomIssue::at(at, GeomKind::NoType),
            });
        };
        if let Some(t) = known
            && matches!(coords, CoordTree::List(l) if l.is_empty())
        {
            return Err(GeomIssue::at(&here(t), GeomKind::NoPositions));
        }
        Ok(match type_name {
            "Point" => {
                let (p, z) = self
                    .position(coords)
                    .map_err(|kind| GeomIssue::at(&here("Point"), kind))?;
                self.z.push(z);
                Geometry::Point(Point(p))
            }
            "MultiPoint" => {
                let pts = self.positions(coords, &here("MultiPoint"))?;
                Geometry::MultiPoint(MultiPoint(self.keep(pts).into_iter().map(Point).collect()))
            }
            "LineString" => Geometry::LineString(self.line(coords, &here("LineString"))?),
            "MultiLineString" => {
                let parts = self.lists(coords, &here("MultiLineString"))?;
                let mut lines = Vec::new();
                for (i, p) in parts.iter().enumerate() {
                    let z_len = self.z.len();
                    match self.line(p, &then(at, Step::Line(i + 1))) {
                        Ok(l) => lines.push(l),
                        Err(mut e) if parts.len() > 1 => {
                            self.z.truncate(z_len);
                            e.dropped = Dropped::Part;
                            self.repairs.push(e);
                        }
                        Err(e) => return Err(e),
                    }
                }
                if lines.is_empty() {
                    return Err(GeomIssue::at(at, GeomKind::NoUsableLine));
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            "Polygon" => Geometry::Polygon(self.polygon(coords, &here("Polygon"))?),
            "MultiPolygon" => {
                let parts = self.lists(coords, &here("MultiPolygon"))?;
                let mut polys = Vec::new();
                for (i, p) in parts.iter().enumerate() {
                    let z_len = self.z.len();
                    match self.polygon(p, &then(at, Step::Polygon(i + 1))) {
                        Ok(pg) => polys.push(pg),
                        Err(mut e) if parts.len() > 1 => {
                            self.z.truncate(z_len);
                            e.dropped = Dropped::Part;
                            self.repairs.push(e);
                        }
                        Err(e) => return Err(e),
                    }
                }
                if polys.is_empty() {
                    return Err(GeomIssue::at(at, GeomKind::NoUsablePolygon));
                }
                Geometry::MultiPolygon(MultiPolygon(polys))
            }
            "" => return Err(GeomIssue::at(at, GeomKind::NoType)),
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(GeomIssue::at(at, GeomKind::UnknownType { name: shown }));
            }
        })
    }
}

/// The GeoJSON geometry types with coordinates ("Point" … "MultiPolygon").
pub(super) const KNOWN_TYPES: &[&str] = GEOMETRY_TYPE_NAMES.split_at(7).0.split_at(1).1;

/// Converts a raw geometry into lon/lat, checking and repairing it.
/// `Err` says why the geometry cannot be used (the feature is then skipped).
pub fn convert(raw: &RawGeometry, ctx: &CoordContext<'_>) -> Result<Converted, GeomIssue> {
    let mut w = Walker {
        ctx,
        z: Vec::new(),
        any_z: false,
        repairs: Vec::new(),
    };
    let geometry = w.geometry(raw, &[])?;
    Ok(Converted {
        geometry,
        z: if w.any_z { Some(w.z) } else { None },
        repairs: w.repairs,
    })
}

/// Collects up to `limit` raw (x, y) pairs from a geometry, for CRS sniffing.
pub fn sample_positions(raw: &RawGeometry, out: &mut Vec<(f64, f64)>, limit: usize) {
    fn walk(t: &CoordTree, out: &mut Vec<(f64, f64)>, limit: usize) {
        if out.len() >= limit {
            return;
        }
        match t {
            CoordTree::Pos { x, y, .. } => out.push((*x, *y)),
            CoordTree::List(items) => {
                for i in items {
                    walk(i, out, limit);
                }
            }
            _ => {}
        }
    }
    if let Some(c) = &raw.coordinates {
        walk(c, out, limit);
    }
    if let Some(gs) = &raw.geometries {
        for g in gs {
            if let GeomField::Geom(g) = g {
                sample_positions(g, out, limit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::json::parse_geometry;

    fn conv(json: &str) -> Result<Converted, String> {
        let GeomField::Geom(raw) = parse_geometry(json).unwrap() else {
            panic!()
        };
        let d = CrsDecision::rfc7946_default();
        let p = d.crs.projector().unwrap();
        convert(
            &raw,
            &CoordContext {
                decision: &d,
                projector: &p,
                gcj02: false,
            },
        )
        .map_err(|e| e.message(crate::model::Lang::En))
    }

    #[test]
    fn the_known_types_are_the_six_with_coordinates() {
        assert_eq!(
            KNOWN_TYPES,
            [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon"
            ]
        );
    }

    #[test]
    fn closes_dedupes_and_orients_rings() {
        let c =
            conv(r#"{"type":"Polygon","coordinates":[[[0,0],[0,1],[0,1],[1,1],[1,0]]]}"#).unwrap();
        let Geometry::Polygon(p) = &c.geometry else {
            panic!()
        };
        assert!(p.exterior().is_closed());
        assert!(p.exterior().is_ccw());
        assert_eq!(p.exterior().0.len(), 5);
        assert_eq!(c.repairs.len(), 3, "{:?}", c.repairs);
    }

    #[test]
    fn bad_values_skip_with_a_reason() {
        let e = conv(r#"{"type":"Point","coordinates":[500, 30]}"#).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        let e = conv(r#"{"type":"LineString","coordinates":[[1,2],["abc",3]]}"#).unwrap_err();
        assert!(e.contains("position 2") && e.contains("abc"), "{e}");
        let e = conv(r#"{"type":"Point","coordinates":[]}"#).unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = conv(r#"{"type":"Circle","coordinates":[1,2]}"#).unwrap_err();
        assert!(e.contains("unknown geometry type"), "{e}");
    }

    #[test]
    fn z_stays_aligned_through_repairs() {
        // Clockwise, unclosed, with a repeated vertex: z must follow its coordinate.
        let c =
            conv(r#"{"type":"Polygon","coordinates":[[[0,0,1],[0,1,2],[0,1,2],[1,1,3],[1,0,4]]]}"#)
                .unwrap();
        let Geometry::Polygon(p) = &c.geometry else {
            panic!()
        };
        let z = c.z.unwrap();
        assert_eq!(z.len(), p.exterior().0.len());
        for (coord, z) in p.exterior().0.iter().zip(&z) {
            let want = match (coord.x as i32, coord.y as i32) {
                (0, 0) => 1.0,
                (0, 1) => 2.0,
                (1, 1) => 3.0,
                _ => 4.0,
            };
            assert_eq!(*z, want, "{coord:?}");
        }
    }

    #[test]
    fn z_is_kept() {
        let c = conv(r#"{"type":"LineString","coordinates":[[1,2,10],[3,4,11]]}"#).unwrap();
        assert_eq!(c.z, Some(vec![10.0, 11.0]));
        let c = conv(r#"{"type":"Point","coordinates":[1,2]}"#).unwrap();
        assert_eq!(c.z, None);
    }

    #[test]
    fn broken_hole_is_dropped_not_the_parcel() {
        let c = conv(
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.3,0.3]]]}"#,
        )
        .unwrap();
        let Geometry::Polygon(p) = &c.geometry else {
            panic!()
        };
        assert!(p.interiors().is_empty());
        assert!(c.repairs.iter().any(|r| r.dropped == Dropped::Hole));
        assert_eq!(
            c.repairs.last().unwrap().message(crate::model::Lang::En),
            "ring 2: fewer than 3 distinct corners"
        );
    }

    #[test]
    fn collections_keep_good_members() {
        let c = conv(r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"Point","coordinates":[]}]}"#).unwrap();
        let Geometry::GeometryCollection(gc) = &c.geometry else {
            panic!()
        };
        assert_eq!(gc.0.len(), 1);
        assert_eq!(c.repairs.len(), 1);
    }
}
