//! The park's geometry in display-frame metres, prepared once per load for drawing and
//! for picking: projected points, lines and polygon rings, polygon triangulations
//! (earcut, so concave parcels and holes fill correctly) and one R*-tree per layer.
//!
//! Built off the UI thread by the loader. Picking (what is under the cursor) lives here
//! because it needs the exact projected shapes. It does not know about colours or egui
//! widgets.

use geo::{Coord, Geometry, LineString, Polygon, TriangulateEarcut};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::crs::{FrameKind, FrameProjector, MetricFrame};
use crate::model::{FeatureRef, Park};

/// A polygon in metres: its rings (exterior first) and its triangulation.
#[derive(Debug, Clone, Default)]
pub struct PlanarPolygon {
    /// Rings, exterior first, each closed (first = last).
    pub rings: Vec<Vec<[f64; 2]>>,
    /// Vertices of the triangulation (the ring vertices, flattened).
    pub vertices: Vec<[f64; 2]>,
    /// Triangles as index triples into `vertices`.
    pub triangles: Vec<u32>,
}

/// One feature's geometry in metres, by part type.
#[derive(Debug, Clone, Default)]
pub struct PlanarFeature {
    /// Bounding box [min x, min y, max x, max y].
    pub bbox: [f64; 4],
    /// Point parts.
    pub points: Vec<[f64; 2]>,
    /// Line parts.
    pub lines: Vec<Vec<[f64; 2]>>,
    /// Polygon parts.
    pub polygons: Vec<PlanarPolygon>,
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One layer's prepared geometry.
#[derive(Debug, Default)]
pub struct PlanarLayer {
    /// By feature index; `None` for null geometry.
    pub features: Vec<Option<PlanarFeature>>,
    /// Feature bounding boxes.
    pub tree: RTree<Entry>,
    /// The layer's extent in metres.
    pub extent: Option<[f64; 4]>,
    /// Whether the layer holds any polygon, line or point parts (for picking priority).
    pub has_points: bool,
}

/// Every layer of a park in the display frame.
pub struct PlanarPark {
    /// The display frame: transverse Mercator centred on the park.
    pub frame: MetricFrame,
    /// Lon/lat ↔ metres in that frame.
    pub projector: FrameProjector,
    /// By layer index.
    pub layers: Vec<PlanarLayer>,
    /// Extent of everything.
    pub extent: Option<[f64; 4]>,
}

impl std::fmt::Debug for PlanarPark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanarPark")
            .field("frame", &self.frame)
            .field("layers", &self.layers.len())
            .field("extent", &self.extent)
            .finish()
    }
}

fn union(a: Option<[f64; 4]>, b: [f64; 4]) -> [f64; 4] {
    match a {
        None => b,
        Some(a) => [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ],
    }
}

struct Builder<'a> {
    proj: &'a FrameProjector,
    out: PlanarFeature,
    bbox: Option<[f64; 4]>,
}

