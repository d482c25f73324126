//! Point layers at overview scales: one symbol per small grid cell instead of one per
//! feature, so that drawing a million enterprises costs what drawing the cells on the
//! screen costs.
//!
//! A point layer is binned into square cells of 2^k metres ([`GridLevel`]). Each
//! occupied cell keeps how many features fall in it and the one drawn on top (the
//! highest feature index: features are drawn in index order, so it is the symbol a
//! reader sees there). When a view holds more points than
//! [`BuildOptions::aggregate_above`](super::BuildOptions), [`build_scene`](super::build_scene)
//! draws only each cell's top feature, at its own position with its own symbol, on
//! cells a fraction of the symbol's size: the picture is the same heap of symbols,
//! while the number drawn is bounded by the view's area, not by the layer's size
//! (the per-pixel aggregation of datashader, or QGIS' "render features as a
//! point cluster" past a count, without changing the look).
//!
//! Levels are built on first use (a sort of the layer's points; on a worker in the
//! desktop) and kept with the layer's planar copy
//! ([`ProjectedLayer`](super::ProjectedLayer)) for that classification, so
//! zooming reuses them; re-projecting a layer (an edit) drops them. No GUI, no I/O.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use resvg::tiny_skia;

mod shape;

use super::scene::{PolygonItem, RasterItem};
use super::style::{MarkerShape, Rgba, Stroke};
use super::view::{ScreenRect, WorldRect};

/// Smallest cell edge: 2^-2 = 0.25 m.
const MIN_EXP: i32 = -2;
/// Largest cell edge: 2^17 = 131 km (one cell holds any park).
const MAX_EXP: i32 = 17;

/// One occupied cell of a grid level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Column (x / size, rounded down).
    pub col: i32,
    /// Row (y / size, rounded down).
    pub row: i32,
    /// The feature drawn on top in this cell (the highest index).
    pub top: u32,
    /// How many drawable features fall in the cell.
    pub count: u32,
    /// Where the top feature is (planar metres): drawing a cell reads no feature.
    pub at: [f64; 2],
    /// The top feature's symbol (its class in the classification the levels are for).
    pub class: u16,
}

/// A drawable point: feature index, position, symbol class.
pub type LevelPoint = (u32, [f64; 2], u16);

/// A layer's points binned into square cells of one size.
#[derive(Debug, Clone, PartialEq)]
pub struct GridLevel {
    /// Cell edge in planar metres.
    pub size: f64,
    /// Occupied cells sorted by (column, row).
    cells: Vec<Cell>,
}

fn pack(col: i32, row: i32) -> u64 {
    (((col as i64 - i32::MIN as i64) as u64) << 32) | ((row as i64 - i32::MIN as i64) as u64)
}

fn cell_of(v: f64, size: f64) -> i32 {
    (v / size).floor().clamp(i32::MIN as f64, i32::MAX as f64) as i32
}

/// The exponent of the level with the largest cells no larger than `cell` metres.
fn exp_at_most(cell: f64) -> i32 {
    if cell.is_finite() && cell > 0.0 {
        (cell.log2().floor() as i32).clamp(MIN_EXP, MAX_EXP)
    } else {
        MIN_EXP
    }
}

/// The edge of the cells [`PointLevels::level_at_most`] picks for `cell` metres, so that
/// a few points binned on their own ([`GridLevel::build`]) fall in the same cells as in
/// the layer's level.
pub fn cell_size_at_most(cell: f64) -> f64 {
    2f64.powi(exp_at_most(cell))
}

impl GridLevel {
    /// Bins `points` into cells of `size` metres.
    pub fn build(points: &[LevelPoint], size: f64) -> GridLevel {
        let mut keyed: Vec<(u64, u32, u32)> = points
            .par_iter()
            .enumerate()
            .with_min_len(4096)
            .map(|(k, (i, p, _))| (pack(cell_of(p[0], size), cell_of(p[1], size)), *i, k as u32))
            .collect();
        keyed.par_sort_unstable();
        let mut cells: Vec<Cell> = Vec::new();
        let mut last_key = None;
        for (key, i, k) in keyed {
            let (_, at, class) = points[k as usize];
            if last_key == Some(key)
                && let Some(c) = cells.last_mut()
            {
                c.count += 1;
                // Sorted by index within the cell: the last one is on top.
                (c.top, c.at, c.class) = (i, at, class);
                continue;
            }
            last_key = Some(key);
            cells.push(Cell {
                col: ((key >> 32) as i64 + i32::MIN as i64) as i32,
                row: ((key & 0xffff_ffff) as i64 + i32::MIN as i64) as i32,
                top: i,
                count: 1,
                at,
                class,
            });
        }
        GridLevel { size, cells }
    }

    /// Every occupied cell.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The occupied cells meeting `rect`, column by column.
    pub fn cells_in<'a>(&'a self, rect: &WorldRect) -> impl Iterator<Item = &'a Cell> + 'a {
        let (c0, c1) = (
            cell_of(rect.min[0], self.size),
            cell_of(rect.max[0], self.size),
        );
        let (r0, r1) = (
            cell_of(rect.min[1], self.size),
            cell_of(rect.max[1], self.size),
        );
        let cells = &self.cells;
        // Jump from one occupied column to the next rather than walk empty ones.
        let mut at = cells.partition_point(|c| pack(c.col, c.row) < pack(c0, r0));
        std::iter::from_fn(move || {
            let c = cells.get(at)?;
            if c.col > c1 {
                return None;
            }
            let col = c.col;
            let lo = at + cells[at..].partition_point(|c| pack(c.col, c.row) < pack(col, r0));
            let hi = lo + cells[lo..].partition_point(|c| pack(c.col, c.row) <= pack(col, r1));
            at = hi + cells[hi..].partition_point(|c| c.col == col);
            Some(&cells[lo..hi])
        })
        .flatten()
    }

    /// The number of features in the cells meeting `rect` (at least the number in
    /// `rect`).
    pub fn count_in(&self, rect: &WorldRect) -> u64 {
        self.cells_in(rect).map(|c| c.count as u64).sum()
    }
}

/// A point layer's grid levels for one classification, built once (on the drawing
/// worker, at the first aggregated view) and read by any zoom without building more.
///
/// The points are sorted once by their cell at the finest level (2^-2 m), keys in
/// column-major order (column, then row, then feature index): 12 bytes a point. A
/// coarser level is kept only when it merges at least half of the cells of the last
/// level kept below it (its key, top feature and count: 16 bytes a cell), so all kept
/// levels together take under 16 bytes a point. Any level is read from the kept level just
/// below it, merging 2^d × 2^d of its cells into one on the fly while walking the view's
/// columns ([`Level::cells_in`]): the work follows the cells in view, never the
/// layer, and nothing is added while zooming.
#[derive(Debug)]
pub struct PointLevels {
    /// How many drawable points.
    len: usize,
    /// The points (shift 0), then the kept coarser levels, by increasing shift.
    runs: Vec<Run>,
}

/// One sorted level: keys of (biased column, biased row) on a grid `shift` levels
/// above the finest, each with its top feature and count.
#[derive(Debug)]
struct Run {
    /// Level above [`MIN_EXP`].
    shift: u32,
    /// `column << 32 | row`, both biased ([`bias`]), sorted; for the points, equal keys
    /// are in feature order.
    keys: Vec<u64>,
    /// The feature on top in each cell (a point's own index in the points run).
    tops: Vec<u32>,
    /// How many points each cell holds; empty for the points (one each).
    counts: Vec<u32>,
}

impl Run {
    fn count(&self, i: usize) -> u32 {
        self.counts.get(i).copied().unwrap_or(1)
    }

    fn bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.tops.capacity() * 4 + self.counts.capacity() * 4
    }
}

