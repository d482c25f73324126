//! A layer's complete look ([`LayerStyle`]) and its place in the drawing order
//! ([`LayerDisplay`], [`default_displays`]).
//!
//! Owns the style record saved in project files and the default stacking order by
//! role. The per-role default styles themselves are built in [`super::defaults`]; this
//! file must not hold literal colours.

use serde::{Deserialize, Serialize};

use super::symbology::{LabelRule, Symbology};
use crate::model::{Layer, Role};

/// A layer's complete look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerStyle {
    /// The symbology.
    pub symbology: Symbology,
    /// Opacity 0–1, multiplied into every colour of the layer.
    pub opacity: f32,
    /// The label rule, if the layer can be labelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<LabelRule>,
    /// Whether labels are shown (the layers panel's label toggle).
    #[serde(default = "yes")]
    pub labels_visible: bool,
}

fn yes() -> bool {
    true
}

/// One layer in the drawing order, as the layers panel (or an export) sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerDisplay {
    /// Index into `Park::layers`.
    pub layer: usize,
    /// Drawn or not.
    pub visible: bool,
    /// Its style.
    pub style: LayerStyle,
}

/// The default drawing order and styles of a park's layers: water and parcels at the
/// bottom, then roads, routes, projects, enterprises, facilities and stops on top.
pub fn default_displays(layers: &[Layer]) -> Vec<LayerDisplay> {
    let mut v: Vec<LayerDisplay> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| LayerDisplay {
            layer: i,
            visible: true,
            style: LayerStyle::default_for(l),
        })
        .collect();
    v.sort_by_key(|d| (draw_rank(&layers[d.layer]), d.layer));
    v
}

fn draw_rank(layer: &Layer) -> u8 {
    match layer.role {
        Role::Other => {
            if is_water(layer) {
                0
            } else {
                1
            }
        }
        Role::Parcels => 2,
        Role::Constraints => 3,
        Role::Roads => 4,
        Role::BusRoutes => 5,
        Role::Projects => 6,
        Role::Enterprises => 7,
        Role::Facilities => 8,
        Role::BusStops => 9,
    }
}

/// Whether a layer is water, by its name (water is drawn at the bottom, in blue).
pub(super) fn is_water(layer: &Layer) -> bool {
    let n = layer.name.to_lowercase();
    ["水", "河", "湖", "江", "water", "river", "lake"]
        .iter()
        .any(|w| n.contains(w))
}
