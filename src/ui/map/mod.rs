//! The map canvas: the camera ([`MapView`] from `render`), interaction (drag to pan,
//! wheel zoom around the cursor, box zoom, arrow keys and +/-), identify (hover
//! highlight, tooltip, click to select), the measuring tool, the scale bar, and drawing
//! the layers through the egui backend in [`canvas`].
//!
//! The map keeps its own [`MapState`]; it reads the session and the selection and
//! pushes [`Command`]s for everything that concerns other panels (selection changes).

pub mod canvas;
pub mod editing;
pub mod measure;
pub mod pick;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use eframe::egui::{self, Color32, CursorIcon, Key, Pos2, Rect, Sense, Stroke, StrokeKind, vec2};

use self::canvas::{Tile, TileInput, TileKey};
use self::measure::{Measure, MeasureKind};
use super::command::{Command, Tool};
use super::i18n::Msg;
use super::session::Session;
use super::theme;
use crate::model::units::nice_length;
use crate::model::{FeatureRef, Lang};
use crate::render::{BuildOptions, MapStyles, MapView, Overlays, WorldRect, build_scene};
use crate::workspace::Task;

/// Where the cursor is on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    /// Lon/lat degrees.
    pub lon_lat: [f64; 2],
    /// Display-frame metres.
    pub planar: [f64; 2],
}

/// The map's own state, kept between frames.
pub struct MapState {
    /// The camera (origin and size follow the map's rectangle each frame).
    pub view: MapView,
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
    /// The map rectangle of the last frame.
    pub rect: Option<Rect>,
    /// A box to fit once the map's size is known.
    pending_fit: Option<WorldRect>,
    /// The drawn layers for the current view (plus a margin).
    pub tile: Option<Arc<Tile>>,
    /// While [`tile`](Self::tile) is a view-only tile (the first after a zoom), the
    /// full tile shown before it: painted around it where the map was panned beyond it,
    /// until the new full tile replaces both.
    pub backdrop: Option<Arc<Tile>>,
    tile_task: Option<TileTask>,
    /// When the last full tile arrived, until freed memory is given back
    /// ([`RELEASE_AFTER`] later, if no other tile is being drawn by then).
    settled_at: Option<std::time::Instant>,
    /// The disc texture point markers are drawn with.
    disc: Option<egui::TextureHandle>,
    /// Vertices painted from the tile in the last frame.
    pub last_vertices: usize,
    /// The editing tools' state (parcel being drawn, drag in progress).
    pub edit: editing::EditTools,
}

/// A tile being built on a worker: what it is for, and the flag that stops it.
#[derive(Debug)]
struct TileTask {
    task: Task<Option<Tile>>,
    cancel: Arc<AtomicBool>,
    key: TileKey,
    margin: f32,
}

impl TileTask {
    /// Asks the worker to stop; its result, if any, is not waited for.
    fn cancel(self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for MapState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapState")
            .field("view", &self.view)
            .field("tool", &self.tool)
            .field("tile", &self.tile)
            .finish_non_exhaustive()
    }
}

impl Default for MapState {
    fn default() -> Self {
        MapState {
            view: MapView::new([500_000.0, 3_350_000.0], 10.0, [800.0, 600.0]),
            tool: Tool::Identify,
            measure: None,
            box_start: None,
            hover: None,
            cursor: None,
            rect: None,
            pending_fit: None,
            tile: None,
            backdrop: None,
            tile_task: None,
            settled_at: None,
            disc: None,
            last_vertices: 0,
            edit: editing::EditTools::default(),
        }
    }
}

/// How long after the last full tile (its pictures uploaded, the frames that paint it
/// drawn) the memory its drawing freed is given back to the system
/// ([`crate::ui::release_memory`]).
pub const RELEASE_AFTER: std::time::Duration = std::time::Duration::from_millis(600);

/// Smallest metres per point used when zooming to a single point.
pub const POINT_ZOOM_MPP: f64 = 0.6;

impl MapState {
    /// Fits a planar box into the map. Applied when the map is next laid out, so the
    /// fit uses that frame's map size (panels may have changed it).
    pub fn fit(&mut self, bbox: WorldRect) {
        self.pending_fit = Some(pad_point(bbox));
    }

    /// Centres on a planar point at `mpp` metres per point.
    pub fn center_on(&mut self, p: [f64; 2], mpp: f64) {
        self.pending_fit = None;
        self.view.center = p;
        let mut v = MapView::new(p, mpp, self.view.size);
        v.origin = self.view.origin;
        self.view = v;
    }

    /// Zooms by a factor around the map centre.
    pub fn zoom_by(&mut self, factor: f64) {
        let c = self.view.world_to_screen(self.view.center);
        self.view.zoom_about(factor, c);
    }