impl Builder<'_> {
    fn pt(&mut self, c: Coord<f64>) -> Option<[f64; 2]> {
        let p = self.proj.forward(c.x, c.y);
        if p[0].is_finite() && p[1].is_finite() {
            self.bbox = Some(union(self.bbox, [p[0], p[1], p[0], p[1]]));
            Some(p)
        } else {
            None
        }
    }

    fn line(&mut self, l: &LineString<f64>) -> Vec<[f64; 2]> {
        l.0.iter().filter_map(|c| self.pt(*c)).collect()
    }

    fn polygon(&mut self, p: &Polygon<f64>) {
        let ext = self.line(p.exterior());
        if ext.len() < 3 {
            return;
        }
        let mut rings = vec![ext];
        for i in p.interiors() {
            let r = self.line(i);
            if r.len() >= 3 {
                rings.push(r);
            }
        }
        // Triangulate in metres (well-conditioned) with earcut.
        let planar = Polygon::new(
            LineString::from(rings[0].iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()),
            rings[1..]
                .iter()
                .map(|r| LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()))
                .collect(),
        );
        let raw = planar.earcut_triangles_raw();
        self.out.polygons.push(PlanarPolygon {
            rings,
            vertices: raw.vertices,
            triangles: raw.triangle_indices.iter().map(|&i| i as u32).collect(),
        });
    }

    fn geometry(&mut self, g: &Geometry<f64>) {
        match g {
            Geometry::Point(p) => {
                if let Some(p) = self.pt(p.0) {
                    self.out.points.push(p);
                }
            }
            Geometry::MultiPoint(m) => {
                for p in &m.0 {
                    if let Some(p) = self.pt(p.0) {
                        self.out.points.push(p);
                    }
                }
            }
            Geometry::Line(l) => {
                let v = self.line(&LineString::from(vec![l.start, l.end]));
                self.out.lines.push(v);
            }
            Geometry::LineString(l) => {
                let v = self.line(l);
                self.out.lines.push(v);
            }
            Geometry::MultiLineString(m) => {
                for l in &m.0 {
                    let v = self.line(l);
                    self.out.lines.push(v);
                }
            }
            Geometry::Polygon(p) => self.polygon(p),
            Geometry::MultiPolygon(m) => {
                for p in &m.0 {
                    self.polygon(p);
                }
            }
            Geometry::Rect(r) => self.polygon(&r.to_polygon()),
            Geometry::Triangle(t) => self.polygon(&t.to_polygon()),
            Geometry::GeometryCollection(c) => {
                for g in &c.0 {
                    self.geometry(g);
                }
            }
        }
    }
}

impl PlanarPark {
    /// Projects and prepares every layer of `park` in a transverse Mercator frame centred
    /// on it. `None` when the frame cannot be built (it always can for finite input).
    pub fn build(park: &Park) -> Option<PlanarPark> {
        let center_lon = park
            .extent()
            .map(|r| (r.min().x + r.max().x) / 2.0)
            .filter(|l| l.is_finite())
            .unwrap_or(112.35);
        let frame = MetricFrame::for_longitude(FrameKind::Local, center_lon);
        let projector = frame.projector().ok()?;
        let mut layers = Vec::with_capacity(park.layers.len());
        let mut extent = None;
        for layer in &park.layers {
            let mut features = Vec::with_capacity(layer.len());
            let mut entries = Vec::new();
            let mut lextent = None;
            let mut has_points = false;
            for (i, g) in layer.geometries.iter().enumerate() {
                let Some(g) = g else {
                    features.push(None);
                    continue;
                };
                let mut b = Builder {
                    proj: &projector,
                    out: PlanarFeature::default(),
                    bbox: None,
                };
                b.geometry(g);
                match b.bbox {
                    Some(bb) => {
                        b.out.bbox = bb;
                        has_points |= !b.out.points.is_empty();
                        entries.push(GeomWithData::new(
                            Rectangle::from_corners([bb[0], bb[1]], [bb[2], bb[3]]),
                            i as u32,
                        ));
                        lextent = Some(union(lextent, bb));
                        features.push(Some(b.out));
                    }
                    None => features.push(None),
                }
            }
            if let Some(e) = lextent {
                extent = Some(union(extent, e));
            }
            layers.push(PlanarLayer {
                features,
                tree: RTree::bulk_load(entries),
                extent: lextent,
                has_points,
            });
        }
        Some(PlanarPark {
            frame,
            projector,
            layers,
            extent,
        })
    }

    /// The planar bounding box of a feature.
    pub fn feature_bbox(&self, f: FeatureRef) -> Option<[f64; 4]> {
        self.feature(f).map(|p| p.bbox)
    }

    /// A feature's prepared geometry.
    pub fn feature(&self, f: FeatureRef) -> Option<&PlanarFeature> {
        self.layers
            .get(f.layer as usize)?
            .features
            .get(f.index as usize)?
            .as_ref()
    }

