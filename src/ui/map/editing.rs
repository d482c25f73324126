//! Editing on the map: the edit tool (drag a selected point to move it; drag a selected
//! polygon's or line's vertex; drag or click an edge midpoint to insert a vertex;
//! right-click a vertex to delete it), the add-point tool (a click opens the attribute
//! form for a new point) and the draw-parcel tool (click vertices, double-click or Enter
//! to finish, Backspace removes the last vertex; Esc cancels, handled by the app), with
//! the parcel's area shown live in m², ha and mu.
//!
//! Nothing is changed here: a finished gesture becomes a [`Command::Edit`] (recorded
//! for undo) or a [`Command::NewFeature`] (the form follows). Drags show a preview
//! until released.

use eframe::egui::{self, Color32, Key, Pos2, Rect, Stroke, StrokeKind};
use geo::{Coord, Geometry, Point};

use super::MapState;
use super::measure;
use crate::model::vertex::{self, VertexId};
use crate::model::{Edit, FeatureRef, Lang};
use crate::ui::command::{Command, Tool};
use crate::ui::i18n::Msg;
use crate::ui::session::Session;
use crate::ui::theme;

/// Handles closer than this to the pointer (points) are grabbed.
const GRAB: f32 = 8.0;
/// Selected geometries with more vertices than this show no handles (too dense to use).
const MAX_HANDLES: usize = 4000;

/// A drag in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Drag {
    /// Moving a point feature; `to` is the planar position under the pointer.
    Point {
        /// The feature.
        f: FeatureRef,
        /// Where it goes (display-frame metres).
        to: [f64; 2],
    },
    /// Moving a vertex.
    Vertex {
        /// The feature.
        f: FeatureRef,
        /// The vertex.
        v: VertexId,
        /// Where it goes.
        to: [f64; 2],
    },
    /// Pulling a new vertex out of an edge.
    Insert {
        /// The feature.
        f: FeatureRef,
        /// The edge (by its first vertex).
        after: VertexId,
        /// Where the new vertex goes.
        to: [f64; 2],
    },
}

/// The editing tools' state, kept in [`MapState`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditTools {
    /// The parcel being drawn, lon/lat.
    pub drawing: Vec<[f64; 2]>,
    /// The drag in progress.
    pub drag: Option<Drag>,
}

impl EditTools {
    /// Drops the drawing and any drag (Esc, tool change).
    pub fn cancel(&mut self) {
        self.drawing.clear();
        self.drag = None;
    }

    /// Whether there is something Esc should cancel.
    pub fn busy(&self) -> bool {
        !self.drawing.is_empty() || self.drag.is_some()
    }
}

/// The handles of the selected feature, in screen points.
struct Handles {
    point: Option<Pos2>,
    vertices: Vec<(VertexId, Pos2)>,
    midpoints: Vec<(VertexId, Pos2)>,
}

fn screen(state: &MapState, session: &Session, c: Coord<f64>) -> Pos2 {
    let s = state.view.to_screen(session.projected.project(c.x, c.y));
    egui::pos2(s[0], s[1])
}

fn handles(state: &MapState, session: &Session, f: FeatureRef) -> Option<Handles> {
    let g = session.ws.park.geometry(f)?;
    let point = match g {
        Geometry::Point(p) => Some(screen(state, session, p.0)),
        _ => None,
    };
    let verts = vertex::vertices(g);
    if verts.len() > MAX_HANDLES {
        return Some(Handles {
            point,
            vertices: Vec::new(),
            midpoints: Vec::new(),
        });
    }
    Some(Handles {
        point,
        vertices: verts
            .into_iter()
            .map(|(v, c)| (v, screen(state, session, c)))
            .collect(),
        midpoints: vertex::edge_midpoints(g)
            .into_iter()
            .map(|(v, c)| (v, screen(state, session, c)))
            .collect(),
    })
}

fn nearest<T: Copy>(items: &[(T, Pos2)], p: Pos2) -> Option<T> {
    items
        .iter()
        .map(|(t, q)| (*t, q.distance(p)))
        .filter(|(_, d)| *d <= GRAB)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| t)
}

/// Starts a drag when the pointer goes down on a handle of the selected feature (edit
/// tool). Call before the map pans, so a grabbed handle does not pan the map.
pub fn begin_drag(
    ui: &egui::Ui,
    state: &mut MapState,
    session: &Session,
    selection: Option<FeatureRef>,
    response: &egui::Response,
) {
    if state.tool != Tool::Edit || state.edit.drag.is_some() {
        return;
    }
    let (Some(f), true) = (
        selection,
        response.drag_started_by(egui::PointerButton::Primary),
    ) else {
        return;
    };
    let Some(origin) = ui.input(|i| i.pointer.press_origin()) else {
        return;
    };
    let Some(h) = handles(state, session, f) else {
        return;
    };
    let at = state
        .view
        .screen_to_world([origin.x as f64, origin.y as f64]);
    if let Some(p) = h.point
        && p.distance(origin) <= GRAB
    {
        state.edit.drag = Some(Drag::Point { f, to: at });
    } else if let Some(v) = nearest(&h.vertices, origin) {
        state.edit.drag = Some(Drag::Vertex { f, v, to: at });
    } else if let Some(e) = nearest(&h.midpoints, origin) {
        state.edit.drag = Some(Drag::Insert {
            f,
            after: e,
            to: at,
        });
    }
}

