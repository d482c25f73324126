//! Colours and sizes of the desktop's own overlays (selection, hover, measuring, box
//! zoom, scale bar) and of the stopgap map painter.
//!
//! Map symbology (layer fills, strokes, symbols, legends) belongs to `render::style`;
//! this module holds only what the interactive overlays need, in one place. When
//! `render::style` offers these tokens, this module forwards to it.

use eframe::egui::Color32;

/// Hovered feature outline.
pub const HOVER: Color32 = Color32::from_rgb(255, 200, 0);
/// Selected feature outline.
pub const SELECTED: Color32 = Color32::from_rgb(0, 200, 255);
/// Width of the hover/selection outline, points.
pub const HIGHLIGHT_WIDTH: f32 = 3.0;
/// Radius of a highlighted point, points.
pub const HIGHLIGHT_POINT_RADIUS: f32 = 8.0;
/// Measuring line.
pub const MEASURE_LINE: Color32 = Color32::from_rgb(220, 30, 60);
/// Measuring polygon fill.
pub const MEASURE_FILL: Color32 = Color32::from_rgba_unmultiplied_const(110, 15, 30, 60);
/// Measuring line width, points.
pub const MEASURE_WIDTH: f32 = 2.5;
/// Box-zoom rectangle.
pub const BOX_STROKE: Color32 = Color32::from_rgb(30, 100, 220);
/// Box-zoom fill.
pub const BOX_FILL: Color32 = Color32::from_rgba_unmultiplied_const(15, 50, 110, 40);
/// Map background (paper).
pub const MAP_BACKGROUND: Color32 = Color32::from_rgb(246, 244, 238);
/// Scale bar ink.
pub const SCALE_INK: Color32 = Color32::from_rgb(40, 40, 40);
/// Scale bar halo behind text.
pub const SCALE_HALO: Color32 = Color32::from_rgba_unmultiplied_const(250, 250, 250, 200);
/// Pick tolerance around the cursor, points.
pub const PICK_TOLERANCE: f32 = 5.0;
/// Drop-target overlay while files are dragged over the window.
pub const DROP_OVERLAY: Color32 = Color32::from_rgba_unmultiplied_const(0, 0, 0, 140);

/// Service circle / catchment band fill.
pub const AREA_FILL: Color32 = Color32::from_rgba_unmultiplied_const(40, 120, 210, 50);
/// Service circle / catchment band outline.
pub const AREA_OUTLINE: Color32 = Color32::from_rgb(30, 110, 190);
/// Width of that outline, points.
pub const AREA_OUTLINE_WIDTH: f32 = 1.5;
/// Enterprises a facility or route covers.
pub const COVERED: Color32 = Color32::from_rgb(20, 160, 70);
/// Enterprises nobody covers.
pub const UNCOVERED: Color32 = Color32::from_rgb(220, 30, 30);
/// The facility, route or stops in focus.
pub const FOCUS: Color32 = Color32::from_rgb(120, 30, 200);
/// Width of a route in focus, points.
pub const FOCUS_WIDTH: f32 = 4.0;

/// STOPGAP fills until `render::style` lands: polygon fill, line and point colours.
pub mod stopgap {
    use eframe::egui::Color32;
    /// Polygon fill.
    pub const FILL: Color32 = Color32::from_rgb(205, 190, 160);
    /// Polygon outline.
    pub const OUTLINE: Color32 = Color32::from_rgb(120, 100, 80);
    /// Lines.
    pub const LINE: Color32 = Color32::from_rgb(90, 90, 90);
    /// Points.
    pub const POINT: Color32 = Color32::from_rgb(200, 60, 40);
}
