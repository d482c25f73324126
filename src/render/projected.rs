//! The park's geometry projected once into the planar display frame, with a spatial
//! index per layer for viewport culling and hit testing.
//!
//! Projecting lon/lat on every frame is too slow for 100k features, so a
//! [`ProjectedPark`] holds each layer's features in planar metres in a compact,
//! chunked store (the `store` module: single points, lines and polygons as `f32` offsets
//! from the layer's origin — lines and polygons in one flat vertex buffer per chunk —, the
//! rest as [`PlanarFeature`]s — geometry, bounding box, label anchor — and a packed
//! R-tree per chunk; an edit copies one chunk at most). A layer is re-projected only when it changes
//! ([`ProjectedPark::update_layer`]). Polygon layers can also give a triangulated mesh
//! in planar coordinates ([`ProjectedLayer::mesh`], computed once on first use) that a
//! screen target transforms each frame instead of re-triangulating.
//!
//! Owns the planar copies only; the park's lon/lat layers stay the source of truth.
//! No drawing, no GUI.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

use geo::{Geometry, TriangulateEarcut};
use rayon::prelude::*;

use super::aggregate::PointLevels;
use super::view::{WorldRect, display_frame};
use crate::crs::{CrsError, FrameProjector, MetricFrame};
use crate::model::{Layer, Park};

mod store;
use store::{CHUNK, Chunk};

/// A ring or line in planar metres.
pub type Path = Vec<[f64; 2]>;

/// A feature's geometry in planar metres.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanarGeom {
    /// One point (no allocation: most features of a big park are points).
    Point([f64; 2]),
    /// Several points.
    MultiPoint(Vec<[f64; 2]>),
    /// One or more lines.
    Lines(Vec<Path>),
    /// One or more polygons, each as rings: exterior first, then holes.
    Polygons(Vec<Vec<Path>>),
    /// A mixed collection.
    Collection(Vec<PlanarGeom>),
}

impl PlanarGeom {
    /// Projects a lon/lat geometry. Coordinates that fail to project are dropped;
    /// `None` when nothing is left.
    pub fn from_lon_lat(g: &Geometry<f64>, p: &FrameProjector) -> Option<PlanarGeom> {
        let pt = |c: geo::Coord<f64>| -> Option<[f64; 2]> {
            let v = p.forward(c.x, c.y);
            (v[0].is_finite() && v[1].is_finite()).then_some(v)
        };
        let path =
            |ls: &geo::LineString<f64>| -> Path { ls.0.iter().filter_map(|c| pt(*c)).collect() };
        let poly = |pg: &geo::Polygon<f64>| -> Option<Vec<Path>> {
            let ext = path(pg.exterior());
            if ext.len() < 3 {
                return None;
            }
            let mut rings = vec![ext];
            rings.extend(pg.interiors().iter().map(path).filter(|r| r.len() >= 3));
            Some(rings)
        };
        let out = match g {
            Geometry::Point(q) => PlanarGeom::Point(pt(q.0)?),
            Geometry::MultiPoint(m) => {
                let v: Vec<[f64; 2]> = m.0.iter().filter_map(|q| pt(q.0)).collect();
                if v.is_empty() {
                    return None;
                }
                PlanarGeom::MultiPoint(v)
            }
            Geometry::Line(l) => PlanarGeom::Lines(vec![vec![pt(l.start)?, pt(l.end)?]]),
            Geometry::LineString(ls) => {
                let v = path(ls);
                if v.len() < 2 {
                    return None;
                }
                PlanarGeom::Lines(vec![v])
            }
            Geometry::MultiLineString(m) => {
                let v: Vec<Path> = m.0.iter().map(path).filter(|l| l.len() >= 2).collect();
                if v.is_empty() {
                    return None;
                }
                PlanarGeom::Lines(v)
            }
            Geometry::Polygon(pg) => PlanarGeom::Polygons(vec![poly(pg)?]),
            Geometry::MultiPolygon(m) => {
                let v: Vec<Vec<Path>> = m.0.iter().filter_map(poly).collect();
                if v.is_empty() {
                    return None;
                }
                PlanarGeom::Polygons(v)
            }
            Geometry::Rect(r) => PlanarGeom::Polygons(vec![poly(&r.to_polygon())?]),
            Geometry::Triangle(t) => PlanarGeom::Polygons(vec![poly(&t.to_polygon())?]),
            Geometry::GeometryCollection(c) => {
                let v: Vec<PlanarGeom> =
                    c.0.iter()
                        .filter_map(|g| PlanarGeom::from_lon_lat(g, p))
                        .collect();
                if v.is_empty() {
                    return None;
                }
                PlanarGeom::Collection(v)
            }
        };
        Some(out)
    }

    /// Projects a lon/lat MultiPolygon (service circles, catchment bands).
    pub fn from_multipolygon(m: &geo::MultiPolygon<f64>, p: &FrameProjector) -> Option<PlanarGeom> {
        PlanarGeom::from_lon_lat(&Geometry::MultiPolygon(m.clone()), p)
    }

    /// Calls `f` on every coordinate.
    pub fn for_each_coord(&self, f: &mut impl FnMut([f64; 2])) {
        match self {
            PlanarGeom::Point(p) => f(*p),
            PlanarGeom::MultiPoint(v) => v.iter().for_each(|p| f(*p)),
            PlanarGeom::Lines(ls) => ls.iter().flatten().for_each(|p| f(*p)),
            PlanarGeom::Polygons(ps) => ps.iter().flatten().flatten().for_each(|p| f(*p)),
            PlanarGeom::Collection(c) => c.iter().for_each(|g| g.for_each_coord(f)),
        }
    }

    /// The bounding box.
    pub fn bbox(&self) -> Option<WorldRect> {
        let mut r: Option<WorldRect> = None;
        self.for_each_coord(&mut |p| {
            r = Some(match r {
                None => WorldRect { min: p, max: p },
                Some(b) => WorldRect {
                    min: [b.min[0].min(p[0]), b.min[1].min(p[1])],
                    max: [b.max[0].max(p[0]), b.max[1].max(p[1])],
                },
            });
        });
        r
    }

