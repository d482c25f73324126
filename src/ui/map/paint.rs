//! Painting the prepared geometry with egui: polygons as triangle meshes (from the
//! cached earcut triangulation), lines as paths, points as circles; culled by the
//! viewport through each layer's R*-tree; features smaller than a pixel drawn as a dot.
//!
//! STOPGAP symbology (one colour per geometry type from `theme::stopgap`) until
//! `render::style` and `render::Scene` land; the highlight painter stays.

use eframe::egui::{self, Color32, Mesh, Pos2, Rect, Shape, Stroke};

use super::camera::Camera;
use super::geometry::PlanarFeature;
use crate::ui::session::Session;
use crate::ui::theme;

/// Paints every visible layer, bottom of the list first.
pub fn paint_layers(painter: &egui::Painter, rect: Rect, cam: &Camera, session: &Session) {
    let vis = cam.visible(rect);
    for &li in session.order.iter().rev() {
        let Some(d) = session.display.get(li) else {
            continue;
        };
        if !d.visible || d.opacity <= 0.0 {
            continue;
        }
        let alpha = d.opacity;
        let fill = theme::stopgap::FILL.gamma_multiply(alpha);
        let outline = Stroke::new(1.0, theme::stopgap::OUTLINE.gamma_multiply(alpha));
        let line = Stroke::new(1.5, theme::stopgap::LINE.gamma_multiply(alpha));
        let point = theme::stopgap::POINT.gamma_multiply(alpha);
        let Some(layer) = session.planar.layers.get(li) else {
            continue;
        };
        let hidden = session.hidden.get(li).filter(|v| !v.is_empty());
        let mut mesh = Mesh::default();
        let mut shapes = Vec::new();
        for idx in session.planar.in_box(li, vis) {
            let Some(Some(f)) = layer.features.get(idx as usize) else {
                continue;
            };
            if hidden.is_some_and(|h| h.get(idx as usize).copied().unwrap_or(false)) {
                continue;
            }
            let w = (f.bbox[2] - f.bbox[0]) / cam.mpp;
            let h = (f.bbox[3] - f.bbox[1]) / cam.mpp;
            if (!f.polygons.is_empty() || !f.lines.is_empty()) && w < 1.0 && h < 1.0 {
                // Sub-pixel feature: one dot.
                let c = cam.to_screen(
                    rect,
                    [(f.bbox[0] + f.bbox[2]) / 2.0, (f.bbox[1] + f.bbox[3]) / 2.0],
                );
                shapes.push(Shape::circle_filled(c, 0.7, outline.color));
                continue;
            }
            for poly in &f.polygons {
                let base = mesh.vertices.len() as u32;
                for v in &poly.vertices {
                    mesh.colored_vertex(cam.to_screen(rect, *v), fill);
                }
                for t in poly.triangles.chunks_exact(3) {
                    mesh.add_triangle(base + t[0], base + t[1], base + t[2]);
                }
                for ring in &poly.rings {
                    shapes.push(Shape::closed_line(screen(cam, rect, ring), outline));
                }
            }
            for l in &f.lines {
                shapes.push(Shape::line(screen(cam, rect, l), line));
            }
            for p in &f.points {
                shapes.push(Shape::circle_filled(cam.to_screen(rect, *p), 3.5, point));
            }
        }
        painter.add(Shape::mesh(mesh));
        painter.extend(shapes);
    }
}

fn screen(cam: &Camera, rect: Rect, pts: &[[f64; 2]]) -> Vec<Pos2> {
    pts.iter().map(|p| cam.to_screen(rect, *p)).collect()
}

/// Outlines one feature in `color` (hover and selection).
pub fn highlight(
    painter: &egui::Painter,
    rect: Rect,
    cam: &Camera,
    session: &Session,
    f: crate::model::FeatureRef,
    color: Color32,
) {
    let Some(pf) = session.planar.feature(f) else {
        return;
    };
    highlight_feature(painter, rect, cam, pf, color);
}

fn highlight_feature(
    painter: &egui::Painter,
    rect: Rect,
    cam: &Camera,
    f: &PlanarFeature,
    color: Color32,
) {
    let stroke = Stroke::new(theme::HIGHLIGHT_WIDTH, color);
    for poly in &f.polygons {
        for ring in &poly.rings {
            painter.add(Shape::closed_line(screen(cam, rect, ring), stroke));
        }
    }
    for l in &f.lines {
        painter.add(Shape::line(screen(cam, rect, l), stroke));
    }
    for p in &f.points {
        painter.circle_stroke(
            cam.to_screen(rect, *p),
            theme::HIGHLIGHT_POINT_RADIUS,
            stroke,
        );
    }
}
