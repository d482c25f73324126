//! The map canvas: camera, interaction (pan, wheel zoom around the cursor, box zoom,
//! keyboard), identify (hover highlight, tooltip, click to select), the measuring tool,
//! the scale bar, and drawing the layers.
//!
//! The map keeps its own [`MapState`]; it reads the session and the selection and
//! pushes [`Command`]s for everything that concerns other panels (selection changes).

pub mod camera;
pub mod geometry;
pub mod measure;
pub mod overlay;
pub mod paint;

use eframe::egui::{self, Color32, CursorIcon, Key, Pos2, Rect, Sense, Stroke, StrokeKind, vec2};

use self::camera::{Camera, nice_length};
use self::measure::{Measure, MeasureKind};
use super::command::{Command, Tool};
use super::i18n::Msg;
use super::session::Session;
use super::theme;
use crate::model::{FeatureRef, Lang};

/// Where the cursor is on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    /// Lon/lat degrees.
    pub lon_lat: [f64; 2],
    /// Display-frame metres.
    pub planar: [f64; 2],
}

/// The map's own state, kept between frames.
#[derive(Debug, Default)]
pub struct MapState {
    /// The camera.
    pub camera: Camera,
    /// The tool in use.
    pub tool: Tool,
    /// The measurement, while measuring.
    pub measure: Option<Measure>,
    /// Where a box-zoom drag started.
    box_start: Option<Pos2>,
    /// The feature under the cursor.
    pub hover: Option<FeatureRef>,
    /// The cursor position, for the status bar.
    pub cursor: Option<Cursor>,
    /// The map rectangle of the last frame (for zooming from menus and panels).
    pub rect: Option<Rect>,
    /// A box to fit once the map's size is known.
    pending_fit: Option<([f64; 4], f64)>,
}

/// Smallest metres-per-point used when zooming to a single point.
pub const POINT_ZOOM_MPP: f64 = 0.6;

impl MapState {
    /// Fits a planar box into the map (now, or on the first frame that knows the map's
    /// size).
    pub fn fit(&mut self, bbox: [f64; 4], min_mpp: f64) {
        match self.rect {
            Some(r) if r.width() > 20.0 && r.height() > 20.0 => {
                self.camera.fit(r, bbox, 24.0, min_mpp)
            }
            _ => self.pending_fit = Some((bbox, min_mpp)),
        }
    }

    /// Centres on a planar point at `mpp` metres per point.
    pub fn center_on(&mut self, p: [f64; 2], mpp: f64) {
        self.pending_fit = None;
        self.camera.center = p;
        self.camera.mpp = mpp.clamp(camera::MIN_MPP, camera::MAX_MPP);
    }

    /// Zooms by a factor around the map centre.
    pub fn zoom_by(&mut self, factor: f64) {
        if let Some(r) = self.rect {
            self.camera.zoom_at(r, r.center(), factor);
        } else {
            self.camera.mpp = (self.camera.mpp / factor).clamp(camera::MIN_MPP, camera::MAX_MPP);
        }
    }

    /// Chooses a tool, starting a fresh measurement for the measuring tools.
    pub fn set_tool(&mut self, tool: Tool) {
        self.tool = tool;
        self.box_start = None;
        self.measure = match tool {
            Tool::MeasureDistance => Some(Measure::new(MeasureKind::Distance)),
            Tool::MeasureArea => Some(Measure::new(MeasureKind::Area)),
            _ => None,
        };
    }
}

