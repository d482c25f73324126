//! Vertex editing of polygon and line geometry: list the vertices and edge midpoints of
//! a geometry, move a vertex, insert one on an edge, delete one. Each function returns
//! a new geometry (the caller records it as an [`super::Edit::SetGeometry`]); none
//! changes its input.
//!
//! Rings are handled open: a polygon ring's closing position is not a vertex of its own
//! and follows the first one. A ring keeps at least three vertices and a line at least
//! two; a deletion that would go below that is refused (`None`). Points and collections
//! have no editable vertices here. No GUI, no I/O.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Polygon};

/// Which vertex: the part (polygon of a multipolygon, line of a multiline), the ring
/// within it (0 = exterior, k = k-th hole; 0 for lines) and the vertex index in the
/// ring (the closing position excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VertexId {
    /// Part index.
    pub part: usize,
    /// Ring index within the part.
    pub ring: usize,
    /// Vertex index within the ring.
    pub index: usize,
}

/// A geometry as editable rings: each is (coordinates without the closing repeat,
/// closed or not), grouped by part.
struct Rings {
    parts: Vec<Vec<Vec<Coord<f64>>>>,
    closed: bool,
    multi: bool,
}

fn open_ring(ls: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut v = ls.0.clone();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    v
}

fn rings_of(g: &Geometry<f64>) -> Option<Rings> {
    let poly = |p: &Polygon<f64>| {
        let mut r = vec![open_ring(p.exterior())];
        r.extend(p.interiors().iter().map(open_ring));
        r
    };
    Some(match g {
        Geometry::Polygon(p) => Rings {
            parts: vec![poly(p)],
            closed: true,
            multi: false,
        },
        Geometry::MultiPolygon(mp) => Rings {
            parts: mp.0.iter().map(poly).collect(),
            closed: true,
            multi: true,
        },
        Geometry::LineString(l) => Rings {
            parts: vec![vec![l.0.clone()]],
            closed: false,
            multi: false,
        },
        Geometry::MultiLineString(ml) => Rings {
            parts: ml.0.iter().map(|l| vec![l.0.clone()]).collect(),
            closed: false,
            multi: true,
        },
        _ => return None,
    })
}

fn build(r: Rings) -> Geometry<f64> {
    use geo::orient::{Direction, Orient};
    if r.closed {
        let polys: Vec<Polygon<f64>> = r
            .parts
            .into_iter()
            .map(|rings| {
                let mut it = rings.into_iter().map(LineString::from);
                let ext = it
                    .next()
                    .unwrap_or_else(|| LineString::from(Vec::<Coord<f64>>::new()));
                // Polygon::new closes each ring; a vertex dragged across the ring may have
                // turned it over: exterior counter-clockwise, holes clockwise (RFC 7946,
                // and what geodesic areas assume).
                Polygon::new(ext, it.collect()).orient(Direction::Default)
            })
            .collect();
        if r.multi {
            Geometry::MultiPolygon(MultiPolygon(polys))
        } else {
            Geometry::Polygon(polys.into_iter().next().unwrap_or_else(|| {
                Polygon::new(LineString::from(Vec::<Coord<f64>>::new()), vec![])
            }))
        }
    } else {
        let lines: Vec<LineString<f64>> = r
            .parts
            .into_iter()
            .map(|rings| LineString::from(rings.into_iter().next().unwrap_or_default()))
            .collect();
        if r.multi {
            Geometry::MultiLineString(MultiLineString(lines))
        } else {
            Geometry::LineString(
                lines
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| LineString::from(Vec::<Coord<f64>>::new())),
            )
        }
    }
}

/// Whether a geometry has editable vertices (polygons and lines).
pub fn has_vertices(g: &Geometry<f64>) -> bool {
    rings_of(g).is_some()
}

/// Every vertex of a polygon or line geometry (closing positions excluded).
pub fn vertices(g: &Geometry<f64>) -> Vec<(VertexId, Coord<f64>)> {
    let Some(r) = rings_of(g) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (part, rings) in r.parts.iter().enumerate() {
        for (ring, coords) in rings.iter().enumerate() {
            for (index, c) in coords.iter().enumerate() {
                out.push((VertexId { part, ring, index }, *c));
            }
        }
    }
    out
}