fn geometry_after(session: &Session, drag: Drag) -> Option<(FeatureRef, Geometry<f64>)> {
    let lonlat = |to: [f64; 2]| {
        let ll = session.projected.unproject(to);
        Coord { x: ll[0], y: ll[1] }
    };
    match drag {
        Drag::Point { f, to } => {
            let c = lonlat(to);
            match session.ws.park.geometry(f)? {
                Geometry::Point(_) => Some((f, Geometry::Point(Point(c)))),
                _ => None,
            }
        }
        Drag::Vertex { f, v, to } => Some((
            f,
            vertex::move_vertex(session.ws.park.geometry(f)?, v, lonlat(to))?,
        )),
        Drag::Insert { f, after, to } => Some((
            f,
            vertex::insert_vertex(session.ws.park.geometry(f)?, after, lonlat(to))?,
        )),
    }
}

fn set_geometry(session: &Session, f: FeatureRef, after: Geometry<f64>) -> Option<Command> {
    let before = session.ws.park.geometry(f).cloned();
    (before.as_ref() != Some(&after)).then_some(Command::Edit(Edit::SetGeometry {
        layer: f.layer as usize,
        index: f.index as usize,
        before,
        after: Some(after),
    }))
}

/// Handles the editing tools' input for this frame and paints their feedback. Returns
/// whether the click was used (so the map does not also treat it as a selection).
#[allow(clippy::too_many_arguments)]
pub fn update(
    ui: &egui::Ui,
    painter: &egui::Painter,
    state: &mut MapState,
    session: &Session,
    selection: Option<FeatureRef>,
    edit_layer: Option<usize>,
    response: &egui::Response,
    cmds: &mut Vec<Command>,
) -> bool {
    let mut used = false;
    let pointer = response.hover_pos().or(response.interact_pointer_pos());
    match state.tool {
        Tool::Edit => {
            if let Some(drag) = state.edit.drag.as_mut()
                && let Some(p) = response.interact_pointer_pos()
            {
                let w = state.view.screen_to_world([p.x as f64, p.y as f64]);
                match drag {
                    Drag::Point { to, .. } | Drag::Vertex { to, .. } | Drag::Insert { to, .. } => {
                        *to = w
                    }
                }
            }
            if response.drag_stopped()
                && let Some(drag) = state.edit.drag.take()
                && let Some((f, after)) = geometry_after(session, drag)
                && let Some(c) = set_geometry(session, f, after)
            {
                cmds.push(c);
                used = true;
            }
            if let Some(f) = selection
                && state.edit.drag.is_none()
                && let Some(p) = pointer
                && let Some(h) = handles(state, session, f)
            {
                if response.secondary_clicked()
                    && let Some(v) = nearest(&h.vertices, p)
                {
                    // A ring keeps three vertices: otherwise nothing happens.
                    if let Some(after) = session
                        .ws
                        .park
                        .geometry(f)
                        .and_then(|g| vertex::delete_vertex(g, v))
                    {
                        cmds.extend(set_geometry(session, f, after));
                    }
                    used = true;
                } else if response.clicked()
                    && let Some(e) = nearest(&h.midpoints, p)
                    && nearest(&h.vertices, p).is_none()
                {
                    let to = state.view.screen_to_world([p.x as f64, p.y as f64]);
                    if let Some((f, after)) =
                        geometry_after(session, Drag::Insert { f, after: e, to })
                    {
                        cmds.extend(set_geometry(session, f, after));
                    }
                    used = true;
                }
            }
        }
        Tool::AddPoint => {
            if response.clicked()
                && let Some(c) = state.cursor
            {
                if let Some(li) = edit_layer {
                    cmds.push(Command::NewFeature(
                        li,
                        Geometry::Point(Point::new(c.lon_lat[0], c.lon_lat[1])),
                    ));
                }
                used = true;
            }
        }
        Tool::DrawPolygon => {
            if response.clicked()
                && let Some(c) = state.cursor
            {
                if state.edit.drawing.last() != Some(&c.lon_lat) {
                    state.edit.drawing.push(c.lon_lat);
                }
                used = true;
            }
            let finish = response.double_clicked()
                || (!ui.ctx().egui_wants_keyboard_input()
                    && ui.input(|i| i.key_pressed(Key::Enter)));
            if !ui.ctx().egui_wants_keyboard_input() && ui.input(|i| i.key_pressed(Key::Backspace))
            {
                state.edit.drawing.pop();
            }
            if finish {
                if let Some(poly) = vertex::polygon_from_points(&state.edit.drawing)
                    && let Some(li) = edit_layer
                {
                    cmds.push(Command::NewFeature(li, Geometry::Polygon(poly)));
                    state.edit.drawing.clear();
                }
                used = true;
            }
        }
        _ => {}
    }
    paint(painter, state, session, selection);
    used
}

