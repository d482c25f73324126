//! The camera: which part of the planar map frame is shown where, at what resolution.
//!
//! A [`MapView`] maps planar metres of the display frame (a transverse Mercator centred
//! on the park, see [`display_frame`]) to display units (logical pixels on screen,
//! points on paper), y down. Like galileo's `MapView`, it is defined by a centre and a
//! resolution (metres per display unit); the scale denominator at a DPI follows from
//! them (1:N where N = resolution · DPI / 0.0254). Everything is f64 until the final
//! display coordinate.
//!
//! Owns only camera arithmetic: no geometry, no drawing, no GUI.

use serde::{Deserialize, Serialize};

use crate::crs::{FrameKind, MetricFrame};

/// Metres in one inch.
pub const METERS_PER_INCH: f64 = 0.0254;
/// Display units per inch on paper (PDF points).
pub const POINTS_PER_INCH: f64 = 72.0;
/// Nominal logical pixels per inch of a screen (CSS and egui's convention).
pub const SCREEN_DPI: f64 = 96.0;

/// The display frame for data centred at `centre_lon`: a transverse Mercator on the
/// park's own meridian (k = 1), so the map is conformal and true to scale near the park.
pub fn display_frame(centre_lon: f64) -> MetricFrame {
    MetricFrame::for_longitude(FrameKind::Local, centre_lon)
}

/// An axis-aligned rectangle in planar metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WorldRect {
    /// Minimum x (west), minimum y (south).
    pub min: [f64; 2],
    /// Maximum x (east), maximum y (north).
    pub max: [f64; 2],
}

impl WorldRect {
    /// From two corners in any order.
    pub fn from_corners(a: [f64; 2], b: [f64; 2]) -> WorldRect {
        WorldRect {
            min: [a[0].min(b[0]), a[1].min(b[1])],
            max: [a[0].max(b[0]), a[1].max(b[1])],
        }
    }
    /// Width in metres.
    pub fn width(&self) -> f64 {
        self.max[0] - self.min[0]
    }
    /// Height in metres.
    pub fn height(&self) -> f64 {
        self.max[1] - self.min[1]
    }
    /// The centre.
    pub fn center(&self) -> [f64; 2] {
        [
            (self.min[0] + self.max[0]) / 2.0,
            (self.min[1] + self.max[1]) / 2.0,
        ]
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &WorldRect) -> WorldRect {
        WorldRect {
            min: [self.min[0].min(o.min[0]), self.min[1].min(o.min[1])],
            max: [self.max[0].max(o.max[0]), self.max[1].max(o.max[1])],
        }
    }
    /// Whether the coordinates are finite and min ≤ max.
    pub fn is_valid(&self) -> bool {
        self.min
            .iter()
            .chain(self.max.iter())
            .all(|v| v.is_finite())
            && self.min[0] <= self.max[0]
            && self.min[1] <= self.max[1]
    }
    /// Grown by `d` metres on every side.
    pub fn expanded(&self, d: f64) -> WorldRect {
        WorldRect {
            min: [self.min[0] - d, self.min[1] - d],
            max: [self.max[0] + d, self.max[1] + d],
        }
    }
}

/// A rectangle in display units (y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScreenRect {
    /// Top-left corner.
    pub min: [f32; 2],
    /// Bottom-right corner.
    pub max: [f32; 2],
}

impl ScreenRect {
    /// From top-left and size.
    pub fn from_min_size(min: [f32; 2], size: [f32; 2]) -> ScreenRect {
        ScreenRect {
            min,
            max: [min[0] + size[0], min[1] + size[1]],
        }
    }
    /// Width.
    pub fn width(&self) -> f32 {
        self.max[0] - self.min[0]
    }
    /// Height.
    pub fn height(&self) -> f32 {
        self.max[1] - self.min[1]
    }
    /// Whether two rectangles overlap (touching edges do not count).
    pub fn intersects(&self, o: &ScreenRect) -> bool {
        self.min[0] < o.max[0]
            && o.min[0] < self.max[0]
            && self.min[1] < o.max[1]
            && o.min[1] < self.max[1]
    }
    /// Whether `o` lies entirely inside.
    pub fn contains_rect(&self, o: &ScreenRect) -> bool {
        o.min[0] >= self.min[0]
            && o.min[1] >= self.min[1]
            && o.max[0] <= self.max[0]
            && o.max[1] <= self.max[1]
    }
    /// Whether a point lies inside (edges included).
    pub fn contains(&self, p: [f32; 2]) -> bool {
        p[0] >= self.min[0] && p[0] <= self.max[0] && p[1] >= self.min[1] && p[1] <= self.max[1]
    }
    /// Grown by `d` on every side.
    pub fn expanded(&self, d: f32) -> ScreenRect {
        ScreenRect {
            min: [self.min[0] - d, self.min[1] - d],
            max: [self.max[0] + d, self.max[1] + d],
        }
    }
}

