//! The compact, chunked store behind [`ProjectedLayer`](super::ProjectedLayer).
//!
//! Features are kept in chunks of [`CHUNK`] slots, each behind an `Arc`, so editing a
//! layer that a drawing worker still holds copies one chunk (copy-on-write through
//! `Arc::make_mut`), not the layer. In a chunk, a single point is two `f32` offsets from
//! the layer's origin (no bounding box or anchor: both are the point); lines and
//! polygons are flat (the `Shapes` of the chunk: every vertex two `f32` offsets in one
//! buffer, with the ends of rings, parts and shapes as `u32`s, and the label anchor; the
//! bounding box is read off the vertices); any other geometry (several points, a
//! collection, and anything with a vertex too far from the origin for millimetres in
//! `f32`) stays a [`PlanarFeature`] in `f64`. Each chunk has its own packed R-tree (sort-tile-recursive
//! order, [`NODE`] children a node, `f32` boxes rounded outwards, 2-byte leaf entries),
//! updated in place when a feature changes.
//!
//! Precision: an offset is kept in `f32` only while it is under [`F32_LIMIT`] metres,
//! where an `f32` step is under 2 mm (the rounding error under 1 mm); at 1:500 a screen
//! pixel is about 13 cm of ground.

use std::borrow::Cow;

use super::{PlanarFeature, PlanarGeom};
use crate::render::view::WorldRect;

/// Feature slots per chunk (leaf positions fit in `u16`).
pub(super) const CHUNK: usize = 1 << 15;
/// Children per tree node.
const NODE: usize = 16;
/// Offsets from the origin at or beyond this many metres are kept in `f64`.
const F32_LIMIT: f64 = 32_768.0;

/// A box relative to the origin: min x, min y, max x, max y.
type RelBox = [f32; 4];

const EMPTY: RelBox = [
    f32::INFINITY,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NEG_INFINITY,
];

/// The largest `f32` not above `v`.
fn down(v: f64) -> f32 {
    let f = v as f32;
    if f as f64 > v { f.next_down() } else { f }
}

/// The smallest `f32` not below `v`.
fn up(v: f64) -> f32 {
    let f = v as f32;
    if (f as f64) < v { f.next_up() } else { f }
}

