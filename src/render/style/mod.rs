//! The theme: every colour and size ParkPlan draws with, for the screen and for paper.
//!
//! A layer is drawn by a [`LayerStyle`]: a [`Symbology`] (one symbol, categories of a
//! field, or graduated classes of a number), an opacity, and an optional [`LabelRule`].
//! [`LayerStyle::default_for`] gives each [`Role`](crate::model::Role) its
//! planning-drawing default: parcels by land use in GB 50137-2011 colours (or by
//! approval status), projects by lifecycle stage, enterprises sized by employees.
//! Highlight, selection, service-circle and catchment colours, and the page furniture
//! of printed maps, live in [`Theme`].
//! Legends (with category counts) come from [`legend_for`], the one source for the
//! screen's layer panel and the printed legend.
//!
//! Sizes are in *display units*: logical pixels on screen, points (1/72 in) on paper.
//! This module is plain data (serde-serialisable for project files); it never names a
//! GUI toolkit and never touches files.
//!
//! The module is split by job: [`types`] (colours, strokes, markers, symbols),
//! [`symbology`] (classification and labels), [`layer`] (a layer's style and the
//! drawing order), [`palette`] (GB 50137 land use and the other colour tables),
//! [`theme`] (non-layer colours and printed pages), [`defaults`] (each role's default
//! style) and [`legend`]. Everything is re-exported here, so `crate::render::style::X`
//! names every item.

pub mod defaults;
pub mod layer;
pub mod legend;
pub mod palette;
pub mod symbology;
pub mod theme;
pub mod types;

#[cfg(test)]
mod tests;

pub use layer::{LayerDisplay, LayerStyle, default_displays};
pub use legend::{
    LegendEntry, LegendGroup, SwatchKind, distinct_keys, legend_for, swatch_kind, symbol_counts,
};
pub use palette::{
    LAND_USE_COLOURS, approval_status_colour, facility_symbol, land_use_colour, land_use_label,
    lifecycle_colour,
};
pub use symbology::{
    Category, Classifier, GradClass, Halo, LabelRule, LabelSource, SymbolIndex, Symbology,
};
pub use theme::{PageTheme, Theme};
pub use types::{LocalText, MarkerShape, Rgba, Stroke, Symbol};
