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

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use resvg::tiny_skia;

use super::projected::ProjectedLayer;
use super::scene::RasterItem;
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

/// A point layer's grid levels for one classification, built on first use.
#[derive(Debug)]
pub struct PointLevels {
    /// The drawable points, in index order.
    points: Vec<LevelPoint>,
    /// Level k holds cells of 2^(k + MIN_EXP) metres.
    levels: Vec<OnceLock<GridLevel>>,
}

impl PointLevels {
    /// The levels of a layer's features; `class(i)` is feature `i`'s symbol, `None`
    /// when it has none. `None` when a drawable feature is not a single point (lines,
    /// polygons and multi-points are drawn one by one).
    pub fn new(
        layer: &ProjectedLayer,
        class: impl Fn(usize) -> Option<u16>,
    ) -> Option<PointLevels> {
        let mut points = Vec::new();
        for i in 0..layer.len() {
            let Some(c) = class(i) else { continue };
            match layer.point(i) {
                Some(p) => points.push((i as u32, p, c)),
                None if layer.has_feature(i) => return None,
                None => {}
            }
        }
        Some(PointLevels {
            points,
            levels: (MIN_EXP..=MAX_EXP).map(|_| OnceLock::new()).collect(),
        })
    }

    /// How many drawable points the layer has.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the layer has no drawable point.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The level with the largest cells no larger than `cell` metres (the finest level
    /// when `cell` is smaller than every level), built now if it was not yet.
    pub fn level_at_most(&self, cell: f64) -> &GridLevel {
        self.level(exp_at_most(cell))
    }

    /// The level with the smallest cells no smaller than `cell` metres.
    pub fn level_at_least(&self, cell: f64) -> &GridLevel {
        let exp = if cell.is_finite() && cell > 0.0 {
            (cell.log2().ceil() as i32).clamp(MIN_EXP, MAX_EXP)
        } else {
            MAX_EXP
        };
        self.level(exp)
    }

    fn level(&self, exp: i32) -> &GridLevel {
        let k = (exp - MIN_EXP) as usize;
        self.levels[k].get_or_init(|| GridLevel::build(&self.points, 2f64.powi(exp)))
    }

