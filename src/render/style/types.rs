//! The basic drawing types of a style: colours ([`Rgba`]), lines ([`Stroke`]), point
//! marker shapes ([`MarkerShape`]), symbols ([`Symbol`]) and texts in both languages
//! ([`LocalText`]).
//!
//! Owns only these plain, serde-serialisable values and their arithmetic (opacity,
//! scaling, marker outlines). It must not name layers, roles or any palette: which
//! colour goes where is decided in [`super::palette`], [`super::defaults`] and
//! [`super::theme`].

use serde::{Deserialize, Serialize};

use crate::model::Lang;

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