    /// The feature under planar point `p`, searching `layers_top_first` (layer indices,
    /// topmost first) within `tol` metres. Points and lines win over the polygons they
    /// lie on; among candidates of the same kind the topmost layer and then the nearest
    /// feature wins.
    pub fn pick(
        &self,
        p: [f64; 2],
        tol: f64,
        layers_top_first: &[usize],
        hidden: &dyn Fn(FeatureRef) -> bool,
    ) -> Option<FeatureRef> {
        // rank: 0 point, 1 line, 2 polygon; then layer order; then distance.
        let mut best: Option<(u8, usize, f64, FeatureRef)> = None;
        let env = AABB::from_corners([p[0] - tol, p[1] - tol], [p[0] + tol, p[1] + tol]);
        for (order, &li) in layers_top_first.iter().enumerate() {
            let Some(layer) = self.layers.get(li) else {
                continue;
            };
            for e in layer.tree.locate_in_envelope_intersecting(&env) {
                let Some(Some(f)) = layer.features.get(e.data as usize) else {
                    continue;
                };
                let fr = FeatureRef {
                    layer: li as u32,
                    index: e.data,
                };
                if hidden(fr) {
                    continue;
                }
                let Some((rank, d)) = hit(f, p, tol) else {
                    continue;
                };
                let cand = (rank, order, d, fr);
                let better = match &best {
                    None => true,
                    Some(b) => {
                        (cand.0, cand.1) < (b.0, b.1)
                            || ((cand.0, cand.1) == (b.0, b.1) && cand.2 < b.2)
                    }
                };
                if better {
                    best = Some(cand);
                }
            }
        }
        best.map(|b| b.3)
    }

    /// Feature indices of a layer whose boxes meet the planar box `[minx,miny,maxx,maxy]`.
    pub fn in_box(&self, layer: usize, b: [f64; 4]) -> impl Iterator<Item = u32> + '_ {
        let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        self.layers
            .get(layer)
            .into_iter()
            .flat_map(move |l| l.tree.locate_in_envelope_intersecting(&env).map(|e| e.data))
    }
}

/// Whether a feature is hit at `p` within `tol`: (rank, distance).
fn hit(f: &PlanarFeature, p: [f64; 2], tol: f64) -> Option<(u8, f64)> {
    let mut best: Option<(u8, f64)> = None;
    let mut consider = |rank: u8, d: f64| {
        if d <= tol && best.is_none_or(|b| (rank, d) < b) {
            best = Some((rank, d));
        }
    };
    for q in &f.points {
        consider(0, ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt());
    }
    for l in &f.lines {
        consider(1, dist_to_polyline(p, l));
    }
    for poly in &f.polygons {
        if point_in_polygon(p, &poly.rings) {
            consider(2, 0.0);
        } else if let Some(ext) = poly.rings.first() {
            consider(2, dist_to_polyline(p, ext));
        }
    }
    best
}

/// Distance from `p` to a polyline (infinite for an empty one).
pub fn dist_to_polyline(p: [f64; 2], l: &[[f64; 2]]) -> f64 {
    if l.len() == 1 {
        return ((l[0][0] - p[0]).powi(2) + (l[0][1] - p[1]).powi(2)).sqrt();
    }
    l.windows(2)
        .map(|w| dist_to_segment(p, w[0], w[1]))
        .fold(f64::INFINITY, f64::min)
}

fn dist_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - x).powi(2) + (p[1] - y).powi(2)).sqrt()
}