fn union(a: RelBox, b: RelBox) -> RelBox {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn meets(a: &RelBox, q: &RelBox) -> bool {
    a[0] <= q[2] && a[2] >= q[0] && a[1] <= q[3] && a[3] >= q[1]
}

/// A world rectangle as a relative box that contains it (rounded outwards).
pub(super) fn rel_rect(r: &WorldRect, origin: [f64; 2]) -> RelBox {
    [
        down(r.min[0] - origin[0]),
        down(r.min[1] - origin[1]),
        up(r.max[0] - origin[0]),
        up(r.max[1] - origin[1]),
    ]
}

/// The compact offsets of a planar point, when it is close enough to the origin.
fn compact(p: [f64; 2], origin: [f64; 2]) -> Option<[f32; 2]> {
    let d = [p[0] - origin[0], p[1] - origin[1]];
    (d[0].abs() < F32_LIMIT && d[1].abs() < F32_LIMIT).then(|| [d[0] as f32, d[1] as f32])
}

/// A point feature: its box and anchor are the point.
pub(super) fn point_feature(p: [f64; 2]) -> PlanarFeature {
    PlanarFeature {
        geom: PlanarGeom::Point(p),
        bbox: WorldRect { min: p, max: p },
        anchor: p,
    }
}

/// No flat shape in a slot.
const NO_SHAPE: u32 = u32::MAX;

/// A shape's head: what it is, where its label goes and where its parts end.
#[derive(Debug, Clone, Copy)]
struct Head {
    /// Polygons (a part is a polygon: rings, exterior first), else lines (a part is one
    /// line: one ring).
    polygons: bool,
    /// The label anchor's offsets.
    anchor: [f32; 2],
    /// The end of its parts in [`Shapes::part_ends`].
    parts_end: u32,
}

/// The lines and polygons of a chunk, flat: the vertices of every ring one after the
/// other as `f32` offsets from the layer's origin. A shape's parts start where the
/// previous shape's end (a part's rings and a ring's vertices likewise), so a parcel
/// of one 5-vertex ring is 40 bytes of vertices and 28 of ends, head and slot, where
/// an `f64` [`PlanarFeature`] took 80 bytes inline and three allocations (≈ 130 bytes).
#[derive(Debug, Clone, Default)]
struct Shapes {
    /// Per slot (or empty when the chunk has no flat shape): its shape, or [`NO_SHAPE`].
    of_slot: Vec<u32>,
    /// Per shape, in the order stored (an edit appends; the replaced one stays unused).
    heads: Vec<Head>,
    /// Per part: the end of its rings in `ring_ends`.
    part_ends: Vec<u32>,
    /// Per ring (or line): the end of its vertices in `coords`.
    ring_ends: Vec<u32>,
    /// Every vertex.
    coords: Vec<[f32; 2]>,
}

/// The sizes a flat shape takes: parts, rings, vertices.
fn flat_sizes(f: &PlanarFeature, origin: [f64; 2]) -> Option<[usize; 3]> {
    compact(f.anchor, origin)?;
    let ok = |p: &[[f64; 2]]| p.iter().all(|q| compact(*q, origin).is_some());
    match &f.geom {
        PlanarGeom::Lines(ls) if ls.iter().all(|l| ok(l)) => {
            let n: usize = ls.iter().map(Vec::len).sum();
            (n > 0).then_some([ls.len(), ls.len(), n])
        }
        PlanarGeom::Polygons(ps) if ps.iter().flatten().all(|r| ok(r)) => {
            let rings: usize = ps.iter().map(Vec::len).sum();
            let n: usize = ps.iter().flatten().map(Vec::len).sum();
            (n > 0).then_some([ps.len(), rings, n])
        }
        _ => None,
    }
}

/// `a..b` as `usize`s.
fn span(a: u32, b: u32) -> std::ops::Range<usize> {
    a as usize..b as usize
}

impl Shapes {
    /// Reserves room for shapes of these sizes.
    fn reserve(&mut self, shapes: usize, [parts, rings, coords]: [usize; 3]) {
        self.heads.reserve_exact(shapes);
        self.part_ends.reserve_exact(parts);
        self.ring_ends.reserve_exact(rings);
        self.coords.reserve_exact(coords);
    }

    /// Stores `f` flat when it can be (see [`flat_sizes`]), returning its shape; the ends
    /// stay under `u32::MAX`.
    fn push(&mut self, f: &PlanarFeature, origin: [f64; 2]) -> Option<u32> {
        let [parts, rings, n] = flat_sizes(f, origin)?;
        let fits =
            |now: usize, more: usize| now.checked_add(more).is_some_and(|t| t < NO_SHAPE as usize);
        if !(fits(self.heads.len(), 1)
            && fits(self.part_ends.len(), parts)
            && fits(self.ring_ends.len(), rings)
            && fits(self.coords.len(), n))
        {
            return None;
        }
        let rel = |q: [f64; 2]| [(q[0] - origin[0]) as f32, (q[1] - origin[1]) as f32];
        let ring = |r: &[[f64; 2]], s: &mut Shapes| {
            s.coords.extend(r.iter().map(|q| rel(*q)));
            s.ring_ends.push(s.coords.len() as u32);
        };
        let polygons = match &f.geom {
            PlanarGeom::Lines(ls) => {
                for l in ls {
                    ring(l, self);
                    self.part_ends.push(self.ring_ends.len() as u32);
                }
                false
            }
            PlanarGeom::Polygons(ps) => {
                for rings in ps {
                    for r in rings {
                        ring(r, self);
                    }
                    self.part_ends.push(self.ring_ends.len() as u32);
                }
                true
            }
            _ => return None,
        };
        self.heads.push(Head {
            polygons,
            anchor: rel(f.anchor),
            parts_end: self.part_ends.len() as u32,
        });
        Some(self.heads.len() as u32 - 1)
    }

    /// The shape in slot `j`.
    fn of(&self, j: usize) -> Option<usize> {
        self.of_slot
            .get(j)
            .filter(|k| **k != NO_SHAPE)
            .map(|k| *k as usize)
    }

    /// Shape `k`'s parts, each as its ranges of vertices (one a ring or line).
    fn parts(
        &self,
        k: usize,
    ) -> impl Iterator<Item = impl Iterator<Item = std::ops::Range<usize>>> {
        let first = k.checked_sub(1).map_or(0, |p| self.heads[p].parts_end);
        span(first, self.heads[k].parts_end).map(move |p| {
            let first = p.checked_sub(1).map_or(0, |q| self.part_ends[q]);
            span(first, self.part_ends[p]).map(move |r| {
                let first = r.checked_sub(1).map_or(0, |q| self.ring_ends[q]);
                span(first, self.ring_ends[r])
            })
        })
    }

    /// Shape `k`'s vertices (its parts' rings, one after the other).
    fn vertices(&self, k: usize) -> &[[f32; 2]] {
        let mut all = self.parts(k).flatten();
        let Some(first) = all.next() else {
            return &[];
        };
        let end = all.last().map_or(first.end, |r| r.end);
        &self.coords[first.start..end]
    }

    /// Shape `k`'s box relative to the origin (exact: its vertices are `f32`s).
    fn rel_box(&self, k: usize) -> RelBox {
        self.vertices(k)
            .iter()
            .fold(EMPTY, |b, q| union(b, [q[0], q[1], q[0], q[1]]))
    }

    /// Shape `k` in planar metres, as a feature.
    fn feature(&self, k: usize, origin: [f64; 2]) -> PlanarFeature {
        let path = |r: std::ops::Range<usize>| -> Vec<[f64; 2]> {
            self.coords[r].iter().map(|q| abs(*q, origin)).collect()
        };
        let head = self.heads[k];
        let geom = if head.polygons {
            PlanarGeom::Polygons(
                self.parts(k)
                    .map(|rings| rings.map(path).collect())
                    .collect(),
            )
        } else {
            PlanarGeom::Lines(self.parts(k).flatten().map(path).collect())
        };
        let b = self.rel_box(k);
        PlanarFeature {
            geom,
            bbox: WorldRect {
                min: abs([b[0], b[1]], origin),
                max: abs([b[2], b[3]], origin),
            },
            anchor: abs(head.anchor, origin),
        }
    }

    /// Heap bytes held.
    fn heap_bytes(&self) -> usize {
        self.of_slot.capacity() * 4
            + self.heads.capacity() * std::mem::size_of::<Head>()
            + self.part_ends.capacity() * 4
            + self.ring_ends.capacity() * 4
            + self.coords.capacity() * 8
    }
}

/// One chunk of a layer: up to [`CHUNK`] consecutive feature slots.
#[derive(Debug, Clone, Default)]
pub(super) struct Chunk {
    /// Slots in this chunk.
    len: usize,
    /// Per slot (or empty when no slot holds a compact point): the offsets of a single
    /// point, x NaN for a slot that is not one.
    points: Vec<[f32; 2]>,
    /// The lines and polygons kept flat in `f32`.
    shapes: Shapes,
    /// Per slot (or empty when every feature is a compact point, a flat shape or null):
    /// the features kept in `f64`.
    others: Vec<Option<PlanarFeature>>,
    tree: ChunkTree,
}

/// A packed R-tree over one chunk's slots.
#[derive(Debug, Clone, Default)]
struct ChunkTree {
    /// Leaf position → slot.
    order: Vec<u16>,
    /// Slot → leaf position.
    leaf_of: Vec<u16>,
    /// Node boxes, level 1 (parents of leaves) first, up to the root.
    boxes: Vec<RelBox>,
    /// Where each level starts in `boxes`, and the end.
    levels: Vec<u32>,
}

impl Chunk {
    /// A chunk of these features (at most [`CHUNK`]), its tree built.
    pub(super) fn new(features: Vec<Option<PlanarFeature>>, origin: [f64; 2]) -> Chunk {
        debug_assert!(features.len() <= CHUNK);
        let mut c = Chunk {
            len: features.len(),
            ..Chunk::default()
        };
        // The flat shapes' buffers at their exact sizes (grown by doubling they would
        // keep up to half again as much, for the session).
        let (mut shapes, mut sizes) = (0, [0usize; 3]);
        for f in features.iter().flatten() {
            if let Some(s) = flat_sizes(f, origin) {
                shapes += 1;
                (0..3).for_each(|k| sizes[k] += s[k]);
            }
        }
        c.shapes.reserve(shapes, sizes);
        for (j, f) in features.into_iter().enumerate() {
            c.put(j, f, origin);
        }
        c.build_tree(origin);
        c
    }

    /// Slots in this chunk.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Stores a feature in slot `j` (the tree is not touched).
    fn put(&mut self, j: usize, f: Option<PlanarFeature>, origin: [f64; 2]) {
        if let Some(p) = self.points.get_mut(j) {
            *p = [f32::NAN; 2];
        }
        if let Some(k) = self.shapes.of_slot.get_mut(j) {
            *k = NO_SHAPE;
        }
        if let Some(o) = self.others.get_mut(j) {
            *o = None;
        }
        let Some(f) = f else {
            return;
        };
        if let PlanarGeom::Point(p) = f.geom
            && let Some(q) = compact(p, origin)
        {
            if self.points.is_empty() {
                self.points = vec![[f32::NAN; 2]; self.len];
            }
            self.points[j] = q;
        } else if let Some(k) = self.shapes.push(&f, origin) {
            if self.shapes.of_slot.is_empty() {
                self.shapes.of_slot = vec![NO_SHAPE; self.len];
            }
            self.shapes.of_slot[j] = k;
        } else {
            if self.others.is_empty() {
                self.others = vec![None; self.len];
            }
            self.others[j] = Some(f);
        }
    }

    /// The compact point in slot `j`.
    fn compact_point(&self, j: usize) -> Option<[f32; 2]> {
        self.points.get(j).copied().filter(|p| !p[0].is_nan())
    }

    /// The feature in slot `j`.
    pub(super) fn get(&self, j: usize, origin: [f64; 2]) -> Option<Cow<'_, PlanarFeature>> {
        if let Some(q) = self.compact_point(j) {
            return Some(Cow::Owned(point_feature(abs(q, origin))));
        }
        if let Some(k) = self.shapes.of(j) {
            return Some(Cow::Owned(self.shapes.feature(k, origin)));
        }
        self.others.get(j)?.as_ref().map(Cow::Borrowed)
    }

    /// The point of a single-point feature in slot `j`.
    pub(super) fn point(&self, j: usize, origin: [f64; 2]) -> Option<[f64; 2]> {
        match self.compact_point(j) {
            Some(q) => Some(abs(q, origin)),
            None => match self.others.get(j)?.as_ref()?.geom {
                PlanarGeom::Point(p) => Some(p),
                _ => None,
            },
        }
    }

    /// Whether slot `j` holds polygons (`Some(true)`), lines or anything else
    /// (`Some(false)`), with its bounding box, without building the feature.
    pub(super) fn outline(&self, j: usize, origin: [f64; 2]) -> Option<(bool, WorldRect)> {
        let polygons = match self.shapes.of(j) {
            Some(k) => self.shapes.heads[k].polygons,
            None if self.compact_point(j).is_some() => false,
            None => matches!(self.others.get(j)?.as_ref()?.geom, PlanarGeom::Polygons(_)),
        };
        Some((polygons, self.bbox(j, origin)?))
    }

    /// Whether slot `j` holds a feature.
    pub(super) fn has(&self, j: usize) -> bool {
        self.compact_point(j).is_some()
            || self.shapes.of(j).is_some()
            || self.others.get(j).is_some_and(Option::is_some)
    }

    /// The bounding box of slot `j` in planar metres.
    pub(super) fn bbox(&self, j: usize, origin: [f64; 2]) -> Option<WorldRect> {
        if let Some(q) = self.compact_point(j) {
            let p = abs(q, origin);
            return Some(WorldRect { min: p, max: p });
        }
        if let Some(k) = self.shapes.of(j) {
            let b = self.shapes.rel_box(k);
            return Some(WorldRect {
                min: abs([b[0], b[1]], origin),
                max: abs([b[2], b[3]], origin),
            });
        }
        self.others.get(j)?.as_ref().map(|f| f.bbox)
    }

    /// The bounding box of slot `j` relative to the origin, rounded outwards.
    fn rel_box(&self, j: usize, origin: [f64; 2]) -> RelBox {
        if let Some(k) = self.shapes.of(j) {
            return self.shapes.rel_box(k);
        }
        match self.compact_point(j) {
            Some(q) => [q[0], q[1], q[0], q[1]],
            None => match self.others.get(j).and_then(Option::as_ref) {
                Some(f) => rel_rect(&f.bbox, origin),
                None => EMPTY,
            },
        }
    }

    /// The extent of the chunk's features.
    pub(super) fn extent(&self, origin: [f64; 2]) -> Option<WorldRect> {
        (0..self.len)
            .filter_map(|j| self.bbox(j, origin))
            .reduce(|a, b| a.union(&b))
    }

    /// Replaces slot `j` and updates the tree along that leaf's path.
    pub(super) fn set(&mut self, j: usize, f: Option<PlanarFeature>, origin: [f64; 2]) {
        if j >= self.len {
            return;
        }
        self.put(j, f, origin);
        let t = &self.tree;
        let Some(&k) = t.leaf_of.get(j) else {
            return;
        };
        let mut m = k as usize / NODE;
        let n = self.len;
        let mut b = EMPTY;
        for pos in m * NODE..((m + 1) * NODE).min(n) {
            b = union(b, self.rel_box(t.order[pos] as usize, origin));
        }
        let t = &mut self.tree;
        let mut level = 0;
        loop {
            let start = t.levels[level] as usize;
            t.boxes[start + m] = b;
            if level + 2 >= t.levels.len() {
                break;
            }
            let count = t.levels[level + 1] as usize - start;
            let parent = m / NODE;
            b = t.boxes[start + parent * NODE..start + ((parent + 1) * NODE).min(count)]
                .iter()
                .fold(EMPTY, |a, c| union(a, *c));
            m = parent;
            level += 1;
        }
    }

    /// Builds the tree: slots in sort-tile-recursive order (by x in vertical strips,
    /// by y within a strip), then node boxes level by level.
    fn build_tree(&mut self, origin: [f64; 2]) {
        let n = self.len;
        let rel: Vec<RelBox> = (0..n).map(|j| self.rel_box(j, origin)).collect();
        let centre = |b: &RelBox| {
            if b[0] > b[2] {
                [f32::INFINITY; 2]
            } else {
                [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]
            }
        };
        let mut order: Vec<u16> = (0..n as u32).map(|j| j as u16).collect();
        order.sort_unstable_by(|a, b| {
            centre(&rel[*a as usize])[0].total_cmp(&centre(&rel[*b as usize])[0])
        });
        let leaves_per_strip = {
            let nodes = n.div_ceil(NODE);
            let strips = (nodes as f64).sqrt().ceil().max(1.0) as usize;
            nodes.div_ceil(strips) * NODE
        };
        if leaves_per_strip > 0 {
            for strip in order.chunks_mut(leaves_per_strip) {
                strip.sort_unstable_by(|a, b| {
                    centre(&rel[*a as usize])[1].total_cmp(&centre(&rel[*b as usize])[1])
                });
            }
        }
        let mut leaf_of = vec![0u16; n];
        for (k, &j) in order.iter().enumerate() {
            leaf_of[j as usize] = k as u16;
        }
        let mut boxes: Vec<RelBox> = order
            .chunks(NODE)
            .map(|g| g.iter().fold(EMPTY, |a, j| union(a, rel[*j as usize])))
            .collect();
        let mut levels = vec![0u32];
        let mut start = 0;
        while boxes.len() - start > 1 {
            let end = boxes.len();
            levels.push(end as u32);
            let next: Vec<RelBox> = boxes[start..end]
                .chunks(NODE)
                .map(|g| g.iter().fold(EMPTY, |a, c| union(a, *c)))
                .collect();
            boxes.extend(next);
            start = end;
        }
        levels.push(boxes.len() as u32);
        self.tree = ChunkTree {
            order,
            leaf_of,
            boxes,
            levels,
        };
    }

    /// Calls `f` with every slot whose bounding box meets `rect` (`q`: the same,
    /// relative and rounded outwards).
    pub(super) fn query(
        &self,
        rect: &WorldRect,
        q: &RelBox,
        origin: [f64; 2],
        f: &mut impl FnMut(usize),
    ) {
        let t = &self.tree;
        if self.len == 0 || t.levels.len() < 2 {
            return;
        }
        let top = t.levels.len() - 2;
        let mut stack: Vec<(usize, usize)> = Vec::with_capacity(32);
        let top_count = (t.levels[top + 1] - t.levels[top]) as usize;
        stack.extend((0..top_count).map(|m| (top, m)));
        while let Some((level, m)) = stack.pop() {
            if !meets(&t.boxes[t.levels[level] as usize + m], q) {
                continue;
            }
            if level == 0 {
                for &j in &t.order[m * NODE..((m + 1) * NODE).min(self.len)] {
                    let j = j as usize;
                    let hit = self.bbox(j, origin).is_some_and(|b| {
                        b.min[0] <= rect.max[0]
                            && b.max[0] >= rect.min[0]
                            && b.min[1] <= rect.max[1]
                            && b.max[1] >= rect.min[1]
                    });
                    if hit {
                        f(j);
                    }
                }
            } else {
                let below = (t.levels[level] - t.levels[level - 1]) as usize;
                stack.extend((m * NODE..((m + 1) * NODE).min(below)).map(|c| (level - 1, c)));
            }
        }
    }

    /// Heap bytes held by this chunk (its `others` counted inline only).
    pub(super) fn heap_bytes(&self) -> usize {
        self.points.capacity() * 8
            + self.shapes.heap_bytes()
            + self.others.capacity() * std::mem::size_of::<Option<PlanarFeature>>()
            + self.tree.order.capacity() * 2
            + self.tree.leaf_of.capacity() * 2
            + self.tree.boxes.capacity() * 16
            + self.tree.levels.capacity() * 4
    }
}

/// Relative offsets back to planar metres.
fn abs(q: [f32; 2], origin: [f64; 2]) -> [f64; 2] {
    [origin[0] + q[0] as f64, origin[1] + q[1] as f64]
}
