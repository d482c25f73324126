//! Analysis overlays on the map: service circles and catchment bands (translucent
//! areas), the facility or route in focus, the enterprises it covers, and the
//! enterprises nobody covers. Prepared off the UI thread in display metres, painted
//! above the layers.

use eframe::egui::{self, Mesh, Rect, Shape, Stroke};
use geo::{LineString, MultiPolygon, Polygon, TriangulateEarcut};

use super::camera::Camera;
use super::geometry::{PlanarPark, PlanarPolygon};
use crate::crs::FrameProjector;
use crate::model::FeatureRef;
use crate::ui::theme;

/// What the analysis wants shown on the map.
#[derive(Debug, Default, Clone)]
pub struct Overlay {
    /// Service circles or catchment bands, display metres.
    pub areas: Vec<PlanarPolygon>,
    /// The facility, route and stops in focus.
    pub focus: Vec<FeatureRef>,
    /// Enterprises covered (served).
    pub covered: Vec<FeatureRef>,
    /// Enterprises nobody covers (gaps).
    pub uncovered: Vec<FeatureRef>,
}

/// Projects lon/lat polygons into the display frame and triangulates them.
pub fn prepare_areas(mp: &MultiPolygon<f64>, display: &FrameProjector) -> Vec<PlanarPolygon> {
    mp.0.iter()
        .filter_map(|p| {
            let ring = |ls: &LineString<f64>| -> Vec<[f64; 2]> {
                ls.0.iter()
                    .map(|c| display.forward(c.x, c.y))
                    .filter(|p| p[0].is_finite() && p[1].is_finite())
                    .collect()
            };
            let ext = ring(p.exterior());
            if ext.len() < 3 {
                return None;
            }
            let mut rings = vec![ext];
            rings.extend(p.interiors().iter().map(ring).filter(|r| r.len() >= 3));
            let planar = Polygon::new(
                LineString::from(rings[0].iter().map(|q| (q[0], q[1])).collect::<Vec<_>>()),
                rings[1..]
                    .iter()
                    .map(|r| LineString::from(r.iter().map(|q| (q[0], q[1])).collect::<Vec<_>>()))
                    .collect(),
            );
            let raw = planar.earcut_triangles_raw();
            Some(PlanarPolygon {
                rings,
                vertices: raw.vertices,
                triangles: raw.triangle_indices.iter().map(|&i| i as u32).collect(),
            })
        })
        .collect()
}

/// Paints an overlay above the layers.
pub fn paint(painter: &egui::Painter, rect: Rect, cam: &Camera, planar: &PlanarPark, o: &Overlay) {
    let mut mesh = Mesh::default();
    let outline = Stroke::new(theme::AREA_OUTLINE_WIDTH, theme::AREA_OUTLINE);
    for poly in &o.areas {
        let base = mesh.vertices.len() as u32;
        for v in &poly.vertices {
            mesh.colored_vertex(cam.to_screen(rect, *v), theme::AREA_FILL);
        }
        for t in poly.triangles.chunks_exact(3) {
            mesh.add_triangle(base + t[0], base + t[1], base + t[2]);
        }
    }
    painter.add(Shape::mesh(mesh));
    for poly in &o.areas {
        for ring in &poly.rings {
            let pts = ring.iter().map(|p| cam.to_screen(rect, *p)).collect();
            painter.add(Shape::closed_line(pts, outline));
        }
    }
    let ring = |f: &FeatureRef, color, r: f32| {
        if let Some(pf) = planar.feature(*f) {
            for p in &pf.points {
                painter.circle_stroke(cam.to_screen(rect, *p), r, Stroke::new(2.0, color));
            }
        }
    };
    for f in &o.covered {
        ring(f, theme::COVERED, 6.0);
    }
    for f in &o.uncovered {
        ring(f, theme::UNCOVERED, 6.0);
    }
    for f in &o.focus {
        if let Some(pf) = planar.feature(*f) {
            let stroke = Stroke::new(theme::FOCUS_WIDTH, theme::FOCUS);
            for l in &pf.lines {
                let pts = l.iter().map(|p| cam.to_screen(rect, *p)).collect();
                painter.add(Shape::line(pts, stroke));
            }
            for p in &pf.points {
                painter.circle(
                    cam.to_screen(rect, *p),
                    5.0,
                    theme::FOCUS,
                    Stroke::new(1.5, egui::Color32::WHITE),
                );
            }
        }
    }
}