/// Shows the map in the whole of `ui` and handles its input.
pub fn show(
    ui: &mut egui::Ui,
    state: &mut MapState,
    session: Option<&Session>,
    selection: Option<FeatureRef>,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    state.rect = Some(rect);
    if let Some((bbox, min_mpp)) = state.pending_fit.take() {
        state.camera.fit(rect, bbox, 24.0, min_mpp);
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, theme::MAP_BACKGROUND);

    let Some(session) = session else {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            Msg::NothingLoaded.text(lang),
            egui::FontId::proportional(16.0),
            ui.visuals().weak_text_color(),
        );
        return;
    };

    handle_navigation(ui, state, &response, rect);

    // Cursor position and hover.
    let hover_pos = response.hover_pos();
    state.cursor = hover_pos.map(|p| {
        let planar = state.camera.to_world(rect, p);
        Cursor {
            lon_lat: session.planar.projector.inverse(planar[0], planar[1]),
            planar,
        }
    });
    let dragging = response.dragged();
    state.hover = match (hover_pos, dragging, state.tool) {
        (Some(p), false, Tool::Identify) => {
            let w = state.camera.to_world(rect, p);
            let tol = theme::PICK_TOLERANCE as f64 * state.camera.mpp;
            session
                .planar
                .pick(w, tol, &session.visible_top_first(), &|f| {
                    session.is_hidden(f)
                })
        }
        _ => None,
    };

    // Clicks.
    match state.tool {
        Tool::Identify => {
            if response.clicked() {
                cmds.push(Command::Select(state.hover));
            }
        }
        Tool::MeasureDistance | Tool::MeasureArea => {
            if let (Some(m), Some(c)) = (state.measure.as_mut(), state.cursor) {
                if response.clicked() {
                    m.push(c.lon_lat);
                }
                if response.double_clicked() {
                    m.finished = true;
                }
            }
            if ui.input(|i| i.key_pressed(Key::Enter))
                && let Some(m) = state.measure.as_mut()
            {
                m.finished = true;
            }
        }
        Tool::BoxZoom => {}
    }

    // Draw.
    paint::paint_layers(&painter, rect, &state.camera, session);
    if let Some(o) = &session.studies.overlay {
        overlay::paint(&painter, rect, &state.camera, &session.planar, o);
    }
    if let Some(sel) = selection {
        paint::highlight(&painter, rect, &state.camera, session, sel, theme::SELECTED);
    }
    if let Some(h) = state.hover
        && Some(h) != selection
    {
        paint::highlight(&painter, rect, &state.camera, session, h, theme::HOVER);
    }
    if let Some(m) = &state.measure {
        paint_measure(&painter, rect, &state.camera, session, m, state.cursor);
    }
    if let (Some(start), Some(now)) = (
        state.box_start,
        hover_pos.or(response.interact_pointer_pos()),
    ) {
        let r = Rect::from_two_pos(start, now);
        painter.rect(
            r,
            0.0,
            theme::BOX_FILL,
            Stroke::new(1.5, theme::BOX_STROKE),
            StrokeKind::Inside,
        );
    }
    scale_bar(&painter, rect, &state.camera);

    // Tooltip and cursor.
    let response = match state.tool {
        Tool::Identify => response.on_hover_cursor(if state.hover.is_some() {
            CursorIcon::PointingHand
        } else {
            CursorIcon::Grab
        }),
        _ => response.on_hover_cursor(CursorIcon::Crosshair),
    };
    if let Some(h) = state.hover {
        response.on_hover_ui_at_pointer(|ui| {
            let layer = session
                .park
                .layer_of(h)
                .map(|l| l.name.as_str())
                .unwrap_or("");
            ui.strong(session.feature_name(h));
            ui.label(format!("{}: {layer}", Msg::LayerLabel.text(lang)));
            ui.weak(Msg::ClickForDetails.text(lang));
        });
    }
}

