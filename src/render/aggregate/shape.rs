//! Small polygons painted into a picture with their fill and outline: exact-area
//! coverage per pixel (the accumulation rasterizer of `ab_glyph_rasterizer`, the
//! font-rs algorithm), so a parcel a few pixels across looks as it does drawn as a
//! shape (anti-aliased fill, then its outline over it), for a few dozen pixel writes
//! instead of a few dozen tessellated vertices painted on every frame.

use std::cell::RefCell;

use ab_glyph_rasterizer::{Rasterizer, point};

use super::super::scene::PolygonItem;
use super::super::style::Rgba;
use super::super::view::ScreenRect;
use super::blend;

/// A polygon on a picture's pixels: its rings relative to the corner of its pixel
/// grid (`origin`, picture pixels, may lie outside the picture), the grid's size, the
/// fill and the outline (colour, half width in pixels).
#[derive(Debug, Clone)]
pub(super) struct ShapeSpan {
    rings: Vec<Vec<[f32; 2]>>,
    origin: [i64; 2],
    size: [usize; 2],
    fill: Option<Rgba>,
    stroke: Option<(Rgba, f32)>,
}

thread_local! {
    /// One coverage grid per painting thread, reused from shape to shape.
    static GRID: RefCell<Rasterizer> = RefCell::new(Rasterizer::new(0, 0));
}

/// Coverage under this is taken as none (float residue of the accumulation).
const NO_COVERAGE: f32 = 1.0 / 1024.0;

