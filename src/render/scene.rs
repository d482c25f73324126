//! The scene: what to draw, already in display units (f32, y down), in drawing order.
//!
//! A [`Scene`] is the one product of rendering that every target draws: polygons
//! (rings with holes, even-odd), polylines (width, dash), point markers and labels.
//! Each item may carry the [`FeatureRef`] it came from, so a screen target can hit-test
//! or cache per feature. Scenes are plain data: no GUI types, no file I/O.

use super::style::{Halo, MarkerShape, Rgba, Stroke};
use super::view::ScreenRect;
use crate::model::FeatureRef;

/// The distance from the vertical middle of a label's em box down to its alphabetic
/// baseline, as a fraction of the font size. For Noto Sans CJK (ascender 0.88,
/// descender 0.12 em) the em box's middle sits 0.38 em above the baseline.
pub const BASELINE_BELOW_MIDDLE: f32 = 0.38;

/// A polygon: exterior ring then holes, filled with the even-odd rule (which equals
/// non-zero for valid polygons). Rings are not closed (first point not repeated).
#[derive(Debug, Clone, PartialEq)]
pub struct PolygonItem {
    /// Rings in display units.
    pub rings: Vec<Vec<[f32; 2]>>,
    /// Fill colour.
    pub fill: Option<Rgba>,
    /// Outline.
    pub stroke: Option<Stroke>,
    /// The feature it draws.
    pub tag: Option<FeatureRef>,
}

/// A polyline with round joins and caps.
#[derive(Debug, Clone, PartialEq)]
pub struct PolylineItem {
    /// Points in display units.
    pub points: Vec<[f32; 2]>,
    /// Colour, width, dash.
    pub stroke: Stroke,
    /// The feature it draws.
    pub tag: Option<FeatureRef>,
}

/// A point symbol centred on a point.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerItem {
    /// Centre in display units.
    pub center: [f32; 2],
    /// Shape.
    pub shape: MarkerShape,
    /// Size (diameter) in display units.
    pub size: f32,
    /// Fill.
    pub fill: Option<Rgba>,
    /// Outline.
    pub stroke: Option<Stroke>,
    /// The feature it draws.
    pub tag: Option<FeatureRef>,
}

/// Horizontal alignment of a label at its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    /// The text starts at the position.
    Left,
    /// The text is centred on the position.
    Center,
    /// The text ends at the position.
    Right,
}

/// One line of text. `pos` is the point at the aligned edge (left, centre or right) and
/// at the vertical middle of the em box; targets that place text by its baseline use
/// [`LabelItem::baseline`].
#[derive(Debug, Clone, PartialEq)]
pub struct LabelItem {
    /// The text (one line).
    pub text: String,
    /// Position, see above.
    pub pos: [f32; 2],
    /// Horizontal alignment.
    pub align: HAlign,
    /// Font size (em) in display units.
    pub size: f32,
    /// Colour.
    pub color: Rgba,
    /// Halo behind the glyphs.
    pub halo: Option<Halo>,
    /// The feature it labels.
    pub tag: Option<FeatureRef>,
}

impl LabelItem {
    /// The alphabetic baseline's y coordinate.
    pub fn baseline(&self) -> f32 {
        self.pos[1] + self.size * BASELINE_BELOW_MIDDLE
    }
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A polygon.
    Polygon(PolygonItem),
    /// A polyline.
    Polyline(PolylineItem),
    /// A marker.
    Marker(MarkerItem),
    /// A label.
    Label(LabelItem),
}

impl Item {
    /// The feature the item draws, if any.
    pub fn tag(&self) -> Option<FeatureRef> {
        match self {
            Item::Polygon(p) => p.tag,
            Item::Polyline(p) => p.tag,
            Item::Marker(m) => m.tag,
            Item::Label(l) => l.tag,
        }
    }
}

/// Items in drawing order (first drawn first), optionally clipped to a rectangle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    /// Drawn in order.
    pub items: Vec<Item>,
    /// Nothing is drawn outside this rectangle (the map frame on a page).
    pub clip: Option<ScreenRect>,
    /// Filled over the clip rectangle (or the whole target) before the items.
    pub background: Option<Rgba>,
}

impl Scene {
    /// An empty scene clipped to `clip`.
    pub fn clipped(clip: ScreenRect) -> Scene {
        Scene {
            clip: Some(clip),
            ..Scene::default()
        }
    }

    /// Appends a polygon.
    pub fn polygon(
        &mut self,
        rings: Vec<Vec<[f32; 2]>>,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
    ) {
        self.items.push(Item::Polygon(PolygonItem {
            rings,
            fill,
            stroke,
            tag: None,
        }));
    }

    /// Appends an axis-aligned rectangle.
    pub fn rect(&mut self, r: ScreenRect, fill: Option<Rgba>, stroke: Option<Stroke>) {
        self.polygon(
            vec![vec![
                r.min,
                [r.max[0], r.min[1]],
                r.max,
                [r.min[0], r.max[1]],
            ]],
            fill,
            stroke,
        );
    }

    /// Appends a polyline.
    pub fn line(&mut self, points: Vec<[f32; 2]>, stroke: Stroke) {
        self.items.push(Item::Polyline(PolylineItem {
            points,
            stroke,
            tag: None,
        }));
    }

    /// Appends a label.
    pub fn text(
        &mut self,
        text: impl Into<String>,
        pos: [f32; 2],
        align: HAlign,
        size: f32,
        color: Rgba,
    ) {
        self.items.push(Item::Label(LabelItem {
            text: text.into(),
            pos,
            align,
            size,
            color,
            halo: None,
            tag: None,
        }));
    }

    /// The labels of the scene.
    pub fn labels(&self) -> impl Iterator<Item = &LabelItem> {
        self.items.iter().filter_map(|i| match i {
            Item::Label(l) => Some(l),
            _ => None,
        })
    }

    /// Counts of (polygons, polylines, markers, labels).
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for i in &self.items {
            c[match i {
                Item::Polygon(_) => 0,
                Item::Polyline(_) => 1,
                Item::Marker(_) => 2,
                Item::Label(_) => 3,
            }] += 1;
        }
        c
    }

    /// Moves every item by `d` display units (a screen target can shift the last scene
    /// while a new one is built during a pan).
    pub fn translate(&mut self, d: [f32; 2]) {
        let mv = |p: &mut [f32; 2]| {
            p[0] += d[0];
            p[1] += d[1];
        };
        for it in &mut self.items {
            match it {
                Item::Polygon(p) => p.rings.iter_mut().flatten().for_each(mv),
                Item::Polyline(l) => l.points.iter_mut().for_each(mv),
                Item::Marker(m) => mv(&mut m.center),
                Item::Label(l) => mv(&mut l.pos),
            }
        }
        if let Some(c) = &mut self.clip {
            mv(&mut c.min);
            mv(&mut c.max);
        }
    }
}