/// The midpoint of every edge, identified by the vertex the edge starts at (inserting
/// there puts the new vertex after it). Closed rings include the closing edge.
pub fn edge_midpoints(g: &Geometry<f64>) -> Vec<(VertexId, Coord<f64>)> {
    let Some(r) = rings_of(g) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (part, rings) in r.parts.iter().enumerate() {
        for (ring, coords) in rings.iter().enumerate() {
            let n = coords.len();
            let edges = if r.closed && n >= 3 {
                n
            } else {
                n.saturating_sub(1)
            };
            for index in 0..edges {
                let a = coords[index];
                let b = coords[(index + 1) % n];
                out.push((
                    VertexId { part, ring, index },
                    Coord {
                        x: (a.x + b.x) / 2.0,
                        y: (a.y + b.y) / 2.0,
                    },
                ));
            }
        }
    }
    out
}

fn ring_mut(r: &mut Rings, v: VertexId) -> Option<&mut Vec<Coord<f64>>> {
    r.parts.get_mut(v.part)?.get_mut(v.ring)
}

/// The geometry with vertex `v` moved to `to`; `None` when there is no such vertex.
pub fn move_vertex(g: &Geometry<f64>, v: VertexId, to: Coord<f64>) -> Option<Geometry<f64>> {
    let mut r = rings_of(g)?;
    *ring_mut(&mut r, v)?.get_mut(v.index)? = to;
    Some(build(r))
}

/// The geometry with a new vertex at `at` on the edge that starts at vertex `after`.
pub fn insert_vertex(g: &Geometry<f64>, after: VertexId, at: Coord<f64>) -> Option<Geometry<f64>> {
    let mut r = rings_of(g)?;
    let closed = r.closed;
    let ring = ring_mut(&mut r, after)?;
    let n = ring.len();
    let last_edge = if closed { n } else { n.saturating_sub(1) };
    if after.index >= last_edge {
        return None;
    }
    ring.insert(after.index + 1, at);
    Some(build(r))
}

/// The geometry without vertex `v`; `None` when there is no such vertex or the ring
/// would keep fewer than three vertices (a line fewer than two).
pub fn delete_vertex(g: &Geometry<f64>, v: VertexId) -> Option<Geometry<f64>> {
    let mut r = rings_of(g)?;
    let min = if r.closed { 3 } else { 2 };
    let ring = ring_mut(&mut r, v)?;
    if v.index >= ring.len() || ring.len() <= min {
        return None;
    }
    ring.remove(v.index);
    Some(build(r))
}