    /// About how many drawable points lie in `rect` (counted on cells of about a
    /// sixteenth of its larger side, so cheaply and never fewer than there are).
    pub fn estimate_in(&self, rect: &WorldRect) -> u64 {
        let side = rect.width().max(rect.height()) / 16.0;
        self.level_at_least(side).count_in(rect)
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
        })
    }

    /// Widens the inked box to `[x0, x1) × [y0, y1)`.
    fn ink(&mut self, x0: usize, x1: usize, y0: usize, y1: usize) {
        let k = &mut self.ink;
        *k = [k[0].min(x0), k[1].min(y0), k[2].max(x1), k[3].max(y1)];
    }

    fn blend(&mut self, x: usize, y: usize, src: [u8; 4]) {
        let at = (y * self.width + x) * 4;
        let dst = &mut self.pixels[at..at + 4];
        let keep = 255 - src[3] as u32;
        for k in 0..4 {
            dst[k] = (src[k] as u32 + (dst[k] as u32 * keep + 127) / 255).min(255) as u8;
        }
    }

    /// Stamps a symbol centred on `c` (display units).
    pub fn stamp(&mut self, c: [f32; 2], stamp: &Stamp) {
        self.features += 1;
        let side = stamp.side as i64;
        let half = stamp.side as f32 / 2.0;
        let x0 = ((c[0] - self.rect.min[0]) * self.scale - half).round() as i64;
        let y0 = ((c[1] - self.rect.min[1]) * self.scale - half).round() as i64;
        // The part of the stamp inside the picture.
        let (sx0, sx1) = (
            (-x0).clamp(0, side),
            (self.width as i64 - x0).clamp(0, side),
        );
        let (sy0, sy1) = (
            (-y0).clamp(0, side),
            (self.height as i64 - y0).clamp(0, side),
        );
        if sx0 >= sx1 || sy0 >= sy1 {
            return;
        }
        let (sx0, sx1) = (sx0 as usize, sx1 as usize);
        self.ink(
            (x0 + sx0 as i64) as usize,
            (x0 + sx1 as i64) as usize,
            (y0 + sy0) as usize,
            (y0 + sy1) as usize,
        );
        for sy in sy0 as usize..sy1 as usize {
            let src = &stamp.pixels[(sy * stamp.side + sx0) * 4..(sy * stamp.side + sx1) * 4];
            let at = ((y0 + sy as i64) as usize * self.width + (x0 + sx0 as i64) as usize) * 4;
            let dst = &mut self.pixels[at..at + src.len()];
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

    /// Fills a box (display units) with a colour; pixels it covers in part get that
    /// part of the colour. An area a few pixels across drawn this way looks as it
    /// would drawn exactly.
    pub fn fill_box(&mut self, b: ScreenRect, color: Rgba) {
        self.features += 1;
        if color.a == 0 {
            return;
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
        if xa >= xb || ya >= yb {
            return;
        }
        self.ink(xa as usize, xb as usize, ya as usize, yb as usize);
        for y in ya as usize..yb as usize {
            let cy = (y1.min(y as f32 + 1.0) - y0.max(y as f32)).clamp(0.0, 1.0);
            for x in xa as usize..xb as usize {
                let cx = (x1.min(x as f32 + 1.0) - x0.max(x as f32)).clamp(0.0, 1.0);
                let a = color.a as f32 / 255.0 * cx * cy;
                if a <= 0.0 {
                    continue;
                }
                let pre = |c: u8| (c as f32 * a).round() as u8;
                self.blend(
                    x,
                    y,
                    [
                        pre(color.r),
                        pre(color.g),
                        pre(color.b),
                        (a * 255.0).round() as u8,
                    ],
                );
            }
        }
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
            let mut out = Vec::with_capacity(w * h * 4);
            for y in y0..y1 {
                let at = (y * self.width + x0) * 4;
                out.extend_from_slice(&self.pixels[at..at + w * 4]);
            }
            out
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

/// Stamps symbols (centres in display units, in drawing order) into a picture of
/// `rect` at `scale` pixels per display unit. `None` as [`Picture::new`].
pub fn rasterize<'a>(
    rect: ScreenRect,
    scale: f32,
    layer: u32,
    points: impl IntoIterator<Item = ([f32; 2], &'a Stamp)>,
) -> Option<RasterItem> {
    let mut p = Picture::new(rect, scale)?;
    for (c, stamp) in points {
        p.stamp(c, stamp);
    }
    Some(p.finish(layer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::projected::{PlanarFeature, PlanarGeom};

    fn feature(p: [f64; 2]) -> Option<PlanarFeature> {
        PlanarFeature::from_geom(PlanarGeom::Point(p))
    }

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
        let r = rasterize(rect, 2.0, 3, [([15.0, 15.0], &s), ([100.0, 100.0], &s)]).unwrap();
        // Of the 40 × 20 picture only the stamp's 16 × 16 pixels are kept, in place:
        // pixels 2..18 of the picture, 1 to 9 display units from its corner.
        assert_eq!((r.width, r.height, r.layer, r.features), (16, 16, 3, 2));
        assert_eq!((r.rect.min, r.rect.max), ([11.0, 11.0], [19.0, 19.0]));
        let at = |x: usize, y: usize| &r.pixels[(y * 16 + x) * 4..(y * 16 + x) * 4 + 4];
        // The centre (15, 15) is pixel (10, 10) of the picture, (8, 8) of the crop.
        assert_eq!(at(8, 8), &[200, 0, 0, 255]);
        assert_eq!(at(0, 0)[3], 0);
        assert!(rasterize(rect, 0.0, 0, std::iter::empty()).is_none());
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
    fn levels_are_powers_of_two_and_only_points_are_aggregated() {
        let features = vec![feature([0.0, 0.0]), None, feature([10.0, 10.0])];
        let lv = PointLevels::new(&ProjectedLayer::from_features(features.clone()), |_| {
            Some(0)
        })
        .unwrap();
        assert_eq!(lv.len(), 2);
        assert_eq!(lv.level_at_most(3.0).size, 2.0);
        assert_eq!(lv.level_at_least(3.0).size, 4.0);
        assert_eq!(lv.level_at_most(0.01).size, 0.25);
        assert_eq!(lv.estimate_in(&rect([-1.0, -1.0], [11.0, 11.0])), 2);
        // Features without a symbol are left out.
        let lv = PointLevels::new(&ProjectedLayer::from_features(features.clone()), |i| {
            (i != 0).then_some(0)
        })
        .unwrap();
        assert_eq!(lv.len(), 1);
        let line = PlanarFeature::from_geom(PlanarGeom::Lines(vec![vec![[0.0, 0.0], [1.0, 1.0]]]));
        assert!(
            PointLevels::new(&ProjectedLayer::from_features(vec![line]), |_| Some(0)).is_none()
        );
    }
}