/// Even-odd point-in-polygon over all rings (holes excluded).
pub fn point_in_polygon(p: [f64; 2], rings: &[Vec<[f64; 2]>]) -> bool {
    let mut inside = false;
    for ring in rings {
        let n = ring.len();
        if n < 3 {
            continue;
        }
        let mut j = n - 1;
        for i in 0..n {
            let (a, b) = (ring[i], ring[j]);
            if (a[1] > p[1]) != (b[1] > p[1])
                && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
            {
                inside = !inside;
            }
            j = i;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Layer, Role};
    use geo::{Point, polygon};

    fn park_with(geoms: Vec<Geometry<f64>>, role: Role) -> Park {
        let layer = Layer {
            name: "t".into(),
            role,
            ids: vec![None; geoms.len()],
            geometries: geoms.into_iter().map(Some).collect(),
            ..Layer::default()
        };
        Park::from_layers("t", vec![layer])
    }

    #[test]
    fn concave_polygon_with_hole_is_triangulated_and_picked_correctly() {
        // An L-shaped parcel with a square hole, about 200 m across, near Jingzhou.
        let d = 0.001; // ~100 m
        let (x0, y0) = (112.33, 30.31);
        let poly = polygon!(
            exterior: [
                (x: x0, y: y0), (x: x0 + 2.0 * d, y: y0), (x: x0 + 2.0 * d, y: y0 + d),
                (x: x0 + d, y: y0 + d), (x: x0 + d, y: y0 + 2.0 * d), (x: x0, y: y0 + 2.0 * d),
                (x: x0, y: y0),
            ],
            interiors: [[
                (x: x0 + 0.2 * d, y: y0 + 0.2 * d), (x: x0 + 0.6 * d, y: y0 + 0.2 * d),
                (x: x0 + 0.6 * d, y: y0 + 0.6 * d), (x: x0 + 0.2 * d, y: y0 + 0.6 * d),
                (x: x0 + 0.2 * d, y: y0 + 0.2 * d),
            ]],
        );
        let park = park_with(vec![Geometry::Polygon(poly)], Role::Parcels);
        let pp = PlanarPark::build(&park).expect("frame");
        let f = pp.layers[0].features[0].as_ref().expect("feature");
        let tri = &f.polygons[0];
        // Triangle area equals polygon area (L of 3 squares minus the hole).
        let area: f64 = tri
            .triangles
            .chunks(3)
            .map(|t| {
                let (a, b, c) = (
                    tri.vertices[t[0] as usize],
                    tri.vertices[t[1] as usize],
                    tri.vertices[t[2] as usize],
                );
                ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs() / 2.0
            })
            .sum();
        let shoelace = |r: &Vec<[f64; 2]>| {
            r.windows(2)
                .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                .sum::<f64>()
                .abs()
                / 2.0
        };
        let expected = shoelace(&tri.rings[0]) - shoelace(&tri.rings[1]);
        assert!(
            (area - expected).abs() < 1e-3 * expected,
            "{area} vs {expected}"
        );

        let proj = &pp.projector;
        let at = |lon: f64, lat: f64| proj.forward(lon, lat);
        let all = [0usize];
        // In the solid part: hit. In the notch of the L and in the hole: miss.
        assert!(
            pp.pick(at(x0 + 1.5 * d, y0 + 0.5 * d), 0.5, &all, &|_| false)
                .is_some()
        );
        assert!(
            pp.pick(at(x0 + 1.5 * d, y0 + 1.5 * d), 0.5, &all, &|_| false)
                .is_none()
        );
        assert!(
            pp.pick(at(x0 + 0.4 * d, y0 + 0.4 * d), 0.5, &all, &|_| false)
                .is_none()
        );
    }

    #[test]
    fn points_win_over_polygons_and_nearest_point_wins() {
        let d = 0.001;
        let (x0, y0) = (112.33, 30.31);
        let sq = polygon!(
            (x: x0, y: y0), (x: x0 + d, y: y0), (x: x0 + d, y: y0 + d), (x: x0, y: y0 + d), (x: x0, y: y0)
        );
        let mut park = park_with(vec![Geometry::Polygon(sq)], Role::Parcels);
        let pts = Layer {
            name: "p".into(),
            role: Role::Enterprises,
            ids: vec![None, None],
            geometries: vec![
                Some(Geometry::Point(Point::new(x0 + 0.5 * d, y0 + 0.5 * d))),
                Some(Geometry::Point(Point::new(x0 + 0.52 * d, y0 + 0.5 * d))),
            ],
            ..Layer::default()
        };
        park.layers.push(pts);
        let pp = PlanarPark::build(&park).expect("frame");
        let p = pp.projector.forward(x0 + 0.515 * d, y0 + 0.5 * d);
        // Polygon layer listed first (on top) still loses to a point.
        let hit = pp.pick(p, 5.0, &[0, 1], &|_| false).expect("hit");
        assert_eq!(hit, FeatureRef { layer: 1, index: 1 });
        // Far from the points but inside the square: the square.
        let q = pp.projector.forward(x0 + 0.1 * d, y0 + 0.1 * d);
        assert_eq!(
            pp.pick(q, 5.0, &[0, 1], &|_| false),
            Some(FeatureRef { layer: 0, index: 0 })
        );
    }
}
