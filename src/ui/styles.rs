//! The bridge between the layers panel and `render::style`: the style choices a layer
//! offers and its legend (swatches with category counts).
//!
//! STOPGAP until `render::style` lands: one "single symbol" choice and no legend.

use eframe::egui;

use super::session::Session;
use crate::model::Lang;

/// The names of the styles layer `li` can be drawn with, in menu order.
pub fn style_options(_session: &Session, _li: usize, lang: Lang) -> Vec<String> {
    vec![lang.pick("单一符号", "Single symbol").to_string()]
}

/// Shows the legend of layer `li` in its current style.
pub fn legend(_ui: &mut egui::Ui, _session: &Session, _li: usize, _lang: Lang) {}
