//! Small polygons painted into a picture with their fill and outline: exact-area
//! coverage per pixel (the accumulation rasterizer of `ab_glyph_rasterizer`, the
//! font-rs algorithm), so a parcel a few pixels across looks as it does drawn as a
//! shape (anti-aliased fill, then its outline over it), for a few dozen pixel writes
//! instead of a few dozen tessellated vertices painted on every frame.

use std::cell::RefCell;

use ab_glyph_rasterizer::{Point, Rasterizer, point};

use super::super::scene::PolygonItem;
use super::super::style::Rgba;
use super::super::view::ScreenRect;

/// Where a polygon falls on a picture's pixels: the corner of its pixel grid
/// (`origin`, picture pixels, may lie outside the picture) and the grid's size, the
/// mapping from display units to the grid, the fill and the outline (colour, half
/// width in pixels). The rings stay in the [`PolygonItem`].
#[derive(Debug, Clone)]
pub(super) struct ShapeSpan {
    origin: [i64; 2],
    size: [usize; 2],
    /// Display units → grid pixels: `(v - shift) * scale`.
    shift: [f32; 2],
    scale: f32,
    fill: Option<Rgba>,
    stroke: Option<(Rgba, f32)>,
}

thread_local! {
    /// One coverage grid per painting thread, reused from shape to shape.
    static GRID: RefCell<Rasterizer> = RefCell::new(Rasterizer::new(0, 0));
    /// The fill's opacity per pixel of the grid, while the outline is rasterized.
    static COVER: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Coverage under this is taken as none (float residue of the accumulation).
const NO_COVERAGE: f32 = 1.0 / 1024.0;

/// The longest a corner of an outline may reach from its vertex, in half widths
/// (sharper corners are cut there).
const MITER_LIMIT: f32 = 2.0;

impl ShapeSpan {
    /// Where `p` falls on a picture of `rect` at `scale` pixels per display unit;
    /// `None` when it draws nothing there (no fill and no outline, transparent, or
    /// entirely outside the picture's `width × height` pixels). A dashed outline is
    /// drawn solid: callers keep dashed shapes as shapes.
    pub(super) fn new(
        p: &PolygonItem,
        rect: &ScreenRect,
        scale: f32,
        width: usize,
        height: usize,
    ) -> Option<ShapeSpan> {
        let fill = p.fill.filter(|c| c.a > 0);
        let stroke = p
            .stroke
            .as_ref()
            .filter(|s| s.color.a > 0 && s.width > 0.0)
            .map(|s| (s.color, s.width * scale / 2.0));
        if fill.is_none() && stroke.is_none() {
            return None;
        }
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for q in p.rings.iter().flatten() {
            for k in 0..2 {
                let v = (q[k] - rect.min[k]) * scale;
                lo[k] = lo[k].min(v);
                hi[k] = hi[k].max(v);
            }
        }
        if !(lo[0].is_finite() && lo[1].is_finite() && hi[0].is_finite() && hi[1].is_finite()) {
            return None;
        }
        // The outline's reach (its mitred corners) around the rings, and a column on
        // the right for the accumulation's carry past the last pixel an edge touches.
        let m = stroke.map_or(0.0, |s| s.1 * MITER_LIMIT);
        let origin = [(lo[0] - m).floor() as i64, (lo[1] - m).floor() as i64];
        let end = [(hi[0] + m).ceil() as i64 + 1, (hi[1] + m).ceil() as i64];
        if end[0] <= 0 || end[1] <= 0 || origin[0] >= width as i64 || origin[1] >= height as i64 {
            return None;
        }
        Some(ShapeSpan {
            origin,
            size: [(end[0] - origin[0]) as usize, (end[1] - origin[1]) as usize],
            shift: [
                rect.min[0] + origin[0] as f32 / scale,
                rect.min[1] + origin[1] as f32 / scale,
            ],
            scale,
            fill,
            stroke,
        })
    }

    /// The picture rows the shape may touch, `[first, end)`.
    pub(super) fn rows(&self) -> Option<(usize, usize)> {
        let end = self.origin[1] + self.size[1] as i64;
        (end > 0).then(|| (self.origin[1].max(0) as usize, end as usize))
    }

    /// Paints the part of `p` (the polygon this span was made for) in the rows
    /// `rows.0..rows.1` of `band` (the picture's rows from `rows.0`, `width` pixels
    /// each, premultiplied RGBA, "source over"): the fill, then the outline over it;
    /// widens `ink` to what it drew on. The coverage of a pixel does not depend on the
    /// band, so a shape split between bands paints the same pixels as painted whole.
    pub(super) fn paint_rows(
        &self,
        p: &PolygonItem,
        band: &mut [u8],
        width: usize,
        rows: (usize, usize),
        ink: &mut [usize; 4],
    ) {
        let [w, h] = self.size;
        let [ox, oy] = self.origin;
        // The part of the grid inside the band and the picture.
        let gx = (
            (-ox).max(0) as usize,
            (width as i64 - ox).clamp(0, w as i64) as usize,
        );
        let gy = (
            (rows.0 as i64 - oy).clamp(0, h as i64) as usize,
            (rows.1 as i64 - oy).clamp(0, h as i64) as usize,
        );
        if gx.0 >= gx.1 || gy.0 >= gy.1 {
            return;
        }
        let at = |q: [f32; 2]| {
            [
                (q[0] - self.shift[0]) * self.scale,
                (q[1] - self.shift[1]) * self.scale,
            ]
        };
        // Holes wound against the outer ring, so their coverage cancels the fill's.
        let outer = p.rings.first().map_or(0.0, |r| signed_area(r));
        // The pixels drawn on, `[x0, y0, x1, y1)` of the grid.
        let mut drawn = [usize::MAX, usize::MAX, 0, 0];
        let (fill, stroke) = (self.fill.unwrap_or(Rgba::TRANSPARENT), self.stroke);
        GRID.with(|grid| {
            COVER.with(|cover| {
                let (mut grid, mut cover) = (grid.borrow_mut(), cover.borrow_mut());
                // The fill's opacity per grid pixel.
                cover.clear();
                cover.resize(w * h, 0.0);
                if self.fill.is_some() {
                    grid.reset(w, h);
                    for (k, r) in p.rings.iter().enumerate() {
                        let reverse = k > 0 && signed_area(r) * outer > 0.0;
                        for (a, b) in edges(r) {
                            let (a, b) = (at(a), at(b));
                            if reverse {
                                grid.draw_line(point(b[0], b[1]), point(a[0], a[1]));
                            } else {
                                grid.draw_line(point(a[0], a[1]), point(b[0], b[1]));
                            }
                        }
                    }
                    let fa = fill.a as f32 / 255.0;
                    grid.for_each_pixel(|i, c| cover[i] = fa * c.min(1.0));
                }
                // Each pixel once: the outline over the fill, then that over the picture.
                // The grid is read in order, row by row: the pixel's place is counted
                // along rather than divided out of its index.
                let (mut x, mut y) = (usize::MAX, 0);
                let mut put = |af: f32, as_: f32| {
                    x = x.wrapping_add(1);
                    if x == w {
                        (x, y) = (0, y + 1);
                    }
                    if af + as_ < NO_COVERAGE || x < gx.0 || x >= gx.1 || y < gy.0 || y >= gy.1 {
                        return;
                    }
                    let sc = stroke.map_or(Rgba::TRANSPARENT, |s| s.0);
                    let under = af * (1.0 - as_);
                    let mix = |s: u8, f: u8| (s as f32 * as_ + f as f32 * under + 0.5) as u32;
                    let a = ((as_ + under) * 255.0 + 0.5) as u32;
                    if a == 0 {
                        return;
                    }
                    let src = [mix(sc.r, fill.r), mix(sc.g, fill.g), mix(sc.b, fill.b), a];
                    let px = (ox + x as i64) as usize;
                    let py = (oy + y as i64) as usize;
                    let at = ((py - rows.0) * width + px) * 4;
                    let dst = &mut band[at..at + 4];
                    let keep = 255 - a.min(255);
                    for k in 0..4 {
                        dst[k] = (src[k] + (dst[k] as u32 * keep + 127) / 255).min(255) as u8;
                    }
                    drawn = [
                        drawn[0].min(x),
                        drawn[1].min(y),
                        drawn[2].max(x + 1),
                        drawn[3].max(y + 1),
                    ];
                };
                match stroke {
                    Some((color, half)) => {
                        grid.reset(w, h);
                        for r in &p.rings {
                            stroke_ring(&mut grid, r, half, &at);
                        }
                        let sa = color.a as f32 / 255.0;
                        grid.for_each_pixel(|i, c| put(cover[i], sa * c.min(1.0)));
                    }
                    None => {
                        for af in cover.iter() {
                            put(*af, 0.0);
                        }
                    }
                }
            })
        });
        if drawn[0] < drawn[2] {
            let x = |g: usize| (ox + g as i64) as usize;
            let y = |g: usize| (oy + g as i64) as usize;
            *ink = [
                ink[0].min(x(drawn[0])),
                ink[1].min(y(drawn[1])),
                ink[2].max(x(drawn[2])),
                ink[3].max(y(drawn[3])),
            ];
        }
    }
}

/// The edges of a closed ring (the last point joined back to the first).
fn edges(r: &[[f32; 2]]) -> impl Iterator<Item = ([f32; 2], [f32; 2])> + '_ {
    r.iter()
        .copied()
        .zip(r.iter().copied().cycle().skip(1))
        .take(if r.len() > 1 { r.len() } else { 0 })
}