    /// A good place for a label: the point itself, the middle (by length) of the
    /// longest line, or an interior point of the largest polygon.
    pub fn label_anchor(&self) -> Option<[f64; 2]> {
        match self {
            PlanarGeom::Point(p) => Some(*p),
            PlanarGeom::MultiPoint(v) => v.first().copied(),
            PlanarGeom::Lines(ls) => {
                let longest = ls
                    .iter()
                    .max_by(|a, b| path_length(a).total_cmp(&path_length(b)))?;
                point_along(longest, path_length(longest) / 2.0)
            }
            PlanarGeom::Polygons(ps) => {
                let largest = ps
                    .iter()
                    .max_by(|a, b| ring_area(&a[0]).abs().total_cmp(&ring_area(&b[0]).abs()))?;
                let poly = to_geo_polygon(largest);
                crate::model::interior_point::polygon_interior_point(&poly).map(|p| [p.x(), p.y()])
            }
            PlanarGeom::Collection(c) => c.iter().find_map(|g| g.label_anchor()),
        }
    }
}

impl PlanarGeom {
    /// Where a line's label goes when `within` (the view, in the frame) is shown: the
    /// middle of the longest piece of the line inside it, and the line's direction
    /// there (radians counter-clockwise from east). So a road keeps its name in view
    /// however far the map is zoomed in. `None` for other geometries or a line outside.
    pub fn label_along(&self, within: &WorldRect) -> Option<([f64; 2], f64)> {
        let PlanarGeom::Lines(ls) = self else {
            return None;
        };
        let mut best: Option<(f64, Vec<[f64; 2]>)> = None;
        let mut consider = |run: &mut Vec<[f64; 2]>| {
            let len = path_length(run);
            if run.len() >= 2 && best.as_ref().is_none_or(|(l, _)| len > *l) {
                best = Some((len, std::mem::take(run)));
            }
            run.clear();
        };
        for line in ls {
            let mut run: Vec<[f64; 2]> = Vec::new();
            for w in line.windows(2) {
                match clip_segment(w[0], w[1], within) {
                    Some((a, b)) if run.last() == Some(&a) => run.push(b),
                    Some((a, b)) => {
                        consider(&mut run);
                        run.extend([a, b]);
                    }
                    None => consider(&mut run),
                }
            }
            consider(&mut run);
        }
        let (len, run) = best?;
        let mut left = len / 2.0;
        for w in run.windows(2) {
            let (dx, dy) = (w[1][0] - w[0][0], w[1][1] - w[0][1]);
            let seg = dx.hypot(dy);
            if left <= seg && seg > 0.0 {
                let t = left / seg;
                return Some(([w[0][0] + dx * t, w[0][1] + dy * t], dy.atan2(dx)));
            }
            left -= seg;
        }
        None
    }
}

/// The part of segment `a`–`b` inside `r` (Liang–Barsky); an end inside is returned
/// exactly as given, so consecutive inside segments join.
fn clip_segment(a: [f64; 2], b: [f64; 2], r: &WorldRect) -> Option<([f64; 2], [f64; 2])> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-d[0], a[0] - r.min[0]),
        (d[0], r.max[0] - a[0]),
        (-d[1], a[1] - r.min[1]),
        (d[1], r.max[1] - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0.is_nan() || t1.is_nan() || t0 >= t1 {
        return None;
    }
    let at = |t: f64| [a[0] + d[0] * t, a[1] + d[1] * t];
    let start = if t0 == 0.0 { a } else { at(t0) };
    let end = if t1 == 1.0 { b } else { at(t1) };
    Some((start, end))
}

/// Length of a path in metres.
pub fn path_length(p: &[[f64; 2]]) -> f64 {
    p.windows(2)
        .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
        .sum()
}

/// The point `d` metres along a path (clamped to its ends).
pub fn point_along(p: &[[f64; 2]], d: f64) -> Option<[f64; 2]> {
    let mut left = d.max(0.0);
    for w in p.windows(2) {
        let seg = (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]);
        if seg >= left && seg > 0.0 {
            let t = left / seg;
            return Some([
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ]);
        }
        left -= seg;
    }
    p.last().copied()
}

/// Signed area of a ring (shoelace; counter-clockwise positive).
pub fn ring_area(r: &[[f64; 2]]) -> f64 {
    if r.len() < 3 {
        return 0.0;
    }
    let mut a = 0.0;
    for i in 0..r.len() {
        let p = r[i];
        let q = r[(i + 1) % r.len()];
        a += p[0] * q[1] - q[0] * p[1];
    }
    a / 2.0
}

fn to_geo_polygon(rings: &[Path]) -> geo::Polygon<f64> {
    let ls = |r: &Path| geo::LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
    geo::Polygon::new(ls(&rings[0]), rings[1..].iter().map(ls).collect::<Vec<_>>())
}

/// Even-odd point-in-polygon over all rings of one polygon.
fn point_in_rings(rings: &[Path], p: [f64; 2]) -> bool {
    let mut inside = false;
    for r in rings {
        let n = r.len();
        let mut j = n.wrapping_sub(1);
        for i in 0..n {
            let (a, b) = (r[i], r[j]);
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

fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p[0] - (a[0] + t * dx)).hypot(p[1] - (a[1] + t * dy))
}

impl PlanarGeom {
    /// Distance in metres from `p` to the geometry (0 inside a polygon).
    pub fn distance_to(&self, p: [f64; 2]) -> f64 {
        let path_d = |path: &Path, closed: bool| -> f64 {
            let mut d = f64::INFINITY;
            for w in path.windows(2) {
                d = d.min(segment_distance(p, w[0], w[1]));
            }
            if closed && path.len() > 2 {
                d = d.min(segment_distance(p, path[path.len() - 1], path[0]));
            }
            if path.len() == 1 {
                d = d.min((p[0] - path[0][0]).hypot(p[1] - path[0][1]));
            }
            d
        };
        match self {
            PlanarGeom::Point(q) => (p[0] - q[0]).hypot(p[1] - q[1]),
            PlanarGeom::MultiPoint(v) => v
                .iter()
                .map(|q| (p[0] - q[0]).hypot(p[1] - q[1]))
                .fold(f64::INFINITY, f64::min),
            PlanarGeom::Lines(ls) => ls
                .iter()
                .map(|l| path_d(l, false))
                .fold(f64::INFINITY, f64::min),
            PlanarGeom::Polygons(ps) => ps
                .iter()
                .map(|rings| {
                    if point_in_rings(rings, p) {
                        0.0
                    } else {
                        rings
                            .iter()
                            .map(|r| path_d(r, true))
                            .fold(f64::INFINITY, f64::min)
                    }
                })
                .fold(f64::INFINITY, f64::min),
            PlanarGeom::Collection(c) => c
                .iter()
                .map(|g| g.distance_to(p))
                .fold(f64::INFINITY, f64::min),
        }
    }
}

/// One feature in planar metres.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanarFeature {
    /// The geometry.
    pub geom: PlanarGeom,
    /// Its bounding box.
    pub bbox: WorldRect,
    /// Where its label goes.
    pub anchor: [f64; 2],
}