    /// Chooses a tool, starting a fresh measurement for the measuring tools.
    pub fn set_tool(&mut self, tool: Tool) {
        self.tool = tool;
        self.box_start = None;
        self.edit.cancel();
        self.measure = match tool {
            Tool::MeasureDistance => Some(Measure::new(MeasureKind::Distance)),
            Tool::MeasureArea => Some(Measure::new(MeasureKind::Area)),
            // Another tool: a finished result stays on the map until cleared.
            _ => self.measure.take().filter(|m| m.finished),
        };
    }

    /// The marker disc texture, once created.
    pub fn disc_texture(&self) -> Option<egui::TextureId> {
        self.disc.as_ref().map(|t| t.id())
    }

    /// Whether a tile is being built.
    pub fn is_drawing(&self) -> bool {
        self.tile_task.is_some()
    }

    /// Forgets the drawn tile (a new park was opened).
    pub fn reset_tile(&mut self) {
        self.tile = None;
        self.backdrop = None;
        if let Some(t) = self.tile_task.take() {
            t.cancel();
        }
    }

    /// Cancels the full tile being built when it is for another zoom, style, overlay or
    /// language than `key` (a zoom arrived while it was built): the view-only tile for
    /// the new zoom is started at once instead of after it. A view-only tile is left to
    /// finish (it is quick and shows the nearer scale meanwhile). `true` when one was
    /// cancelled.
    fn cancel_outdated_tile(&mut self, key: &TileKey) -> bool {
        match self.tile_task.take() {
            Some(t) if t.margin >= canvas::TILE_MARGIN && t.key != *key => {
                t.cancel();
                true
            }
            other => {
                self.tile_task = other;
                false
            }
        }
    }

    /// Collects a finished tile and starts a new one when the view, styles or overlay
    /// changed. `ppp` is pixels per point.
    pub fn update_tile(&mut self, ctx: &egui::Context, session: &Session, lang: Lang, ppp: f32) {
        if self.disc.is_none() {
            let options =
                egui::TextureOptions::LINEAR.with_mipmap_mode(Some(egui::TextureFilter::Linear));
            self.disc = Some(ctx.load_texture("parkplan-disc", canvas::disc_image(), options));
        }
        if let Some(t) = &self.tile_task
            && let Some(done) = t.task.poll()
        {
            self.tile_task = None;
            if let Some(Some(tile)) = done {
                self.receive_tile(tile);
            }
        }
        let key = TileKey {
            styles_version: session.styles_version,
            overlay_version: session.ws.studies.overlay_version,
            lang,
            resolution: self.view.resolution,
            pixels_per_point: ppp,
        };
        let stale = match &self.tile {
            None => true,
            Some(t) => {
                t.key != key
                    || t.view.size != canvas::tile_view(&self.view).size
                    || canvas::tile_needs_prefetch(&t.view, &self.view)
            }
        };
        if stale {
            self.cancel_outdated_tile(&key);
        }
        if stale && self.tile_task.is_none() {
            // Visible first: after a zoom (or a style change, or with nothing drawn) the
            // view alone, then at once the full tile with its margin for panning.
            let margin = match &self.tile {
                Some(t) if t.key == key => canvas::TILE_MARGIN,
                _ => canvas::VISIBLE_MARGIN,
            };
            let input = TileInput {
                park: session.drawn_park(),
                projected: session.drawn_projected(),
                styles: session.drawn_styles(),
                overlays: session.ws.studies.overlay.clone(),
                key: key.clone(),
                view: self.view,
                margin,
                disc: self.disc.as_ref().map(|t| t.id()),
                ctx: Some(ctx.clone()),
                // Labels on screen at this scale keep their place in the next tile.
                keep_labels: match &self.tile {
                    Some(t) if t.key == key => canvas::labels_kept_from(t, &self.view, margin),
                    _ => Vec::new(),
                },
            };
            let cancel = Arc::new(AtomicBool::new(false));
            let flag = cancel.clone();
            self.tile_task = Some(TileTask {
                task: Task::spawn("parkplan-draw", crate::ui::waker(ctx), move || {
                    canvas::build_tile_unless_cancelled(&input, &flag)
                }),
                cancel,
                key,
                margin,
            });
        }
        if self.tile_task.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }
        match self.release_due(std::time::Instant::now()) {
            Some(wait) if wait.is_zero() => crate::ui::release_memory(),
            Some(wait) => ctx.request_repaint_after(wait),
            None => {}
        }
    }

    /// Whether to give freed memory back now: `Some(0)` once, [`RELEASE_AFTER`] after
    /// the last full tile arrived with no tile being drawn since; `Some(wait)` before
    /// that (repaint then); `None` when nothing is pending.
    fn release_due(&mut self, now: std::time::Instant) -> Option<std::time::Duration> {
        if self.tile_task.is_some() {
            // Another tile is being drawn: its arrival starts the wait again.
            self.settled_at = None;
            return None;
        }
        let wait = RELEASE_AFTER.saturating_sub(now.saturating_duration_since(self.settled_at?));
        if wait.is_zero() {
            self.settled_at = None;
        }
        Some(wait)
    }
}