/// A cell's column or row on the grid `shift` levels above the finest, offset so that
/// every i32 cell of the finest grid is in 0..2^32. The offset (2^31 finest cells) is a
/// whole number of cells at every level, so a coarser cell is a finer one shifted right:
/// `bias(c >> d, s + d) == bias(c, s) >> d`.
fn bias(c: i32, shift: u32) -> u64 {
    (c as i64 + (1i64 << (31 - shift))) as u64
}

fn unbias(b: u64, shift: u32) -> i32 {
    (b as i64 - (1i64 << (31 - shift))) as i32
}

/// The first index in `from..end` whose key is not below `target` (`end` if none),
/// galloping from `from`: a short skip costs a few steps, a long one a logarithm.
fn gallop(keys: &[u64], from: usize, end: usize, target: u64) -> usize {
    if from >= end || keys[from] >= target {
        return from;
    }
    let (mut lo, mut step) = (from, 1usize);
    loop {
        let next = lo + step;
        if next >= end || keys[next] >= target {
            let hi = next.min(end);
            return lo + 1 + keys[lo + 1..hi].partition_point(|&k| k < target);
        }
        lo = next;
        step *= 2;
    }
}

/// Walks the cells of `run` in columns `cols` and rows `rows` of the grid `d` levels
/// above it (biased, inclusive), merging each 2^d × 2^d block of `run`'s cells into
/// one: `emit(column, row, top, count)` in column-major order.
fn walk(
    run: &Run,
    d: u32,
    cols: (u64, u64),
    rows: (u64, u64),
    emit: &mut impl FnMut(u64, u64, u32, u32),
) {
    let keys = &run.keys;
    let (c0, c1) = (cols.0 << d, ((cols.1 + 1) << d) - 1);
    let (r0, r1) = (rows.0 << d, ((rows.1 + 1) << d) - 1);
    let key = |c: u64, r: u64| (c << 32) | r;
    let end = if c1 >= u32::MAX as u64 {
        keys.len()
    } else {
        keys.partition_point(|&k| k < key(c1 + 1, 0))
    };
    let mut i = keys.partition_point(|&k| k < key(c0, r0));
    // The cells of one column of the coarse grid, before merging: (row, top, count).
    let mut group: Vec<(u64, u32, u32)> = Vec::new();
    let mut group_col = None;
    let mut flush = |col: Option<u64>, group: &mut Vec<(u64, u32, u32)>| {
        let Some(col) = col else { return };
        if d > 0 {
            // 2^d runs already sorted by row: a stable sort merges them.
            group.sort_by_key(|g| g.0);
        }
        let mut k = 0;
        while k < group.len() {
            let (row, mut top, mut count) = group[k];
            k += 1;
            while k < group.len() && group[k].0 == row {
                top = top.max(group[k].1);
                count += group[k].2;
                k += 1;
            }
            emit(col, row, top, count);
        }
        group.clear();
    };
    while i < end {
        let k = keys[i];
        let (col, row) = (k >> 32, k & 0xffff_ffff);
        if row < r0 {
            i = gallop(keys, i, end, key(col, r0));
            continue;
        }
        if row > r1 {
            if col >= u32::MAX as u64 {
                break;
            }
            i = gallop(keys, i, end, key(col + 1, r0));
            continue;
        }
        let coarse = col >> d;
        if group_col != Some(coarse) {
            flush(group_col, &mut group);
            group_col = Some(coarse);
        }
        group.push((row >> d, run.tops[i], run.count(i)));
        i += 1;
    }
    flush(group_col, &mut group);
}

/// Every cell of `run` merged onto the grid one level above it (in parallel over
/// ranges of columns holding about as many cells each).
fn coarsen(run: &Run) -> Run {
    let shift = run.shift + 1;
    let top = (1u64 << (32 - shift)) - 1;
    let n = run.keys.len();
    let parts = if n < 65_536 {
        1
    } else {
        rayon::current_num_threads() * 4
    };
    // Coarse columns where the ranges start: at every part-th cell.
    let mut starts: Vec<u64> = (0..parts)
        .map(|p| {
            if p == 0 {
                0
            } else {
                run.keys[n * p / parts] >> 33
            }
        })
        .collect();
    starts.dedup();
    let ranges: Vec<(u64, u64)> = starts
        .iter()
        .enumerate()
        .map(|(k, &c)| (c, starts.get(k + 1).map_or(top, |next| next - 1)))
        .collect();
    let pieces: Vec<(Vec<u64>, Vec<u32>, Vec<u32>)> = ranges
        .into_par_iter()
        .map(|cols| {
            let (mut keys, mut tops, mut counts) = (Vec::new(), Vec::new(), Vec::new());
            walk(run, 1, cols, (0, top), &mut |c, r, t, n| {
                keys.push((c << 32) | r);
                tops.push(t);
                counts.push(n);
            });
            (keys, tops, counts)
        })
        .collect();
    let total = pieces.iter().map(|p| p.0.len()).sum();
    let mut out = Run {
        shift,
        keys: Vec::with_capacity(total),
        tops: Vec::with_capacity(total),
        counts: Vec::with_capacity(total),
    };
    for (k, t, c) in pieces {
        out.keys.extend_from_slice(&k);
        out.tops.extend_from_slice(&t);
        out.counts.extend_from_slice(&c);
    }
    out
}

impl PointLevels {
    /// The levels of a layer of `len` features; `point(i)` is feature `i`'s position
    /// when it is drawn as a point symbol (`None`: not drawn). Builds them now (a
    /// parallel sort of the points, then one pass per level).
    pub fn new(len: usize, point: impl Fn(usize) -> Option<[f64; 2]> + Sync) -> PointLevels {
        let size = 2f64.powi(MIN_EXP);
        let mut keyed: Vec<(u64, u32)> = (0..len)
            .into_par_iter()
            .with_min_len(4096)
            .filter_map(|i| {
                let p = point(i)?;
                let (c, r) = (cell_of(p[0], size), cell_of(p[1], size));
                Some(((bias(c, 0) << 32) | bias(r, 0), i as u32))
            })
            .collect();
        keyed.par_sort_unstable();
        let points = Run {
            shift: 0,
            keys: keyed.iter().map(|k| k.0).collect(),
            tops: keyed.iter().map(|k| k.1).collect(),
            counts: Vec::new(),
        };
        drop(keyed);
        let n = points.keys.len();
        let mut runs = vec![points];
        // Each level from the one below it (kept or not); kept when it halves the
        // cells of the last kept level.
        let mut below: Option<Run> = None;
        for _ in MIN_EXP + 1..=MAX_EXP {
            let Some(last) = runs.last() else { break };
            let next = coarsen(below.as_ref().unwrap_or(last));
            if next.keys.len() * 2 <= last.keys.len() {
                below = None;
                runs.push(next);
            } else {
                below = Some(next);
            }
        }
        PointLevels { len: n, runs }
    }

    /// How many drawable points the layer has.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the layer has no drawable point.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes the levels hold.
    pub fn bytes(&self) -> usize {
        self.runs.iter().map(Run::bytes).sum()
    }

    /// How many levels are kept besides the points.
    pub fn kept_levels(&self) -> usize {
        self.runs.len().saturating_sub(1)
    }

    /// The level with the largest cells no larger than `cell` metres (the finest level
    /// when `cell` is smaller than every level).
    pub fn level_at_most(&self, cell: f64) -> Level<'_> {
        self.level(exp_at_most(cell))
    }

    /// The level with the smallest cells no smaller than `cell` metres.
    pub fn level_at_least(&self, cell: f64) -> Level<'_> {
        let exp = if cell.is_finite() && cell > 0.0 {
            (cell.log2().ceil() as i32).clamp(MIN_EXP, MAX_EXP)
        } else {
            MAX_EXP
        };
        self.level(exp)
    }

    fn level(&self, exp: i32) -> Level<'_> {
        let shift = (exp - MIN_EXP) as u32;
        // The coarsest kept level not coarser than this one (the points at worst).
        let run = self
            .runs
            .iter()
            .rev()
            .find(|r| r.shift <= shift)
            .unwrap_or(&self.runs[0]);
        Level {
            size: 2f64.powi(exp),
            shift,
            run,
        }
    }

    /// About how many drawable points lie in `rect` (counted on cells of about a
    /// sixteenth of its larger side, so cheaply and never fewer than there are).
    pub fn estimate_in(&self, rect: &WorldRect) -> u64 {
        let side = rect.width().max(rect.height()) / 16.0;
        self.level_at_least(side).count_in(rect)
    }
}

