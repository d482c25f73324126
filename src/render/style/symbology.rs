//! How a layer's features get their symbol and label: [`Symbology`] (single symbol,
//! categories of a [`Classifier`], or graduated classes of a number), its
//! [`Category`]/[`GradClass`] entries, and the [`LabelRule`] of a layer.
//!
//! Owns classification (which symbol index a feature gets) and label text lookup. It
//! must not hold literal colours (those are in [`super::palette`] and
//! [`super::defaults`]) and never draws anything.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::types::{LocalText, Rgba, Symbol};
use crate::model::{ApprovalStatus, FacilityKind, Field, Lang, Layer, LifecycleStage};

/// What a categorized style classifies features by. The model's vocabularies are
/// understood however the data spells them ("已批", "approved" …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "property")]
pub enum Classifier {
    /// 审批状态 → [`ApprovalStatus`] code.
    ApprovalStatus,
    /// 用地性质 → the GB 50137 code as written (e.g. "M1"); categories match by prefix.
    LandUse,
    /// 项目阶段 → [`LifecycleStage`] code.
    LifecycleStage,
    /// 设施类型 (and the name) → [`FacilityKind`] code.
    FacilityKind,
    /// 道路等级 as written.
    RoadClass,
    /// 线路 (the route a stop belongs to) or a route's name.
    Route,
    /// Any property by name, as text.
    Property(String),
}

impl Classifier {
    /// The classification key of feature `i` of `layer`, `None` when it has no value.
    pub fn key<'a>(&self, layer: &'a Layer, i: usize) -> Option<Cow<'a, str>> {
        match self {
            Classifier::ApprovalStatus => Some(Cow::Borrowed(
                ApprovalStatus::from_data(layer.field_text(i, Field::Status).as_deref()).code(),
            )),
            Classifier::LandUse => layer.field_text(i, Field::LandUse).map(|t| {
                Cow::Owned(
                    t.chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect::<String>()
                        .to_ascii_uppercase(),
                )
            }),
            Classifier::LifecycleStage => layer
                .field_text(i, Field::Stage)
                .and_then(|s| LifecycleStage::parse(&s))
                .map(|s| Cow::Borrowed(s.code())),
            Classifier::FacilityKind => {
                let name = layer.field_text(i, Field::Name).unwrap_or_default();
                let kind = layer.field_text(i, Field::Kind);
                Some(Cow::Borrowed(
                    FacilityKind::from_data(kind.as_deref(), &name).code(),
                ))
            }
            Classifier::RoadClass => layer.field_text(i, Field::RoadClass).map(Cow::Owned),
            Classifier::Route => layer
                .field_text(i, Field::Route)
                .or_else(|| layer.field_text(i, Field::Name))
                .map(Cow::Owned),
            Classifier::Property(p) => layer
                .attributes
                .get(i, p)
                .as_text()
                .map(|t| Cow::Owned(t.trim().to_string())),
        }
    }

    /// Whether a feature's key falls in a category value: exact, or (for land use) the
    /// longest category code that prefixes the key ("M1" falls in "M" when there is no "M1").
    fn matches(&self, key: &str, value: &str) -> bool {
        match self {
            Classifier::LandUse => key.starts_with(value),
            _ => key == value,
        }
    }
}

/// One category of a categorized style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// The key value (a vocabulary code, a land-use code, or a property's text).
    pub value: String,
    /// Its legend label.
    pub label: LocalText,
    /// How its features are drawn.
    pub symbol: Symbol,
}

/// One class of a graduated style: values in `[previous upper, upper)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradClass {
    /// Upper bound (exclusive); the last class should use `f64::INFINITY`
    /// (serialised as null).
    #[serde(with = "inf_as_null")]
    pub upper: f64,
    /// Its legend label.
    pub label: LocalText,
    /// How its features are drawn.
    pub symbol: Symbol,
}

mod inf_as_null {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// Where a label's text comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from", content = "name")]
pub enum LabelSource {
    /// A model field (through the layer's field map), e.g. the name.
    Field(Field),
    /// The display id (地块编号 …).
    Id,
    /// Any property by name.
    Property(String),
}

impl LabelSource {
    /// The label text of feature `i`.
    pub fn text(&self, layer: &Layer, i: usize) -> Option<String> {
        match self {
            LabelSource::Field(f) => layer.field_text(i, *f),
            LabelSource::Id => Some(layer.display_id(i)),
            LabelSource::Property(p) => layer
                .attributes
                .get(i, p)
                .as_text()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        }
    }
}

/// A text halo (outline around glyphs for legibility over the map).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Halo {
    /// Colour.
    pub color: Rgba,
    /// Width in display units.
    pub width: f32,
}

