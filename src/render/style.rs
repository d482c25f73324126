//! The theme: every colour and size ParkPlan draws with, for the screen and for paper.
//!
//! A layer is drawn by a [`LayerStyle`]: a [`Symbology`] (one symbol, categories of a
//! field, or graduated classes of a number), an opacity, and an optional [`LabelRule`].
//! [`LayerStyle::default_for`] gives each [`Role`] its planning-drawing default: parcels
//! by land use in GB 50137-2011 colours (or by approval status), projects by lifecycle
//! stage, enterprises sized by employees. Highlight, selection, service-circle and
//! catchment colours, and the page furniture of printed maps, live in [`Theme`].
//! Legends (with category counts) come from [`legend_for`], the one source for the
//! screen's layer panel and the printed legend.
//!
//! Sizes are in *display units*: logical pixels on screen, points (1/72 in) on paper.
//! This module is plain data (serde-serialisable for project files); it never names a
//! GUI toolkit and never touches files.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{ApprovalStatus, FacilityKind, Field, Lang, Layer, LifecycleStage, Role};

/// A colour with straight (not premultiplied) alpha, sRGB.
///
/// Serialised as `"#rrggbb"` or `"#rrggbbaa"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rgba {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
    /// Alpha, 0 (transparent) – 255 (opaque).
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }
    /// A colour with alpha.
    pub const fn new(r: u8, g: u8, b: u8, a: u8) -> Rgba {
        Rgba { r, g, b, a }
    }
    /// Opaque white.
    pub const WHITE: Rgba = Rgba::rgb(255, 255, 255);
    /// Opaque black.
    pub const BLACK: Rgba = Rgba::rgb(0, 0, 0);
    /// Fully transparent.
    pub const TRANSPARENT: Rgba = Rgba::new(0, 0, 0, 0);

    /// The same colour with its alpha multiplied by `opacity` (0–1).
    pub fn with_opacity(self, opacity: f32) -> Rgba {
        let o = if opacity.is_finite() {
            opacity.clamp(0.0, 1.0)
        } else {
            1.0
        };
        Rgba {
            a: (self.a as f32 * o).round() as u8,
            ..self
        }
    }

    /// The same colour with this alpha.
    pub const fn with_alpha(self, a: u8) -> Rgba {
        Rgba { a, ..self }
    }

    /// Alpha as a fraction 0–1.
    pub fn alpha_f32(self) -> f32 {
        self.a as f32 / 255.0
    }

    /// `#rrggbb` (alpha not included).
    pub fn hex_rgb(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Reads `#rgb`, `#rrggbb` or `#rrggbbaa`.
    pub fn parse_hex(s: &str) -> Option<Rgba> {
        let h = s.trim().strip_prefix('#')?;
        let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
        match h.len() {
            3 => {
                let d = |i: usize| {
                    u8::from_str_radix(h.get(i..i + 1)?, 16)
                        .ok()
                        .map(|v| v * 17)
                };
                Some(Rgba::rgb(d(0)?, d(1)?, d(2)?))
            }
            6 => Some(Rgba::rgb(byte(0)?, byte(2)?, byte(4)?)),
            8 => Some(Rgba::new(byte(0)?, byte(2)?, byte(4)?, byte(6)?)),
            _ => None,
        }
    }
}

impl From<Rgba> for String {
    fn from(c: Rgba) -> String {
        if c.a == 255 {
            c.hex_rgb()
        } else {
            format!("{}{:02x}", c.hex_rgb(), c.a)
        }
    }
}

impl TryFrom<String> for Rgba {
    type Error = String;
    fn try_from(s: String) -> Result<Rgba, String> {
        Rgba::parse_hex(&s)
            .ok_or_else(|| format!("not a colour: {s:?} (expected #rrggbb or #rrggbbaa)"))
    }
}

/// A line's look: colour, width (display units) and an optional dash pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    /// Colour.
    pub color: Rgba,
    /// Width in display units.
    pub width: f32,
    /// Dash pattern (on, off, …) in display units; `None` for a solid line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dash: Option<Vec<f32>>,
}