impl ShapeSpan {
    /// Where `p` falls on a picture of `rect` at `scale` pixels per display unit;
    /// `None` when it draws nothing there (no fill and no outline, transparent, or
    /// entirely outside the picture's `width × height` pixels). Dashed outlines are
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
        let px = |q: [f32; 2]| {
            [
                (q[0] - rect.min[0]) * scale,
                (q[1] - rect.min[1]) * scale,
            ]
        };
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for q in p.rings.iter().flatten() {
            let q = px(*q);
            for k in 0..2 {
                lo[k] = lo[k].min(q[k]);
                hi[k] = hi[k].max(q[k]);
            }
        }
        if !(lo[0].is_finite() && lo[1].is_finite() && hi[0].is_finite() && hi[1].is_finite()) {
            return None;
        }
        // A pixel of margin beyond the outline, so no edge touches the grid's sides.
        let m = stroke.map_or(0.0, |s| s.1) + 1.0;
        let origin = [(lo[0] - m).floor() as i64, (lo[1] - m).floor() as i64];
        let end = [(hi[0] + m).ceil() as i64, (hi[1] + m).ceil() as i64];
        if end[0] <= 0 || end[1] <= 0 || origin[0] >= width as i64 || origin[1] >= height as i64 {
            return None;
        }
        let o = [origin[0] as f32, origin[1] as f32];
        let mut rings: Vec<Vec<[f32; 2]>> = p
            .rings
            .iter()
            .map(|r| {
                r.iter()
                    .map(|q| {
                        let q = px(*q);
                        [q[0] - o[0], q[1] - o[1]]
                    })
                    .collect()
            })
            .collect();
        // Holes wound against the outer ring, so their coverage cancels the fill's.
        let outer = rings.first().map_or(0.0, |r| signed_area(r));
        for r in rings.iter_mut().skip(1) {
            if signed_area(r) * outer > 0.0 {
                r.reverse();
            }
        }
        Some(ShapeSpan {
            rings,
            origin,
            size: [(end[0] - origin[0]) as usize, (end[1] - origin[1]) as usize],
            fill,
            stroke,
        })
    }

    /// The picture rows the shape may touch, `[first, end)`.
    pub(super) fn rows(&self) -> Option<(usize, usize)> {
        let end = self.origin[1] + self.size[1] as i64;
        (end > 0).then(|| (self.origin[1].max(0) as usize, end as usize))
    }

    /// Paints the part of the shape in the rows `rows.0..rows.1` of `band` (the
    /// picture's rows from `rows.0`, `width` pixels each, premultiplied RGBA, "source
    /// over"): the fill, then the outline over it; widens `ink` to what it drew on.
    /// The coverage of a pixel does not depend on the band, so a shape split between
    /// bands paints the same pixels as painted whole.
    pub(super) fn paint_rows(
        &self,
        band: &mut [u8],
        width: usize,
        rows: (usize, usize),
        ink: &mut [usize; 4],
    ) {
        let [w, h] = self.size;
        let [ox, oy] = self.origin;
        // The part of the grid inside the band and the picture.
        let gx = ((-ox).max(0) as usize, (width as i64 - ox).clamp(0, w as i64) as usize);
        let gy = (
            (rows.0 as i64 - oy).clamp(0, h as i64) as usize,
            (rows.1 as i64 - oy).clamp(0, h as i64) as usize,
        );
        if gx.0 >= gx.1 || gy.0 >= gy.1 {
            return;
        }
        // The pixels drawn on, `[x0, y0, x1, y1)` of the grid.
        let mut drawn = [usize::MAX, usize::MAX, 0, 0];
        GRID.with(|grid| {
            let mut grid = grid.borrow_mut();
            let mut blend_grid = |grid: &Rasterizer, color: Rgba| {
                grid.for_each_pixel_2d(|x, y, c| {
                    let (x, y) = (x as usize, y as usize);
                    if c < NO_COVERAGE || x < gx.0 || x >= gx.1 || y < gy.0 || y >= gy.1 {
                        return;
                    }
                    let a = color.a as f32 / 255.0 * c.min(1.0);
                    let px = (ox + x as i64) as usize;
                    let py = (oy + y as i64) as usize;
                    let at = ((py - rows.0) * width + px) * 4;
                    blend(&mut band[at..at + 4], color, a);
                    drawn = [
                        drawn[0].min(x),
                        drawn[1].min(y),
                        drawn[2].max(x + 1),
                        drawn[3].max(y + 1),
                    ];
                });
            };
            if let Some(fill) = self.fill {
                grid.reset(w, h);
                for r in &self.rings {
                    for (a, b) in edges(r) {
                        grid.draw_line(point(a[0], a[1]), point(b[0], b[1]));
                    }
                }
                blend_grid(&grid, fill);
            }
            if let Some((color, half)) = self.stroke {
                grid.reset(w, h);
                for r in &self.rings {
                    stroke_ring(&mut grid, r, half);
                }
                blend_grid(&grid, color);
            }
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

/// The longest a corner of an outline may reach from its vertex, in half widths
/// (sharper corners are cut there).
const MITER_LIMIT: f32 = 4.0;

/// Adds the outline of a closed ring, `2 × half` wide and centred on it with mitred
/// corners, to the coverage grid: the ring moved out by `half` one way round and moved
/// in the other, so the coverage between the two is full and inside is none (exact
/// area, no corner counted twice).
fn stroke_ring(grid: &mut Rasterizer, r: &[[f32; 2]], half: f32) {
    let n = r.len();
    if n < 2 {
        return;
    }
    // Each edge's unit left normal (zero for a degenerate edge).
    let normals: Vec<[f32; 2]> = edges(r)
        .map(|(a, b)| {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len = (dx * dx + dy * dy).sqrt();
            if len <= f32::EPSILON {
                [0.0, 0.0]
            } else {
                [-dy / len, dx / len]
            }
        })
        .collect();
    // Each vertex moved along the bisector of its two edges' normals, by as much as
    // puts both offset edges `half` away (capped at the miter limit).
    let offsets: Vec<[f32; 2]> = (0..n)
        .map(|k| {
            let (p, q) = (normals[(k + n - 1) % n], normals[k]);
            let (mx, my) = (p[0] + q[0], p[1] + q[1]);
            let d = 1.0 + p[0] * q[0] + p[1] * q[1];
            if d <= 1.0e-3 {
                return [p[0] * half, p[1] * half];
            }
            let (mut ox, mut oy) = (mx / d * half, my / d * half);
            let len = (ox * ox + oy * oy).sqrt();
            if len > MITER_LIMIT * half {
                let k = MITER_LIMIT * half / len;
                (ox, oy) = (ox * k, oy * k);
            }
            [ox, oy]
        })
        .collect();
    let at = |k: usize, s: f32| point(r[k][0] + s * offsets[k][0], r[k][1] + s * offsets[k][1]);
    for k in 0..n {
        let j = (k + 1) % n;
        grid.draw_line(at(k, 1.0), at(j, 1.0));
        grid.draw_line(at(j, -1.0), at(k, -1.0));
    }
}