impl PlanarFeature {
    /// Projects a lon/lat geometry into a feature.
    pub fn from_lon_lat(g: &Geometry<f64>, p: &FrameProjector) -> Option<PlanarFeature> {
        let geom = PlanarGeom::from_lon_lat(g, p)?;
        PlanarFeature::from_geom(geom)
    }

    /// A feature from a planar geometry.
    pub fn from_geom(geom: PlanarGeom) -> Option<PlanarFeature> {
        let bbox = geom.bbox()?;
        let anchor = geom.label_anchor().unwrap_or(bbox.center());
        Some(PlanarFeature { geom, bbox, anchor })
    }
}

/// A polygon layer triangulated in planar coordinates (for screen targets that draw
/// triangles). Vertices are f32 offsets from `origin` (millimetre precision over tens
/// of kilometres), so a target maps them to the screen with one scale and offset:
/// `screen = view.world_to_screen(origin + v)`.
#[derive(Debug, Clone, Default)]
pub struct LayerMesh {
    /// The planar point vertices are relative to.
    pub origin: [f64; 2],
    /// Vertices, relative to `origin`, in metres (x east, y north).
    pub vertices: Vec<[f32; 2]>,
    /// Triangle vertex indices, three per triangle.
    pub indices: Vec<u32>,
    /// Per feature with polygons: (feature index, range into `indices`).
    pub features: Vec<(u32, std::ops::Range<u32>)>,
}

/// Features sampled to place a layer's origin.
const ORIGIN_SAMPLES: usize = 4_096;

/// The median of some planar positions, each axis on its own (`[0, 0]` when there are
/// none or none is finite).
fn median_origin(points: impl Iterator<Item = [f64; 2]>) -> [f64; 2] {
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = points
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .map(|p| (p[0], p[1]))
        .unzip();
    if xs.is_empty() {
        return [0.0, 0.0];
    }
    let mid = xs.len() / 2;
    let x = *xs.select_nth_unstable_by(mid, f64::total_cmp).1;
    let y = *ys.select_nth_unstable_by(mid, f64::total_cmp).1;
    [x, y]
}

/// One layer in planar metres: a compact, chunked copy of its features with a packed
/// R-tree per chunk (see the `store` module).
#[derive(Debug)]
pub struct ProjectedLayer {
    /// The planar point compact offsets are relative to.
    origin: [f64; 2],
    /// Feature slots (null features included).
    len: usize,
    /// Slots `k * CHUNK ..`, shared until edited.
    chunks: Vec<Arc<Chunk>>,
    extent: Option<WorldRect>,
    mesh: OnceLock<Arc<LayerMesh>>,
    /// The symbol index of every feature for the last symbology drawn (keyed by a hash
    /// of the symbology), so classification runs once per style change, not per frame.
    pub(crate) class_cache: Mutex<Option<(u64, Arc<Vec<u16>>)>>,
    /// The grid levels of a point layer for the classification of the same key
    /// (`None` inside: not a point layer), built on first use of an aggregated view.
    pub(crate) levels_cache: Mutex<Option<(u64, Option<Arc<PointLevels>>)>>,
}

impl Clone for ProjectedLayer {
    /// A copy sharing the chunks and mesh (a chunk is copied when it is edited); the
    /// style caches start empty.
    fn clone(&self) -> ProjectedLayer {
        ProjectedLayer {
            origin: self.origin,
            len: self.len,
            chunks: self.chunks.clone(),
            extent: self.extent,
            mesh: self.mesh.clone(),
            class_cache: Mutex::new(None),
            levels_cache: Mutex::new(None),
        }
    }
}

impl ProjectedLayer {
    /// Projects every feature of a layer (in parallel, chunk by chunk) and indexes them.
    pub fn build(layer: &Layer, p: &FrameProjector) -> ProjectedLayer {
        // The origin: the median of a sample of the features' planar positions (so a
        // stray feature far away does not move it off the rest).
        let step = (layer.geometries.len() / ORIGIN_SAMPLES).max(1);
        let origin = median_origin(layer.geometries.iter().step_by(step).filter_map(|g| {
            let c = geo::BoundingRect::bounding_rect(g.as_ref()?)?.center();
            Some(p.forward(c.x, c.y))
        }));
        let chunks: Vec<Arc<Chunk>> = layer
            .geometries
            .par_chunks(CHUNK)
            .map(|gs| {
                let features: Vec<Option<PlanarFeature>> = gs
                    .par_iter()
                    .with_min_len(256)
                    .map(|g| g.as_ref().and_then(|g| PlanarFeature::from_lon_lat(g, p)))
                    .collect();
                Arc::new(Chunk::new(features, origin))
            })
            .collect();
        ProjectedLayer::from_chunks(origin, layer.geometries.len(), chunks)
    }

    /// Indexes already-projected features.
    pub fn from_features(features: Vec<Option<PlanarFeature>>) -> ProjectedLayer {
        let step = (features.len() / ORIGIN_SAMPLES).max(1);
        let origin = median_origin(
            features
                .iter()
                .step_by(step)
                .filter_map(|f| Some(f.as_ref()?.bbox.center())),
        );
        let len = features.len();
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
        let mut it = features.into_iter();
        loop {
            let part: Vec<Option<PlanarFeature>> = it.by_ref().take(CHUNK).collect();
            if part.is_empty() {
                break;
            }
            chunks.push(Arc::new(Chunk::new(part, origin)));
        }
        ProjectedLayer::from_chunks(origin, len, chunks)
    }

    fn from_chunks(origin: [f64; 2], len: usize, chunks: Vec<Arc<Chunk>>) -> ProjectedLayer {
        let extent = chunks
            .iter()
            .filter_map(|c| c.extent(origin))
            .reduce(|a, b| a.union(&b));
        ProjectedLayer {
            origin,
            len,
            chunks,
            extent,
            mesh: OnceLock::new(),
            class_cache: Mutex::new(None),
            levels_cache: Mutex::new(None),
        }
    }

    /// The layer's planar extent.
    pub fn extent(&self) -> Option<WorldRect> {
        self.extent
    }

