//! The drawing interface every target implements, and helpers for targets that can
//! only draw triangles.
//!
//! [`draw_scene`] walks a [`Scene`] in order and calls the [`Canvas`] methods; the
//! screen (egui, in `ui`), SVG, PDF and PNG (in `export`) implement them. Targets with
//! real paths (SVG, PDF) fill polygons with the even-odd rule; targets that draw only
//! convex shapes or triangles (egui) use [`triangulate`] (earcut, holes respected) and
//! draw outlines as closed polylines.
//!
//! A screen target (egui) maps the items to shapes: `PolygonItem` → [`triangulate`] into
//! an `egui::Mesh` with the fill colour (or, for a whole polygon layer drawn every frame,
//! transform the cached planar mesh of `ProjectedLayer::mesh` with the view) plus
//! [`closed_rings`] as `PathShape::line`s for the outline; `PolylineItem` → `PathShape`
//! (dashes with `Shape::dashed_line`); `MarkerItem` → `circle_filled`/`convex_polygon`
//! of `MarkerShape::outline`; `LabelItem` → `painter.text` at `pos` with
//! `Align2::{LEFT,CENTER,RIGHT}_CENTER` (a halo: the same text drawn first in the halo
//! colour at small offsets, or a rounded rect). A printed page is previewed by drawing
//! `Scene::scaled` copies of its scenes.
//!
//! No GUI types and no I/O here.

use geo::TriangulateEarcut;

use super::scene::{Item, LabelItem, MarkerItem, PolygonItem, PolylineItem, RasterItem, Scene};
use super::view::ScreenRect;

/// A drawing target. Coordinates are display units, y down; colours straight alpha.
pub trait Canvas {
    /// Called before a scene's items: restrict drawing to `clip` (when given) and
    /// fill it with `background` (when given).
    fn begin_scene(&mut self, clip: Option<ScreenRect>, background: Option<super::style::Rgba>);
    /// Draws a polygon (rings: exterior then holes; even-odd fill; then the outline).
    fn polygon(&mut self, p: &PolygonItem);
    /// Draws a polyline.
    fn polyline(&mut self, l: &PolylineItem);
    /// Draws a point marker.
    fn marker(&mut self, m: &MarkerItem);
    /// Draws a label (halo first, then the text).
    fn label(&mut self, l: &LabelItem);
    /// Draws a picture (a crowded point layer's pixels) over its rectangle.
    fn raster(&mut self, r: &RasterItem);
    /// Called after a scene's items (lift the clip).
    fn end_scene(&mut self);
}

/// Draws every item of a scene, in order.
pub fn draw_scene<C: Canvas + ?Sized>(scene: &Scene, canvas: &mut C) {
    canvas.begin_scene(scene.clip, scene.background);
    for item in &scene.items {
        match item {
            Item::Polygon(p) => canvas.polygon(p),
            Item::Polyline(l) => canvas.polyline(l),
            Item::Marker(m) => canvas.marker(m),
            Item::Label(l) => canvas.label(l),
            Item::Raster(r) => canvas.raster(r),
        }
    }
    canvas.end_scene();
}

/// A polygon as triangles, for targets that fill only triangles or convex shapes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Triangles {
    /// Vertices in display units.
    pub vertices: Vec<[f32; 2]>,
    /// Vertex indices, three per triangle.
    pub indices: Vec<u32>,
}

/// Triangulates a polygon item with earcut (concave rings and holes are handled).
/// Degenerate rings give no triangles.
pub fn triangulate(p: &PolygonItem) -> Triangles {
    let Some(exterior) = p.rings.first() else {
        return Triangles::default();
    };
    if exterior.len() < 3 {
        return Triangles::default();
    }
    let ls = |r: &Vec<[f32; 2]>| {
        geo::LineString::from(
            r.iter()
                .map(|q| (q[0] as f64, q[1] as f64))
                .collect::<Vec<_>>(),
        )
    };
    let poly = geo::Polygon::new(
        ls(exterior),
        p.rings[1..]
            .iter()
            .filter(|r| r.len() >= 3)
            .map(ls)
            .collect(),
    );
    let raw = poly.earcut_triangles_raw();
    Triangles {
        vertices: raw
            .vertices
            .iter()
            .map(|v| [v[0] as f32, v[1] as f32])
            .collect(),
        indices: raw.triangle_indices.iter().map(|&i| i as u32).collect(),
    }
}

/// The closed outline rings of a polygon with the first point repeated at the end
/// (for targets that stroke polygons as polylines).
pub fn closed_rings(p: &PolygonItem) -> impl Iterator<Item = Vec<[f32; 2]>> + '_ {
    p.rings.iter().filter(|r| r.len() >= 2).map(|r| {
        let mut v = r.clone();
        v.push(r[0]);
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::{MarkerShape, Rgba};

    fn area(t: &Triangles) -> f32 {
        t.indices
            .chunks(3)
            .map(|k| {
                let [a, b, c] = [
                    t.vertices[k[0] as usize],
                    t.vertices[k[1] as usize],
                    t.vertices[k[2] as usize],
                ];
                ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn concave_polygon_with_hole_triangulates_to_its_area() {
        // An L shape (area 10·10 − 5·5 = 75) with a 1×1 hole.
        let p = PolygonItem {
            rings: vec![
                vec![
                    [0.0, 0.0],
                    [10.0, 0.0],
                    [10.0, 5.0],
                    [5.0, 5.0],
                    [5.0, 10.0],
                    [0.0, 10.0],
                ],
                vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]],
            ],
            fill: Some(Rgba::BLACK),
            stroke: None,
            tag: None,
        };
        let t = triangulate(&p);
        assert!((area(&t) - 74.0).abs() < 1e-3, "{}", area(&t));
        assert_eq!(closed_rings(&p).count(), 2);
        let empty = PolygonItem {
            rings: vec![vec![[0.0, 0.0], [1.0, 1.0]]],
            ..p
        };
        assert!(triangulate(&empty).indices.is_empty());
    }

    #[derive(Default)]
    struct Recorder(Vec<&'static str>);
    impl Canvas for Recorder {
        fn begin_scene(&mut self, _: Option<ScreenRect>, _: Option<Rgba>) {
            self.0.push("begin");
        }
        fn polygon(&mut self, _: &PolygonItem) {
            self.0.push("polygon");
        }
        fn polyline(&mut self, _: &PolylineItem) {
            self.0.push("polyline");
        }
        fn marker(&mut self, _: &MarkerItem) {
            self.0.push("marker");
        }
        fn label(&mut self, _: &LabelItem) {
            self.0.push("label");
        }
        fn raster(&mut self, _: &RasterItem) {
            self.0.push("raster");
        }
        fn end_scene(&mut self) {
            self.0.push("end");
        }
    }

    #[test]
    fn draw_scene_keeps_order() {
        let mut s = Scene::default();
        s.rect(
            ScreenRect::from_min_size([0.0, 0.0], [1.0, 1.0]),
            Some(Rgba::WHITE),
            None,
        );
        s.text(
            "荆州",
            [0.0, 0.0],
            crate::render::scene::HAlign::Left,
            10.0,
            Rgba::BLACK,
        );
        s.items.push(Item::Marker(MarkerItem {
            center: [1.0, 1.0],
            shape: MarkerShape::Star,
            size: 4.0,
            fill: None,
            stroke: None,
            tag: None,
        }));
        let mut r = Recorder::default();
        draw_scene(&s, &mut r);
        assert_eq!(r.0, vec!["begin", "polygon", "label", "marker", "end"]);
    }
}
