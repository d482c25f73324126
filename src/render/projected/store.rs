//! The compact, chunked store behind [`ProjectedLayer`](super::ProjectedLayer).
//!
//! Features are kept in chunks of [`CHUNK`] slots, each behind an `Arc`, so editing a
//! layer that a drawing worker still holds copies one chunk (copy-on-write through
//! `Arc::make_mut`), not the layer. In a chunk, a single point is two `f32` offsets from
//! the layer's origin (no bounding box or anchor: both are the point); any other
//! geometry (and a point too far from the origin for millimetres in `f32`) stays a
//! [`PlanarFeature`] in `f64`. Each chunk has its own packed R-tree (sort-tile-recursive
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

/// One chunk of a layer: up to [`CHUNK`] consecutive feature slots.
#[derive(Debug, Clone, Default)]
pub(super) struct Chunk {
    /// Slots in this chunk.
    len: usize,
    /// Per slot (or empty when no slot holds a compact point): the offsets of a single
    /// point, x NaN for a slot that is not one.
    points: Vec<[f32; 2]>,
    /// Per slot (or empty when every feature is a compact point or null): the features
    /// that are not compact points.
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
        let q = f.as_ref().and_then(|f| match f.geom {
            PlanarGeom::Point(p) => compact(p, origin),
            _ => None,
        });
        if let Some(q) = q {
            if self.points.is_empty() {
                self.points = vec![[f32::NAN; 2]; self.len];
            }
            self.points[j] = q;
            if let Some(o) = self.others.get_mut(j) {
                *o = None;
            }
        } else {
            if let Some(p) = self.points.get_mut(j) {
                *p = [f32::NAN; 2];
            }
            if f.is_some() && self.others.is_empty() {
                self.others = vec![None; self.len];
            }
            if let Some(o) = self.others.get_mut(j) {
                *o = f;
            }
        }
    }

    /// The compact point in slot `j`.
    fn compact_point(&self, j: usize) -> Option<[f32; 2]> {
        self.points.get(j).copied().filter(|p| !p[0].is_nan())
    }

    /// The feature in slot `j`.
    pub(super) fn get(&self, j: usize, origin: [f64; 2]) -> Option<Cow<'_, PlanarFeature>> {
        match self.compact_point(j) {
            Some(q) => Some(Cow::Owned(point_feature(abs(q, origin)))),
            None => self.others.get(j)?.as_ref().map(Cow::Borrowed),
        }
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

    /// Whether slot `j` holds a feature.
    pub(super) fn has(&self, j: usize) -> bool {
        self.compact_point(j).is_some() || self.others.get(j).is_some_and(Option::is_some)
    }

    /// The bounding box of slot `j` in planar metres.
    fn bbox(&self, j: usize, origin: [f64; 2]) -> Option<WorldRect> {
        match self.compact_point(j) {
            Some(q) => {
                let p = abs(q, origin);
                Some(WorldRect { min: p, max: p })
            }
            None => self.others.get(j)?.as_ref().map(|f| f.bbox),
        }
    }

    /// The bounding box of slot `j` relative to the origin, rounded outwards.
    fn rel_box(&self, j: usize, origin: [f64; 2]) -> RelBox {
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
                    let hit = match self.compact_point(j) {
                        Some(c) => {
                            let p = abs(c, origin);
                            p[0] >= rect.min[0]
                                && p[0] <= rect.max[0]
                                && p[1] >= rect.min[1]
                                && p[1] <= rect.max[1]
                        }
                        None => self
                            .others
                            .get(j)
                            .and_then(Option::as_ref)
                            .is_some_and(|o| {
                                o.bbox.min[0] <= rect.max[0]
                                    && o.bbox.max[0] >= rect.min[0]
                                    && o.bbox.min[1] <= rect.max[1]
                                    && o.bbox.max[1] >= rect.min[1]
                            }),
                    };
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
