//! Rendering to shapes: a map view and styles turn the park (and analysis results) into
//! a [`Scene`] of polygons, lines, markers and labels in display units, drawn by every
//! target (screen, PDF, SVG, PNG) through the [`Canvas`] trait. No GUI, no file I/O.
//!
//! The pieces, in the order data flows through them:
//! - [`projected`]: each layer projected once into the planar display frame, with a
//!   packed R-tree per layer chunk ([`ProjectedPark`]);
//! - [`view`]: the camera ([`MapView`]: centre, metres per display unit, size, DPI);
//! - [`style`]: every colour and size ([`LayerStyle`], [`Theme`], legends);
//! - [`build`]: [`build_scene`] (order, visibility, opacity, culling, sub-pixel
//!   detail, overlays, labels);
//! - [`aggregate`]: point layers binned into grid levels, so an overview of a million
//!   points draws one symbol per small cell;
//! - [`focus`]: what an analysis view looks at ([`Focus`], by index) → [`Overlays`],
//!   for the screen and paper alike;
//! - [`labels`]: collision-avoiding label placement;
//! - [`scene`] and [`canvas`]: the output and the trait targets implement.
//!
//! A typical frame:
//! ```no_run
//! # fn demo(park: &parkplan::model::Park) -> Result<(), parkplan::crs::CrsError> {
//! use parkplan::render::*;
//! let projected = ProjectedPark::new(park)?;            // once per load / layer edit
//! let styles = MapStyles::default_for(park);             // the layers panel edits this
//! let mut view = MapView::new([0.0, 0.0], 1.0, [1200.0, 800.0]);
//! if let Some(b) = projected.extent() { view.fit_bbox(&b, 20.0); }
//! let scene = build_scene(park, &projected, &view, &styles, &Overlays::default(),
//!                         &BuildOptions::default());
//! // draw_scene(&scene, &mut my_canvas);
//! # Ok(()) }
//! ```

pub mod aggregate;
pub mod build;
pub mod canvas;
pub mod charts;
pub mod focus;
pub mod labels;
pub mod projected;
pub mod scene;
pub mod style;
pub mod view;

pub use build::{AreaKind, BuildOptions, MapStyles, OverlayArea, Overlays, build_scene};
pub use canvas::{Canvas, Triangles, closed_rings, draw_scene, triangulate};
pub use focus::{Focus, IsoInputs, build_overlay, build_overlay_with};
pub use labels::{EstimatedMeasure, TextMeasure};
pub use projected::{LayerMesh, PlanarFeature, PlanarGeom, ProjectedLayer, ProjectedPark};
pub use scene::{
    HAlign, Item, LabelItem, MarkerItem, PolygonItem, PolylineItem, RasterItem, Scene,
};
pub use style::{
    LayerDisplay, LayerStyle, LegendEntry, LegendGroup, MarkerShape, Rgba, Stroke, Symbol,
    Symbology, Theme, legend_for,
};
pub use view::{MapView, ScreenRect, WorldRect};