impl MapState {
    /// Takes a finished tile: a full tile replaces everything; a view-only tile is shown
    /// over the last full tile, which stays as its backdrop until the next full tile.
    fn receive_tile(&mut self, tile: Tile) {
        let tile = Arc::new(tile);
        if tile.margin >= canvas::TILE_MARGIN {
            self.backdrop = None;
            self.settled_at = Some(std::time::Instant::now());
        } else if let Some(old) = self.tile.take()
            && old.margin >= canvas::TILE_MARGIN
        {
            self.backdrop = Some(old);
        }
        self.tile = Some(tile);
    }

    /// Where the backdrop (the last full tile) shows on the map's `rect`: the bands
    /// around a view-only tile the map was panned beyond; `None` when the tile covers
    /// the view or there is no backdrop.
    pub fn backdrop_bands(&self, rect: Rect) -> Option<Vec<Rect>> {
        let tile = self.tile.as_ref()?;
        self.backdrop.as_ref()?;
        if canvas::tile_covers(&tile.view, &self.view) {
            return None;
        }
        let bands = canvas::uncovered_bands(rect, canvas::tile_screen_rect(&tile.view, &self.view));
        (!bands.is_empty()).then_some(bands)
    }
}

/// A single point gets some ground around it.
fn pad_point(b: WorldRect) -> WorldRect {
    let min = 300.0;
    if b.width() < min && b.height() < min {
        let c = b.center();
        WorldRect::from_corners(
            [c[0] - min / 2.0, c[1] - min / 2.0],
            [c[0] + min / 2.0, c[1] + min / 2.0],
        )
    } else {
        b
    }
}

