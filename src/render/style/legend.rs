//! Legends: one [`LegendGroup`] per layer with its entries and feature counts
//! ([`legend_for`]), the one source for the screen's layer panel and the printed
//! legend, plus the counting helpers behind it ([`symbol_counts`], [`distinct_keys`]).
//!
//! Owns legend building only; it reads styles and layers and never changes them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::layer::LayerDisplay;
use super::symbology::{Classifier, Symbology};
use super::types::Symbol;
use crate::model::{Lang, Layer};

/// What a legend swatch shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwatchKind {
    /// A filled rectangle.
    Area,
    /// A short line.
    Line,
    /// A point marker.
    Point,
}

/// One row of a legend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegendEntry {
    /// The label ("M2 二类工业用地").
    pub label: String,
    /// The symbol (opacity of the layer applied).
    pub symbol: Symbol,
    /// The swatch to draw.
    pub swatch: SwatchKind,
    /// How many features of the layer fall in this entry.
    pub count: usize,
}

/// A layer's legend: its name and entries (entries with no features are left out
/// unless the layer is single-symbol).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegendGroup {
    /// Index into `Park::layers`.
    pub layer: usize,
    /// The layer's name.
    pub title: String,
    /// The entries.
    pub entries: Vec<LegendEntry>,
}

/// The swatch kind for a layer, from its geometry types.
pub fn swatch_kind(layer: &Layer) -> SwatchKind {
    let counts = layer.geometry_type_counts();
    let n = |k: &str| counts.get(k).copied().unwrap_or(0);
    let areas = n("Polygon") + n("MultiPolygon");
    let lines = n("LineString") + n("MultiLineString");
    let points = n("Point") + n("MultiPoint");
    if areas >= lines && areas >= points && areas > 0 {
        SwatchKind::Area
    } else if lines >= points && lines > 0 {
        SwatchKind::Line
    } else {
        SwatchKind::Point
    }
}

/// Counts the features of `layer` per symbol index of `symbology`.
pub fn symbol_counts(layer: &Layer, symbology: &Symbology) -> Vec<usize> {
    let n = symbology.symbols().len();
    let mut counts = vec![0usize; n];
    for i in 0..layer.len() {
        if layer.geometries[i].is_none() {
            continue;
        }
        if let Some(k) = symbology.classify(layer, i)
            && let Some(c) = counts.get_mut(k as usize)
        {
            *c += 1;
        }
    }
    counts
}

/// The legend of one layer drawn with `style`, with category counts.
pub fn legend_for(layers: &[Layer], display: &LayerDisplay, lang: Lang) -> Option<LegendGroup> {
    let layer = layers.get(display.layer)?;
    let style = &display.style;
    let swatch = swatch_kind(layer);
    let counts = symbol_counts(layer, &style.symbology);
    let labels = style.symbology.labels(lang, &layer.name);
    let single = matches!(style.symbology, Symbology::Single { .. });
    let entries = style
        .symbology
        .symbols()
        .into_iter()
        .zip(labels)
        .zip(counts)
        .filter(|(_, count)| single || *count > 0)
        .map(|((symbol, label), count)| LegendEntry {
            label,
            symbol: Symbol {
                fill: symbol.fill.map(|c| c.with_opacity(style.opacity)),
                stroke: symbol
                    .stroke
                    .as_ref()
                    .map(|s| s.adjusted(style.opacity, 1.0)),
                casing: symbol
                    .casing
                    .as_ref()
                    .map(|s| s.adjusted(style.opacity, 1.0)),
                ..symbol.clone()
            },
            swatch,
            count,
        })
        .collect();
    Some(LegendGroup {
        layer: display.layer,
        title: layer.name.clone(),
        entries,
    })
}

/// Counts of each distinct classification key (for building categories from data).
pub fn distinct_keys(layer: &Layer, classifier: &Classifier) -> Vec<(String, usize)> {
    let mut m: HashMap<String, usize> = HashMap::new();
    for i in 0..layer.len() {
        if let Some(k) = classifier.key(layer, i) {
            *m.entry(k.into_owned()).or_insert(0) += 1;
        }
    }
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort();
    v
}