impl Stroke {
    /// A solid stroke.
    pub fn solid(color: Rgba, width: f32) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }
    /// A dashed stroke.
    pub fn dashed(color: Rgba, width: f32, dash: &[f32]) -> Stroke {
        Stroke {
            color,
            width,
            dash: Some(dash.to_vec()),
        }
    }
    /// The stroke with opacity applied and widths scaled.
    pub fn adjusted(&self, opacity: f32, scale: f32) -> Stroke {
        Stroke {
            color: self.color.with_opacity(opacity),
            width: self.width * scale,
            dash: self
                .dash
                .as_ref()
                .map(|d| d.iter().map(|v| v * scale).collect()),
        }
    }
}

/// The shape of a point symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerShape {
    /// A disc.
    #[default]
    Circle,
    /// A square.
    Square,
    /// A square standing on a corner.
    Diamond,
    /// A triangle pointing up.
    Triangle,
    /// A five-pointed star.
    Star,
}

impl MarkerShape {
    /// The outline of the shape centred on (0, 0) with the given size (diameter), y down,
    /// as a closed ring (first point not repeated). Circles give a 16-gon; targets that
    /// draw real circles should do so instead.
    pub fn outline(self, size: f32) -> Vec<[f32; 2]> {
        let r = size / 2.0;
        let poly = |n: usize, rot: f32, rad: &dyn Fn(usize) -> f32| -> Vec<[f32; 2]> {
            (0..n)
                .map(|i| {
                    let a = rot + i as f32 * std::f32::consts::TAU / n as f32;
                    let rr = rad(i);
                    [rr * a.cos(), rr * a.sin()]
                })
                .collect()
        };
        let up = -std::f32::consts::FRAC_PI_2;
        match self {
            MarkerShape::Circle => poly(16, 0.0, &|_| r),
            MarkerShape::Square => {
                let s = r * 0.886; // same area as the circle
                vec![[-s, -s], [s, -s], [s, s], [-s, s]]
            }
            MarkerShape::Diamond => vec![[0.0, -r], [r, 0.0], [0.0, r], [-r, 0.0]],
            MarkerShape::Triangle => poly(3, up, &|_| r * 1.1),
            MarkerShape::Star => poly(10, up, &|i| if i % 2 == 0 { r * 1.15 } else { r * 0.5 }),
        }
    }
}

/// How one feature (or one category of features) is drawn. Polygons use `fill` and
/// `stroke`; lines use `stroke` (and `casing` beneath it); points use `marker`, `size`,
/// `fill` and `stroke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Symbol {
    /// Fill of polygons and markers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Rgba>,
    /// Outline of polygons and markers; the line of line features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke: Option<Stroke>,
    /// A wider line drawn under a line feature (roads' edges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub casing: Option<Stroke>,
    /// Point symbol shape.
    #[serde(default)]
    pub marker: MarkerShape,
    /// Point symbol size (diameter) in display units.
    #[serde(default = "default_marker_size")]
    pub size: f32,
}

fn default_marker_size() -> f32 {
    6.0
}

impl Symbol {
    /// A filled polygon with an outline.
    pub fn area(fill: Rgba, stroke: Rgba, width: f32) -> Symbol {
        Symbol {
            fill: Some(fill),
            stroke: Some(Stroke::solid(stroke, width)),
            casing: None,
            marker: MarkerShape::Circle,
            size: default_marker_size(),
        }
    }
    /// A line.
    pub fn line(color: Rgba, width: f32) -> Symbol {
        Symbol {
            fill: None,
            stroke: Some(Stroke::solid(color, width)),
            casing: None,
            marker: MarkerShape::Circle,
            size: default_marker_size(),
        }
    }
    /// A point marker with a fill and an outline.
    pub fn point(shape: MarkerShape, size: f32, fill: Rgba, stroke: Rgba, width: f32) -> Symbol {
        Symbol {
            fill: Some(fill),
            stroke: Some(Stroke::solid(stroke, width)),
            casing: None,
            marker: shape,
            size,
        }
    }
    /// With a casing under the line.
    pub fn with_casing(mut self, casing: Stroke) -> Symbol {
        self.casing = Some(casing);
        self
    }
}

