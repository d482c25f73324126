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

/// A picture stretched over a rectangle: a crowded point layer drawn as pixels
/// ([`aggregate`](super::aggregate)), each point's symbol stamped once.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterItem {
    /// Where the picture goes, display units.
    pub rect: ScreenRect,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Premultiplied RGBA, 4 bytes a pixel, rows top to bottom.
    pub pixels: std::sync::Arc<Vec<u8>>,
    /// The layer drawn.
    pub layer: u32,
    /// How many features the picture draws.
    pub features: usize,
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
    /// Rotation about `pos`, radians clockwise (0: horizontal; labels along roads).
    pub angle: f32,
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
    /// Pixels (a crowded point layer).
    Raster(RasterItem),
}

impl Item {
    /// The feature the item draws, if any.
    pub fn tag(&self) -> Option<FeatureRef> {
        match self {
            Item::Polygon(p) => p.tag,
            Item::Polyline(p) => p.tag,
            Item::Marker(m) => m.tag,
            Item::Label(l) => l.tag,
            Item::Raster(_) => None,
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
            angle: 0.0,
        }));
    }

    /// The labels of the scene.
    pub fn labels(&self) -> impl Iterator<Item = &LabelItem> {
        self.items.iter().filter_map(|i| match i {
            Item::Label(l) => Some(l),
            _ => None,
        })
    }

    /// Counts of (polygons, polylines, markers, labels); a picture of points counts
    /// the features it draws as markers.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for i in &self.items {
            match i {
                Item::Polygon(_) => c[0] += 1,
                Item::Polyline(_) => c[1] += 1,
                Item::Marker(_) => c[2] += 1,
                Item::Label(_) => c[3] += 1,
                Item::Raster(r) => c[2] += r.features,
            }
        }
        c
    }

    /// The pictures of the scene (crowded point layers drawn as pixels).
    pub fn rasters(&self) -> impl Iterator<Item = &RasterItem> {
        self.items.iter().filter_map(|i| match i {
            Item::Raster(r) => Some(r),
            _ => None,
        })
    }

    /// A copy scaled by `k` about the origin and then moved by `offset`: coordinates,
    /// line widths, dashes, marker and font sizes and halos all scale, so a page in
    /// points can be previewed in a screen rectangle (`k` = preview width / page width).
    pub fn scaled(&self, k: f32, offset: [f32; 2]) -> Scene {
        let p = |q: [f32; 2]| [q[0] * k + offset[0], q[1] * k + offset[1]];
        let st = |s: &Stroke| s.adjusted(1.0, k);
        let items = self
            .items
            .iter()
            .map(|it| match it {
                Item::Polygon(x) => Item::Polygon(PolygonItem {
                    rings: x
                        .rings
                        .iter()
                        .map(|r| r.iter().map(|q| p(*q)).collect())
                        .collect(),
                    fill: x.fill,
                    stroke: x.stroke.as_ref().map(st),
                    tag: x.tag,
                }),
                Item::Polyline(x) => Item::Polyline(PolylineItem {
                    points: x.points.iter().map(|q| p(*q)).collect(),
                    stroke: st(&x.stroke),
                    tag: x.tag,
                }),
                Item::Marker(x) => Item::Marker(MarkerItem {
                    center: p(x.center),
                    size: x.size * k,
                    stroke: x.stroke.as_ref().map(st),
                    ..x.clone()
                }),
                Item::Raster(x) => Item::Raster(RasterItem {
                    rect: ScreenRect {
                        min: p(x.rect.min),
                        max: p(x.rect.max),
                    },
                    ..x.clone()
                }),
                Item::Label(x) => Item::Label(LabelItem {
                    pos: p(x.pos),
                    size: x.size * k,
                    halo: x.halo.map(|h| Halo {
                        width: h.width * k,
                        ..h
                    }),
                    ..x.clone()
                }),
            })
            .collect();
        Scene {
            items,
            clip: self.clip.map(|c| ScreenRect {
                min: p(c.min),
                max: p(c.max),
            }),
            background: self.background,
        }
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
                Item::Raster(r) => {
                    mv(&mut r.rect.min);
                    mv(&mut r.rect.max);
                }
            }
        }
        if let Some(c) = &mut self.clip {
            mv(&mut c.min);
            mv(&mut c.max);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_maps_points_and_sizes() {
        let mut s = Scene::clipped(ScreenRect::from_min_size([10.0, 10.0], [100.0, 50.0]));
        s.line(
            vec![[10.0, 10.0], [110.0, 60.0]],
            Stroke::dashed(Rgba::BLACK, 2.0, &[4.0, 2.0]),
        );
        s.text("图例", [20.0, 20.0], HAlign::Left, 10.0, Rgba::BLACK);
        let t = s.scaled(0.5, [5.0, 0.0]);
        let Item::Polyline(l) = &t.items[0] else {
            panic!()
        };
        assert_eq!(l.points, vec![[10.0, 5.0], [60.0, 30.0]]);
        assert_eq!(l.stroke.width, 1.0);
        assert_eq!(l.stroke.dash, Some(vec![2.0, 1.0]));
        let Item::Label(x) = &t.items[1] else {
            panic!()
        };
        assert_eq!((x.pos, x.size), ([15.0, 10.0], 5.0));
        assert_eq!(t.clip.unwrap().min, [10.0, 5.0]);
        let mut m = s.clone();
        m.translate([1.0, 2.0]);
        assert_eq!(m.clip.unwrap().min, [11.0, 12.0]);
    }
}