/// One grid level of a layer's [`PointLevels`]: its cells in a rectangle are those a
/// [`GridLevel`] of all the layer's points would have there, read from the kept level
/// below.
#[derive(Debug, Clone, Copy)]
pub struct Level<'a> {
    /// Cell edge in planar metres.
    pub size: f64,
    shift: u32,
    run: &'a Run,
}

impl Level<'_> {
    /// Calls `f(column, row, top, count)` for each occupied cell meeting `rect`, in
    /// column-major order.
    pub fn for_each_in(&self, rect: &WorldRect, mut f: impl FnMut(i32, i32, u32, u32)) {
        let shift = self.shift;
        let max = (1u64 << (32 - shift)) - 1;
        let biased = |v: f64| {
            (cell_of(v, self.size) as i64 + (1i64 << (31 - shift))).clamp(0, max as i64) as u64
        };
        let (c0, c1) = (biased(rect.min[0]), biased(rect.max[0]));
        let (r0, r1) = (biased(rect.min[1]), biased(rect.max[1]));
        if c0 > c1 || r0 > r1 {
            return;
        }
        let d = shift - self.run.shift;
        walk(self.run, d, (c0, c1), (r0, r1), &mut |c, r, top, n| {
            f(unbias(c, shift), unbias(r, shift), top, n)
        });
    }

    /// The occupied cells meeting `rect`, column by column, each with its top
    /// feature's position and symbol from `at(top)` (a cell for which it is `None` is
    /// left out).
    pub fn cells_in(
        &self,
        rect: &WorldRect,
        at: impl Fn(u32) -> Option<([f64; 2], u16)>,
    ) -> Vec<Cell> {
        let mut out = Vec::new();
        self.for_each_in(rect, |col, row, top, count| {
            if let Some((p, class)) = at(top) {
                out.push(Cell {
                    col,
                    row,
                    top,
                    count,
                    at: p,
                    class,
                });
            }
        });
        out
    }

    /// The number of features in the cells meeting `rect` (at least the number in
    /// `rect`).
    pub fn count_in(&self, rect: &WorldRect) -> u64 {
        let mut n = 0u64;
        self.for_each_in(rect, |_, _, _, c| n += c as u64);
        n
    }
}

/// Pixels per display unit (a point on paper) from which stamps are drawn without
/// anti-aliasing: 3 px/pt is 216 dpi, a pixel of 0.12 mm.
pub const PRINT_SCALE: f32 = 3.0;

/// A symbol drawn once into pixels (premultiplied RGBA, by tiny-skia, anti-aliased on
/// screen, hard-edged at print resolution), then stamped at every point of a layer
/// drawn as a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    /// Edge in pixels (square).
    side: usize,
    /// Premultiplied RGBA.
    pixels: Vec<u8>,
}

impl Stamp {
    /// The symbol `shape` of `size` display units with its fill and outline, at `scale`
    /// pixels per display unit. `None` when it draws nothing.
    pub fn new(
        shape: MarkerShape,
        size: f32,
        fill: Option<Rgba>,
        stroke: Option<&Stroke>,
        scale: f32,
    ) -> Option<Stamp> {
        let width = stroke.map_or(0.0, |s| s.width.max(0.0));
        let side = ((size + width) * scale + 2.0).ceil().clamp(1.0, 256.0) as u32;
        let mut pm = tiny_skia::Pixmap::new(side, side)?;
        let c = side as f32 / 2.0;
        let path = if shape == MarkerShape::Circle {
            tiny_skia::PathBuilder::from_circle(c, c, (size * scale / 2.0).max(0.1))?
        } else {
            let mut pb = tiny_skia::PathBuilder::new();
            for (k, p) in shape.outline(size * scale).iter().enumerate() {
                if k == 0 {
                    pb.move_to(p[0] + c, p[1] + c);
                } else {
                    pb.line_to(p[0] + c, p[1] + c);
                }
            }
            pb.close();
            pb.finish()?
        };
        // On screen edges are blended; at print resolution a pixel is under 0.12 mm
        // of paper, where a blended edge cannot be seen, and hard edges keep the
        // picture to its symbols' few colours, which a PDF's deflate packs far tighter.
        let anti_alias = scale < PRINT_SCALE;
        let paint = |col: Rgba| {
            let mut p = tiny_skia::Paint::default();
            p.set_color_rgba8(col.r, col.g, col.b, col.a);
            p.anti_alias = anti_alias;
            p
        };
        let id = tiny_skia::Transform::identity();
        if let Some(f) = fill {
            pm.fill_path(&path, &paint(f), tiny_skia::FillRule::Winding, id, None);
        }
        if let Some(s) = stroke.filter(|s| s.width > 0.0) {
            let st = tiny_skia::Stroke {
                width: s.width * scale,
                ..tiny_skia::Stroke::default()
            };
            pm.stroke_path(&path, &paint(s.color), &st, id, None);
        }
        let pixels = pm.take();
        pixels.chunks_exact(4).any(|p| p[3] > 0).then_some(Stamp {
            side: side as usize,
            pixels,
        })
    }
}

/// A picture being painted: premultiplied RGBA over a rectangle of the view, at a
/// number of pixels per display unit. Symbols are stamped, small areas filled as their
/// boxes (anti-aliased at the edges), in drawing order ("source over").
#[derive(Debug, Clone)]
pub struct Picture {
    rect: ScreenRect,
    scale: f32,
    width: usize,
    height: usize,
    pixels: Vec<u8>,
    features: usize,
    /// Pixels drawn on: `[x0, y0, x1, y1)` (empty while `x0 >= x1`).
    ink: [usize; 4],
    /// Set when the picture is no longer wanted: bands not yet painted are skipped.
    cancel: Option<Arc<AtomicBool>>,
}

impl Picture {
    /// An empty (transparent) picture of `rect` at `scale` pixels per display unit.
    /// `None` when the rectangle is empty or too large (over 64 megapixels).
    pub fn new(rect: ScreenRect, scale: f32) -> Option<Picture> {
        let w = (rect.width() * scale).ceil();
        let h = ((rect.max[1] - rect.min[1]) * scale).ceil();
        if !(w >= 1.0 && h >= 1.0 && w * h <= 64.0e6) {
            return None;
        }
        let (width, height) = (w as usize, h as usize);
        Some(Picture {
            rect,
            scale,
            width,
            height,
            pixels: vec![0u8; width * height * 4],
            features: 0,
            ink: [usize::MAX, usize::MAX, 0, 0],
            cancel: None,
        })
    }

    /// The picture, its painting stopped between bands of rows once `cancel` is set (a
    /// scene build that was cancelled: what is painted then is thrown away).
    pub fn cancelled_by(mut self, cancel: Option<Arc<AtomicBool>>) -> Picture {
        self.cancel = cancel;
        self
    }

    /// Widens the inked box to `[x0, x1) × [y0, y1)`.
    fn ink(&mut self, x0: usize, x1: usize, y0: usize, y1: usize) {
        let k = &mut self.ink;
        *k = [k[0].min(x0), k[1].min(y0), k[2].max(x1), k[3].max(y1)];
    }