    /// Replaces one feature after an edit: its slot and its path in the chunk's tree
    /// (the chunk is copied first only when a drawing worker still holds it); the
    /// caches that depend on the whole layer (classes, grid levels, mesh) are dropped
    /// and rebuilt on their next use. The extent only grows (it may stay larger than
    /// the features after a move inwards, which culling tolerates).
    pub fn update_feature(&mut self, index: usize, feature: Option<PlanarFeature>) {
        if index >= self.len {
            if feature.is_none() {
                return;
            }
            // Grow: the features to the end, re-indexed (rare: edits of existing features
            // keep the count; a new feature re-projects the layer).
            let mut all: Vec<Option<PlanarFeature>> = (0..self.len)
                .map(|i| self.feature(i).map(Cow::into_owned))
                .collect();
            all.resize(index + 1, None);
            all[index] = feature;
            *self = ProjectedLayer::from_features(all);
            return;
        }
        if let Some(f) = &feature {
            self.extent = Some(match self.extent {
                Some(e) => e.union(&f.bbox),
                None => f.bbox,
            });
        }
        let origin = self.origin;
        if let Some(chunk) = self.chunks.get_mut(index / CHUNK) {
            Arc::make_mut(chunk).set(index % CHUNK, feature, origin);
        }
        self.mesh = OnceLock::new();
        if let Ok(mut c) = self.class_cache.lock() {
            *c = None;
        }
        if let Ok(mut c) = self.levels_cache.lock() {
            *c = None;
        }
    }

    /// The point of feature `i` when it is a single point (`None` for any other
    /// geometry, a null feature or an index past the end).
    pub fn point(&self, i: usize) -> Option<[f64; 2]> {
        self.chunks.get(i / CHUNK)?.point(i % CHUNK, self.origin)
    }

    /// The number of feature slots (null features included).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the layer has no feature slot.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The feature with this index: borrowed, or built on the fly from the store — a
    /// point without allocating, a line or polygon kept flat with its vertex lists (see
    /// [`ProjectedLayer::polygons_and_bbox`] for its box alone).
    pub fn feature(&self, i: usize) -> Option<Cow<'_, PlanarFeature>> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK, self.origin)
    }

    /// Whether feature `i` is polygons, and its bounding box, read without building the
    /// feature (which, for lines and polygons kept flat, allocates its vertex lists).
    pub fn polygons_and_bbox(&self, i: usize) -> Option<(bool, WorldRect)> {
        self.chunks.get(i / CHUNK)?.outline(i % CHUNK, self.origin)
    }

    /// Whether slot `i` holds a feature.
    pub fn has_feature(&self, i: usize) -> bool {
        self.chunks.get(i / CHUNK).is_some_and(|c| c.has(i % CHUNK))
    }

    /// Every feature with its index, in index order.
    pub fn features(&self) -> impl Iterator<Item = (usize, Cow<'_, PlanarFeature>)> + '_ {
        (0..self.len).filter_map(|i| Some((i, self.feature(i)?)))
    }

    /// Bytes of heap the planar copy of this layer holds (chunks, flat vertex buffers
    /// and trees; the vertex lists of features kept as `f64` [`PlanarFeature`]s not
    /// counted).
    pub fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.heap_bytes()).sum()
    }

    /// Indices of features whose envelope meets `rect` (unsorted).
    pub fn unsorted_in_rect(&self, rect: &WorldRect) -> Vec<u32> {
        if let Some(e) = self.extent
            && rect.min[0] <= e.min[0]
            && rect.min[1] <= e.min[1]
            && rect.max[0] >= e.max[0]
            && rect.max[1] >= e.max[1]
        {
            // The whole layer is in view: skip the tree.
            let mut out = Vec::with_capacity(self.len);
            for (k, c) in self.chunks.iter().enumerate() {
                let base = k * CHUNK;
                out.extend(
                    (0..c.len())
                        .filter(|j| c.has(*j))
                        .map(|j| (base + j) as u32),
                );
            }
            return out;
        }
        let mut out = Vec::new();
        self.each_in_rect(rect, &mut |i| out.push(i as u32));
        out
    }

    fn each_in_rect(&self, rect: &WorldRect, f: &mut impl FnMut(usize)) {
        let q = store::rel_rect(rect, self.origin);
        for (k, c) in self.chunks.iter().enumerate() {
            let base = k * CHUNK;
            c.query(rect, &q, self.origin, &mut |j| f(base + j));
        }
    }

    /// The feature nearest to `p` within `tolerance` metres (0 inside polygons), as
    /// (feature index, distance). Ties go to the later feature (drawn on top).
    pub fn hit_test(&self, p: [f64; 2], tolerance: f64) -> Option<(u32, f64)> {
        let env = WorldRect {
            min: [p[0] - tolerance, p[1] - tolerance],
            max: [p[0] + tolerance, p[1] + tolerance],
        };
        let mut best: Option<(u32, f64)> = None;
        self.each_in_rect(&env, &mut |i| {
            let d = match self.point(i) {
                Some(q) => (p[0] - q[0]).hypot(p[1] - q[1]),
                None => match self.feature(i) {
                    Some(f) => f.geom.distance_to(p),
                    None => return,
                },
            };
            let i = i as u32;
            if d <= tolerance {
                let better = match best {
                    None => true,
                    Some((bi, bd)) => d < bd || (d == bd && i > bi),
                };
                if better {
                    best = Some((i, d));
                }
            }
        });
        best
    }

    /// The polygons of this layer triangulated (earcut, holes respected), computed on
    /// first use and kept until the layer is re-projected.
    pub fn mesh(&self) -> &LayerMesh {
        self.mesh.get_or_init(|| Arc::new(self.triangulate()))
    }

    fn triangulate(&self) -> LayerMesh {
        let origin = self.extent.map(|e| e.min).unwrap_or([0.0, 0.0]);
        let mut mesh = LayerMesh {
            origin,
            ..LayerMesh::default()
        };
        for (i, f) in self.features() {
            let start = mesh.indices.len() as u32;
            let mut polys: Vec<&Vec<Path>> = Vec::new();
            collect_polygons(&f.geom, &mut polys);
            for rings in polys {
                let tri = to_geo_polygon(rings).earcut_triangles_raw();
                let base = mesh.vertices.len() as u32;
                mesh.vertices.extend(
                    tri.vertices
                        .iter()
                        .map(|v| [(v[0] - origin[0]) as f32, (v[1] - origin[1]) as f32]),
                );
                mesh.indices
                    .extend(tri.triangle_indices.iter().map(|k| base + *k as u32));
            }
            let end = mesh.indices.len() as u32;
            if end > start {
                mesh.features.push((i as u32, start..end));
            }
        }
        mesh
    }
}
fn collect_polygons<'a>(g: &'a PlanarGeom, out: &mut Vec<&'a Vec<Path>>) {
    match g {
        PlanarGeom::Polygons(ps) => out.extend(ps.iter()),
        PlanarGeom::Collection(c) => c.iter().for_each(|g| collect_polygons(g, out)),
        _ => {}
    }
}