fn paint(
    painter: &egui::Painter,
    state: &MapState,
    session: &Session,
    selection: Option<FeatureRef>,
) {
    let line = Stroke::new(theme::EDIT_LINE_WIDTH, theme::EDIT_LINE);
    match state.tool {
        Tool::Edit => {
            let Some(f) = selection else { return };
            // The geometry as it will be after the drag, else as it is.
            let preview = state
                .edit
                .drag
                .and_then(|d| geometry_after(session, d))
                .map(|(_, g)| g);
            if let (Some(Drag::Point { to, .. }), Some(h)) =
                (state.edit.drag, handles(state, session, f))
                && let Some(from) = h.point
            {
                let s = state.view.to_screen(to);
                let to = egui::pos2(s[0], s[1]);
                painter.line_segment([from, to], Stroke::new(1.0, theme::EDIT_LINE));
                painter.circle(to, 6.0, theme::EDIT_GHOST, line);
                return;
            }
            if let Some(g) = &preview {
                paint_outline(painter, state, session, g, line);
            }
            let Some(g) = preview.as_ref().or(session.ws.park.geometry(f)) else {
                return;
            };
            let verts = vertex::vertices(g);
            if verts.is_empty() || verts.len() > MAX_HANDLES {
                return;
            }
            for (_, c) in vertex::edge_midpoints(g) {
                painter.circle(
                    screen(state, session, c),
                    3.0,
                    theme::EDIT_MIDPOINT,
                    Stroke::new(1.0, theme::EDIT_LINE),
                );
            }
            for (_, c) in verts {
                let p = screen(state, session, c);
                painter.rect(
                    Rect::from_center_size(p, egui::vec2(8.0, 8.0)),
                    1.0,
                    theme::EDIT_HANDLE_FILL,
                    Stroke::new(1.5, theme::EDIT_LINE),
                    StrokeKind::Middle,
                );
            }
        }
        Tool::DrawPolygon => {
            let pts: Vec<Pos2> = state
                .edit
                .drawing
                .iter()
                .copied()
                .chain(state.cursor.map(|c| c.lon_lat))
                .map(|p| screen(state, session, Coord { x: p[0], y: p[1] }))
                .collect();
            super::paint_sketch_polygon(painter, &pts, theme::EDIT_FILL, line);
            for p in pts.iter().take(state.edit.drawing.len()) {
                painter.circle(*p, 3.5, Color32::WHITE, line);
            }
        }
        _ => {}
    }
}

fn paint_outline(
    painter: &egui::Painter,
    state: &MapState,
    session: &Session,
    g: &Geometry<f64>,
    stroke: Stroke,
) {
    let verts = vertex::vertices(g);
    let mut rings: std::collections::BTreeMap<(usize, usize), Vec<Pos2>> = Default::default();
    for (v, c) in verts {
        rings
            .entry((v.part, v.ring))
            .or_default()
            .push(screen(state, session, c));
    }
    let closed = matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_));
    for (_, pts) in rings {
        if closed {
            painter.add(egui::Shape::closed_line(pts, stroke));
        } else {
            painter.add(egui::Shape::line(pts, stroke));
        }
    }
}

/// The live readout of the parcel being drawn: area in m², ha and mu, and the keys.
pub fn drawing_readout(ui: &egui::Ui, state: &MapState, lang: Lang) {
    if state.tool != Tool::DrawPolygon {
        return;
    }
    let Some(rect) = state.rect else { return };
    let pts = {
        let mut v = state.edit.drawing.clone();
        if let Some(c) = state.cursor {
            v.push(c.lon_lat);
        }
        v
    };
    egui::Area::new(egui::Id::unique("draw-readout"))
        .fixed_pos(rect.left_top() + egui::vec2(12.0, 12.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.strong(Msg::ToolDrawPolygon.text(lang));
                let a = measure::geodesic_area(&pts);
                ui.monospace(format!(
                    "{:.0} m² / {:.2} ha / {:.2} {}",
                    a.0,
                    a.hectares(),
                    a.to_mu().0,
                    Msg::UnitMu.text(lang)
                ));
                ui.weak(format!(
                    "{} {}",
                    state.edit.drawing.len(),
                    Msg::Vertices.text(lang)
                ));
                ui.weak(Msg::DrawHint.text(lang));
            });
        });
}

/// Whether a drag of the editing tools is in progress (the map must not pan).
pub fn dragging(state: &MapState) -> bool {
    state.edit.drag.is_some()
}