    /// Stamps a symbol centred on `c` (display units).
    pub fn stamp(&mut self, c: [f32; 2], stamp: &Stamp) {
        self.features += 1;
        let at = self.stamp_corner(c, stamp);
        let mut ink = self.ink;
        let (width, height) = (self.width, self.height);
        stamp_rows(&mut self.pixels, width, (0, height), at, stamp, &mut ink);
        self.ink = ink;
    }

    /// The picture pixel where the top-left corner of `stamp` centred on `c` falls.
    fn stamp_corner(&self, c: [f32; 2], stamp: &Stamp) -> [i64; 2] {
        let half = stamp.side as f32 / 2.0;
        [
            ((c[0] - self.rect.min[0]) * self.scale - half).round() as i64,
            ((c[1] - self.rect.min[1]) * self.scale - half).round() as i64,
        ]
    }

    /// Stamps symbols in order, as [`Picture::stamp`] one after another would, in
    /// parallel bands of rows ([`Picture::paint_in_bands`]): the same pixels.
    pub fn stamp_all(&mut self, points: &[([f32; 2], &Stamp)]) {
        let corners: Vec<[i64; 2]> = points
            .iter()
            .map(|(c, st)| self.stamp_corner(*c, st))
            .collect();
        let width = self.width;
        self.paint_in_bands(
            points.len(),
            |k| {
                let top = corners[k][1];
                let bottom = top + points[k].1.side as i64;
                (bottom > 0).then(|| (top.max(0) as usize, bottom as usize))
            },
            |k, band, rows, ink| stamp_rows(band, width, rows, corners[k], points[k].1, ink),
        );
    }

    /// Paints `n` items in order, item `k` touching the rows `rows(k)` (`[first, end)`,
    /// `None`: none) and painted by `paint(k, band, band's rows, ink)` into a band of the
    /// picture's rows. Bands are painted in parallel, each with the items that reach it
    /// in their order, so every pixel gets the same items in the same order as painting
    /// them one after another over the whole picture.
    fn paint_in_bands(
        &mut self,
        n: usize,
        rows: impl Fn(usize) -> Option<(usize, usize)>,
        paint: impl Fn(usize, &mut [u8], (usize, usize), &mut [usize; 4]) + Sync,
    ) {
        self.features += n;
        let bands = if n < 4096 || self.height < 64 {
            1
        } else {
            (rayon::current_num_threads() * 4)
                .min(self.height / 16)
                .max(1)
        };
        let per = self.height.div_ceil(bands);
        // Which items reach each band, in order.
        let mut by_band: Vec<Vec<u32>> = vec![Vec::new(); bands];
        for k in 0..n {
            let Some((first, end)) = rows(k) else {
                continue;
            };
            let end = end.min(self.height);
            if first >= end {
                continue;
            }
            for band in by_band
                .iter_mut()
                .take((end - 1) / per + 1)
                .skip(first / per)
            {
                band.push(k as u32);
            }
        }
        let (width, height) = (self.width, self.height);
        let cancel = self.cancel.clone();
        let inks: Vec<[usize; 4]> = self
            .pixels
            .par_chunks_mut(per * width * 4)
            .zip(by_band.par_iter())
            .enumerate()
            .map(|(b, (band, ks))| {
                let first = b * per;
                let mut ink = [usize::MAX, usize::MAX, 0, 0];
                if cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return ink;
                }
                for &k in ks {
                    paint(
                        k as usize,
                        band,
                        (first, (first + per).min(height)),
                        &mut ink,
                    );
                }
                ink
            })
            .collect();
        for k in inks {
            if k[0] < k[2] {
                self.ink(k[0], k[2], k[1], k[3]);
            }
        }
    }

    /// Fills a box (display units) with a colour; pixels it covers in part get that
    /// part of the colour. An area a few pixels across drawn this way looks as it
    /// would drawn exactly.
    pub fn fill_box(&mut self, b: ScreenRect, color: Rgba) {
        self.fill_all(&[(b, color)]);
    }

    /// Fills boxes in order, as [`Picture::fill_box`] one after another would, in
    /// parallel bands of rows: the same pixels.
    pub fn fill_all(&mut self, boxes: &[(ScreenRect, Rgba)]) {
        let areas: Vec<Area> = boxes.iter().map(|(b, c)| Area::Box(*b, *c)).collect();
        self.paint_areas(&areas);
    }

    /// Paints areas in order — boxes as [`Picture::fill_box`], shapes with their fill
    /// and then their outline, each pixel getting the part of it that the shape covers
    /// (exact area) — in parallel bands of rows: the same pixels as painting them one
    /// after another. A dashed outline is drawn solid (keep dashed shapes as shapes).
    pub fn paint_areas(&mut self, areas: &[Area]) {
        let (rect, scale, width, height) = (self.rect, self.scale, self.width, self.height);
        let spans: Vec<Option<Span>> = areas
            .par_iter()
            .map(|a| match a {
                Area::Box(b, color) => self.box_span(b, *color).map(Span::Box),
                Area::Shape(p) => {
                    shape::ShapeSpan::new(p, &rect, scale, width, height).map(Span::Shape)
                }
            })
            .collect();
        self.paint_in_bands(
            areas.len(),
            |k| match &spans[k] {
                Some(Span::Box(s)) => Some((s.ya, s.yb)),
                Some(Span::Shape(s)) => s.rows(),
                None => None,
            },
            |k, band, rows, ink| match &spans[k] {
                Some(Span::Box(s)) => fill_rows(band, width, rows, s, ink),
                Some(Span::Shape(s)) => {
                    if let Area::Shape(p) = &areas[k] {
                        s.paint_rows(p, band, width, rows, ink);
                    }
                }
                None => {}
            },
        );
    }

    /// Where a box (display units) falls on the picture's pixels; `None` when it
    /// draws nothing.
    fn box_span(&self, b: &ScreenRect, color: Rgba) -> Option<BoxSpan> {
        if color.a == 0 {
            return None;
        }
        let px = |v: f32, o: f32| (v - o) * self.scale;
        let (mut x0, mut x1) = (
            px(b.min[0], self.rect.min[0]),
            px(b.max[0], self.rect.min[0]),
        );
        let (mut y0, mut y1) = (
            px(b.min[1], self.rect.min[1]),
            px(b.max[1], self.rect.min[1]),
        );
        if self.scale >= PRINT_SCALE {
            // Hard edges at print resolution, as the stamps: whole pixels, at least one.
            let snap = |a: f32, b: f32| {
                let (a, b) = (a.round(), b.round());
                (a, b.max(a + 1.0))
            };
            (x0, x1) = snap(x0, x1);
            (y0, y1) = snap(y0, y1);
        }
        let (xa, xb) = (x0.floor().max(0.0), x1.ceil().min(self.width as f32));
        let (ya, yb) = (y0.floor().max(0.0), y1.ceil().min(self.height as f32));
        if !(xa < xb && ya < yb) {
            return None;
        }
        Some(BoxSpan {
            x: (x0, x1),
            y: (y0, y1),
            xa: xa as usize,
            xb: xb as usize,
            ya: ya as usize,
            yb: yb as usize,
            color,
        })
    }

    /// Whether nothing was drawn.
    pub fn is_empty(&self) -> bool {
        self.features == 0
    }

    /// The finished picture as a scene item of `layer`, cropped to the pixels drawn
    /// on (each kept pixel stays exactly where it was: a park that fills half the
    /// map frame costs half the pixels to keep, paint, compress and print).
    pub fn finish(self, layer: u32) -> RasterItem {
        let [x0, y0, x1, y1] = self.ink;
        let (x0, y0, x1, y1) = if x0 < x1 && y0 < y1 {
            (x0, y0, x1, y1)
        } else {
            // Nothing drawn: one transparent pixel.
            (0, 0, 1, 1)
        };
        // The display size of one pixel, as the whole picture is stretched to `rect`.
        let px = [
            self.rect.width() / self.width as f32,
            (self.rect.max[1] - self.rect.min[1]) / self.height as f32,
        ];
        let rect = ScreenRect {
            min: [
                self.rect.min[0] + x0 as f32 * px[0],
                self.rect.min[1] + y0 as f32 * px[1],
            ],
            max: [
                self.rect.min[0] + x1 as f32 * px[0],
                self.rect.min[1] + y1 as f32 * px[1],
            ],
        };
        let (w, h) = (x1 - x0, y1 - y0);
        let pixels = if (w, h) == (self.width, self.height) {
            self.pixels
        } else {
            // Cropped in place, row by row towards the start (a row never moves past
            // where it was read from), so no second picture is held while cropping: the
            // 1M park's map at 1:12,000 held three copies of each picture at once.
            let mut pixels = self.pixels;
            let row = w * 4;
            for (i, y) in (y0..y1).enumerate() {
                let at = (y * self.width + x0) * 4;
                pixels.copy_within(at..at + row, i * row);
            }
            pixels.truncate(w * h * 4);
            pixels.shrink_to_fit();
            pixels
        };
        RasterItem {
            rect,
            width: w as u32,
            height: h as u32,
            pixels: Arc::new(pixels),
            layer,
            features: self.features,
        }
    }
}