/// The whole park in the planar display frame.
pub struct ProjectedPark {
    frame: MetricFrame,
    projector: FrameProjector,
    /// By layer index (same order as `Park::layers`); shared, so that editing one
    /// layer while a worker draws copies that layer only.
    pub layers: Vec<Arc<ProjectedLayer>>,
}

impl std::fmt::Debug for ProjectedPark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectedPark")
            .field("frame", &self.frame)
            .field("layers", &self.layers.len())
            .finish()
    }
}

impl ProjectedPark {
    /// Projects every layer into the display frame centred on the park's extent
    /// (longitude 0 for an empty park).
    pub fn new(park: &Park) -> Result<ProjectedPark, CrsError> {
        let lon = park
            .extent()
            .map(|r| (r.min().x + r.max().x) / 2.0)
            .filter(|l| l.is_finite())
            .unwrap_or(0.0);
        ProjectedPark::with_frame(park, display_frame(lon))
    }

    /// Projects every layer into a given frame.
    pub fn with_frame(park: &Park, frame: MetricFrame) -> Result<ProjectedPark, CrsError> {
        let projector = frame.projector()?;
        // Layers in parallel too (and each layer's chunks).
        let layers = park
            .layers
            .par_iter()
            .map(|l| Arc::new(ProjectedLayer::build(l, &projector)))
            .collect();
        Ok(ProjectedPark {
            frame,
            projector,
            layers,
        })
    }

    /// A copy sharing every layer with this one (a layer is copied only when it is
    /// edited: see [`ProjectedPark::update_features`]).
    pub fn shared_copy(&self) -> Result<ProjectedPark, CrsError> {
        Ok(ProjectedPark {
            frame: self.frame,
            projector: self.frame.projector()?,
            layers: self.layers.clone(),
        })
    }

    /// Re-projects one layer after it changed (or appends it when it is new).
    pub fn update_layer(&mut self, park: &Park, index: usize) {
        let Some(layer) = park.layers.get(index) else {
            return;
        };
        let pl = Arc::new(ProjectedLayer::build(layer, &self.projector));
        if index < self.layers.len() {
            self.layers[index] = pl;
        } else {
            while self.layers.len() < index {
                self.layers
                    .push(Arc::new(ProjectedLayer::from_features(Vec::new())));
            }
            self.layers.push(pl);
        }
    }

    /// Re-projects some features of a layer after they were edited in place (moved, or
    /// an attribute changed), leaving the rest of the layer as it is. A layer whose
    /// feature count changed (a feature added or deleted) is re-projected whole.
    pub fn update_features(&mut self, park: &Park, layer: usize, indices: &[usize]) {
        let Some(l) = park.layers.get(layer) else {
            return;
        };
        if self.layers.get(layer).is_none_or(|pl| pl.len() != l.len()) {
            self.update_layer(park, layer);
            return;
        }
        let projector = &self.projector;
        // Copied first only when a worker still draws from this layer.
        let pl = Arc::make_mut(&mut self.layers[layer]);
        for &i in indices {
            let f = l
                .geometries
                .get(i)
                .and_then(|g| g.as_ref())
                .and_then(|g| PlanarFeature::from_lon_lat(g, projector));
            pl.update_feature(i, f);
        }
    }

    /// Drops layers the park no longer has (after a layer was removed at the end).
    pub fn truncate(&mut self, len: usize) {
        self.layers.truncate(len);
    }

    /// The display frame.
    pub fn frame(&self) -> &MetricFrame {
        &self.frame
    }

    /// The projector of the display frame.
    pub fn projector(&self) -> &FrameProjector {
        &self.projector
    }