/// A text in both languages (category and class labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalText {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl LocalText {
    /// Both languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> LocalText {
        LocalText {
            zh: zh.into(),
            en: en.into(),
        }
    }
    /// The text in a language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

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
        Role::Roads => 3,
        Role::BusRoutes => 4,
        Role::Projects => 5,
        Role::Enterprises => 6,
        Role::Facilities => 7,
        Role::BusStops => 8,
    }
}

fn is_water(layer: &Layer) -> bool {
    let n = layer.name.to_lowercase();
    ["水", "河", "湖", "江", "water", "river", "lake"]
        .iter()
        .any(|w| n.contains(w))
}

// ---------------------------------------------------------------------------------
// The palette. Every literal colour and size of the product is below this line.
// ---------------------------------------------------------------------------------

/// Planning-drawing colours for land use after GB 50137-2011 (城市用地分类与规划建设用地
/// 标准) and its drawing convention: R yellow, A magenta/pink, B red, M brown (RGB
/// 127,95,63), W violet, S grey, U blue-teal, G green, E blue. Sub-classes are shades of
/// their class. Each entry: (code, Chinese label, English label, fill).
pub const LAND_USE_COLOURS: &[(&str, &str, &str, Rgba)] = &[
    (
        "R1",
        "一类居住用地",
        "Residential, class 1",
        Rgba::rgb(255, 255, 127),
    ),
    (
        "R2",
        "二类居住用地",
        "Residential, class 2",
        Rgba::rgb(255, 255, 0),
    ),
    (
        "R3",
        "三类居住用地",
        "Residential, class 3",
        Rgba::rgb(191, 191, 0),
    ),
    ("R", "居住用地", "Residential", Rgba::rgb(255, 255, 0)),
    (
        "A1",
        "行政办公用地",
        "Administration",
        Rgba::rgb(255, 63, 191),
    ),
    ("A33", "中小学用地", "Schools", Rgba::rgb(255, 159, 207)),
    (
        "A",
        "公共管理与公共服务用地",
        "Public services",
        Rgba::rgb(255, 127, 191),
    ),
    ("B1", "商业用地", "Commercial", Rgba::rgb(255, 0, 0)),
    ("B2", "商务用地", "Business", Rgba::rgb(255, 127, 127)),
    (
        "B",
        "商业服务业设施用地",
        "Commercial services",
        Rgba::rgb(255, 63, 63),
    ),
    (
        "M1",
        "一类工业用地",
        "Industrial, class 1",
        Rgba::rgb(165, 130, 95),
    ),
    (
        "M2",
        "二类工业用地",
        "Industrial, class 2",
        Rgba::rgb(127, 95, 63),
    ),
    (
        "M3",
        "三类工业用地",
        "Industrial, class 3",
        Rgba::rgb(96, 70, 44),
    ),
    ("M", "工业用地", "Industrial", Rgba::rgb(127, 95, 63)),
    (
        "W1",
        "一类物流仓储用地",
        "Logistics, class 1",
        Rgba::rgb(191, 159, 255),
    ),
    (
        "W",
        "物流仓储用地",
        "Logistics and warehousing",
        Rgba::rgb(159, 127, 255),
    ),
    (
        "S4",
        "交通场站用地",
        "Transport stations",
        Rgba::rgb(178, 178, 178),
    ),
    (
        "S",
        "道路与交通设施用地",
        "Roads and transport",
        Rgba::rgb(160, 160, 160),
    ),
    (
        "U1",
        "供应设施用地",
        "Utilities supply",
        Rgba::rgb(0, 159, 191),
    ),
    (
        "U",
        "公用设施用地",
        "Public utilities",
        Rgba::rgb(0, 127, 159),
    ),
    ("G1", "公园绿地", "Parks", Rgba::rgb(63, 191, 63)),
    ("G2", "防护绿地", "Protective green", Rgba::rgb(0, 159, 63)),
    (
        "G",
        "绿地与广场用地",
        "Green space and squares",
        Rgba::rgb(63, 191, 63),
    ),
    ("E1", "水域", "Water", Rgba::rgb(127, 191, 255)),
    (
        "E",
        "非建设用地",
        "Non-urban land",
        Rgba::rgb(191, 223, 191),
    ),
];