/// An area painted into a [`Picture`] ([`Picture::paint_areas`]).
#[derive(Debug, Clone)]
pub enum Area {
    /// A box (display units) filled with a colour, no outline.
    Box(ScreenRect, Rgba),
    /// A polygon (display units) with its fill and outline.
    Shape(PolygonItem),
}

/// An area on a picture's pixels.
enum Span {
    Box(BoxSpan),
    Shape(shape::ShapeSpan),
}

/// A box on a picture's pixels: its exact edges (`x`, `y`), the pixels it touches
/// (`xa..xb`, `ya..yb`) and its colour.
#[derive(Debug, Clone, Copy)]
struct BoxSpan {
    x: (f32, f32),
    y: (f32, f32),
    xa: usize,
    xb: usize,
    ya: usize,
    yb: usize,
    color: Rgba,
}

/// Fills the part of a box in the rows `rows.0..rows.1` of `band` (as
/// [`stamp_rows`]); pixels it covers in part get that part of its colour.
fn fill_rows(
    band: &mut [u8],
    width: usize,
    rows: (usize, usize),
    s: &BoxSpan,
    ink: &mut [usize; 4],
) {
    let (ya, yb) = (s.ya.max(rows.0), s.yb.min(rows.1));
    if ya >= yb {
        return;
    }
    *ink = [
        ink[0].min(s.xa),
        ink[1].min(ya),
        ink[2].max(s.xb),
        ink[3].max(yb),
    ];
    let ((x0, x1), (y0, y1), color) = (s.x, s.y, s.color);
    for y in ya..yb {
        let cy = (y1.min(y as f32 + 1.0) - y0.max(y as f32)).clamp(0.0, 1.0);
        for x in s.xa..s.xb {
            let cx = (x1.min(x as f32 + 1.0) - x0.max(x as f32)).clamp(0.0, 1.0);
            let a = color.a as f32 / 255.0 * cx * cy;
            let at = ((y - rows.0) * width + x) * 4;
            blend(&mut band[at..at + 4], color, a);
        }
    }
}

/// Blends `color` (straight alpha, its own alpha ignored) at opacity `a` (0–1) over
/// one premultiplied RGBA pixel, "source over". Nothing for `a <= 0`.
fn blend(dst: &mut [u8], color: Rgba, a: f32) {
    if a <= 0.0 {
        return;
    }
    let pre = |c: u8| (c as f32 * a).round() as u8;
    let src = [
        pre(color.r),
        pre(color.g),
        pre(color.b),
        (a * 255.0).round() as u8,
    ];
    let keep = 255 - src[3] as u32;
    for k in 0..4 {
        dst[k] = (src[k] as u32 + (dst[k] as u32 * keep + 127) / 255).min(255) as u8;
    }
}

/// Blends the rows `rows.0..rows.1` of `stamp`, its top-left corner at picture pixel
/// `at`, into `band`: the picture's rows from `rows.0` (`width` pixels each, premultiplied
/// RGBA, "source over"), clipped to the band and to the picture's width; widens `ink`
/// (`[x0, y0, x1, y1)`, picture pixels) to what it drew on.
fn stamp_rows(
    band: &mut [u8],
    width: usize,
    rows: (usize, usize),
    at: [i64; 2],
    stamp: &Stamp,
    ink: &mut [usize; 4],
) {
    let side = stamp.side as i64;
    let [x0, y0] = at;
    // The part of the stamp inside the band.
    let (sx0, sx1) = ((-x0).clamp(0, side), (width as i64 - x0).clamp(0, side));
    let (sy0, sy1) = (
        (rows.0 as i64 - y0).clamp(0, side),
        (rows.1 as i64 - y0).clamp(0, side),
    );
    if sx0 >= sx1 || sy0 >= sy1 {
        return;
    }
    let (sx0, sx1) = (sx0 as usize, sx1 as usize);
    let (px0, px1) = ((x0 + sx0 as i64) as usize, (x0 + sx1 as i64) as usize);
    let (py0, py1) = ((y0 + sy0) as usize, (y0 + sy1) as usize);
    *ink = [
        ink[0].min(px0),
        ink[1].min(py0),
        ink[2].max(px1),
        ink[3].max(py1),
    ];
    for sy in sy0 as usize..sy1 as usize {
        let src = &stamp.pixels[(sy * stamp.side + sx0) * 4..(sy * stamp.side + sx1) * 4];
        let at = (((y0 + sy as i64) as usize - rows.0) * width + px0) * 4;
        let dst = &mut band[at..at + src.len()];
        for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
            match s[3] {
                0 => {}
                255 => d.copy_from_slice(s),
                a => {
                    let keep = 255 - a as u32;
                    for k in 0..4 {
                        d[k] = (s[k] as u32 + (d[k] as u32 * keep + 127) / 255).min(255) as u8;
                    }
                }
            }
        }
    }
}