    /// lon/lat degrees → planar metres.
    pub fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        self.projector.forward(lon, lat)
    }

    /// Planar metres → lon/lat degrees.
    pub fn unproject(&self, p: [f64; 2]) -> [f64; 2] {
        self.projector.inverse(p[0], p[1])
    }

    /// The planar extent of all layers.
    pub fn extent(&self) -> Option<WorldRect> {
        self.layers
            .iter()
            .filter_map(|l| l.extent())
            .reduce(|a, b| a.union(&b))
    }

    /// The planar extent of some layers.
    pub fn extent_of(&self, layers: impl IntoIterator<Item = usize>) -> Option<WorldRect> {
        layers
            .into_iter()
            .filter_map(|i| self.layers.get(i)?.extent())
            .reduce(|a, b| a.union(&b))
    }

    /// The planar feature of a model record.
    pub fn feature(&self, f: crate::model::FeatureRef) -> Option<Cow<'_, PlanarFeature>> {
        self.layers.get(f.layer as usize)?.feature(f.index as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_labelled_on_its_longest_piece_in_view() {
        // An L: 0,0 → 1000,0 → 1000,400. Fully in view, the label sits on the long leg.
        let l = PlanarGeom::Lines(vec![vec![[0.0, 0.0], [1000.0, 0.0], [1000.0, 400.0]]]);
        let all = WorldRect::from_corners([-10.0, -10.0], [2000.0, 2000.0]);
        let (at, dir) = l.label_along(&all).unwrap();
        assert!((at[0] - 700.0).abs() < 1e-9 && at[1].abs() < 1e-9, "{at:?}");
        assert!(dir.abs() < 1e-12);
        // Zoomed onto the short leg: the label follows it, northwards.
        let leg = WorldRect::from_corners([900.0, 100.0], [1100.0, 300.0]);
        let (at, dir) = l.label_along(&leg).unwrap();
        assert!((at[0] - 1000.0).abs() < 1e-9 && (at[1] - 200.0).abs() < 1e-9);
        assert!((dir - std::f64::consts::FRAC_PI_2).abs() < 1e-12);
        // A long straight road crossing the view with no vertex in it still gets one.
        let road = PlanarGeom::Lines(vec![vec![[-5000.0, 50.0], [5000.0, 50.0]]]);
        let view = WorldRect::from_corners([0.0, 0.0], [100.0, 100.0]);
        let (at, _) = road.label_along(&view).unwrap();
        assert!((at[0] - 50.0).abs() < 1e-9);
        // Outside the view: none.
        let far = WorldRect::from_corners([5000.0, 5000.0], [6000.0, 6000.0]);
        assert!(l.label_along(&far).is_none());
        assert!(PlanarGeom::Point([1.0, 2.0]).label_along(&all).is_none());
    }
    use crate::model::Role;
    use geo::{Point, polygon};

    fn park_with(geoms: Vec<Geometry<f64>>) -> Park {
        let n = geoms.len();
        let layer = Layer {
            name: "t".into(),
            role: Role::Other,
            ids: vec![None; n],
            geometries: geoms.into_iter().map(Some).collect(),
            attributes: {
                let mut t = crate::model::AttributeTable::new();
                for _ in 0..n {
                    t.push_row(std::iter::empty());
                }
                t
            },
            ..Layer::default()
        };
        Park::from_layers("t", vec![layer])
    }

    #[test]
    fn projects_around_the_parks_meridian() {
        let park = park_with(vec![
            Geometry::Point(Point::new(112.30, 30.30)),
            Geometry::Point(Point::new(112.31, 30.30)),
        ]);
        let pp = ProjectedPark::new(&park).unwrap();
        assert!((pp.frame().lon_0 - 112.305).abs() < 1e-9);
        let a = pp.layers[0].feature(0).unwrap().anchor;
        let b = pp.layers[0].feature(1).unwrap().anchor;
        // 0.01° of longitude at 30.3°N ≈ 962 m (geodesic: 961.9 m).
        let d = (b[0] - a[0]).hypot(b[1] - a[1]);
        assert!((d - 961.9).abs() < 1.0, "{d}");
        let back = pp.unproject(a);
        assert!((back[0] - 112.30).abs() < 1e-9 && (back[1] - 30.30).abs() < 1e-9);
    }

    #[test]
    fn culling_matches_brute_force() {
        let geoms: Vec<Geometry<f64>> = (0..400)
            .map(|k| {
                let lon = 112.2 + (k % 20) as f64 * 0.005;
                let lat = 30.3 + (k / 20) as f64 * 0.005;
                Geometry::Point(Point::new(lon, lat))
            })
            .collect();
        let park = park_with(geoms);
        let pp = ProjectedPark::new(&park).unwrap();
        let l = &pp.layers[0];
        let e = l.extent().unwrap();
        let c = e.center();
        let rect =
            WorldRect::from_corners([c[0] - 1234.0, c[1] - 777.0], [c[0] + 300.0, c[1] + 2000.0]);
        let mut got = l.unsorted_in_rect(&rect);
        got.sort();
        let want: Vec<u32> = l
            .features()
            .filter(|(_, f)| {
                let p = f.anchor;
                p[0] >= rect.min[0]
                    && p[0] <= rect.max[0]
                    && p[1] >= rect.min[1]
                    && p[1] <= rect.max[1]
            })
            .map(|(i, _)| i as u32)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
        assert_eq!(l.unsorted_in_rect(&e.expanded(1.0)).len(), 400);
    }

    #[test]
    fn polygon_with_hole_triangulates_and_hit_tests() {
        // A 0.01° square with a 0.004° hole in the middle.
        let outer = polygon!(
            exterior: [
                (x: 112.30, y: 30.30), (x: 112.31, y: 30.30), (x: 112.31, y: 30.31), (x: 112.30, y: 30.31), (x: 112.30, y: 30.30)
            ],
            interiors: [[
                (x: 112.303, y: 30.303), (x: 112.307, y: 30.303), (x: 112.307, y: 30.307), (x: 112.303, y: 30.307), (x: 112.303, y: 30.303)
            ]],
        );
        let park = park_with(vec![Geometry::Polygon(outer)]);
        let pp = ProjectedPark::new(&park).unwrap();
        let l = &pp.layers[0];
        let f = l.feature(0).unwrap();
        // The label anchor is inside the ring, not in the hole.
        assert_eq!(f.geom.distance_to(f.anchor), 0.0);
        let centre = pp.project(112.305, 30.305);
        assert!(f.geom.distance_to(centre) > 100.0);
        assert!(l.hit_test(centre, 10.0).is_none());
        let inside = pp.project(112.301, 30.301);
        assert_eq!(l.hit_test(inside, 1.0).map(|h| h.0), Some(0));
        // Triangles cover exactly the ring minus the hole.
        let m = l.mesh();
        assert_eq!(m.indices.len() % 3, 0);
        let tri_area: f64 = m
            .indices
            .chunks(3)
            .map(|t| {
                let v = |k: u32| {
                    let q = m.vertices[k as usize];
                    [q[0] as f64, q[1] as f64]
                };
                ring_area(&[v(t[0]), v(t[1]), v(t[2])]).abs()
            })
            .sum();
        let PlanarGeom::Polygons(ps) = &f.geom else {
            panic!()
        };
        let want = ring_area(&ps[0][0]).abs() - ring_area(&ps[0][1]).abs();
        assert!(
            (tri_area - want).abs() / want < 1e-4,
            "{tri_area} vs {want}"
        );
        assert_eq!(m.features.len(), 1);
    }

    #[test]
    fn lines_anchor_at_half_length() {
        let p = PlanarGeom::Lines(vec![vec![[0.0, 0.0], [10.0, 0.0], [10.0, 30.0]]]);
        assert_eq!(p.label_anchor(), Some([10.0, 10.0]));
        assert_eq!(path_length(&[[0.0, 0.0], [3.0, 4.0]]), 5.0);
    }

    /// A deterministic mix over three chunks: mostly points, some squares, lines and
    /// nulls, one point far from the rest and one line reaching far (both kept in f64),
    /// a polygon with a hole and a multi-line, several points and a collection.
    fn mixed(n: usize) -> Vec<Option<PlanarFeature>> {
        // A frame far from 0, as the park's planar coordinates are.
        let base = [412_345.678, 3_351_234.567];
        (0..n)
            .map(|i| {
                // A low-discrepancy spread (the plastic-number sequence).
                let (u, v) = (
                    (i as f64 * 0.754_877_67).fract(),
                    (i as f64 * 0.569_840_29).fract(),
                );
                let p = [base[0] + u * 20_000.0, base[1] + v * 15_000.0];
                let geom = match i % 50 {
                    7 => return None,
                    11 => PlanarGeom::Polygons(vec![vec![vec![
                        p,
                        [p[0] + 40.0, p[1]],
                        [p[0] + 40.0, p[1] + 30.0],
                        [p[0], p[1] + 30.0],
                        p,
                    ]]]),
                    13 => PlanarGeom::Lines(vec![vec![p, [p[0] + 300.0, p[1] - 120.0]]]),
                    _ if i == 4_321 => PlanarGeom::Point([base[0] + 1.0e6, base[1]]),
                    _ if i == 4_322 => PlanarGeom::Lines(vec![vec![p, [base[0] + 1.0e6, p[1]]]]),
                    17 => PlanarGeom::Polygons(vec![
                        vec![
                            vec![p, [p[0] + 90.0, p[1]], [p[0] + 90.0, p[1] + 60.0], p],
                            vec![
                                [p[0] + 10.0, p[1] + 5.0],
                                [p[0] + 20.0, p[1] + 25.0],
                                [p[0] + 30.0, p[1] + 5.0],
                                [p[0] + 10.0, p[1] + 5.0],
                            ],
                        ],
                        vec![vec![
                            [p[0] - 50.0, p[1]],
                            [p[0] - 40.0, p[1]],
                            [p[0] - 45.0, p[1] + 8.0],
                            [p[0] - 50.0, p[1]],
                        ]],
                    ]),
                    19 => PlanarGeom::Lines(vec![
                        vec![
                            p,
                            [p[0] + 0.123_456, p[1] + 70.5],
                            [p[0] - 3.0, p[1] + 99.0],
                        ],
                        vec![[p[0] + 1.0, p[1] - 1.0], [p[0] + 2.0, p[1] - 2.0]],
                    ]),
                    23 => PlanarGeom::MultiPoint(vec![p, [p[0] + 1.0, p[1] + 1.0]]),
                    29 => PlanarGeom::Collection(vec![
                        PlanarGeom::Point(p),
                        PlanarGeom::Lines(vec![vec![p, [p[0] + 5.0, p[1]]]]),
                    ]),
                    _ => PlanarGeom::Point(p),
                };
                PlanarFeature::from_geom(geom)
            })
            .collect()
    }

    fn brute_in_rect(l: &ProjectedLayer, r: &WorldRect) -> Vec<u32> {
        l.features()
            .filter(|(_, f)| {
                f.bbox.min[0] <= r.max[0]
                    && f.bbox.max[0] >= r.min[0]
                    && f.bbox.min[1] <= r.max[1]
                    && f.bbox.max[1] >= r.min[1]
            })
            .map(|(i, _)| i as u32)
            .collect()
    }

    fn brute_hit(l: &ProjectedLayer, p: [f64; 2], tol: f64) -> Option<(u32, f64)> {
        let mut best: Option<(u32, f64)> = None;
        for (i, f) in l.features() {
            let d = f.geom.distance_to(p);
            if d <= tol && best.is_none_or(|(_, bd)| d <= bd) {
                best = Some((i as u32, d));
            }
        }
        best
    }

    fn sorted(mut v: Vec<u32>) -> Vec<u32> {
        v.sort_unstable();
        v
    }

    /// `g` with every coordinate moved by `f`.
    fn map_coords(g: &PlanarGeom, f: &impl Fn([f64; 2]) -> [f64; 2]) -> PlanarGeom {
        let path = |p: &Path| p.iter().map(|q| f(*q)).collect::<Path>();
        match g {
            PlanarGeom::Point(p) => PlanarGeom::Point(f(*p)),
            PlanarGeom::MultiPoint(v) => PlanarGeom::MultiPoint(path(v)),
            PlanarGeom::Lines(ls) => PlanarGeom::Lines(ls.iter().map(path).collect()),
            PlanarGeom::Polygons(ps) => {
                PlanarGeom::Polygons(ps.iter().map(|r| r.iter().map(path).collect()).collect())
            }
            PlanarGeom::Collection(c) => {
                PlanarGeom::Collection(c.iter().map(|g| map_coords(g, f)).collect())
            }
        }
    }

    #[test]
    fn the_store_keeps_points_lines_and_polygons_within_a_millimetre_and_the_rest_exactly() {
        let input = mixed(2 * CHUNK + 1_234);
        let l = ProjectedLayer::from_features(input.clone());
        assert_eq!(l.len(), input.len());
        assert_eq!(l.chunks.len(), 3);
        for (i, want) in input.iter().enumerate() {
            let got = l.feature(i);
            match (want, &got) {
                (None, None) => assert!(!l.has_feature(i)),
                (Some(w), Some(g)) => match w.geom {
                    PlanarGeom::Point(p) => {
                        // Kept as f32 offsets (built on the fly), but the far one.
                        assert_eq!(matches!(got, Some(Cow::Owned(_))), i != 4_321, "{i}");
                        let q = l.point(i).unwrap();
                        let err = (q[0] - p[0]).hypot(q[1] - p[1]);
                        assert!(err < 1e-3, "{i}: {err} m");
                        assert_eq!(g.anchor, q);
                        assert_eq!(g.bbox, WorldRect { min: q, max: q });
                    }
                    PlanarGeom::Lines(_) | PlanarGeom::Polygons(_) if i != 4_322 => {
                        // Kept flat as f32 offsets: the same structure, every vertex
                        // and the anchor within a millimetre, the box that of the
                        // vertices kept.
                        assert!(matches!(got, Some(Cow::Owned(_))), "{i}");
                        let origin = l.origin;
                        let kept = |q: [f64; 2]| {
                            let d = [(q[0] - origin[0]) as f32, (q[1] - origin[1]) as f32];
                            [origin[0] + d[0] as f64, origin[1] + d[1] as f64]
                        };
                        assert_eq!(g.geom, map_coords(&w.geom, &kept), "{i}");
                        let mut err = 0.0f64;
                        let mut moved = Vec::new();
                        g.geom.for_each_coord(&mut |q| moved.push(q));
                        let mut k = 0;
                        w.geom.for_each_coord(&mut |q| {
                            err = err.max((q[0] - moved[k][0]).hypot(q[1] - moved[k][1]));
                            k += 1;
                        });
                        assert!(err < 1e-3, "{i}: {err} m");
                        assert_eq!(g.anchor, kept(w.anchor));
                        assert_eq!(Some(g.bbox), g.geom.bbox());
                        assert_eq!(l.point(i), None);
                    }
                    _ => {
                        // Several points, a collection, a line reaching far: exact.
                        assert_eq!(**g, *w);
                        assert!(matches!(got, Some(Cow::Borrowed(_))));
                        assert_eq!(l.point(i), None);
                    }
                },
                _ => panic!("{i}: {want:?} became {got:?}"),
            }
        }
        // The far point is kept exactly (f64), and it is found where it is.
        let far = l.point(4_321).unwrap();
        assert_eq!(far, [412_345.678 + 1.0e6, 3_351_234.567]);
        assert_eq!(l.hit_test(far, 0.5), Some((4_321, 0.0)));
        assert_eq!(l.point(input.len()), None);
    }

    #[test]
    fn parcels_are_kept_flat_in_under_80_bytes_each() {
        // 5-vertex rings: 40 bytes of vertices plus the ends, head, slot and tree; an
        // f64 `PlanarFeature` took 80 bytes inline before its three vertex lists.
        let base = [412_345.678, 3_351_234.567];
        let n = 10_000;
        let features: Vec<Option<PlanarFeature>> = (0..n)
            .map(|i| {
                let p = [
                    base[0] + (i % 100) as f64 * 50.0,
                    base[1] + (i / 100) as f64 * 50.0,
                ];
                PlanarFeature::from_geom(PlanarGeom::Polygons(vec![vec![vec![
                    p,
                    [p[0] + 40.0, p[1]],
                    [p[0] + 40.0, p[1] + 30.0],
                    [p[0], p[1] + 30.0],
                    p,
                ]]]))
            })
            .collect();
        let l = ProjectedLayer::from_features(features);
        let per = l.heap_bytes() as f64 / n as f64;
        assert!(per < 80.0, "{per} bytes a parcel");
        // Read back as polygons with their boxes, without building them.
        let (polygons, bbox) = l.polygons_and_bbox(n - 1).unwrap();
        assert!(polygons);
        assert_eq!(Some(bbox), l.feature(n - 1).unwrap().geom.bbox());
        assert_eq!(l.polygons_and_bbox(n), None);
    }

    #[test]
    fn store_culling_and_hit_tests_match_brute_force() {
        let l = ProjectedLayer::from_features(mixed(2 * CHUNK + 1_234));
        let e = l.extent().unwrap();
        let mut k = 0.0f64;
        for _ in 0..25 {
            k += 0.618_034;
            let (fx, fy) = (k.fract(), (k * 7.3).fract());
            let c = [e.min[0] + fx * 20_000.0, e.min[1] + fy * 15_000.0];
            let half = [5.0 + fx * 900.0, 5.0 + fy * 600.0];
            let r = WorldRect::from_corners(
                [c[0] - half[0], c[1] - half[1]],
                [c[0] + half[0], c[1] + half[1]],
            );
            assert_eq!(sorted(l.unsorted_in_rect(&r)), brute_in_rect(&l, &r));
            for tol in [3.0, 40.0, 250.0] {
                assert_eq!(l.hit_test(c, tol), brute_hit(&l, c, tol), "{c:?} ± {tol}");
            }
        }
        // A point exactly on a feature: found at distance 0.
        let p = l.point(0).unwrap();
        assert_eq!(l.hit_test(p, 1.0).map(|h| h.1), Some(0.0));
        let all = l.unsorted_in_rect(&e.expanded(1.0));
        assert_eq!(all.len(), l.features().count());
    }

    #[test]
    fn an_edit_copies_one_chunk_and_leaves_other_holders_unchanged() {
        let input = mixed(2 * CHUNK + 1_234);
        let held = Arc::new(ProjectedLayer::from_features(input));
        let mut mine = Arc::clone(&held);
        let i = CHUNK + 6;
        let old = held.point(i).unwrap();
        let to = [old[0] + 5_000.0, old[1] - 3_000.0];
        Arc::make_mut(&mut mine).update_feature(i, PlanarFeature::from_geom(PlanarGeom::Point(to)));
        // The worker's copy is as it was; the edited copy has the move.
        assert_eq!(held.point(i), Some(old));
        let moved = mine.point(i).unwrap();
        assert!((moved[0] - to[0]).abs() < 1e-3 && (moved[1] - to[1]).abs() < 1e-3);
        assert_eq!(held.hit_test(old, 0.01).map(|h| h.0), Some(i as u32));
        assert_eq!(mine.hit_test(to, 0.01).map(|h| h.0), Some(i as u32));
        assert_ne!(mine.hit_test(old, 0.01).map(|h| h.0), Some(i as u32));
        // Only the edited chunk was copied.
        assert!(Arc::ptr_eq(&held.chunks[0], &mine.chunks[0]));
        assert!(!Arc::ptr_eq(&held.chunks[1], &mine.chunks[1]));
        assert!(Arc::ptr_eq(&held.chunks[2], &mine.chunks[2]));
    }

    #[test]
    fn culling_stays_exact_after_many_edits() {
        let mut l = ProjectedLayer::from_features(mixed(CHUNK + 999));
        let e = l.extent().unwrap();
        let n = l.len();
        for k in 0..600usize {
            let i = (k * 7_919) % n;
            let f = match k % 4 {
                0 => None,
                1 => PlanarFeature::from_geom(PlanarGeom::Lines(vec![vec![
                    [e.min[0] + (k as f64) * 30.0, e.min[1]],
                    [e.min[0] + (k as f64) * 30.0 + 50.0, e.max[1]],
                ]])),
                _ => PlanarFeature::from_geom(PlanarGeom::Point([
                    e.min[0] + (k as f64 * 33.3) % 20_000.0,
                    e.min[1] + (k as f64 * 17.1) % 15_000.0,
                ])),
            };
            l.update_feature(i, f);
        }
        for (c, h) in [([5_000.0, 4_000.0], 300.0), ([12_000.0, 9_000.0], 2_000.0)] {
            let c = [e.min[0] + c[0], e.min[1] + c[1]];
            let r = WorldRect::from_corners([c[0] - h, c[1] - h], [c[0] + h, c[1] + h]);
            assert_eq!(sorted(l.unsorted_in_rect(&r)), brute_in_rect(&l, &r));
            assert_eq!(l.hit_test(c, 200.0), brute_hit(&l, c, 200.0));
        }
    }
}