/// A closed polygon through lon/lat points (in the order given, made counter-clockwise
/// as RFC 7946 asks). `None` with fewer than three distinct points.
pub fn polygon_from_points(points: &[[f64; 2]]) -> Option<Polygon<f64>> {
    let mut pts: Vec<Coord<f64>> = Vec::new();
    for p in points {
        let c = Coord { x: p[0], y: p[1] };
        if !(c.x.is_finite() && c.y.is_finite()) {
            return None;
        }
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 3 {
        return None;
    }
    let mut ring = LineString::from(pts);
    ring.close();
    use geo::orient::{Direction, Orient};
    Some(Polygon::new(ring, vec![]).orient(Direction::Default))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, coord, polygon};

    fn square() -> Geometry<f64> {
        Geometry::Polygon(polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)
        ])
    }

    #[test]
    fn a_square_has_four_vertices_and_four_edges() {
        let g = square();
        assert_eq!(vertices(&g).len(), 4);
        let mids = edge_midpoints(&g);
        assert_eq!(mids.len(), 4);
        // The closing edge (0,10) → (0,0) is there.
        assert!(mids.iter().any(|(_, c)| *c == coord! { x: 0.0, y: 5.0 }));
    }

    #[test]
    fn moving_the_first_vertex_moves_the_closing_one() {
        let v = VertexId {
            part: 0,
            ring: 0,
            index: 0,
        };
        let g = move_vertex(&square(), v, coord! { x: -10.0, y: 0.0 }).unwrap();
        let Geometry::Polygon(p) = &g else { panic!() };
        assert_eq!(p.exterior().0.first(), p.exterior().0.last());
        assert_eq!(p.exterior().0[0], coord! { x: -10.0, y: 0.0 });
        // Area grew by the triangle (−10,0) (0,0) (0,10): 50.
        assert!((p.unsigned_area() - 150.0).abs() < 1e-9);
    }

    #[test]
    fn insert_and_delete_round_trip() {
        let g = square();
        let (edge, mid) = edge_midpoints(&g)[1];
        let pulled = coord! { x: mid.x + 5.0, y: mid.y };
        let g2 = insert_vertex(&g, edge, pulled).unwrap();
        assert_eq!(vertices(&g2).len(), 5);
        assert!(vertices(&g2).iter().any(|(_, c)| *c == pulled));
        let Geometry::Polygon(p2) = &g2 else { panic!() };
        assert!((p2.unsigned_area() - 125.0).abs() < 1e-9);
        let new_id = vertices(&g2)
            .into_iter()
            .find(|(_, c)| *c == pulled)
            .unwrap()
            .0;
        let g3 = delete_vertex(&g2, new_id).unwrap();
        assert_eq!(g3, g);
    }

    #[test]
    fn a_triangle_keeps_its_three_vertices() {
        let t = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)]);
        let v = VertexId {
            part: 0,
            ring: 0,
            index: 1,
        };
        assert!(delete_vertex(&t, v).is_none());
        assert!(
            delete_vertex(
                &t,
                VertexId {
                    part: 3,
                    ring: 0,
                    index: 0
                }
            )
            .is_none()
        );
        assert!(
            move_vertex(
                &Geometry::Point(geo::Point::new(1.0, 1.0)),
                v,
                coord! {x: 0.0, y: 0.0}
            )
            .is_none()
        );
    }

    #[test]
    fn holes_and_lines_are_editable() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)]],
        );
        let g = Geometry::MultiPolygon(MultiPolygon(vec![p]));
        assert_eq!(vertices(&g).len(), 8);
        let hole_v = VertexId {
            part: 0,
            ring: 1,
            index: 2,
        };
        let g2 = move_vertex(&g, hole_v, coord! { x: 5.0, y: 5.0 }).unwrap();
        let Geometry::MultiPolygon(mp) = &g2 else {
            panic!()
        };
        assert_eq!(mp.0[0].interiors()[0].0[2], coord! { x: 5.0, y: 5.0 });
        let line = Geometry::LineString(LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]));
        assert_eq!(
            edge_midpoints(&line).len(),
            2,
            "an open line has no closing edge"
        );
        let shorter = delete_vertex(
            &line,
            VertexId {
                part: 0,
                ring: 0,
                index: 1,
            },
        )
        .unwrap();
        assert_eq!(vertices(&shorter).len(), 2);
        assert!(
            delete_vertex(
                &shorter,
                VertexId {
                    part: 0,
                    ring: 0,
                    index: 0
                }
            )
            .is_none()
        );
    }

    #[test]
    fn a_vertex_dragged_across_keeps_the_ring_counter_clockwise() {
        // Pull a triangle's apex through its base: the ring would turn clockwise.
        let t = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 1.0, y: 1.0)]);
        let v = VertexId {
            part: 0,
            ring: 0,
            index: 2,
        };
        let g = move_vertex(&t, v, coord! { x: 1.0, y: -1.0 }).unwrap();
        let Geometry::Polygon(p) = &g else { panic!() };
        assert!(p.signed_area() > 0.0);
        assert!((p.unsigned_area() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn drawn_polygons_are_closed_and_counter_clockwise() {
        // Clockwise clicks, a repeated click, and the first point clicked again.
        let p = polygon_from_points(&[
            [0.0, 0.0],
            [0.0, 1.0],
            [0.0, 1.0],
            [1.0, 1.0],
            [1.0, 0.0],
            [0.0, 0.0],
        ])
        .unwrap();
        assert_eq!(p.exterior().0.len(), 5);
        assert!(p.signed_area() > 0.0, "counter-clockwise");
        assert!(polygon_from_points(&[[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]).is_none());
        assert!(polygon_from_points(&[[0.0, 0.0], [1.0, f64::NAN], [1.0, 1.0]]).is_none());
    }
}