/// The fill of a land-use code by the GB 50137 palette (longest prefix), if known.
pub fn land_use_colour(code: &str) -> Option<Rgba> {
    let c = code.trim().to_ascii_uppercase();
    LAND_USE_COLOURS
        .iter()
        .filter(|(k, ..)| c.starts_with(k))
        .max_by_key(|(k, ..)| k.len())
        .map(|(.., col)| *col)
}

/// Approval-status colours (no national standard; a traffic-light reading: supplied
/// blue, approved green, listed violet, pending amber, reserve grey).
pub fn approval_status_colour(s: ApprovalStatus) -> Rgba {
    match s {
        ApprovalStatus::Supplied => Rgba::rgb(66, 133, 204),
        ApprovalStatus::Approved => Rgba::rgb(92, 184, 92),
        ApprovalStatus::Listed => Rgba::rgb(156, 106, 196),
        ApprovalStatus::Pending => Rgba::rgb(245, 176, 65),
        ApprovalStatus::Reserved => Rgba::rgb(190, 190, 190),
        ApprovalStatus::Unknown => Rgba::rgb(230, 230, 230),
    }
}

/// Lifecycle-stage colours: cool for early stages, warm while building, green in
/// production.
pub fn lifecycle_colour(s: LifecycleStage) -> Rgba {
    match s {
        LifecycleStage::Signed => Rgba::rgb(158, 202, 225),
        LifecycleStage::Fulfilling => Rgba::rgb(90, 160, 210),
        LifecycleStage::InLibrary => Rgba::rgb(40, 100, 180),
        LifecycleStage::Started => Rgba::rgb(253, 174, 97),
        LifecycleStage::UnderConstruction => Rgba::rgb(230, 85, 13),
        LifecycleStage::InProduction => Rgba::rgb(35, 139, 69),
    }
}

/// Facility-kind symbols: (shape, fill).
pub fn facility_symbol(k: FacilityKind) -> (MarkerShape, Rgba) {
    match k {
        FacilityKind::GovernmentServiceHall => (MarkerShape::Star, Rgba::rgb(200, 16, 46)),
        FacilityKind::ComprehensiveServiceCentre => (MarkerShape::Square, Rgba::rgb(217, 72, 1)),
        FacilityKind::ConvenienceServiceCentre => (MarkerShape::Square, Rgba::rgb(241, 105, 19)),
        FacilityKind::CommunityServiceStation => (MarkerShape::Circle, Rgba::rgb(253, 141, 60)),
        FacilityKind::PrimarySchool => (MarkerShape::Triangle, Rgba::rgb(49, 130, 189)),
        FacilityKind::MiddleSchool => (MarkerShape::Triangle, Rgba::rgb(8, 81, 156)),
        FacilityKind::Kindergarten => (MarkerShape::Circle, Rgba::rgb(107, 174, 214)),
        FacilityKind::PolicePost => (MarkerShape::Diamond, Rgba::rgb(37, 52, 148)),
        FacilityKind::Other => (MarkerShape::Circle, Rgba::rgb(120, 120, 120)),
    }
}

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

const OUTLINE_GREY: Rgba = Rgba::rgb(90, 90, 90);
const PARCEL_OUTLINE: Rgba = Rgba::rgb(110, 110, 110);
const ROAD_CASING: Rgba = Rgba::rgb(150, 150, 150);

fn label(source: LabelSource, max_scale: f64, size: f32, priority: i32) -> LabelRule {
    let theme = Theme::default();
    LabelRule {
        source,
        max_scale,
        size,
        color: theme.label_color,
        halo: Some(theme.label_halo),
        priority,
    }
}

