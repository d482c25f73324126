//! The [`Theme`]: colours and sizes that are not per-layer (background, highlight and
//! selection, analysis overlays, labels) and the furniture of printed pages
//! ([`PageTheme`]).
//!
//! Owns those defaults and their serde form. Per-layer styles are in
//! [`super::layer`] and [`super::defaults`]; nothing here draws.

use serde::{Deserialize, Serialize};

use super::symbology::Halo;
use super::types::{MarkerShape, Rgba, Stroke};

/// Colours and sizes that are not per-layer: background, highlight and selection,
/// analysis overlays, labels, and the furniture of printed pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// Map background.
    pub background: Rgba,
    /// Outline drawn around highlighted polygons and lines (hover, covered features).
    pub highlight: Stroke,
    /// Fill of highlighted point features (e.g. covered enterprises).
    pub highlight_fill: Rgba,
    /// Outline of selected features.
    pub selection: Stroke,
    /// Fill of selected point features.
    pub selection_fill: Rgba,
    /// Extra size added to highlighted/selected markers.
    pub highlight_grow: f32,
    /// Service circle of a facility: fill and outline.
    pub service_circle_fill: Rgba,
    /// Service circle outline.
    pub service_circle_stroke: Stroke,
    /// Catchment band of a route's stops: fill.
    pub catchment_fill: Rgba,
    /// Catchment band outline.
    pub catchment_stroke: Stroke,
    /// A selected bus route drawn over its layer.
    pub route_highlight: Stroke,
    /// An isochrone (the area reached along roads within a time): fill.
    #[serde(default = "default_isochrone_fill")]
    pub isochrone_fill: Rgba,
    /// An isochrone's outline.
    #[serde(default = "default_isochrone_stroke")]
    pub isochrone_stroke: Stroke,
    /// Flagged point features (enterprises a circle claims but the isochrone does not
    /// reach): fill.
    #[serde(default = "default_flagged_fill")]
    pub flagged_fill: Rgba,
    /// Flagged features: outline (points) or line (lines and polygons).
    #[serde(default = "default_flagged_stroke")]
    pub flagged_stroke: Stroke,
    /// Flagged point features: marker shape (distinct from the covered markers, so
    /// that a black-and-white print still tells them apart).
    #[serde(default = "default_flagged_shape")]
    pub flagged_shape: MarkerShape,
    /// Default label halo.
    pub label_halo: Halo,
    /// Default label colour.
    pub label_color: Rgba,
    /// Gap between a point marker and its label, display units.
    pub label_gap: f32,
    /// Labels are not placed closer than this to another label, display units.
    pub label_padding: f32,
    /// The printed page.
    pub page: PageTheme,
}

/// Colours and sizes of a printed page (points, 1/72 in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageTheme {
    /// Paper colour.
    pub paper: Rgba,
    /// Main text colour.
    pub text: Rgba,
    /// Secondary text (notes, date).
    pub muted_text: Rgba,
    /// Map frame outline.
    pub frame: Stroke,
    /// Title size.
    pub title_size: f32,
    /// Subtitle size.
    pub subtitle_size: f32,
    /// Legend and table heading size.
    pub heading_size: f32,
    /// Legend and table text size.
    pub body_size: f32,
    /// Notes (CRS, data source, date) size.
    pub note_size: f32,
    /// Legend swatch width.
    pub swatch_width: f32,
    /// Legend swatch height.
    pub swatch_height: f32,
    /// Panel (legend, table) background.
    pub panel_fill: Rgba,
    /// Panel outline.
    pub panel_stroke: Stroke,
    /// Scale bar dark segments and outline.
    pub scale_bar_dark: Rgba,
    /// Scale bar light segments.
    pub scale_bar_light: Rgba,
    /// Scale bar height.
    pub scale_bar_height: f32,
    /// North arrow height.
    pub north_arrow_size: f32,
    /// Coordinate grid lines.
    pub grid: Stroke,
    /// Coordinate grid labels size.
    pub grid_label_size: f32,
    /// Table rules.
    pub table_rule: Stroke,
    /// Symbols on paper relative to screen sizes (display units are points on paper).
    pub symbol_scale: f32,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme {
            background: Rgba::rgb(250, 250, 247),
            highlight: Stroke::solid(Rgba::rgb(0, 200, 255), 2.5),
            highlight_fill: Rgba::rgb(220, 20, 60),
            selection: Stroke::solid(Rgba::rgb(255, 215, 0), 3.0),
            selection_fill: Rgba::rgb(255, 215, 0),
            highlight_grow: 2.0,
            service_circle_fill: Rgba::new(33, 113, 181, 26),
            service_circle_stroke: Stroke::dashed(Rgba::rgb(33, 113, 181), 1.5, &[6.0, 3.0]),
            catchment_fill: Rgba::new(255, 140, 0, 56),
            catchment_stroke: Stroke::solid(Rgba::new(230, 110, 0, 200), 1.0),
            route_highlight: Stroke::solid(Rgba::rgb(228, 0, 127), 3.5),
            isochrone_fill: default_isochrone_fill(),
            isochrone_stroke: default_isochrone_stroke(),
            flagged_fill: default_flagged_fill(),
            flagged_stroke: default_flagged_stroke(),
            flagged_shape: default_flagged_shape(),
            label_halo: Halo {
                color: Rgba::new(255, 255, 255, 230),
                width: 2.0,
            },
            label_color: Rgba::rgb(40, 40, 40),
            label_gap: 2.0,
            label_padding: 2.0,
            page: PageTheme::default(),
        }
    }
}

fn default_isochrone_fill() -> Rgba {
    Rgba::new(35, 139, 69, 64)
}

fn default_isochrone_stroke() -> Stroke {
    Stroke::solid(Rgba::new(0, 109, 44, 220), 1.2)
}

fn default_flagged_fill() -> Rgba {
    Rgba::rgb(63, 0, 125)
}

fn default_flagged_stroke() -> Stroke {
    Stroke::solid(Rgba::WHITE, 1.2)
}

fn default_flagged_shape() -> MarkerShape {
    MarkerShape::Square
}

impl Default for PageTheme {
    fn default() -> PageTheme {
        PageTheme {
            paper: Rgba::WHITE,
            text: Rgba::rgb(30, 30, 30),
            muted_text: Rgba::rgb(100, 100, 100),
            frame: Stroke::solid(Rgba::rgb(40, 40, 40), 0.8),
            title_size: 22.0,
            subtitle_size: 13.0,
            heading_size: 10.0,
            body_size: 8.0,
            note_size: 7.0,
            swatch_width: 16.0,
            swatch_height: 9.0,
            panel_fill: Rgba::new(255, 255, 255, 235),
            panel_stroke: Stroke::solid(Rgba::rgb(120, 120, 120), 0.5),
            scale_bar_dark: Rgba::rgb(40, 40, 40),
            scale_bar_light: Rgba::WHITE,
            scale_bar_height: 4.0,
            north_arrow_size: 36.0,
            grid: Stroke::dashed(Rgba::new(90, 90, 90, 150), 0.3, &[3.0, 3.0]),
            grid_label_size: 6.0,
            table_rule: Stroke::solid(Rgba::rgb(150, 150, 150), 0.4),
            symbol_scale: 0.8,
        }
    }
}