/// The camera: centre (planar metres), resolution (metres per display unit), the size
/// and position of the viewport in display units, and the display units per inch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    /// The planar point shown at the centre of the viewport.
    pub center: [f64; 2],
    /// Metres per display unit (> 0).
    pub resolution: f64,
    /// Viewport size in display units.
    pub size: [f32; 2],
    /// Top-left of the viewport in display units (the screen rect's min, or the map
    /// frame's corner on a page).
    pub origin: [f32; 2],
    /// Display units per inch: 96 for logical screen pixels, 72 for PDF points.
    pub units_per_inch: f64,
}

/// The smallest and largest resolutions a view accepts (1 mm … 100 km per unit).
const MIN_RESOLUTION: f64 = 1e-3;
const MAX_RESOLUTION: f64 = 1e5;

impl MapView {
    /// A screen view (96 units per inch) with its top-left at (0, 0).
    pub fn new(center: [f64; 2], resolution: f64, size: [f32; 2]) -> MapView {
        MapView {
            center,
            resolution: clamp_resolution(resolution),
            size,
            origin: [0.0, 0.0],
            units_per_inch: SCREEN_DPI,
        }
    }

    /// A page view in points at scale 1:`scale` (e.g. 10000).
    pub fn at_scale(
        center: [f64; 2],
        scale: f64,
        origin: [f32; 2],
        size: [f32; 2],
        units_per_inch: f64,
    ) -> MapView {
        MapView {
            center,
            resolution: clamp_resolution(scale * METERS_PER_INCH / units_per_inch),
            size,
            origin,
            units_per_inch,
        }
    }

    /// A view of `size` at `origin` fitting `bbox` with `margin` display units around it.
    /// A degenerate box (a single point) gets a 1:5000-ish resolution.
    pub fn fit(
        bbox: &WorldRect,
        origin: [f32; 2],
        size: [f32; 2],
        margin: f32,
        units_per_inch: f64,
    ) -> MapView {
        let w = (size[0] - 2.0 * margin).max(1.0) as f64;
        let h = (size[1] - 2.0 * margin).max(1.0) as f64;
        let res = (bbox.width() / w).max(bbox.height() / h);
        let res = if res.is_finite() && res > 0.0 {
            res
        } else {
            5000.0 * METERS_PER_INCH / units_per_inch
        };
        let center = if bbox.is_valid() {
            bbox.center()
        } else {
            [0.0, 0.0]
        };
        MapView {
            center,
            resolution: clamp_resolution(res),
            size,
            origin,
            units_per_inch,
        }
    }

    /// The viewport rectangle in display units.
    pub fn screen_rect(&self) -> ScreenRect {
        ScreenRect::from_min_size(self.origin, self.size)
    }

    /// Planar metres → display units (f64).
    pub fn world_to_screen(&self, p: [f64; 2]) -> [f64; 2] {
        [
            (p[0] - self.center[0]) / self.resolution
                + self.origin[0] as f64
                + self.size[0] as f64 / 2.0,
            (self.center[1] - p[1]) / self.resolution
                + self.origin[1] as f64
                + self.size[1] as f64 / 2.0,
        ]
    }

    /// Planar metres → display units as f32 (what scenes hold).
    pub fn to_screen(&self, p: [f64; 2]) -> [f32; 2] {
        let s = self.world_to_screen(p);
        [s[0] as f32, s[1] as f32]
    }

    /// Display units → planar metres.
    pub fn screen_to_world(&self, s: [f64; 2]) -> [f64; 2] {
        [
            self.center[0]
                + (s[0] - self.origin[0] as f64 - self.size[0] as f64 / 2.0) * self.resolution,
            self.center[1]
                - (s[1] - self.origin[1] as f64 - self.size[1] as f64 / 2.0) * self.resolution,
        ]
    }

    /// The planar rectangle the viewport shows.
    pub fn world_bounds(&self) -> WorldRect {
        let a = self.screen_to_world([self.origin[0] as f64, self.origin[1] as f64]);
        let b = self.screen_to_world([
            (self.origin[0] + self.size[0]) as f64,
            (self.origin[1] + self.size[1]) as f64,
        ]);
        WorldRect::from_corners(a, b)
    }

    /// The scale denominator N of 1:N when one display unit is 1/`dpi` inch.
    pub fn scale_denominator_at(&self, dpi: f64) -> f64 {
        self.resolution * dpi / METERS_PER_INCH
    }

    /// The scale denominator at the view's own units per inch.
    pub fn scale_denominator(&self) -> f64 {
        self.scale_denominator_at(self.units_per_inch)
    }