/// Shows the map in the whole of `ui` and handles its input. `edit_layer` is the layer
/// new points and parcels go to.
pub fn show(
    ui: &mut egui::Ui,
    state: &mut MapState,
    session: Option<&Session>,
    selection: Option<FeatureRef>,
    edit_layer: Option<usize>,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    state.rect = Some(rect);
    state.view.origin = [rect.min.x, rect.min.y];
    state.view.size = [rect.width().max(1.0), rect.height().max(1.0)];
    if let Some(b) = state.pending_fit.take()
        && rect.width() > 20.0
        && rect.height() > 20.0
    {
        state.view.fit_bbox(&b, 24.0);
    }
    let painter = ui.painter_at(rect);
    let background = session.map_or(crate::render::Theme::default().background, |s| {
        s.ws.styles.theme.background
    });
    painter.rect_filled(rect, 0.0, canvas::color(background));

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

    editing::begin_drag(ui, state, session, selection, &response);
    handle_navigation(ui, state, &response, rect);
    let ppp = ui.ctx().pixels_per_point();
    state.update_tile(ui.ctx(), session, lang, ppp);

    // Cursor position and hover.
    let hover_pos = response.hover_pos();
    state.cursor = hover_pos.map(|p| {
        let planar = state.view.screen_to_world([p.x as f64, p.y as f64]);
        Cursor {
            lon_lat: session.projected.unproject(planar),
            planar,
        }
    });
    let dragging = response.dragged();
    state.hover = match (state.cursor, dragging, state.tool) {
        (Some(c), false, Tool::Identify | Tool::Edit) => {
            let tol = theme::PICK_TOLERANCE as f64 * state.view.resolution;
            pick::pick(
                &session.projected,
                c.planar,
                tol,
                &session.visible_top_first(),
                &|f| session.is_hidden(f),
            )
        }
        _ => None,
    };

    // Clicks (the edit tool selects like identify, unless a handle took the click;
    // that is decided when its feedback is painted below).
    let mut select_click = false;
    match state.tool {
        Tool::Identify => {
            if response.clicked() {
                cmds.push(Command::Select(state.hover));
            }
        }
        Tool::Edit => select_click = response.clicked(),
        Tool::AddPoint | Tool::DrawPolygon => {}
        Tool::MeasureDistance | Tool::MeasureArea => {
            if let (Some(m), Some(c)) = (state.measure.as_mut(), state.cursor) {
                if response.clicked() {
                    // Clicks snap to parcel vertices, else edges, within a few pixels.
                    let tol = theme::PICK_TOLERANCE as f64 * state.view.resolution;
                    let parcels: Vec<usize> = session
                        .visible_top_first()
                        .into_iter()
                        .filter(|&li| {
                            session
                                .ws
                                .park
                                .layers
                                .get(li)
                                .is_some_and(|l| l.role == crate::model::Role::Parcels)
                        })
                        .collect();
                    let at = match measure::snap(&session.projected, &parcels, c.planar, tol) {
                        Some(q) => session.projected.unproject(q),
                        None => c.lon_lat,
                    };
                    m.push(at);
                }
                if response.double_clicked() {
                    m.finished = true;
                    // A double-click on a parcel before drawing measures the parcel.
                    if m.kind == MeasureKind::Area
                        && m.points.len() < 3
                        && let Some(p) = parcel_at(session, c.planar)
                    {
                        m.set_parcel(p.0, p.1, p.2);
                    }
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

    // Draw: the cached tile in its own layer, then labels, selection, hover and tools in
    // a layer above it.
    let parent = ui.layer_id();
    state.last_vertices = match &state.tile {
        Some(tile) => {
            let mut n = canvas::paint_tile(ui.ctx(), parent, tile, &state.view, rect);
            // A view-only tile the map was panned beyond: the previous tile around it.
            if let (Some(back), Some(bands)) = (&state.backdrop, state.backdrop_bands(rect)) {
                let layer = canvas::backdrop_layer(parent);
                n += canvas::paint_tile_in(ui.ctx(), parent, layer, back, &state.view, &bands);
            }
            n
        }
        None => 0,
    };
    let overlay = canvas::overlay_layer(parent);
    ui.ctx().set_sublayer(parent, overlay);
    ui.ctx().move_to_top(overlay);
    let painter = egui::Painter::new(ui.ctx().clone(), overlay, rect);
    if let Some(tile) = &state.tile {
        canvas::paint_tile_labels(&painter, tile, &state.view, rect);
    }
    let marked_sel: Vec<FeatureRef> = selection.into_iter().collect();
    let marked_hover: Vec<FeatureRef> = state
        .hover
        .filter(|h| Some(*h) != selection)
        .into_iter()
        .collect();
    if !marked_sel.is_empty() || !marked_hover.is_empty() {
        let full = session.drawn_styles();
        let marks = Overlays {
            areas: Vec::new(),
            highlighted: marked_hover,
            selected: marked_sel,
            flagged: Vec::new(),
        };
        // Marked features take their symbol from their layer's style: pass every layer's
        // style, none of them visible, so only the marks are drawn.
        let styles = MapStyles {
            layers: full
                .layers
                .iter()
                .map(|d| crate::render::LayerDisplay {
                    visible: false,
                    ..d.clone()
                })
                .collect(),
            theme: full.theme.clone(),
        };
        let scene = build_scene(
            &session.ws.park,
            &session.projected,
            &state.view,
            &styles,
            &marks,
            &BuildOptions {
                lang,
                labels: false,
                background: false,
                ..BuildOptions::default()
            },
        );
        canvas::paint_scene(&painter, &scene);
    }
    if let Some(m) = &state.measure {
        paint_measure(&painter, &state.view, session, m, state.cursor);
    }
    let used = editing::update(
        ui, &painter, state, session, selection, edit_layer, &response, cmds,
    );
    if select_click && !used {
        cmds.push(Command::Select(state.hover));
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
    scale_bar(&painter, rect, &state.view);
    if let Some(tile) = state.tile.as_ref().filter(|t| !t.aggregated.is_empty()) {
        // Say when a layer is drawn as a picture rather than feature by feature.
        let names: Vec<&str> = tile
            .aggregated
            .iter()
            .filter_map(|&li| session.ws.park.layers.get(li as usize))
            .map(|l| l.name.as_str())
            .collect();
        let galley = painter.layout_no_wrap(
            format!(
                "{}{}",
                Msg::AggregatedAtThisZoom.text(lang),
                names.join("、")
            ),
            egui::FontId::proportional(12.0),
            theme::SCALE_INK,
        );
        let at = rect.left_bottom() + vec2(10.0, -48.0 - galley.size().y);
        painter.rect_filled(
            Rect::from_min_size(at, galley.size()).expand(3.0),
            3.0,
            theme::SCALE_HALO,
        );
        painter.galley(at, galley, theme::SCALE_INK);
    }
    // Layers loaded but nothing drawable (e.g. a CRS that could not be read): say why
    // the map is empty rather than show a blank map.
    if !session.ws.park.layers.is_empty() && session.projected.extent().is_none() {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            Msg::NothingDrawable.text(lang),
            egui::FontId::proportional(16.0),
            ui.visuals().warn_fg_color,
        );
    }
    if state.tile.is_none() && state.is_drawing() {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "…",
            egui::FontId::proportional(28.0),
            ui.visuals().weak_text_color(),
        );
    }

    // Tooltip and cursor.
    let response = match state.tool {
        Tool::Edit if editing::dragging(state) => response.on_hover_cursor(CursorIcon::Grabbing),
        Tool::Identify | Tool::Edit => response.on_hover_cursor(if state.hover.is_some() {
            CursorIcon::PointingHand
        } else if dragging {
            CursorIcon::Grabbing
        } else {
            CursorIcon::Grab
        }),
        _ => response.on_hover_cursor(CursorIcon::Crosshair),
    };
    if let Some(h) = state.hover {
        response.on_hover_ui_at_pointer(|ui| {
            let layer = session
                .ws
                .park
                .layer_of(h)
                .map(|l| l.name.as_str())
                .unwrap_or("");
            ui.strong(session.feature_name(h));
            if let Some(summary) = hover_summary(&session.ws.park, h, lang) {
                ui.add(egui::Label::new(summary).wrap_mode(egui::TextWrapMode::Extend));
            }
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
                let p = state.view.screen_to_world([r.min.x as f64, r.max.y as f64]);
                let q = state.view.screen_to_world([r.max.x as f64, r.min.y as f64]);
                state.view.fit_bbox(&WorldRect::from_corners(p, q), 0.0);
            }
        }
    } else if (response.dragged_by(egui::PointerButton::Primary) && !editing::dragging(state))
        || response.dragged_by(egui::PointerButton::Middle)
    {
        let d = response.drag_delta();
        state.view.pan_by([d.x as f64, d.y as f64]);
    }

    if let Some(p) = response.hover_pos() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let mut factor = zoom as f64;
        if scroll != 0.0 {
            factor *= (scroll as f64 / 200.0).exp();
        }
        if (factor - 1.0).abs() > 1e-6 {
            state.view.zoom_about(factor, [p.x as f64, p.y as f64]);
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
            state.view.pan_by([step, 0.0]);
        }
        if r {
            state.view.pan_by([-step, 0.0]);
        }
        if u {
            state.view.pan_by([0.0, step]);
        }
        if d {
            state.view.pan_by([0.0, -step]);
        }
        let c = [rect.center().x as f64, rect.center().y as f64];
        if plus {
            state.view.zoom_about(2.0, c);
        }
        if minus {
            state.view.zoom_about(0.5, c);
        }
    }
}

/// The parcel under planar point `p`: its outline (lon/lat exterior ring), its id and
/// its declared area in mu.
fn parcel_at(session: &Session, p: [f64; 2]) -> Option<(Vec<[f64; 2]>, String, Option<f64>)> {
    let park = &session.ws.park;
    let layers: Vec<usize> = session
        .visible_top_first()
        .into_iter()
        .filter(|&li| {
            park.layers
                .get(li)
                .is_some_and(|l| l.role == crate::model::Role::Parcels)
        })
        .collect();
    let f = pick::pick(&session.projected, p, 0.0, &layers, &|f| {
        session.is_hidden(f)
    })?;
    let parcel = park.parcels.iter().find(|x| x.feature == f)?;
    let g = park.geometry(f)?;
    let poly = crate::model::polygons_of(g).0.into_iter().next()?;
    let ring = poly.exterior().0.iter().map(|c| [c.x, c.y]).collect();
    Some((
        ring,
        parcel.id.to_string(),
        parcel.declared_area.map(|m| m.0),
    ))
}

fn paint_measure(
    painter: &egui::Painter,
    view: &MapView,
    session: &Session,
    m: &Measure,
    cursor: Option<Cursor>,
) {
    let pts: Vec<Pos2> = m
        .with_cursor(cursor.map(|c| c.lon_lat))
        .iter()
        .map(|p| {
            let s = view.to_screen(session.projected.project(p[0], p[1]));
            egui::pos2(s[0], s[1])
        })
        .collect();
    let stroke = Stroke::new(theme::MEASURE_WIDTH, theme::MEASURE_LINE);
    match m.kind {
        MeasureKind::Distance => {
            if pts.len() >= 2 {
                painter.add(egui::Shape::line(pts.clone(), stroke));
            }
        }
        MeasureKind::Area => {
            paint_sketch_polygon(painter, &pts, theme::MEASURE_FILL, stroke);
        }
    }
    for p in &pts {
        painter.circle(*p, 3.5, Color32::WHITE, stroke);
    }
}

fn scale_bar(painter: &egui::Painter, rect: Rect, view: &MapView) {
    let len_m = nice_length(160.0 * view.resolution);
    let len_pt = (len_m / view.resolution) as f32;
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

/// A polygon being sketched (measured or drawn), in screen points: filled (triangulated,
/// so concave outlines fill correctly) and outlined once it has three points, a line
/// while it has two.
pub(crate) fn paint_sketch_polygon(
    painter: &egui::Painter,
    pts: &[Pos2],
    fill: Color32,
    stroke: Stroke,
) {
    if pts.len() >= 3 {
        let item = crate::render::PolygonItem {
            rings: vec![pts.iter().map(|p| [p.x, p.y]).collect()],
            fill: None,
            stroke: None,
            tag: None,
        };
        let t = crate::render::triangulate(&item);
        let mut mesh = egui::Mesh::default();
        for v in &t.vertices {
            mesh.colored_vertex(egui::pos2(v[0], v[1]), fill);
        }
        mesh.indices = t.indices;
        painter.add(egui::Shape::mesh(mesh));
        painter.add(egui::Shape::closed_line(pts.to_vec(), stroke));
    } else if pts.len() == 2 {
        painter.add(egui::Shape::line(pts.to_vec(), stroke));
    }
}

/// What a planner wants to read at a glance under the cursor, by role: a parcel's approval
/// status, land use and area in mu; an enterprise's industry and employees; a project's
/// stage and investment; a facility's kind; a stop's route and number.
fn hover_summary(park: &crate::model::Park, f: FeatureRef, lang: Lang) -> Option<String> {
    // Records of these roles are in (layer, index) order, so a binary search finds them.
    fn find<T>(v: &[T], f: FeatureRef, key: impl Fn(&T) -> FeatureRef) -> Option<&T> {
        v.binary_search_by_key(&f, key).ok().map(|i| &v[i])
    }
    let zh = lang == Lang::Zh;
    let join = |parts: Vec<String>| {
        let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    };
    if let Some(p) = find(&park.parcels, f, |p| p.feature) {
        return join(vec![
            p.status.label(lang).to_string(),
            p.land_use.clone().unwrap_or_default().to_string(),
            format!(
                "{} {}",
                crate::model::units::grouped(p.area.to_mu().0, 2),
                Msg::UnitMu.text(lang)
            ),
        ]);
    }
    if let Some(e) = find(&park.enterprises, f, |e| e.feature) {
        return join(vec![
            e.industry.clone().unwrap_or_default().to_string(),
            e.employees
                .map(|n| {
                    if zh {
                        format!("职工 {n} 人")
                    } else {
                        format!("{n} employees")
                    }
                })
                .unwrap_or_default(),
        ]);
    }
    if let Some(p) = find(&park.projects, f, |p| p.feature) {
        return join(vec![
            p.stage
                .map(|s| s.label(lang).to_string())
                .unwrap_or_default(),
            p.investment_yi
                .map(|y| {
                    if zh {
                        format!("投资 {y} 亿元")
                    } else {
                        format!(
                            "investment CNY {} M",
                            crate::model::units::grouped(y * 100.0, 0)
                        )
                    }
                })
                .unwrap_or_default(),
            p.secretary
                .as_ref()
                .map(|s| {
                    if zh {
                        format!("项目秘书 {s}")
                    } else {
                        format!("secretary {s}")
                    }
                })
                .unwrap_or_default(),
        ]);
    }
    if let Some(x) = find(&park.facilities, f, |x| x.feature) {
        return Some(x.kind.label(lang).to_string());
    }
    let stop = park.stops.iter().find(|s| s.feature == f)?;
    join(vec![
        stop.route.clone().unwrap_or_default().to_string(),
        stop.seq
            .map(|q| {
                if zh {
                    format!("第 {q} 站")
                } else {
                    format!("stop {q}")
                }
            })
            .unwrap_or_default(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zoom_cancels_the_full_tile_being_built_for_the_last_zoom_but_not_a_view_only_one() {
        let key = |resolution| TileKey {
            styles_version: 0,
            overlay_version: 0,
            lang: Lang::Zh,
            resolution,
            pixels_per_point: 1.0,
        };
        // A worker that draws until it is told to stop.
        let busy = |margin: f32, key: TileKey| {
            let cancel = Arc::new(AtomicBool::new(false));
            let flag = cancel.clone();
            let task = Task::spawn("test-draw", crate::workspace::no_wake(), move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                None
            });
            TileTask {
                task,
                cancel,
                key,
                margin,
            }
        };
        let mut state = MapState {
            tile_task: Some(busy(canvas::TILE_MARGIN, key(4.0))),
            ..MapState::default()
        };
        let flag = state.tile_task.as_ref().map(|t| t.cancel.clone()).unwrap();
        // Panning (the same key): the full tile is still wanted.
        assert!(!state.cancel_outdated_tile(&key(4.0)));
        assert!(state.is_drawing());
        assert!(!flag.load(Ordering::Relaxed));
        // A zoom: it is stopped and forgotten, so the new zoom's tile starts at once.
        assert!(state.cancel_outdated_tile(&key(2.0)));
        assert!(!state.is_drawing());
        assert!(flag.load(Ordering::Relaxed));
        // A view-only tile of the last zoom is left to finish.
        state.tile_task = Some(busy(canvas::VISIBLE_MARGIN, key(4.0)));
        let flag = state.tile_task.as_ref().map(|t| t.cancel.clone()).unwrap();
        assert!(!state.cancel_outdated_tile(&key(2.0)));
        assert!(state.is_drawing());
        // A new park stops it too.
        state.reset_tile();
        assert!(!state.is_drawing());
        assert!(flag.load(Ordering::Relaxed));
    }

    #[test]
    fn hovering_tells_a_parcels_status_and_mu_and_an_enterprises_staff() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/jingzhou-etdz");
        let park = crate::project::open_paths(&[sample], None)
            .unwrap()
            .loaded
            .park;
        let p = &park.parcels[0];
        let s = hover_summary(&park, p.feature, Lang::Zh).unwrap();
        assert!(
            s.contains(p.status.label(Lang::Zh)) && s.ends_with(" 亩"),
            "{s}"
        );
        let e = park
            .enterprises
            .iter()
            .find(|e| e.employees.is_some())
            .unwrap();
        let s = hover_summary(&park, e.feature, Lang::Zh).unwrap();
        assert!(
            s.contains(&format!("职工 {} 人", e.employees.unwrap())),
            "{s}"
        );
        let st = park.stops_of_route("KW6").next().unwrap();
        let s = hover_summary(&park, st.feature, Lang::En).unwrap();
        assert!(s.starts_with("KW6 · stop "), "{s}");
        let f = &park.facilities[0];
        assert_eq!(
            hover_summary(&park, f.feature, Lang::Zh).as_deref(),
            Some(f.kind.label(Lang::Zh))
        );
    }

    fn tile(view: &MapView, margin: f32) -> Tile {
        let key = TileKey {
            styles_version: 0,
            overlay_version: 0,
            lang: Lang::Zh,
            resolution: view.resolution,
            pixels_per_point: 1.0,
        };
        Tile::empty(key, view, margin)
    }

    #[test]
    fn a_view_only_tile_keeps_the_last_full_tile_around_it_until_the_next_full_tile() {
        let mut state = MapState::default();
        let rect = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        state.view = MapView::new([1000.0, 2000.0], 4.0, [800.0, 600.0]);
        state.receive_tile(tile(&state.view, canvas::TILE_MARGIN));
        assert!(state.backdrop.is_none());
        // A zoom: the view-only tile goes over the full one, which is kept behind it.
        state.zoom_by(2.0);
        state.receive_tile(tile(&state.view, canvas::VISIBLE_MARGIN));
        assert_eq!(state.backdrop.as_ref().map(|b| b.margin), Some(0.5));
        assert_eq!(state.tile.as_ref().map(|t| t.margin), Some(0.0));
        // Where it covers the view, nothing else is painted.
        assert_eq!(state.backdrop_bands(rect), None);
        // Panned 100 points right and 50 down: the backdrop fills the two bands the
        // view-only tile leaves, and nothing under it.
        state.view.pan_by([100.0, 50.0]);
        let bands = state.backdrop_bands(rect).expect("bands");
        let on_screen =
            canvas::tile_screen_rect(&state.tile.as_ref().expect("tile").view, &state.view);
        assert_eq!(on_screen.min, egui::pos2(100.0, 50.0));
        let area: f32 = bands.iter().map(|b| b.area()).sum();
        assert!(
            (area - (800.0 * 600.0 - 700.0 * 550.0)).abs() < 1e-2,
            "{bands:?}"
        );
        for b in &bands {
            assert!(
                !b.intersects(on_screen.shrink(0.01)),
                "{b:?} under the tile"
            );
        }
        // A second zoom before the full tile: the backdrop stays the last full tile.
        state.receive_tile(tile(&state.view, canvas::VISIBLE_MARGIN));
        assert_eq!(state.backdrop.as_ref().map(|b| b.margin), Some(0.5));
        // The full tile replaces both.
        state.receive_tile(tile(&state.view, canvas::TILE_MARGIN));
        assert!(state.backdrop.is_none());
        assert_eq!(state.backdrop_bands(rect), None);
    }

    #[test]
    fn freed_memory_is_given_back_once_after_the_full_tile_unless_another_is_drawn() {
        use std::time::{Duration, Instant};
        let mut state = MapState {
            view: MapView::new([1000.0, 2000.0], 4.0, [800.0, 600.0]),
            ..MapState::default()
        };
        assert_eq!(state.release_due(Instant::now()), None, "nothing drawn yet");
        // A view-only tile is not the end of the drawing.
        state.receive_tile(tile(&state.view, canvas::VISIBLE_MARGIN));
        assert_eq!(state.release_due(Instant::now()), None);
        // The full tile: wait, then once.
        state.receive_tile(tile(&state.view, canvas::TILE_MARGIN));
        let now = Instant::now();
        let wait = state.release_due(now).expect("pending");
        assert!(!wait.is_zero() && wait <= RELEASE_AFTER, "{wait:?}");
        let later = now + RELEASE_AFTER + Duration::from_millis(1);
        assert_eq!(state.release_due(later), Some(Duration::ZERO));
        assert_eq!(state.release_due(later), None, "only once");
        // A full tile, then another tile being drawn before the wait is over: nothing
        // until that one's full tile arrives.
        state.receive_tile(tile(&state.view, canvas::TILE_MARGIN));
        let view = state.view;
        state.tile_task = Some(TileTask {
            task: Task::spawn("parkplan-test", Arc::new(|| {}), move || {
                Some(tile(&view, canvas::TILE_MARGIN))
            }),
            cancel: Arc::new(AtomicBool::new(false)),
            key: tile(&view, canvas::TILE_MARGIN).key,
            margin: canvas::TILE_MARGIN,
        });
        assert_eq!(state.release_due(later), None);
        state.tile_task = None;
        assert_eq!(state.release_due(later), None);
    }

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(2500.0), 2000.0);
        assert_eq!(nice_length(1.0), 1.0);
        assert_eq!(nice_length(99.0), 50.0);
    }

    #[test]
    fn a_point_gets_ground_around_it() {
        let b = pad_point(WorldRect::from_corners([10.0, 10.0], [10.0, 10.0]));
        assert!((b.width() - 300.0).abs() < 1e-9 && (b.center()[0] - 10.0).abs() < 1e-9);
        let big = WorldRect::from_corners([0.0, 0.0], [5000.0, 10.0]);
        assert_eq!(pad_point(big), big);
    }

    #[test]
    fn a_finished_measurement_stays_when_the_tool_changes_and_clicks_snap_to_parcels() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/jingzhou-etdz");
        let park = crate::project::open_paths(&[sample], None)
            .unwrap()
            .loaded
            .park;
        let projected = crate::render::ProjectedPark::new(&park).unwrap();
        let mut state = MapState::default();
        state.set_tool(Tool::MeasureArea);
        let p = &park.parcels[0];
        let layer = p.feature.layer as usize;
        let Some(crate::render::PlanarGeom::Polygons(polys)) =
            projected.feature(p.feature).map(|f| f.geom.clone())
        else {
            panic!("a parcel polygon");
        };
        let corner = polys[0][0][0];
        // 3 m off a corner snaps onto it; far away nothing snaps.
        let near = [corner[0] + 2.0, corner[1] + 2.0];
        assert_eq!(measure::snap(&projected, &[layer], near, 8.0), Some(corner));
        assert_eq!(
            measure::snap(&projected, &[layer], [corner[0] + 5e4, corner[1]], 8.0),
            None
        );
        // A parcel measured, then another tool: the result stays; a new measuring tool
        // starts afresh.
        let ring: Vec<[f64; 2]> = park
            .geometry(p.feature)
            .map(|g| {
                crate::model::polygons_of(g).0[0]
                    .exterior()
                    .0
                    .iter()
                    .map(|c| [c.x, c.y])
                    .collect()
            })
            .unwrap();
        state.measure.as_mut().unwrap().set_parcel(
            ring,
            p.id.to_string(),
            p.declared_area.map(|m| m.0),
        );
        let a = measure::geodesic_area(&state.measure.as_ref().unwrap().points);
        assert!(
            (a.0 - p.area.0).abs() / p.area.0 < 1e-6,
            "the parcel's own area"
        );
        state.set_tool(Tool::Identify);
        assert!(state.measure.as_ref().is_some_and(|m| m.finished), "kept");
        state.set_tool(Tool::MeasureDistance);
        assert!(state.measure.as_ref().is_some_and(|m| m.points.is_empty()));
    }
}