/// Wheel zoom, dragging, box zoom, arrow keys and +/-.
fn handle_navigation(ui: &egui::Ui, state: &mut MapState, response: &egui::Response, rect: Rect) {
    let shift = ui.input(|i| i.modifiers.shift);
    let box_mode = state.tool == Tool::BoxZoom || shift;
    if response.drag_started_by(egui::PointerButton::Primary) && box_mode {
        state.box_start = response.interact_pointer_pos();
    }
    if state.box_start.is_some() {
        if response.drag_stopped()
            && let (Some(a), Some(b)) = (state.box_start.take(), response.interact_pointer_pos())
        {
            let r = Rect::from_two_pos(a, b);
            if r.width() > 4.0 && r.height() > 4.0 {
                let p = state.camera.to_world(rect, r.left_bottom());
                let q = state.camera.to_world(rect, r.right_top());
                state
                    .camera
                    .fit(rect, [p[0], p[1], q[0], q[1]], 0.0, camera::MIN_MPP);
            }
        }
    } else if response.dragged_by(egui::PointerButton::Primary)
        || response.dragged_by(egui::PointerButton::Middle)
    {
        let d = response.drag_delta();
        state.camera.pan_points(d.x, d.y);
    }

    if let Some(p) = response.hover_pos() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let mut factor = zoom as f64;
        if scroll != 0.0 {
            factor *= (scroll as f64 / 200.0).exp();
        }
        if (factor - 1.0).abs() > 1e-6 {
            state.camera.zoom_at(rect, p, factor);
        }
    }

    if !ui.ctx().egui_wants_keyboard_input() {
        let step = 60.0;
        let (l, r, u, d, plus, minus) = ui.input(|i| {
            (
                i.key_pressed(Key::ArrowLeft),
                i.key_pressed(Key::ArrowRight),
                i.key_pressed(Key::ArrowUp),
                i.key_pressed(Key::ArrowDown),
                i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                i.key_pressed(Key::Minus),
            )
        });
        // Arrow keys move the view the way the arrow points.
        if l {
            state.camera.pan_points(step, 0.0);
        }
        if r {
            state.camera.pan_points(-step, 0.0);
        }
        if u {
            state.camera.pan_points(0.0, step);
        }
        if d {
            state.camera.pan_points(0.0, -step);
        }
        if plus {
            state.camera.zoom_at(rect, rect.center(), 2.0);
        }
        if minus {
            state.camera.zoom_at(rect, rect.center(), 0.5);
        }
    }
}

fn paint_measure(
    painter: &egui::Painter,
    rect: Rect,
    cam: &Camera,
    session: &Session,
    m: &Measure,
    cursor: Option<Cursor>,
) {
    let pts: Vec<Pos2> = m
        .with_cursor(cursor.map(|c| c.lon_lat))
        .iter()
        .map(|p| cam.to_screen(rect, session.planar.projector.forward(p[0], p[1])))
        .collect();
    let stroke = Stroke::new(theme::MEASURE_WIDTH, theme::MEASURE_LINE);
    match m.kind {
        MeasureKind::Distance => {
            if pts.len() >= 2 {
                painter.add(egui::Shape::line(pts.clone(), stroke));
            }
        }
        MeasureKind::Area => {
            if pts.len() >= 3 {
                // A fan from the first point is right for convex shapes; a concave sketch
                // still shows its outline exactly.
                let mut mesh = egui::Mesh::default();
                for p in &pts {
                    mesh.colored_vertex(*p, theme::MEASURE_FILL);
                }
                for i in 1..pts.len() as u32 - 1 {
                    mesh.add_triangle(0, i, i + 1);
                }
                painter.add(egui::Shape::mesh(mesh));
                painter.add(egui::Shape::closed_line(pts.clone(), stroke));
            } else if pts.len() == 2 {
                painter.add(egui::Shape::line(pts.clone(), stroke));
            }
        }
    }
    for p in &pts {
        painter.circle(*p, 3.5, Color32::WHITE, stroke);
    }
}

fn scale_bar(painter: &egui::Painter, rect: Rect, cam: &Camera) {
    let max_points = 160.0;
    let len_m = nice_length(max_points * cam.mpp);
    let len_pt = (len_m / cam.mpp) as f32;
    let origin = rect.left_bottom() + vec2(16.0, -18.0);
    let label = if len_m >= 1000.0 {
        format!("{} km", len_m / 1000.0)
    } else {
        format!("{len_m} m")
    };
    let bg = Rect::from_min_max(origin + vec2(-6.0, -22.0), origin + vec2(len_pt + 6.0, 8.0));
    painter.rect_filled(bg, 3.0, theme::SCALE_HALO);
    let ink = Stroke::new(2.0, theme::SCALE_INK);
    painter.line_segment([origin, origin + vec2(len_pt, 0.0)], ink);
    painter.line_segment([origin, origin + vec2(0.0, -6.0)], ink);
    painter.line_segment(
        [origin + vec2(len_pt, 0.0), origin + vec2(len_pt, -6.0)],
        ink,
    );
    painter.line_segment(
        [
            origin + vec2(len_pt / 2.0, 0.0),
            origin + vec2(len_pt / 2.0, -4.0),
        ],
        Stroke::new(1.0, theme::SCALE_INK),
    );
    painter.text(
        origin + vec2(len_pt / 2.0, -8.0),
        egui::Align2::CENTER_BOTTOM,
        label,
        egui::FontId::proportional(12.0),
        theme::SCALE_INK,
    );
}
