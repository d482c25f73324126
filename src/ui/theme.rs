//! Colours and sizes of the desktop's own interactive overlays: the measuring tool, the
//! box-zoom rectangle, the on-screen scale bar, the drop-target shade, and the pick
//! tolerance.
//!
//! Map symbology (layer fills, strokes, symbols, labels, hover and selection marks,
//! service circles, catchment bands, the map background, legends) lives in
//! `render::style`, shared with the exports; only tool feedback that never reaches
//! paper is defined here, in one place.

use eframe::egui::Color32;

/// Measuring line.
pub const MEASURE_LINE: Color32 = Color32::from_rgb(220, 30, 60);
/// Measuring polygon fill.
pub const MEASURE_FILL: Color32 = Color32::from_rgba_unmultiplied_const(220, 30, 60, 50);
/// Measuring line width, points.
pub const MEASURE_WIDTH: f32 = 2.5;
/// Box-zoom rectangle.
pub const BOX_STROKE: Color32 = Color32::from_rgb(30, 100, 220);
/// Box-zoom fill.
pub const BOX_FILL: Color32 = Color32::from_rgba_unmultiplied_const(30, 100, 220, 40);
/// Scale bar ink.
pub const SCALE_INK: Color32 = Color32::from_rgb(40, 40, 40);
/// Scale bar background.
pub const SCALE_HALO: Color32 = Color32::from_rgba_unmultiplied_const(255, 255, 255, 200);
/// Pick tolerance around the cursor, points.
pub const PICK_TOLERANCE: f32 = 5.0;
/// Drop-target shade while files are dragged over the window.
pub const DROP_OVERLAY: Color32 = Color32::from_rgba_unmultiplied_const(0, 0, 0, 140);
/// Label sizes in `render::style` are typographic points (1/72 in, as printed); the
/// screen's display unit is 1/96 in. Labels on screen are drawn this much larger so
/// they read at the size they print (96/72 ≈ 1.33) plus a little for screen legibility.
pub const SCREEN_LABEL_SCALE: f32 = 1.5;
/// Polygons smaller than this on screen (points, largest side) are drawn without their
/// outline: at that size the outline would cover the fill.
pub const MIN_OUTLINED_POLYGON: f32 = 3.0;
/// Point markers smaller than this (diameter, points) are drawn without their outline.
pub const MIN_OUTLINED_MARKER: f32 = 4.0;