    /// Sets the resolution so that the scale is 1:`scale` at the view's units per inch.
    pub fn set_scale(&mut self, scale: f64) {
        self.resolution = clamp_resolution(scale * METERS_PER_INCH / self.units_per_inch);
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the world point under display point
    /// `anchor` fixed (wheel zoom about the cursor).
    pub fn zoom_about(&mut self, factor: f64, anchor: [f64; 2]) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let before = self.screen_to_world(anchor);
        self.resolution = clamp_resolution(self.resolution / factor);
        let after = self.screen_to_world(anchor);
        self.center[0] += before[0] - after[0];
        self.center[1] += before[1] - after[1];
    }

    /// Pans by a drag of `delta` display units (content follows the pointer).
    pub fn pan_by(&mut self, delta: [f64; 2]) {
        self.center[0] -= delta[0] * self.resolution;
        self.center[1] += delta[1] * self.resolution;
    }

    /// Fits `bbox` into the current viewport with `margin` display units around it.
    pub fn fit_bbox(&mut self, bbox: &WorldRect, margin: f32) {
        *self = MapView::fit(bbox, self.origin, self.size, margin, self.units_per_inch);
    }

    /// Display units per metre.
    pub fn units_per_meter(&self) -> f64 {
        1.0 / self.resolution
    }
}

fn clamp_resolution(r: f64) -> f64 {
    if r.is_finite() && r > 0.0 {
        r.clamp(MIN_RESOLUTION, MAX_RESOLUTION)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6
    }

    #[test]
    fn world_and_screen_round_trip() {
        let v = MapView {
            origin: [10.0, 20.0],
            ..MapView::new([500_000.0, 3_350_000.0], 2.0, [800.0, 600.0])
        };
        // The centre is in the middle of the viewport, north is up.
        assert!(close(
            v.world_to_screen([500_000.0, 3_350_000.0]),
            [410.0, 320.0]
        ));
        assert!(close(
            v.world_to_screen([500_100.0, 3_350_100.0]),
            [460.0, 270.0]
        ));
        for p in [[0.0, 0.0], [123.4, 567.8], [-50.0, 900.0]] {
            assert!(close(v.world_to_screen(v.screen_to_world(p)), p));
        }
        let b = v.world_bounds();
        assert!((b.width() - 1600.0).abs() < 1e-6 && (b.height() - 1200.0).abs() < 1e-6);
    }

    #[test]
    fn scale_at_dpi() {
        // 1:10000 on paper: 1 pt = 1/72 in = 0.3528 mm → 3.528 m.
        let v = MapView::at_scale([0.0, 0.0], 10_000.0, [0.0, 0.0], [100.0, 100.0], 72.0);
        assert!((v.resolution - 3.527_777_8).abs() < 1e-6);
        assert!((v.scale_denominator() - 10_000.0).abs() < 1e-6);
        // The same resolution on a 96-dpi screen reads as 1:13333.
        assert!((v.scale_denominator_at(96.0) - 13_333.333).abs() < 1e-2);
        let mut s = MapView::new([0.0, 0.0], 1.0, [10.0, 10.0]);
        s.set_scale(5000.0);
        assert!((s.scale_denominator() - 5000.0).abs() < 1e-6);
    }

    #[test]
    fn zoom_keeps_anchor_fixed() {
        let mut v = MapView::new([1000.0, 2000.0], 4.0, [400.0, 300.0]);
        let anchor = [50.0, 260.0];
        let w = v.screen_to_world(anchor);
        v.zoom_about(2.0, anchor);
        assert!((v.resolution - 2.0).abs() < 1e-12);
        assert!(close(v.world_to_screen(w), anchor));
        v.zoom_about(f64::NAN, anchor);
        assert!((v.resolution - 2.0).abs() < 1e-12);
        let before = v.center;
        v.pan_by([10.0, -5.0]);
        assert!(close(v.center, [before[0] - 20.0, before[1] - 10.0]));
    }

    #[test]
    fn fit_contains_bbox() {
        let bbox = WorldRect::from_corners([0.0, 0.0], [4000.0, 1000.0]);
        let v = MapView::fit(&bbox, [0.0, 0.0], [420.0, 320.0], 10.0, 96.0);
        assert!((v.resolution - 10.0).abs() < 1e-9);
        let s0 = v.world_to_screen(bbox.min);
        let s1 = v.world_to_screen(bbox.max);
        assert!((s0[0] - 10.0).abs() < 1e-9 && (s1[0] - 410.0).abs() < 1e-9);
        assert!(s1[1] > 10.0 && s0[1] < 310.0);
        // A point fits at a sane resolution, never NaN.
        let p = WorldRect::from_corners([5.0, 5.0], [5.0, 5.0]);
        let v = MapView::fit(&p, [0.0, 0.0], [100.0, 100.0], 0.0, 96.0);
        assert!(v.resolution.is_finite() && v.resolution > 0.0);
    }
}