/// Stamps symbols (centres in display units, in drawing order) into a picture of
/// `rect` at `scale` pixels per display unit. `None` as [`Picture::new`]. Painting stops
/// between bands of rows once `cancel` is set ([`Picture::cancelled_by`]).
pub fn rasterize<'a>(
    rect: ScreenRect,
    scale: f32,
    layer: u32,
    points: impl IntoIterator<Item = ([f32; 2], &'a Stamp)>,
    cancel: Option<Arc<AtomicBool>>,
) -> Option<RasterItem> {
    let mut p = Picture::new(rect, scale)?.cancelled_by(cancel);
    let points: Vec<([f32; 2], &Stamp)> = points.into_iter().collect();
    p.stamp_all(&points);
    Some(p.finish(layer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(a: [f64; 2], b: [f64; 2]) -> WorldRect {
        WorldRect::from_corners(a, b)
    }

    #[test]
    fn a_cell_keeps_its_count_and_the_feature_drawn_on_top() {
        let pts = vec![
            (0, [0.5, 0.5], 0),
            (1, [0.2, 0.9], 1),
            (2, [1.5, 0.5], 0),
            (3, [-0.5, -0.5], 0),
        ];
        let g = GridLevel::build(&pts, 1.0);
        let cells = g.cells();
        assert_eq!(cells.len(), 3);
        let c = cells.iter().find(|c| c.col == 0 && c.row == 0).unwrap();
        assert_eq!((c.count, c.top, c.at, c.class), (2, 1, [0.2, 0.9], 1));
        let neg = cells.iter().find(|c| c.col == -1 && c.row == -1).unwrap();
        assert_eq!((neg.count, neg.top), (1, 3));
        assert_eq!(g.count_in(&rect([0.0, 0.0], [0.9, 0.9])), 2);
        assert_eq!(g.count_in(&rect([-5.0, -5.0], [5.0, 5.0])), 4);
        assert_eq!(g.count_in(&rect([3.0, 3.0], [5.0, 5.0])), 0);
    }

    #[test]
    fn cells_in_a_rectangle_are_exactly_those_a_scan_finds() {
        // A scattered cloud against a brute-force filter over many rectangles.
        let mut pts = Vec::new();
        let mut s = 7u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) as f64 / (1u64 << 31) as f64) * 200.0 - 100.0
        };
        for i in 0..3000u32 {
            pts.push((i, [next(), next()], 0));
        }
        let g = GridLevel::build(&pts, 4.0);
        assert_eq!(
            g.cells().iter().map(|c| c.count as usize).sum::<usize>(),
            pts.len()
        );
        for _ in 0..200 {
            let r = rect([next(), next()], [next(), next()]);
            let (c0, c1) = (cell_of(r.min[0], 4.0), cell_of(r.max[0], 4.0));
            let (r0, r1) = (cell_of(r.min[1], 4.0), cell_of(r.max[1], 4.0));
            let mut want: Vec<Cell> = g
                .cells()
                .iter()
                .filter(|c| c.col >= c0 && c.col <= c1 && c.row >= r0 && c.row <= r1)
                .copied()
                .collect();
            let mut got: Vec<Cell> = g.cells_in(&r).copied().collect();
            assert!(got.iter().all(|c| pts[c.top as usize].1 == c.at));
            want.sort_by_key(|c| (c.col, c.row));
            got.sort_by_key(|c| (c.col, c.row));
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_cancelled_picture_stops_painting() {
        let red = Rgba::rgb(200, 0, 0);
        let s = Stamp::new(MarkerShape::Circle, 6.0, Some(red), None, 1.0).unwrap();
        let rect = ScreenRect::from_min_size([0.0, 0.0], [400.0, 300.0]);
        // Enough items for bands of rows, over the whole picture.
        let points: Vec<([f32; 2], &Stamp)> = (0..6000)
            .map(|k| ([(k % 100) as f32 * 4.0, (k / 100) as f32 * 5.0], &s))
            .collect();
        let paint = |cancelled: bool| {
            let mut p = Picture::new(rect, 1.0)
                .unwrap()
                .cancelled_by(Some(Arc::new(AtomicBool::new(cancelled))));
            p.stamp_all(&points);
            p.finish(0)
        };
        assert!(paint(false).pixels.iter().any(|b| *b != 0));
        assert!(paint(true).pixels.iter().all(|b| *b == 0));
    }

    #[test]
    fn stamps_draw_the_symbol_and_pictures_place_them() {
        let red = Rgba::rgb(200, 0, 0);
        let st = Stroke::solid(Rgba::WHITE, 1.0);
        let s = Stamp::new(MarkerShape::Circle, 6.0, Some(red), Some(&st), 2.0).unwrap();
        // 6 + 1 units at 2 px, plus a pixel either side.
        assert_eq!(s.side, 16);
        let px = |x: usize, y: usize| &s.pixels[(y * s.side + x) * 4..(y * s.side + x) * 4 + 4];
        assert_eq!(px(8, 8), &[200, 0, 0, 255]);
        assert_eq!(px(0, 0)[3], 0);
        assert!(Stamp::new(MarkerShape::Square, 6.0, None, None, 2.0).is_none());
        // At print resolution edges are hard: every pixel is the fill, the outline or
        // empty; on screen the outline's edge is blended.
        let alphas = |s: &Stamp| {
            let mut a: Vec<u8> = s.pixels.chunks_exact(4).map(|p| p[3]).collect();
            a.sort_unstable();
            a.dedup();
            a
        };
        let print = Stamp::new(MarkerShape::Circle, 6.0, Some(red), Some(&st), 300.0 / 72.0);
        assert_eq!(alphas(&print.unwrap()), vec![0, 255]);
        assert!(alphas(&s).len() > 2);

        let rect = ScreenRect::from_min_size([10.0, 10.0], [20.0, 10.0]);
        let r = rasterize(
            rect,
            2.0,
            3,
            [([15.0, 15.0], &s), ([100.0, 100.0], &s)],
            None,
        )
        .unwrap();
        // Of the 40 × 20 picture only the stamp's 16 × 16 pixels are kept, in place:
        // pixels 2..18 of the picture, 1 to 9 display units from its corner.
        assert_eq!((r.width, r.height, r.layer, r.features), (16, 16, 3, 2));
        assert_eq!((r.rect.min, r.rect.max), ([11.0, 11.0], [19.0, 19.0]));
        let at = |x: usize, y: usize| &r.pixels[(y * 16 + x) * 4..(y * 16 + x) * 4 + 4];
        // The centre (15, 15) is pixel (10, 10) of the picture, (8, 8) of the crop.
        assert_eq!(at(8, 8), &[200, 0, 0, 255]);
        assert_eq!(at(0, 0)[3], 0);
        assert!(rasterize(rect, 0.0, 0, std::iter::empty(), None).is_none());
    }

    #[test]
    fn cropping_in_place_keeps_every_drawn_pixel_where_a_copy_would() {
        let rect = ScreenRect::from_min_size([0.0, 0.0], [37.0, 23.0]);
        let mut p = Picture::new(rect, 1.0).unwrap();
        for (k, (x, y)) in [(5.3, 4.0), (30.0, 6.5), (12.0, 17.2), (21.7, 11.1)]
            .into_iter()
            .enumerate()
        {
            let c = Rgba::rgb(40 * k as u8, 200 - 30 * k as u8, 90);
            p.fill_box(ScreenRect::from_min_size([x, y], [3.5, 2.5]), c);
        }
        let full = p.clone();
        let [x0, y0, x1, y1] = full.ink;
        let mut expected = Vec::new();
        for y in y0..y1 {
            let at = (y * full.width + x0) * 4;
            expected.extend_from_slice(&full.pixels[at..at + (x1 - x0) * 4]);
        }
        let r = p.finish(0);
        assert_eq!((r.width as usize, r.height as usize), (x1 - x0, y1 - y0));
        assert!(
            x0 > 0 && y0 > 0 && x1 < full.width,
            "a real crop: {:?}",
            full.ink
        );
        assert_eq!(r.pixels.as_slice(), expected.as_slice());
    }

    #[test]
    fn boxes_fill_their_pixels_and_part_of_their_edges() {
        let rect = ScreenRect::from_min_size([0.0, 0.0], [10.0, 10.0]);
        let mut p = Picture::new(rect, 1.0).unwrap();
        p.fill_box(
            ScreenRect::from_min_size([2.0, 2.0], [2.5, 2.0]),
            Rgba::rgb(0, 100, 200),
        );
        let r = p.finish(0);
        // Cropped to pixels 2..5 × 2..4, in place.
        assert_eq!((r.width, r.height), (3, 2));
        assert_eq!((r.rect.min, r.rect.max), ([2.0, 2.0], [5.0, 4.0]));
        let at = |x: usize, y: usize| &r.pixels[(y * 3 + x) * 4..(y * 3 + x) * 4 + 4];
        assert_eq!(at(0, 0), &[0, 100, 200, 255]);
        assert_eq!(at(1, 1), &[0, 100, 200, 255]);
        // Half of pixel 4 is covered.
        assert_eq!(at(2, 0)[3], 128);
        assert_eq!(r.features, 1);
        // At print resolution a box covers whole pixels: no blended edge.
        let mut p = Picture::new(rect, PRINT_SCALE).unwrap();
        p.fill_box(
            ScreenRect::from_min_size([1.0, 1.0], [1.1, 0.1]),
            Rgba::rgb(0, 100, 200),
        );
        let r = p.finish(0);
        assert_eq!((r.width, r.height), (3, 1));
        assert!(r.pixels.chunks_exact(4).all(|p| p == [0, 100, 200, 255]));
        // Nothing drawn: one transparent pixel at the corner.
        let r = Picture::new(rect, 1.0).unwrap().finish(0);
        assert_eq!(
            (r.width, r.height, r.pixels.as_slice()),
            (1, 1, &[0u8; 4][..])
        );
    }

    #[test]
    fn levels_are_powers_of_two_and_leave_out_what_is_not_drawn() {
        let features = [Some([0.0, 0.0]), None, Some([10.0, 10.0])];
        let lv = PointLevels::new(features.len(), |i| features[i]);
        assert_eq!(lv.len(), 2);
        assert_eq!(lv.level_at_most(3.0).size, 2.0);
        assert_eq!(lv.level_at_least(3.0).size, 4.0);
        assert_eq!(lv.level_at_most(0.01).size, 0.25);
        assert_eq!(lv.estimate_in(&rect([-1.0, -1.0], [11.0, 11.0])), 2);
        // Features without a symbol are left out.
        let lv = PointLevels::new(features.len(), |i| features[i].filter(|_| i != 0));
        assert_eq!(lv.len(), 1);
        let empty = PointLevels::new(0, |_| None);
        assert!(empty.is_empty());
        assert_eq!(
            empty
                .level_at_most(1.0)
                .count_in(&rect([-1e9, -1e9], [1e9, 1e9])),
            0
        );
    }

    /// A generator of numbers in [0, 1) (a linear congruential one: tests repeat).
    fn uniform_f32(seed: u64) -> impl FnMut() -> f32 {
        let mut u = uniform(seed);
        move || u() as f32
    }

    /// Opaque, translucent and transparent colours for the banded painting tests.
    const BAND_COLOURS: [Rgba; 3] = [
        Rgba::rgb(200, 0, 0),
        Rgba::new(0, 90, 200, 90),
        Rgba::new(255, 255, 255, 0),
    ];

    fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as f64 / (1u64 << 31) as f64
        }
    }

    /// A scattered layer: clusters of different densities (so that some levels are
    /// kept and some read from the level below), negative coordinates, points on cell
    /// edges and several points on one spot.
    fn scattered(n: u32, seed: u64) -> Vec<LevelPoint> {
        let mut next = uniform(seed);
        (0..n)
            .map(|i| {
                let p = match i % 5 {
                    // A wide sparse spread.
                    0 | 1 => [next() * 4000.0 - 2500.0, next() * 3000.0 - 1000.0],
                    // A dense cluster.
                    2 | 3 => [300.0 + next() * 40.0, -200.0 + next() * 25.0],
                    // On whole metres (cell edges at every level), with repeats.
                    _ => [(next() * 64.0).floor() * 4.0, -(next() * 64.0).floor()],
                };
                (i, p, (i % 7) as u16)
            })
            .collect()
    }

    #[test]
    fn every_level_has_the_cells_and_top_features_of_binning_all_its_points() {
        for (n, seed) in [(5_000u32, 3u64), (40_000, 9), (120_000, 11)] {
            let pts = scattered(n, seed);
            // Every third point has no symbol: left out of the levels.
            let drawn: Vec<LevelPoint> = pts.iter().filter(|p| p.0 % 3 != 0).copied().collect();
            let lv = PointLevels::new(pts.len(), |i| Some(pts[i].1).filter(|_| i % 3 != 0));
            assert_eq!(lv.len(), drawn.len());
            assert!(lv.kept_levels() >= 1, "some coarser level is kept");
            let at = |top: u32| Some((pts[top as usize].1, pts[top as usize].2));
            let views = [
                rect([-1e7, -1e7], [1e7, 1e7]),
                rect([-2500.0, -1000.0], [1500.0, 2000.0]),
                rect([290.0, -210.0], [330.0, -180.0]),
                rect([-100.0, -300.0], [700.0, 50.0]),
                rect([4.0, -20.0], [64.0, -4.0]),
                rect([5000.0, 5000.0], [6000.0, 6000.0]),
            ];
            for exp in MIN_EXP..=12 {
                let size = 2f64.powi(exp);
                let level = lv.level_at_most(size);
                assert_eq!(level.size, size);
                let grid = GridLevel::build(&drawn, size);
                for view in &views {
                    let want: Vec<Cell> = grid.cells_in(view).copied().collect();
                    let got = level.cells_in(view, at);
                    assert_eq!(got, want, "n {n}, cells of {size} m, view {view:?}");
                    assert_eq!(level.count_in(view), grid.count_in(view));
                }
            }
        }
    }

    #[test]
    fn levels_kept_halve_the_cells_and_take_under_16_bytes_a_point_in_all() {
        let pts = scattered(40_000, 5);
        let lv = PointLevels::new(pts.len(), |i| Some(pts[i].1));
        for w in lv.runs.windows(2) {
            assert!(w[1].shift > w[0].shift);
            assert!(w[1].keys.len() * 2 <= w[0].keys.len());
        }
        let points = lv.runs[0].bytes();
        assert_eq!(points, 40_000 * 12);
        // Cells of 16 bytes, at most half a point's worth at the first kept level, half
        // as many at each next: under 16 bytes a point in all.
        assert!(lv.bytes() <= points + 40_000 * 16, "{} bytes", lv.bytes());
    }

    #[test]
    fn stamping_in_parallel_bands_paints_what_stamping_one_by_one_paints() {
        let st = Stroke::solid(Rgba::WHITE, 1.0);
        let stamps: Vec<Stamp> = [
            (MarkerShape::Circle, Rgba::rgb(200, 0, 0)),
            (MarkerShape::Square, Rgba::rgb(0, 90, 200)),
            (
                MarkerShape::Triangle,
                Rgba {
                    a: 128,
                    ..Rgba::rgb(0, 160, 0)
                },
            ),
        ]
        .iter()
        .filter_map(|(shape, fill)| Stamp::new(*shape, 7.0, Some(*fill), Some(&st), 1.5))
        .collect();
        assert_eq!(stamps.len(), 3);
        let mut next = {
            let mut u = uniform(21);
            move || u() as f32
        };
        // Overlapping heaps, some half outside the picture.
        let points: Vec<([f32; 2], &Stamp)> = (0..20_000)
            .map(|k| {
                let c = [next() * 420.0 - 10.0, next() * 330.0 - 10.0];
                (c, &stamps[k % stamps.len()])
            })
            .collect();
        let rect = ScreenRect::from_min_size([0.0, 0.0], [400.0, 300.0]);
        let mut one = Picture::new(rect, 1.5).unwrap();
        for (c, st) in &points {
            one.stamp(*c, st);
        }
        let mut all = Picture::new(rect, 1.5).unwrap();
        all.stamp_all(&points);
        assert_eq!((all.features, all.ink), (one.features, one.ink));
        assert!(all.pixels == one.pixels, "the pictures differ");
    }

    #[test]
    fn filling_boxes_in_parallel_bands_paints_what_filling_one_by_one_paints() {
        let mut next = uniform_f32(5);
        let colours = BAND_COLOURS;
        // Overlapping boxes of a fraction of a pixel to a few pixels, some outside.
        let boxes: Vec<(ScreenRect, Rgba)> = (0..20_000)
            .map(|k| {
                let (x, y) = (next() * 420.0 - 10.0, next() * 330.0 - 10.0);
                let b = ScreenRect::from_min_size([x, y], [next() * 4.0, next() * 4.0]);
                (b, colours[k % colours.len()])
            })
            .collect();
        for scale in [1.25, PRINT_SCALE] {
            let rect = ScreenRect::from_min_size([0.0, 0.0], [400.0, 300.0]);
            let mut one = Picture::new(rect, scale).unwrap();
            for (b, c) in &boxes {
                one.fill_all(std::slice::from_ref(&(*b, *c)));
            }
            let mut all = Picture::new(rect, scale).unwrap();
            all.fill_all(&boxes);
            assert_eq!((all.features, all.ink), (one.features, one.ink));
            assert!(all.pixels == one.pixels, "the pictures differ at {scale}");
        }
    }

    fn shape(rings: Vec<Vec<[f32; 2]>>, fill: Option<Rgba>, stroke: Option<Stroke>) -> Area {
        Area::Shape(PolygonItem {
            rings,
            fill,
            stroke,
            tag: None,
        })
    }

    fn square(x: f32, y: f32, w: f32, h: f32) -> Vec<[f32; 2]> {
        vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
    }

    /// The picture's pixels, whole (not cropped).
    fn pixel(p: &Picture, x: usize, y: usize) -> [u8; 4] {
        let at = (y * p.width + x) * 4;
        [
            p.pixels[at],
            p.pixels[at + 1],
            p.pixels[at + 2],
            p.pixels[at + 3],
        ]
    }

    #[test]
    fn a_shape_covers_its_pixels_by_area_as_a_box_does() {
        let rect = ScreenRect::from_min_size([0.0, 0.0], [20.0, 20.0]);
        let colour = Rgba {
            a: 200,
            ..Rgba::rgb(30, 120, 220)
        };
        // Axis-aligned: the exact area of each pixel is what the box fill gives,
        // within a unit of rounding; wound either way.
        for (x, y, w, h) in [
            (2.3, 3.6, 5.5, 4.25),
            (0.0, 0.0, 1.5, 1.0),
            (10.1, 12.9, 0.6, 3.0),
        ] {
            let mut b = Picture::new(rect, 1.5).unwrap();
            b.fill_box(ScreenRect::from_min_size([x, y], [w, h]), colour);
            for ring in [
                square(x, y, w, h),
                square(x, y, w, h).into_iter().rev().collect(),
            ] {
                let mut s = Picture::new(rect, 1.5).unwrap();
                s.paint_areas(&[shape(vec![ring], Some(colour), None)]);
                assert_eq!(s.ink, b.ink, "{x} {y} {w} {h}");
                for (p, q) in s.pixels.iter().zip(&b.pixels) {
                    assert!(p.abs_diff(*q) <= 1, "{p} against {q} for {x} {y} {w} {h}");
                }
            }
        }
        // A triangle covers half of its box: half the box's pixels' alpha.
        let mut s = Picture::new(rect, 1.0).unwrap();
        let red = Rgba::rgb(255, 0, 0);
        s.paint_areas(&[shape(
            vec![vec![[2.0, 2.0], [12.0, 2.0], [2.0, 12.0]]],
            Some(red),
            None,
        )]);
        let alpha: u32 = s.pixels.chunks_exact(4).map(|p| p[3] as u32).sum();
        assert!((alpha as f32 / 255.0 - 50.0).abs() < 0.5, "{alpha}");
        assert_eq!(pixel(&s, 3, 3), [255, 0, 0, 255]);
        assert_eq!(pixel(&s, 10, 10)[3], 0);
    }

    #[test]
    fn a_shape_keeps_its_holes_and_gets_its_outline_over_its_fill() {
        let rect = ScreenRect::from_min_size([0.0, 0.0], [20.0, 20.0]);
        let (fill, line) = (Rgba::rgb(0, 200, 0), Rgba::rgb(0, 0, 0));
        // A hole wound the same way as the outer ring is still a hole.
        for hole in [
            square(6.0, 6.0, 4.0, 4.0),
            square(6.0, 6.0, 4.0, 4.0).into_iter().rev().collect(),
        ] {
            let mut p = Picture::new(rect, 1.0).unwrap();
            p.paint_areas(&[shape(
                vec![square(2.0, 2.0, 12.0, 12.0), hole],
                Some(fill),
                None,
            )]);
            assert_eq!(pixel(&p, 3, 3), [0, 200, 0, 255]);
            assert_eq!(pixel(&p, 7, 7), [0, 0, 0, 0]);
        }
        // An outline 0.5 wide on whole pixels' edges: half of each pixel along it,
        // over the fill inside, not over the pixels away from it.
        let stroke = Stroke::solid(line, 0.5);
        let mut p = Picture::new(rect, 1.0).unwrap();
        p.paint_areas(&[shape(
            vec![square(4.0, 4.0, 8.0, 8.0)],
            Some(fill),
            Some(stroke.clone()),
        )]);
        // Pixel 3 (outside) gets a quarter pixel of black; pixel 4 (inside) the fill
        // and a quarter pixel of black over it.
        assert_eq!(pixel(&p, 3, 8), [0, 0, 0, 64]);
        assert_eq!(pixel(&p, 4, 8), [0, 150, 0, 255]);
        assert_eq!(pixel(&p, 8, 8), [0, 200, 0, 255]);
        // The outline alone: its area is 8.5² − 7.5² = 16 pixels (mitred corners),
        // and so on a square at an angle.
        for ring in [
            square(4.0, 4.0, 8.0, 8.0),
            vec![[10.0, 2.0], [16.0, 8.0], [10.0, 14.0], [4.0, 8.0]],
        ] {
            let side =
                ((ring[1][0] - ring[0][0]).powi(2) + (ring[1][1] - ring[0][1]).powi(2)).sqrt();
            let mut p = Picture::new(rect, 1.0).unwrap();
            p.paint_areas(&[shape(vec![ring], None, Some(stroke.clone()))]);
            let alpha: u32 = p.pixels.chunks_exact(4).map(|p| p[3] as u32).sum();
            let area = alpha as f32 / 255.0;
            let want = (side + 0.5).powi(2) - (side - 0.5).powi(2);
            assert!((area - want).abs() < 0.1, "{area} against {want}");
        }
    }

    #[test]
    fn shapes_in_parallel_bands_paint_what_painting_one_by_one_paints() {
        let mut next = uniform_f32(9);
        let colours = BAND_COLOURS;
        let stroke = Stroke::solid(Rgba::rgb(40, 40, 40), 0.5);
        // Quadrilaterals and boxes of a few pixels, overlapping, some over the edges.
        let areas: Vec<Area> = (0..12_000)
            .map(|k| {
                let (x, y) = (next() * 420.0 - 10.0, next() * 330.0 - 10.0);
                let (w, h) = (1.0 + next() * 7.0, 1.0 + next() * 7.0);
                let colour = colours[k % colours.len()];
                if k % 5 == 0 {
                    Area::Box(ScreenRect::from_min_size([x, y], [w, h]), colour)
                } else {
                    let skew = next() * 2.0;
                    let ring = vec![[x, y], [x + w, y + skew], [x + w - skew, y + h], [x, y + h]];
                    shape(vec![ring], Some(colour), Some(stroke.clone()))
                }
            })
            .collect();
        let rect = ScreenRect::from_min_size([0.0, 0.0], [400.0, 300.0]);
        let mut one = Picture::new(rect, 1.25).unwrap();
        for a in &areas {
            one.paint_areas(std::slice::from_ref(a));
        }
        let mut all = Picture::new(rect, 1.25).unwrap();
        all.paint_areas(&areas);
        assert_eq!((all.features, all.ink), (one.features, one.ink));
        assert!(all.pixels == one.pixels, "the pictures differ");
        assert!(all.pixels.chunks_exact(4).filter(|p| p[3] > 0).count() > 100_000);
    }

    #[test]
    fn skipping_within_sorted_keys_finds_the_first_key_not_below() {
        let keys: Vec<u64> = (0..1000u64).map(|k| k * 3).collect();
        for from in [0usize, 1, 17, 500, 999] {
            for target in [0u64, 1, 3, 50, 1500, 2997, 2998, 5000] {
                let want = from + keys[from..].partition_point(|&k| k < target);
                assert_eq!(gallop(&keys, from, keys.len(), target), want);
            }
        }
        assert_eq!(gallop(&keys, 10, 20, 5000), 20);
    }
}
