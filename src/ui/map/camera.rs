//! The map camera: centre in planar metres of the display frame and ground metres per
//! screen point. Converts between screen points and metres, zooms around a point and
//! fits a box.
//!
//! STOPGAP until `render::MapView` lands on main; then this becomes a thin adapter.
//! It knows egui's `Rect`/`Pos2` and nothing about layers.

use eframe::egui::{Pos2, Rect, pos2};

/// Most zoomed-in: 1 cm of ground per point.
pub const MIN_MPP: f64 = 0.01;
/// Most zoomed-out: 50 km per point.
pub const MAX_MPP: f64 = 50_000.0;

/// Centre and resolution of the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// Centre in display-frame metres (x east, y north).
    pub center: [f64; 2],
    /// Ground metres per screen point.
    pub mpp: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            center: [500_000.0, 3_350_000.0],
            mpp: 10.0,
        }
    }
}

impl Camera {
    /// Screen position of a planar point, for a map drawn in `rect`.
    pub fn to_screen(&self, rect: Rect, p: [f64; 2]) -> Pos2 {
        let c = rect.center();
        pos2(
            (c.x as f64 + (p[0] - self.center[0]) / self.mpp) as f32,
            (c.y as f64 - (p[1] - self.center[1]) / self.mpp) as f32,
        )
    }

    /// Planar point under a screen position.
    pub fn to_world(&self, rect: Rect, s: Pos2) -> [f64; 2] {
        let c = rect.center();
        [
            self.center[0] + (s.x - c.x) as f64 * self.mpp,
            self.center[1] - (s.y - c.y) as f64 * self.mpp,
        ]
    }

    /// The planar box visible in `rect`: [min x, min y, max x, max y].
    pub fn visible(&self, rect: Rect) -> [f64; 4] {
        let a = self.to_world(rect, rect.left_bottom());
        let b = self.to_world(rect, rect.right_top());
        [a[0], a[1], b[0], b[1]]
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the ground under `anchor` fixed.
    pub fn zoom_at(&mut self, rect: Rect, anchor: Pos2, factor: f64) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let before = self.to_world(rect, anchor);
        self.mpp = (self.mpp / factor).clamp(MIN_MPP, MAX_MPP);
        let after = self.to_world(rect, anchor);
        self.center[0] += before[0] - after[0];
        self.center[1] += before[1] - after[1];
    }

    /// Moves the view by a screen-space delta (drag direction: content follows the mouse).
    pub fn pan_points(&mut self, dx: f32, dy: f32) {
        self.center[0] -= dx as f64 * self.mpp;
        self.center[1] += dy as f64 * self.mpp;
    }

    /// Fits a planar box [min x, min y, max x, max y] into `rect` with a margin in points.
    /// A degenerate box (a point) is shown at `min_mpp` metres per point.
    pub fn fit(&mut self, rect: Rect, bbox: [f64; 4], margin: f32, min_mpp: f64) {
        if !bbox.iter().all(|v| v.is_finite()) {
            return;
        }
        let w = (rect.width() - 2.0 * margin).max(10.0) as f64;
        let h = (rect.height() - 2.0 * margin).max(10.0) as f64;
        let mpp = ((bbox[2] - bbox[0]) / w).max((bbox[3] - bbox[1]) / h);
        self.center = [(bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0];
        self.mpp = mpp.max(min_mpp).clamp(MIN_MPP, MAX_MPP);
    }

    /// The map scale denominator (1 : N) on a screen with `pixels_per_point` and the
    /// usual 96 dpi logical pixel (0.2646 mm per point at 1x).
    pub fn scale_denominator(&self, pixels_per_point: f32) -> f64 {
        let metres_per_screen_point = 0.0254 / 96.0;
        let _ = pixels_per_point; // a point is the same physical size at any ppp
        self.mpp / metres_per_screen_point
    }
}

/// A "nice" length for a scale bar no longer than `max_m` metres: 1, 2 or 5 × 10ⁿ.
pub fn nice_length(max_m: f64) -> f64 {
    if !(max_m.is_finite() && max_m > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(max_m.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= max_m {
            return m * p;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::vec2;

    fn rect() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), vec2(800.0, 600.0))
    }

    #[test]
    fn screen_and_world_round_trip() {
        let cam = Camera {
            center: [1000.0, 2000.0],
            mpp: 2.5,
        };
        let r = rect();
        assert_eq!(cam.to_screen(r, [1000.0, 2000.0]), r.center());
        let p = cam.to_screen(r, [1250.0, 1750.0]);
        assert_eq!(p, pos2(r.center().x + 100.0, r.center().y + 100.0));
        let w = cam.to_world(r, p);
        assert!((w[0] - 1250.0).abs() < 1e-9 && (w[1] - 1750.0).abs() < 1e-9);
    }

    #[test]
    fn zoom_keeps_the_anchor_fixed() {
        let mut cam = Camera {
            center: [0.0, 0.0],
            mpp: 10.0,
        };
        let r = rect();
        let anchor = pos2(200.0, 120.0);
        let before = cam.to_world(r, anchor);
        cam.zoom_at(r, anchor, 2.0);
        assert!((cam.mpp - 5.0).abs() < 1e-12);
        let after = cam.to_world(r, anchor);
        assert!((before[0] - after[0]).abs() < 1e-6 && (before[1] - after[1]).abs() < 1e-6);
    }

    #[test]
    fn fit_shows_the_whole_box() {
        let mut cam = Camera::default();
        let r = rect();
        cam.fit(r, [0.0, 0.0, 16_000.0, 6_000.0], 20.0, 0.5);
        let v = cam.visible(r);
        assert!(v[0] <= 0.0 && v[1] <= 0.0 && v[2] >= 16_000.0 && v[3] >= 6_000.0);
        assert!((cam.mpp - 16_000.0 / 760.0).abs() < 1e-9);
    }

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(2500.0), 2000.0);
        assert_eq!(nice_length(1.0), 1.0);
        assert_eq!(nice_length(99.0), 50.0);
    }

    #[test]
    fn scale_of_one_metre_per_point() {
        let cam = Camera {
            center: [0.0, 0.0],
            mpp: 1.0,
        };
        assert!((cam.scale_denominator(1.0) - 3779.5).abs() < 0.1);
    }
}