impl LayerStyle {
    /// The default style of a layer, by its role (water recognised by its name).
    pub fn default_for(layer: &Layer) -> LayerStyle {
        match layer.role {
            Role::Parcels => LayerStyle::parcels_by_land_use(),
            Role::Projects => LayerStyle::projects_by_stage(),
            Role::Enterprises => LayerStyle::enterprises_by_employees(),
            Role::Facilities => LayerStyle::facilities_by_kind(),
            Role::BusRoutes => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol::line(Rgba::rgb(0, 110, 190), 2.2),
                },
                opacity: 1.0,
                label: Some(label(LabelSource::Field(Field::Name), 60_000.0, 9.0, 60)),
                labels_visible: true,
            },
            Role::BusStops => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol::point(
                        MarkerShape::Circle,
                        5.0,
                        Rgba::WHITE,
                        Rgba::rgb(0, 110, 190),
                        1.4,
                    ),
                },
                opacity: 1.0,
                label: Some(label(LabelSource::Field(Field::Name), 12_000.0, 7.0, 30)),
                labels_visible: true,
            },
            Role::Roads => LayerStyle::roads_by_class(),
            Role::Other if is_water(layer) => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol::area(Rgba::rgb(170, 211, 236), Rgba::rgb(120, 170, 210), 0.6),
                },
                opacity: 1.0,
                label: Some(LabelRule {
                    color: Rgba::rgb(40, 90, 150),
                    ..label(LabelSource::Field(Field::Name), 200_000.0, 10.0, 40)
                }),
                labels_visible: true,
            },
            Role::Other => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol {
                        marker: MarkerShape::Circle,
                        size: 5.0,
                        ..Symbol::area(Rgba::new(180, 180, 180, 160), OUTLINE_GREY, 0.8)
                    },
                },
                opacity: 1.0,
                label: Some(label(LabelSource::Field(Field::Name), 20_000.0, 8.0, 0)),
                labels_visible: true,
            },
        }
    }

    /// Parcels coloured by land use (GB 50137-2011 colours).
    pub fn parcels_by_land_use() -> LayerStyle {
        let categories = LAND_USE_COLOURS
            .iter()
            .map(|(code, zh, en, fill)| Category {
                value: code.to_string(),
                label: LocalText::new(format!("{code} {zh}"), format!("{code} {en}")),
                symbol: Symbol::area(*fill, PARCEL_OUTLINE, 0.5),
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::LandUse,
                categories,
                other: Some(Category {
                    value: String::new(),
                    label: LocalText::new("其他用地", "Other land use"),
                    symbol: Symbol::area(Rgba::rgb(225, 225, 225), PARCEL_OUTLINE, 0.5),
                }),
            },
            opacity: 0.85,
            label: Some(label(LabelSource::Id, 6_000.0, 7.0, 10)),
            labels_visible: true,
        }
    }

    /// Parcels coloured by approval status.
    pub fn parcels_by_status() -> LayerStyle {
        let categories = ApprovalStatus::ALL
            .iter()
            .map(|s| Category {
                value: s.code().to_string(),
                label: LocalText::new(s.label(Lang::Zh), s.label(Lang::En)),
                symbol: Symbol::area(approval_status_colour(*s), PARCEL_OUTLINE, 0.5),
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::ApprovalStatus,
                categories,
                other: None,
            },
            opacity: 0.85,
            label: Some(label(LabelSource::Id, 6_000.0, 7.0, 10)),
            labels_visible: true,
        }
    }

    /// Projects by lifecycle stage.
    pub fn projects_by_stage() -> LayerStyle {
        let categories = LifecycleStage::ALL
            .iter()
            .map(|s| Category {
                value: s.code().to_string(),
                label: LocalText::new(s.label(Lang::Zh), s.label(Lang::En)),
                symbol: Symbol::point(
                    MarkerShape::Diamond,
                    9.0,
                    lifecycle_colour(*s),
                    Rgba::rgb(50, 50, 50),
                    0.8,
                ),
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::LifecycleStage,
                categories,
                other: Some(Category {
                    value: String::new(),
                    label: LocalText::new("阶段未知", "Stage unknown"),
                    symbol: Symbol::point(
                        MarkerShape::Diamond,
                        9.0,
                        Rgba::rgb(200, 200, 200),
                        Rgba::rgb(50, 50, 50),
                        0.8,
                    ),
                }),
            },
            opacity: 1.0,
            label: Some(label(LabelSource::Field(Field::Name), 15_000.0, 7.5, 50)),
            labels_visible: true,
        }
    }

    /// Enterprises as circles sized by employees (职工人数).
    pub fn enterprises_by_employees() -> LayerStyle {
        // Dark teal: reads on yellow, brown and violet parcels and stays distinct from
        // the crimson of highlighted (covered) enterprises.
        let fill = Rgba::new(0, 112, 130, 215);
        let stroke = Rgba::rgb(255, 255, 255);
        let class = |upper: f64, zh: &str, en: &str, size: f32| GradClass {
            upper,
            label: LocalText::new(zh, en),
            symbol: Symbol::point(MarkerShape::Circle, size, fill, stroke, 0.6),
        };
        LayerStyle {
            symbology: Symbology::Graduated {
                field: Field::Employees,
                classes: vec![
                    class(50.0, "职工 < 50 人", "< 50 employees", 3.5),
                    class(200.0, "50–199 人", "50–199", 5.0),
                    class(500.0, "200–499 人", "200–499", 6.5),
                    class(1000.0, "500–999 人", "500–999", 8.5),
                    class(f64::INFINITY, "≥ 1000 人", "≥ 1000", 11.0),
                ],
                missing: Some(Category {
                    value: String::new(),
                    label: LocalText::new("人数未知", "Employees unknown"),
                    symbol: Symbol::point(
                        MarkerShape::Circle,
                        3.5,
                        Rgba::new(150, 150, 150, 220),
                        stroke,
                        0.6,
                    ),
                }),
            },
            opacity: 1.0,
            label: Some(label(LabelSource::Field(Field::Name), 7_000.0, 6.5, 20)),
            labels_visible: true,
        }
    }

    /// Facilities by kind.
    pub fn facilities_by_kind() -> LayerStyle {
        let categories = FacilityKind::ALL
            .iter()
            .map(|k| {
                let (shape, fill) = facility_symbol(*k);
                Category {
                    value: k.code().to_string(),
                    label: LocalText::new(k.label(Lang::Zh), k.label(Lang::En)),
                    symbol: Symbol::point(shape, 9.0, fill, Rgba::WHITE, 1.0),
                }
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::FacilityKind,
                categories,
                other: None,
            },
            opacity: 1.0,
            label: Some(label(LabelSource::Field(Field::Name), 25_000.0, 7.5, 70)),
            labels_visible: true,
        }
    }

    /// Roads by class (主干路, 次干路, 支路), cased.
    pub fn roads_by_class() -> LayerStyle {
        let road = |value: &str, en: &str, width: f32| Category {
            value: value.to_string(),
            label: LocalText::new(value, en),
            symbol: Symbol::line(Rgba::WHITE, width)
                .with_casing(Stroke::solid(ROAD_CASING, width + 1.4)),
        };
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::RoadClass,
                categories: vec![
                    road("快速路", "Expressway", 5.0),
                    road("主干路", "Arterial", 4.0),
                    road("次干路", "Secondary", 2.8),
                    road("支路", "Local", 1.8),
                ],
                other: Some(Category {
                    value: String::new(),
                    label: LocalText::new("其他道路", "Other roads"),
                    symbol: Symbol::line(Rgba::WHITE, 1.5)
                        .with_casing(Stroke::solid(ROAD_CASING, 2.7)),
                }),
            },
            opacity: 1.0,
            label: Some(LabelRule {
                color: Rgba::rgb(70, 70, 70),
                ..label(LabelSource::Field(Field::Name), 30_000.0, 7.0, 45)
            }),
            labels_visible: true,
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeTable, PropValue};

    fn layer_with(role: Role, col: &str, field: Field, values: &[&str]) -> Layer {
        let mut attributes = AttributeTable::new();
        for v in values {
            attributes.push_row([(col, PropValue::Str(v))]);
        }
        let mut fields = crate::model::FieldMap::new();
        fields.insert(field, col.to_string());
        Layer {
            name: "t".into(),
            role,
            fields,
            ids: vec![None; values.len()],
            geometries: values
                .iter()
                .map(|_| Some(geo::Geometry::Point(geo::Point::new(112.3, 30.3))))
                .collect(),
            attributes,
            ..Layer::default()
        }
    }

    #[test]
    fn colours_round_trip_as_hex() {
        let c = Rgba::new(127, 95, 63, 128);
        let s: String = c.into();
        assert_eq!(s, "#7f5f3f80");
        assert_eq!(Rgba::try_from(s).unwrap(), c);
        assert_eq!(Rgba::parse_hex("#fff"), Some(Rgba::WHITE));
        assert_eq!(Rgba::parse_hex("#12345"), None);
        assert_eq!(Rgba::rgb(1, 2, 3).with_opacity(0.5).a, 128);
    }

    #[test]
    fn land_use_follows_gb50137() {
        assert_eq!(land_use_colour("M2"), Some(Rgba::rgb(127, 95, 63)));
        assert_eq!(land_use_colour("M"), Some(Rgba::rgb(127, 95, 63)));
        // A sub-class the table lacks falls back to its class.
        assert_eq!(land_use_colour("R4"), land_use_colour("R"));
        assert_eq!(land_use_colour("A33"), Some(Rgba::rgb(255, 159, 207)));
        assert_eq!(land_use_colour("Z9"), None);
    }

    #[test]
    fn categorized_by_land_use_prefix_and_counts() {
        let layer = layer_with(
            Role::Parcels,
            "用地性质",
            Field::LandUse,
            &["M1", "M2", "m2", "M9", "R2", "XX", "A33"],
        );
        let style = LayerStyle::parcels_by_land_use();
        let sym = &style.symbology;
        let idx = |i| sym.classify(&layer, i).unwrap() as usize;
        let codes: Vec<&str> = LAND_USE_COLOURS.iter().map(|c| c.0).collect();
        assert_eq!(codes[idx(0)], "M1");
        assert_eq!(codes[idx(1)], "M2");
        assert_eq!(codes[idx(2)], "M2");
        assert_eq!(codes[idx(3)], "M");
        assert_eq!(codes[idx(6)], "A33");
        assert_eq!(idx(5), LAND_USE_COLOURS.len()); // other
        let display = LayerDisplay {
            layer: 0,
            visible: true,
            style,
        };
        let g = legend_for(std::slice::from_ref(&layer), &display, Lang::Zh).unwrap();
        let total: usize = g.entries.iter().map(|e| e.count).sum();
        assert_eq!(total, 7);
        let m2 = g
            .entries
            .iter()
            .find(|e| e.label.starts_with("M2 "))
            .unwrap();
        assert_eq!(m2.count, 2);
        assert_eq!(m2.swatch, SwatchKind::Point);
    }

    #[test]
    fn status_understands_spellings() {
        let layer = layer_with(
            Role::Parcels,
            "审批状态",
            Field::Status,
            &["已批", "approved", "报批中", "??"],
        );
        let style = LayerStyle::parcels_by_status();
        let counts = symbol_counts(&layer, &style.symbology);
        let pos = |s: ApprovalStatus| ApprovalStatus::ALL.iter().position(|x| *x == s).unwrap();
        assert_eq!(counts[pos(ApprovalStatus::Approved)], 2);
        assert_eq!(counts[pos(ApprovalStatus::Pending)], 1);
        assert_eq!(counts[pos(ApprovalStatus::Unknown)], 1);
    }

    #[test]
    fn graduated_by_employees() {
        let layer = layer_with(
            Role::Enterprises,
            "职工人数",
            Field::Employees,
            &["12", "50", "199", "1702", "", "abc"],
        );
        let s = LayerStyle::enterprises_by_employees().symbology;
        let c: Vec<SymbolIndex> = (0..6).map(|i| s.classify(&layer, i)).collect();
        assert_eq!(
            c,
            vec![Some(0), Some(1), Some(1), Some(4), Some(5), Some(5)]
        );
        let labels = s.labels(Lang::Zh, "企业");
        assert_eq!(labels.len(), 6);
        assert_eq!(labels[5], "人数未知");
    }

    #[test]
    fn styles_serialise() {
        let s = LayerStyle::enterprises_by_employees();
        let j = serde_json::to_string(&s).unwrap();
        let back: LayerStyle = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s);
        let t = Theme::default();
        let back: Theme = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn markers_have_outlines() {
        for m in [
            MarkerShape::Circle,
            MarkerShape::Square,
            MarkerShape::Diamond,
            MarkerShape::Triangle,
            MarkerShape::Star,
        ] {
            let o = m.outline(10.0);
            assert!(o.len() >= 3);
            assert!(o.iter().all(|p| p[0].abs() <= 6.0 && p[1].abs() <= 6.0));
        }
    }
}