/// When and how a layer's features are labelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRule {
    /// The text.
    pub source: LabelSource,
    /// Labels show at scales of 1:`max_scale` or larger (zoomed in further); e.g.
    /// 10000 shows them at 1:10000 and 1:5000 but not at 1:25000.
    pub max_scale: f64,
    /// Font size in display units.
    pub size: f32,
    /// Text colour.
    pub color: Rgba,
    /// Halo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halo: Option<Halo>,
    /// Higher priorities are placed first when labels collide.
    #[serde(default)]
    pub priority: i32,
}

/// How a layer's features get their symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Symbology {
    /// Every feature the same.
    Single {
        /// The symbol.
        symbol: Symbol,
    },
    /// By the category of a field.
    Categorized {
        /// What to classify by.
        classifier: Classifier,
        /// The categories, in legend order.
        categories: Vec<Category>,
        /// Features in no category (`None`: not drawn).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        other: Option<Category>,
    },
    /// By classes of a number.
    Graduated {
        /// The numeric field.
        field: Field,
        /// Classes by ascending upper bound.
        classes: Vec<GradClass>,
        /// Features without a value (`None`: not drawn).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        missing: Option<Category>,
    },
}

/// Which symbol of a symbology a feature gets: its index in the legend order
/// (categories or classes, then "other"/"missing"), or `None` when it is not drawn.
pub type SymbolIndex = Option<u16>;

impl Symbology {
    /// The symbols in legend order (categories/classes, then other/missing).
    pub fn symbols(&self) -> Vec<&Symbol> {
        match self {
            Symbology::Single { symbol } => vec![symbol],
            Symbology::Categorized {
                categories, other, ..
            } => categories
                .iter()
                .chain(other.iter())
                .map(|c| &c.symbol)
                .collect(),
            Symbology::Graduated {
                classes, missing, ..
            } => classes
                .iter()
                .map(|c| &c.symbol)
                .chain(missing.iter().map(|c| &c.symbol))
                .collect(),
        }
    }

    /// The symbol index of feature `i` (see [`SymbolIndex`]).
    pub fn classify(&self, layer: &Layer, i: usize) -> SymbolIndex {
        match self {
            Symbology::Single { .. } => Some(0),
            Symbology::Categorized {
                classifier,
                categories,
                other,
            } => {
                let other_idx = other.as_ref().map(|_| categories.len() as u16);
                let Some(key) = classifier.key(layer, i) else {
                    return other_idx;
                };
                if let Some(p) = categories.iter().position(|c| c.value == key) {
                    return Some(p as u16);
                }
                // Longest matching prefix (land use "M1" → "M").
                categories
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| classifier.matches(&key, &c.value))
                    .max_by_key(|(_, c)| c.value.len())
                    .map(|(p, _)| p as u16)
                    .or(other_idx)
            }
            Symbology::Graduated {
                field,
                classes,
                missing,
            } => {
                let missing_idx = missing.as_ref().map(|_| classes.len() as u16);
                match layer.field_f64(i, *field) {
                    Some(v) if v.is_finite() => classes
                        .iter()
                        .position(|c| v < c.upper)
                        .or(if classes.is_empty() {
                            None
                        } else {
                            Some(classes.len() - 1)
                        })
                        .map(|p| p as u16),
                    _ => missing_idx,
                }
            }
        }
    }

    /// Legend labels in legend order (matching [`Symbology::symbols`]).
    pub fn labels(&self, lang: Lang, layer_name: &str) -> Vec<String> {
        match self {
            Symbology::Single { .. } => vec![layer_name.to_string()],
            Symbology::Categorized {
                categories, other, ..
            } => categories
                .iter()
                .chain(other.iter())
                .map(|c| c.label.get(lang).to_string())
                .collect(),
            Symbology::Graduated {
                classes, missing, ..
            } => classes
                .iter()
                .map(|c| c.label.get(lang).to_string())
                .chain(missing.iter().map(|m| m.label.get(lang).to_string()))
                .collect(),
        }
    }
}