/// Twice the signed area of a ring.
fn signed_area(r: &[[f32; 2]]) -> f32 {
    edges(r)
        .map(|(a, b)| a[0] * b[1] - b[0] * a[1])
        .sum::<f32>()
}

/// The unit left normal of the edge from `a` to `b` (zero when they coincide).
fn normal(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if len <= f32::EPSILON {
        [0.0, 0.0]
    } else {
        [-dy / len, dx / len]
    }
}

/// Adds the outline of a closed ring (display units, mapped to the grid by `at`),
/// `2 × half` pixels wide and centred on it with mitred corners, to the coverage grid:
/// the ring moved out by `half` one way round and moved in the other, so the coverage
/// between the two is full and inside is none (exact area, no corner counted twice).
fn stroke_ring(
    grid: &mut Rasterizer,
    r: &[[f32; 2]],
    half: f32,
    at: &impl Fn([f32; 2]) -> [f32; 2],
) {
    let n = r.len();
    if n < 2 {
        return;
    }
    let q = |k: usize| at(r[k % n]);
    // Vertex `k` moved along the bisector of its two edges' normals, by as much as puts
    // both offset edges `half` away (capped at the miter limit); `s` = ±1 for out/in.
    let moved = |k: usize, s: f32| -> Point {
        let (prev, here, next) = (q(k + n - 1), q(k), q(k + 1));
        let (a, b) = (normal(prev, here), normal(here, next));
        let d = 1.0 + a[0] * b[0] + a[1] * b[1];
        let (mut ox, mut oy) = if d <= 1.0e-3 {
            (a[0] * half, a[1] * half)
        } else {
            ((a[0] + b[0]) / d * half, (a[1] + b[1]) / d * half)
        };
        let len = (ox * ox + oy * oy).sqrt();
        if len > MITER_LIMIT * half {
            let k = MITER_LIMIT * half / len;
            (ox, oy) = (ox * k, oy * k);
        }
        point(here[0] + s * ox, here[1] + s * oy)
    };
    let (mut out0, mut in0) = (moved(0, 1.0), moved(0, -1.0));
    let (first_out, first_in) = (out0, in0);
    for k in 0..n {
        let (out1, in1) = if k + 1 == n {
            (first_out, first_in)
        } else {
            (moved(k + 1, 1.0), moved(k + 1, -1.0))
        };
        grid.draw_line(out0, out1);
        grid.draw_line(in1, in0);
        (out0, in0) = (out1, in1);
    }
}
