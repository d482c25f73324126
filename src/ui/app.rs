//! The application shell: persisted [`Settings`] plus session data, the frame layout
//! (menu bar, tool bar, status bar, side and bottom panels, the map), global keyboard
//! shortcuts, file dialogs, drag-and-drop, and applying the frame's [`Command`]s once at
//! the end of the frame.
//!
//! `App::show` draws everything into a `Ui`, so `egui_kittest` drives the same code as
//! the window does.

mod editing;
mod files;
mod teamdb;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, RichText};

use self::files::{Modal, Then};
use super::command::{Command, LayerChange, PanelId, Tool};
use super::export_dialog::ExportDialog;
use super::file_dialog;
use super::fonts;
use super::form::FeatureForm;
use super::gtfs_dialog::{GtfsAction, GtfsDialog};
use super::i18n::{self, Msg, group_digits};
use super::intake::IntakeDialog;
use super::loader::{LoadJob, LoadWhat, Outcome};
use super::map::{self, MapState, POINT_ZOOM_MPP};

/// The closest scale a zoom to a feature goes to (1:5,000): a point keeps its
/// surroundings in view.
const MIN_ZOOM_SCALE: f64 = 5_000.0;
use super::panels::{
    AnalysisPanel, InspectorPanel, LayersPanel, ProjectsPanel, ReportPanel, SearchPanel,
    SitingPanel, TablePanel,
};
use super::project::ProjectState;
use super::recovery::{Autosave, RecoveryIndex};
use super::session::LayerMeta;
use super::session::Session;
use super::settings::{LayerPrefs, STORAGE_KEY, SavedView, Settings, absolute};
use crate::crs::{Crs, Projector};
use crate::import::{Problem, Severity};
use crate::model::{FeatureRef, Lang, Layer, Role};
use crate::render::WorldRect;
use crate::workspace::Task;

/// Ctrl+O.
pub const SHORTCUT_OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Ctrl+F.
pub const SHORTCUT_FIND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
/// Ctrl+P.
pub const SHORTCUT_EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::P);

/// The folder of the bundled sample map, relative to the repository root.
pub const SAMPLE_DIR: &str = "maps/jingzhou-etdz";

/// Where the sample map is: under the working directory, beside the executable (or up
/// to three folders above it, for `target/debug/parkplan`), in `share/parkplan` beside
/// one of those (the .deb), or in the source tree the binary was built from.
pub fn sample_map_path() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        candidates.push(cwd.join(SAMPLE_DIR));
    }
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..4 {
            let Some(d) = dir else { break };
            candidates.push(d.join(SAMPLE_DIR));
            // The .deb: /usr/bin/parkplan and /usr/share/parkplan/maps/...
            candidates.push(d.join("share").join("parkplan").join(SAMPLE_DIR));
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE_DIR));
    candidates
        .into_iter()
        .find(|p| p.join("manifest.json").is_file())
}

/// A message shown in the status bar for a few seconds.
#[derive(Debug, Clone)]
struct Notice {
    text: String,
    error: bool,
    at: Instant,
}

/// CGCS2000 3-degree Gauss-Krüger coordinates for the status bar.
struct GaussKruger {
    crs: Crs,
    projector: Projector,
}

/// A layer read after the intake dialog: the layer, its problems, its project metadata.
type IntakeRead = Vec<(Layer, Vec<Problem>, LayerMeta)>;

/// The desktop application.
pub struct App {
    /// Persisted between runs.
    pub settings: Settings,
    /// Help > Guide.
    pub guide: super::guide::GuideWindow,
    /// The built-in file dialog, while one is open.
    builtin_dialog: Option<file_dialog::BuiltInDialog>,
    lang: Lang,
    session: Option<Session>,
    generation: u64,
    load: Option<LoadJob>,
    pending_open: Option<Vec<PathBuf>>,
    load_error: Option<String>,
    notice: Option<Notice>,
    dialog: Option<Receiver<Option<Vec<PathBuf>>>>,
    selection: Option<FeatureRef>,
    map: MapState,
    layers_panel: LayersPanel,
    report_panel: ReportPanel,
    table_panel: TablePanel,
    search_panel: SearchPanel,
    inspector_panel: InspectorPanel,
    analysis_panel: AnalysisPanel,
    export_dialog: ExportDialog,
    gtfs_dialog: GtfsDialog,
    /// The routes the GTFS dialog chose, while their file is being asked for.
    gtfs_routes: Vec<usize>,
    projects_panel: ProjectsPanel,
    siting_panel: SitingPanel,
    bottom_tab: PanelId,
    gk: Option<GaussKruger>,
    cmds: Vec<Command>,
    // ---- planning projects, survey intake, editing (issue #6)
    /// The egui context, once the first frame ran (to start workers from commands).
    ctx: Option<egui::Context>,
    project: ProjectState,
    intake: Option<IntakeDialog>,
    intake_queue: VecDeque<PathBuf>,
    intake_read: Option<Task<Result<IntakeRead, String>>>,
    modal: Option<Modal>,
    form: Option<FeatureForm>,
    edit_layer: Option<usize>,
    autosave: Autosave,
    cmd_dialog: Option<Receiver<Option<Command>>>,
    tables_task: Option<Task<Result<(PathBuf, usize), String>>>,
    /// The dispatch report being written: the message to show when done.
    dispatch_task: Option<Task<Result<String, String>>>,
    title: String,
    allow_close: bool,
    after_save: Option<Then>,
    pending_meta: Vec<LayerMeta>,
    pending_what: Option<LoadWhat>,
    held_open: Option<Vec<PathBuf>>,
    recovering: Option<RecoveryIndex>,
    /// 文件 ▸ 打开数据库…, while open.
    open_db: Option<super::teamdb::OpenDbDialog>,
}

impl App {
    /// The app as eframe creates it: fonts installed, settings restored from storage,
    /// `paths` (from the command line) or else the sample map opened.
    pub fn new(cc: &eframe::CreationContext<'_>, paths: Vec<PathBuf>) -> App {
        fonts::install(&cc.egui_ctx);
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        let app = App::with_settings(settings, paths);
        match eframe::storage_dir("ParkPlan") {
            Some(dir) => app.with_recovery(dir.join("recovery"), super::recovery::DEFAULT_INTERVAL),
            None => app,
        }
    }

    /// The app with given settings. Opens `paths`, or the sample map when empty, on the
    /// first frame. The caller installs fonts (see [`fonts::install`]).
    pub fn with_settings(settings: Settings, paths: Vec<PathBuf>) -> App {
        let lang = settings.lang.unwrap_or_else(i18n::system_lang);
        let pending_open = if paths.is_empty() {
            sample_map_path().map(|p| vec![p])
        } else {
            Some(paths)
        };
        App {
            settings,
            guide: Default::default(),
            builtin_dialog: None,
            lang,
            session: None,
            generation: 0,
            load: None,
            pending_open,
            load_error: None,
            notice: None,
            dialog: None,
            selection: None,
            map: MapState::default(),
            layers_panel: LayersPanel::default(),
            report_panel: ReportPanel::default(),
            table_panel: TablePanel::default(),
            search_panel: SearchPanel::default(),
            inspector_panel: InspectorPanel::default(),
            analysis_panel: AnalysisPanel::default(),
            export_dialog: ExportDialog::default(),
            gtfs_dialog: GtfsDialog::default(),
            gtfs_routes: Vec::new(),
            projects_panel: ProjectsPanel,
            siting_panel: SitingPanel::default(),
            bottom_tab: PanelId::Report,
            gk: None,
            cmds: Vec::new(),
            ctx: None,
            project: ProjectState::default(),
            intake: None,
            intake_queue: VecDeque::new(),
            intake_read: None,
            modal: None,
            form: None,
            edit_layer: None,
            autosave: Autosave::default(),
            cmd_dialog: None,
            tables_task: None,
            dispatch_task: None,
            title: String::new(),
            allow_close: false,
            after_save: None,
            pending_meta: Vec::new(),
            pending_what: None,
            held_open: None,
            recovering: None,
            open_db: None,
        }
    }

    /// Whether a load is waiting or running.
    pub fn is_loading(&self) -> bool {
        self.load.is_some() || self.pending_open.is_some()
    }

    /// The open park, when any.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Whether the built-in file dialog is open (where the system's cannot be shown).
    pub fn builtin_dialog_open(&self) -> bool {
        self.builtin_dialog.is_some()
    }

    /// The selected feature.
    pub fn selection(&self) -> Option<FeatureRef> {
        self.selection
    }

    /// The interface language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The map's state (camera, tool, measurement).
    pub fn map_state(&self) -> &MapState {
        &self.map
    }

    /// The search results now listed.
    pub fn search_results(&self) -> &[super::panels::search::Hit] {
        self.search_panel.results()
    }

    /// The export dialog (for tests).
    pub fn export_dialog(&mut self) -> &mut ExportDialog {
        &mut self.export_dialog
    }

    /// The GTFS export dialog (for tests).
    pub fn gtfs_dialog(&mut self) -> &mut GtfsDialog {
        &mut self.gtfs_dialog
    }

    /// The last load error, when the last load failed.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Queues a command as if a panel had sent it (used by tests and `main`).
    pub fn send(&mut self, cmd: Command) {
        self.cmds.push(cmd);
    }

    /// Draws the whole interface into `ui` and applies the frame's commands.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let want = if self.settings.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        if ctx.theme() != want {
            ctx.set_theme(want);
        }
        self.ctx = Some(ctx.clone());
        if ctx.input(|i| i.viewport().close_requested()) {
            self.on_close_requested(&ctx);
        }
        if let Some(paths) = self.pending_open.take() {
            self.start_load(paths, &ctx);
        }
        if let Some(w) = self.pending_what.take() {
            self.start_load_what(w);
        }
        self.poll_load();
        if let Some(s) = &mut self.session {
            s.poll_index();
            // While the index is rebuilt after an edit, the analysis waits for it.
            let index = s.index_for_analysis().cloned();
            let wake = crate::ui::waker(&ctx);
            if s.ws
                .studies
                .tick(&wake, &s.ws.park, index.as_ref(), &s.projected)
            {
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
            }
            s.refresh_as_of();
        }
        self.poll_dialog();
        self.poll_cmd_dialog();
        self.tables_tick();
        self.dispatch_tick();
        self.autosave_tick(&ctx);
        self.shortcuts(&ctx);
        self.drag_and_drop(ui);

        let lang = self.lang;
        let mut cmds = std::mem::take(&mut self.cmds);

        egui::Panel::top("menu-bar").show(ui, |ui| {
            self.menu_bar(ui, &mut cmds);
        });
        egui::Panel::top("tool-bar").show(ui, |ui| {
            self.tool_bar(ui, &mut cmds);
        });
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            self.status_bar(ui, &mut cmds);
        });

        let panels = self.settings.panels.clone();
        let bottom_open = panels.report || panels.table;
        if bottom_open && self.session.is_some() {
            if !panels.get(self.bottom_tab)
                || !matches!(self.bottom_tab, PanelId::Report | PanelId::Table)
            {
                self.bottom_tab = if panels.report {
                    PanelId::Report
                } else {
                    PanelId::Table
                };
            }
            egui::Panel::bottom("bottom-panel")
                .resizable(true)
                .default_size(260.0)
                .size_range(120.0..=900.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        for (p, m) in [
                            (PanelId::Report, Msg::PanelReport),
                            (PanelId::Table, Msg::PanelTable),
                        ] {
                            if panels.get(p) {
                                ui.selectable_value(&mut self.bottom_tab, p, m.text(lang));
                            }
                        }
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui.small_button(Msg::Close.text(lang)).clicked() {
                                cmds.push(Command::ShowPanel(self.bottom_tab, false));
                            }
                        });
                    });
                    ui.separator();
                    match self.bottom_tab {
                        PanelId::Table => self.table_panel.show(
                            ui,
                            self.session.as_ref(),
                            self.generation,
                            self.selection,
                            lang,
                            &mut cmds,
                        ),
                        _ => self
                            .report_panel
                            .show(ui, self.session.as_ref(), lang, &mut cmds),
                    }
                });
        }

        // The map keeps at least half the window: each side panel takes a quarter at most.
        let side_max = ui.ctx().content_rect().width() * 0.25;
        if panels.layers {
            egui::Panel::left("layers-panel")
                .resizable(true)
                .default_size(250.0)
                .size_range(180.0..=side_max.max(180.0))
                .show(ui, |ui| {
                    within_width(ui, |ui| {
                        self.layers_panel.show(
                            ui,
                            self.session.as_ref(),
                            self.generation,
                            lang,
                            &mut cmds,
                        );
                    });
                });
        }

        let right_tabs: Vec<(PanelId, Msg)> = [
            (PanelId::Inspector, Msg::PanelInspector),
            (PanelId::Analysis, Msg::PanelAnalysis),
            (PanelId::Projects, Msg::PanelProjects),
            (PanelId::Siting, Msg::PanelSiting),
        ]
        .into_iter()
        .filter(|(p, _)| panels.get(*p))
        .collect();
        if !right_tabs
            .iter()
            .any(|(p, _)| *p == self.settings.right_tab)
            && let Some((p, _)) = right_tabs.first()
        {
            self.settings.right_tab = *p;
        }
        if panels.search || !right_tabs.is_empty() {
            egui::Panel::right("right-panel")
                .resizable(true)
                .default_size(340.0)
                .size_range(240.0..=side_max.max(240.0))
                .show(ui, |ui| {
                    within_width(ui, |ui| {
                        if panels.search {
                            let h = if right_tabs.is_empty() {
                                ui.available_height()
                            } else {
                                (ui.available_height() * 0.35).max(140.0)
                            };
                            ui.allocate_ui(egui::vec2(ui.available_width(), h), |ui| {
                                self.search_panel.show(
                                    ui,
                                    self.session.as_ref(),
                                    self.generation,
                                    lang,
                                    &mut cmds,
                                );
                            });
                            ui.separator();
                        }
                        if right_tabs.is_empty() {
                            return;
                        }
                        let before = self.settings.right_tab;
                        ui.horizontal(|ui| {
                            for (p, m) in &right_tabs {
                                ui.selectable_value(&mut self.settings.right_tab, *p, m.text(lang));
                            }
                            // One focus at a time: the analysis overlay leaves with its tab.
                            if before == PanelId::Analysis
                                && self.settings.right_tab == PanelId::Projects
                            {
                                cmds.push(Command::Focus(crate::render::Focus::None));
                            }
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    if ui.small_button(Msg::Close.text(lang)).clicked() {
                                        cmds.push(Command::ShowPanel(
                                            self.settings.right_tab,
                                            false,
                                        ));
                                    }
                                },
                            );
                        });
                        ui.separator();
                        match self.settings.right_tab {
                            PanelId::Analysis => {
                                self.analysis_panel
                                    .show(ui, self.session.as_ref(), lang, &mut cmds)
                            }
                            PanelId::Projects => {
                                self.projects_panel
                                    .show(ui, self.session.as_ref(), lang, &mut cmds)
                            }
                            PanelId::Siting => {
                                self.siting_panel
                                    .show(ui, self.session.as_ref(), lang, &mut cmds)
                            }
                            _ => self.inspector_panel.show(
                                ui,
                                self.session.as_ref(),
                                self.selection,
                                lang,
                                &mut cmds,
                            ),
                        }
                    })
                });
        }

        egui::CentralPanel::no_frame().show(ui, |ui| {
            map::show(
                ui,
                &mut self.map,
                self.session.as_ref(),
                self.selection,
                self.edit_layer,
                lang,
                &mut cmds,
            );
            self.measure_readout(ui, &mut cmds);
            map::editing::drawing_readout(ui, &self.map, lang);
        });

        self.windows(&ctx, &mut cmds);
        self.export_dialog.builtin_file_dialog = self.settings.builtin_file_dialog;
        self.export_dialog.show(
            &ctx,
            self.session.as_ref(),
            self.generation,
            &self.map.view,
            &mut self.settings.export,
            &mut self.settings.export_dir,
            self.map.disc_texture(),
            self.map.rect,
            lang,
        );

        if let Some(GtfsAction::Export { routes, settings }) =
            self.gtfs_dialog
                .show(&ctx, self.session.as_ref().map(|s| &s.ws), lang)
        {
            self.choose_gtfs_file(routes, settings);
        }
        self.intake_tick(&ctx);
        self.form_tick(&ctx);
        self.show_modal(&ctx);
        self.team_windows(&ctx);
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }

        // What the commands change shows on the next frame.
        if !cmds.is_empty() {
            ctx.request_repaint();
        }
        for cmd in cmds {
            self.apply(&ctx, cmd);
        }
        // Commands queued by dialogs during this frame run on the next one.
        if !self.cmds.is_empty() {
            ctx.request_repaint();
        }
        // Keep the progress bar moving while loading.
        if self.load.is_some() || self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Loads paths given on the command line (or the sample): a single project opens as
    /// a project; anything else directly, without the intake dialog.
    fn start_load(&mut self, paths: Vec<PathBuf>, ctx: &egui::Context) {
        self.ctx = Some(ctx.clone());
        let what = match paths.as_slice() {
            [p] if files::is_project(p) => LoadWhat::Project {
                path: p.clone(),
                allow_outside: false,
            },
            [p] if let Some(url) = files::db_url(p) => LoadWhat::Database(url),
            _ => LoadWhat::Paths(paths),
        };
        self.start_load_what(what);
    }

    fn poll_load(&mut self) {
        let Some(job) = &self.load else { return };
        let Some(outcome) = job.poll() else { return };
        let job = self.load.take();
        match outcome {
            Outcome::Done(mut prepared) => {
                let opened = prepared.project.take();
                let sources: Vec<PathBuf> = prepared
                    .sources
                    .iter()
                    .map(|p| {
                        if p.to_str().is_some_and(crate::db::is_db_url) {
                            p.clone()
                        } else {
                            absolute(p)
                        }
                    })
                    .collect();
                let wake: crate::workspace::Waker = match &self.ctx {
                    Some(ctx) => crate::ui::waker(ctx),
                    None => crate::workspace::no_wake(),
                };
                let session = Session::new(
                    *prepared,
                    &self.settings.layers,
                    self.settings.analysis.clone(),
                    wake,
                );
                if !session.ws.report.problems.is_empty() {
                    self.settings.panels.report = true;
                    self.bottom_tab = PanelId::Report;
                }
                self.gk = session.projected.extent().and_then(|_| {
                    let e = session.ws.park.extent()?;
                    let lon = (e.min().x + e.max().x) / 2.0;
                    let zone = (lon / 3.0).round() as u32;
                    let crs = Crs::from_epsg(4534 + zone.checked_sub(25)?)?;
                    let projector = crs.projector().ok()?;
                    Some(GaussKruger { crs, projector })
                });
                // The view the user left, when the same files are reopened.
                let restored = self
                    .settings
                    .last_view
                    .as_ref()
                    .filter(|v| v.sources == sources)
                    .map(|v| {
                        (
                            session
                                .projected
                                .project(v.center_lon_lat[0], v.center_lon_lat[1]),
                            v.meters_per_point,
                        )
                    });
                match restored {
                    Some((c, mpp))
                        if c[0].is_finite() && c[1].is_finite() && mpp.is_finite() && mpp > 0.0 =>
                    {
                        self.map.center_on(c, mpp)
                    }
                    _ => {
                        if let Some(e) = session.projected.extent() {
                            self.map.fit(e);
                        }
                    }
                }
                if opened.is_none() {
                    self.settings.remember(&sources);
                }
                self.notify(
                    i18n::fmt_loaded(
                        self.lang,
                        &session.ws.park.name,
                        session.ws.park.layers.len(),
                        session.info.iter().map(|i| i.features).sum(),
                        session.load_seconds,
                    ),
                    false,
                );
                self.session = Some(session);
                self.generation += 1;
                self.map.reset_tile();
                self.selection = None;
                self.map.hover = None;
                self.map.edit.cancel();
                self.after_load(opened);
            }
            Outcome::Cancelled => {
                self.notify(Msg::LoadCancelled.text(self.lang).to_string(), false)
            }
            Outcome::Failed(why, loaded) => {
                let why = loaded
                    .as_deref()
                    .and_then(|l| crate::ui::loader::first_error(l, self.lang))
                    .unwrap_or(why);
                let what = job
                    .map(|j| {
                        j.paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                self.load_error = Some(format!("{what}\n{why}"));
            }
        }
    }

    fn notify(&mut self, text: String, error: bool) {
        self.notice = Some(Notice {
            text,
            error,
            at: Instant::now(),
        });
    }

    fn poll_dialog(&mut self) {
        let Some(rx) = &self.dialog else { return };
        match rx.try_recv() {
            Ok(Some(paths)) if !paths.is_empty() => {
                self.dialog = None;
                self.cmds.push(Command::Open(paths));
            }
            Ok(_) => self.dialog = None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(_) => self.dialog = None,
        }
    }

    /// Shows the system's file dialog on its own thread so the UI keeps painting (the
    /// built-in one where the system's cannot be shown).
    fn open_dialog(&mut self, folder: bool) {
        if self.dialog.is_some() {
            return;
        }
        let filter_name = Msg::FilterGeoJson.text(self.lang).to_string();
        let all_name = Msg::FilterAll.text(self.lang).to_string();
        let start = self.settings.recent.first().and_then(|p| {
            if p.is_dir() {
                Some(p.clone())
            } else {
                p.parent().map(Path::to_path_buf)
            }
        });
        let kind = if folder {
            file_dialog::Kind::Folder
        } else {
            file_dialog::Kind::OpenFiles
        };
        let filters = if folder {
            Vec::new()
        } else {
            vec![
                (
                    filter_name,
                    crate::import::READ_EXTENSIONS
                        .into_iter()
                        .chain([crate::project::EXTENSION])
                        .collect(),
                ),
                (all_name, vec!["*"]),
            ]
        };
        let (rx, builtin) = file_dialog::ask(
            kind,
            start,
            filters,
            self.lang,
            self.settings.builtin_file_dialog,
            Some,
        );
        self.dialog = Some(rx);
        self.builtin_dialog = builtin;
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        // Ctrl+Shift+… first: Ctrl+S also matches Ctrl+Shift+S.
        let (save_as, save) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&editing::SHORTCUT_SAVE_AS),
                i.consume_shortcut(&editing::SHORTCUT_SAVE),
            )
        });
        if save_as {
            self.cmds.push(Command::SaveProjectAs);
        } else if save {
            self.cmds.push(Command::SaveProject);
        }
        if !ctx.egui_wants_keyboard_input() {
            // Text fields keep their own undo.
            let (redo, undo, redo_y, delete) = ctx.input_mut(|i| {
                (
                    i.consume_shortcut(&editing::SHORTCUT_REDO_SHIFT),
                    i.consume_shortcut(&editing::SHORTCUT_UNDO),
                    i.consume_shortcut(&editing::SHORTCUT_REDO),
                    i.consume_key(Modifiers::NONE, Key::Delete),
                )
            });
            if redo || redo_y {
                self.cmds.push(Command::Redo);
            } else if undo {
                self.cmds.push(Command::Undo);
            }
            if delete && self.modal.is_none() {
                self.cmds.push(Command::DeleteSelected);
            }
        }
        let (open, find, export) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&SHORTCUT_OPEN),
                i.consume_shortcut(&SHORTCUT_FIND),
                i.consume_shortcut(&SHORTCUT_EXPORT),
            )
        });
        if open {
            self.cmds.push(Command::OpenFileDialog);
        }
        if find {
            self.cmds.push(Command::ShowPanel(PanelId::Search, true));
        }
        if export {
            self.cmds.push(Command::Export);
        }
        if !ctx.egui_wants_keyboard_input() {
            let (esc, home) = ctx.input_mut(|i| {
                (
                    i.consume_key(Modifiers::NONE, Key::Escape),
                    i.consume_key(Modifiers::NONE, Key::Home),
                )
            });
            if esc {
                self.cmds.push(Command::Escape);
            }
            if home {
                self.cmds.push(Command::ZoomAll);
            }
        }
    }

    fn drag_and_drop(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let (hovering, dropped) = ctx.input(|i| {
            (
                !i.raw.hovered_files.is_empty(),
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect::<Vec<_>>(),
            )
        });
        if !dropped.is_empty() {
            self.cmds.push(Command::Open(dropped));
        }
        if hovering {
            let painter = ctx.layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop"),
            ));
            let rect = ctx.content_rect();
            painter.rect_filled(rect, 0.0, super::theme::DROP_OVERLAY);
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                Msg::DropHint.text(self.lang),
                egui::FontId::proportional(24.0),
                egui::Color32::WHITE,
            );
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(Msg::MenuFile.text(lang), |ui| {
                if ui.button(Msg::NewProject.text(lang)).clicked() {
                    cmds.push(Command::NewProject);
                }
                if ui
                    .add(
                        egui::Button::new(Msg::Open.text(lang))
                            .shortcut_text(ctx.format_shortcut(&SHORTCUT_OPEN)),
                    )
                    .on_hover_text(Msg::OpenHint.text(lang))
                    .clicked()
                {
                    cmds.push(Command::OpenFileDialog);
                }
                if ui.button(Msg::OpenFolder.text(lang)).clicked() {
                    cmds.push(Command::OpenFolderDialog);
                }
                if ui.button(Msg::OpenSample.text(lang)).clicked() {
                    cmds.push(Command::OpenSample);
                }
                self.team_menu(ui, cmds);
                ui.menu_button(Msg::RecentFiles.text(lang), |ui| {
                    if self.settings.recent.is_empty() {
                        ui.weak(Msg::NoRecent.text(lang));
                    }
                    for p in &self.settings.recent {
                        let name = p
                            .file_name()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        if ui
                            .button(name)
                            .on_hover_text(p.display().to_string())
                            .clicked()
                        {
                            cmds.push(Command::Open(vec![p.clone()]));
                        }
                    }
                    ui.separator();
                    if ui.button(Msg::ClearRecent.text(lang)).clicked() {
                        cmds.push(Command::ClearRecent);
                    }
                });
                ui.menu_button(Msg::RecentProjects.text(lang), |ui| {
                    if self.settings.recent_projects.is_empty() {
                        ui.weak(Msg::NoRecent.text(lang));
                    }
                    for p in &self.settings.recent_projects {
                        let name = p
                            .file_name()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        if ui
                            .button(name)
                            .on_hover_text(p.display().to_string())
                            .clicked()
                        {
                            cmds.push(Command::OpenProject(p.clone()));
                        }
                    }
                    ui.separator();
                    if ui.button(Msg::ClearRecentProjects.text(lang)).clicked() {
                        cmds.push(Command::ClearRecentProjects);
                    }
                });
                ui.separator();
                if ui
                    .add(
                        egui::Button::new(Msg::SaveProject.text(lang))
                            .shortcut_text(ctx.format_shortcut(&editing::SHORTCUT_SAVE)),
                    )
                    .clicked()
                {
                    cmds.push(Command::SaveProject);
                }
                if ui
                    .add(
                        egui::Button::new(Msg::SaveProjectAs.text(lang))
                            .shortcut_text(ctx.format_shortcut(&editing::SHORTCUT_SAVE_AS)),
                    )
                    .clicked()
                {
                    cmds.push(Command::SaveProjectAs);
                }
                ui.separator();
                if ui
                    .add_enabled(
                        self.session.is_some(),
                        egui::Button::new(Msg::Export.text(lang))
                            .shortcut_text(ctx.format_shortcut(&SHORTCUT_EXPORT)),
                    )
                    .on_disabled_hover_text(Msg::ExportUnavailable.text(lang))
                    .clicked()
                {
                    cmds.push(Command::Export);
                }
                if ui
                    .add_enabled(
                        self.session.is_some(),
                        egui::Button::new(Msg::ExportTables.text(lang)),
                    )
                    .clicked()
                {
                    cmds.push(Command::ExportTables);
                }
                if ui
                    .add_enabled(
                        self.session.is_some(),
                        egui::Button::new(Msg::ExportGpkg.text(lang)),
                    )
                    .clicked()
                {
                    cmds.push(Command::ExportGpkg);
                }
                if ui
                    .add_enabled(
                        self.session
                            .as_ref()
                            .is_some_and(|s| !s.ws.park.routes.is_empty()),
                        egui::Button::new(Msg::ExportGtfs.text(lang)),
                    )
                    .clicked()
                {
                    cmds.push(Command::ExportGtfs);
                }
                if ui
                    .add_enabled(
                        self.session.is_some(),
                        egui::Button::new(Msg::ExportDispatch.text(lang)),
                    )
                    .clicked()
                {
                    cmds.push(Command::ExportDispatch);
                }
                ui.separator();
                if ui.button(Msg::Quit.text(lang)).clicked() {
                    cmds.push(Command::Quit);
                }
            });
            self.edit_menu(ui, cmds);
            ui.menu_button(Msg::MenuLayer.text(lang), |ui| {
                let Some(s) = &self.session else {
                    ui.weak(Msg::NoLayers.text(lang));
                    return;
                };
                if ui
                    .add_enabled(
                        !self.selected_parcels().1.is_empty(),
                        egui::Button::new(Msg::SaveSelectionTxt.text(lang)),
                    )
                    .on_disabled_hover_text(Msg::SaveSelectionTxtHint.text(lang))
                    .clicked()
                {
                    cmds.push(Command::SaveSelectionTxt);
                }
                ui.menu_button(Msg::SaveLayerAsGeoJson.text(lang), |ui| {
                    for li in s.list_order() {
                        if let Some(l) = s.ws.park.layers.get(li)
                            && ui.button(&l.name).clicked()
                        {
                            cmds.push(Command::SaveLayerAs(li));
                        }
                    }
                });
                ui.menu_button(Msg::EditLayer.text(lang), |ui| {
                    for li in s.list_order() {
                        if let Some(l) = s.ws.park.layers.get(li)
                            && ui
                                .add(egui::Button::selectable(
                                    self.edit_layer == Some(li),
                                    &l.name,
                                ))
                                .clicked()
                        {
                            cmds.push(Command::SetEditLayer(li));
                        }
                    }
                });
            });
            ui.menu_button(Msg::MenuView.text(lang), |ui| {
                if ui
                    .add(egui::Button::new(Msg::ZoomAll.text(lang)).shortcut_text("Home"))
                    .clicked()
                {
                    cmds.push(Command::ZoomAll);
                }
                if ui
                    .add(egui::Button::new(Msg::ZoomIn.text(lang)).shortcut_text("+"))
                    .clicked()
                {
                    cmds.push(Command::ZoomBy(2.0));
                }
                if ui
                    .add(egui::Button::new(Msg::ZoomOut.text(lang)).shortcut_text("-"))
                    .clicked()
                {
                    cmds.push(Command::ZoomBy(0.5));
                }
                ui.separator();
                let mut dark = self.settings.dark;
                if ui.checkbox(&mut dark, Msg::DarkTheme.text(lang)).changed() {
                    self.settings.dark = dark;
                }
                ui.separator();
                for (p, m, key) in [
                    (PanelId::Layers, Msg::PanelLayers, None),
                    (
                        PanelId::Search,
                        Msg::PanelSearch,
                        Some(ctx.format_shortcut(&SHORTCUT_FIND)),
                    ),
                    (PanelId::Inspector, Msg::PanelInspector, None),
                    (PanelId::Analysis, Msg::PanelAnalysis, None),
                    (PanelId::Projects, Msg::PanelProjects, None),
                    (PanelId::Siting, Msg::PanelSiting, None),
                    (PanelId::Table, Msg::PanelTable, None),
                    (PanelId::Report, Msg::PanelReport, None),
                ] {
                    let open = self.panel_showing(p);
                    let mut b = egui::Button::selectable(open, m.text(lang));
                    if let Some(k) = key {
                        b = b.shortcut_text(k);
                    }
                    if ui.add(b).clicked() {
                        cmds.push(Command::ShowPanel(p, !open));
                    }
                }
            });
            ui.menu_button(Msg::MenuTools.text(lang), |ui| {
                for (t, m) in tools() {
                    if ui
                        .add(egui::Button::selectable(self.map.tool == t, m.text(lang)))
                        .clicked()
                    {
                        cmds.push(Command::SetTool(t));
                        ui.close();
                    }
                }
            });
            ui.menu_button(Msg::MenuLanguage.text(lang), |ui| {
                for (l, name) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
                    if ui.add(egui::Button::selectable(lang == l, name)).clicked() {
                        cmds.push(Command::SetLang(l));
                        ui.close();
                    }
                }
            });
            ui.menu_button(Msg::MenuHelp.text(lang), |ui| {
                if ui.button(Msg::Guide.text(lang)).clicked() {
                    self.guide.open = true;
                    ui.close();
                }
                if ui.button(Msg::Shortcuts.text(lang)).clicked() {
                    cmds.push(Command::ShowPanel(PanelId::Shortcuts, true));
                    ui.close();
                }
                if ui.button(Msg::About.text(lang)).clicked() {
                    cmds.push(Command::ShowPanel(PanelId::About, true));
                    ui.close();
                }
            });
            // A park from the team database that this role may not change.
            if let Some(why) = self.team_read_only() {
                ui.colored_label(ui.visuals().warn_fg_color, why);
            }
        });
    }

    fn tool_bar(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        // Wraps onto a second row rather than dropping the last items (English at 1400 px).
        ui.horizontal_wrapped(|ui| {
            if ui.button(Msg::Open.text(lang)).clicked() {
                cmds.push(Command::OpenFileDialog);
            }
            ui.separator();
            for (t, m) in tools() {
                if ui
                    .add(egui::Button::selectable(self.map.tool == t, m.text(lang)))
                    .clicked()
                {
                    cmds.push(Command::SetTool(t));
                }
            }
            ui.separator();
            self.edit_tool_bar(ui, cmds);
            ui.separator();
            if ui
                .button(Msg::ZoomAll.text(lang))
                .on_hover_text("Home")
                .clicked()
            {
                cmds.push(Command::ZoomAll);
            }
            ui.separator();
            for (p, m) in [
                (PanelId::Search, Msg::PanelSearch),
                (PanelId::Analysis, Msg::PanelAnalysis),
                (PanelId::Projects, Msg::PanelProjects),
                (PanelId::Siting, Msg::PanelSiting),
                (PanelId::Table, Msg::PanelTable),
                (PanelId::Report, Msg::PanelReport),
            ] {
                let open = self.panel_showing(p);
                if ui
                    .add(egui::Button::selectable(open, m.text(lang)))
                    .clicked()
                {
                    cmds.push(Command::ShowPanel(p, !open));
                }
            }
        });
    }

    /// Whether a panel is visible now (a right-hand tab must also be the active one; a
    /// bottom tab likewise).
    fn panel_showing(&self, p: PanelId) -> bool {
        let open = self.settings.panels.get(p);
        match p {
            PanelId::Inspector | PanelId::Analysis | PanelId::Projects | PanelId::Siting => {
                open && self.settings.right_tab == p
            }
            PanelId::Report | PanelId::Table => open && self.bottom_tab == p,
            _ => open,
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        ui.horizontal(|ui| {
            if let Some(job) = &self.load {
                ui.spinner();
                let current = job.progress.current();
                let name = Path::new(&current)
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or(current);
                ui.label(format!("{} {name}", Msg::Loading.text(lang)));
                ui.add(
                    egui::ProgressBar::new(job.progress.fraction())
                        .desired_width(180.0)
                        .show_percentage(),
                );
                if ui.button(Msg::Cancel.text(lang)).clicked() {
                    cmds.push(Command::CancelLoad);
                }
                ui.separator();
            }
            match self.map.cursor {
                Some(c) => {
                    ui.monospace(format!(
                        "{} {:.6}  {} {:.6}",
                        Msg::Lon.text(lang),
                        c.lon_lat[0],
                        Msg::Lat.text(lang),
                        c.lon_lat[1]
                    ));
                    if let Some(gk) = &self.gk
                        && let Ok((x, y)) = gk.projector.from_lon_lat(c.lon_lat[0], c.lon_lat[1])
                    {
                        ui.separator();
                        ui.monospace(format!("{} X {x:.1}  Y {y:.1} m", Msg::Planar.text(lang)))
                            .on_hover_text(format!("{} ({})", gk.crs.describe(), gk.crs.code()));
                    }
                }
                None => {
                    ui.weak(Msg::OutsideMap.text(lang));
                }
            }
            ui.separator();
            ui.label(format!(
                "{} 1:{}",
                Msg::Scale.text(lang),
                group_digits(round_scale(self.map.view.scale_denominator()) as usize)
            ));
            if let Some(s) = &self.session {
                ui.separator();
                let parts: Vec<String> =
                    s.ws.park
                        .counts()
                        .iter()
                        .filter(|(_, n)| *n > 0)
                        .map(|(r, n)| format!("{} {}", r.label(lang), group_digits(*n)))
                        .collect();
                ui.label(parts.join(" · "));
                let (_, w, e) = s.ws.report.tally();
                if w + e > 0 {
                    ui.separator();
                    let t = RichText::new(format!("{} {}", w + e, Msg::Problems.text(lang)))
                        .color(ui.visuals().warn_fg_color);
                    if ui
                        .add(egui::Label::new(t).sense(egui::Sense::click()))
                        .clicked()
                    {
                        cmds.push(Command::ShowPanel(PanelId::Report, true));
                    }
                }
            }
            if let Some(n) = &self.notice {
                if n.at.elapsed() < Duration::from_secs(8) {
                    ui.separator();
                    let t = RichText::new(&n.text);
                    ui.label(if n.error {
                        t.color(ui.visuals().error_fg_color)
                    } else {
                        t.weak()
                    });
                    ui.ctx().request_repaint_after(Duration::from_secs(1));
                } else {
                    self.notice = None;
                }
            }
        });
    }

    fn measure_readout(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        let Some(m) = &self.map.measure else { return };
        let Some(rect) = self.map.rect else { return };
        let pts = m.with_cursor(self.map.cursor.map(|c| c.lon_lat));
        let mut rows = map::measure::describe(m.kind, &pts, lang);
        if let Some((name, declared)) = &m.parcel {
            rows.insert(0, (Msg::ParcelLabel.text(lang).to_string(), name.clone()));
            let measured = map::measure::geodesic_area(&m.points).to_mu();
            rows.push((
                Msg::DeclaredArea.text(lang).to_string(),
                match declared {
                    Some(d) => i18n::fmt_declared_vs_measured(lang, *d, measured.0),
                    None => Msg::NotStated.text(lang).to_string(),
                },
            ));
        }
        let (mut clear, mut close) = (false, false);
        let tool = self.map.tool;
        // At the bottom right of the map, out of the way of the map's corner tools.
        egui::Area::new(egui::Id::unique("measure-readout"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -12.0))
            .constrain_to(rect)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.strong(match m.kind {
                        map::measure::MeasureKind::Distance => Msg::ToolMeasureDistance.text(lang),
                        map::measure::MeasureKind::Area => Msg::ToolMeasureArea.text(lang),
                    });
                    egui::Grid::new("measure-grid")
                        .num_columns(2)
                        .show(ui, |ui| {
                            for (k, v) in rows {
                                ui.label(k);
                                ui.monospace(v);
                                ui.end_row();
                            }
                        });
                    ui.weak(Msg::GeodesicNote.text(lang));
                    ui.weak(Msg::MeasureHint.text(lang));
                    ui.horizontal(|ui| {
                        if ui.button(Msg::Clear.text(lang)).clicked() {
                            clear = true;
                        }
                        if ui.button(Msg::Close.text(lang)).clicked() {
                            close = true;
                        }
                    });
                });
            });
        if close {
            self.map.measure = None;
            cmds.push(Command::SetTool(Tool::Identify));
        } else if clear {
            // A fresh measurement with a measuring tool; none otherwise.
            self.map.measure = None;
            cmds.push(Command::SetTool(tool));
        }
    }

    fn windows(&mut self, ctx: &egui::Context, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        if let Some(err) = self.load_error.clone() {
            let mut open = true;
            egui::Window::new(Msg::LoadFailed.text(lang))
                .collapsible(false)
                .open(&mut open)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .show(ctx, |ui| {
                    ui.label(RichText::new(err).color(ui.visuals().error_fg_color));
                });
            if !open {
                self.load_error = None;
            }
        }
        if self.settings.panels.shortcuts {
            let mut open = true;
            egui::Window::new(Msg::Shortcuts.text(lang))
                .collapsible(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    let rows = [
                        (ctx.format_shortcut(&SHORTCUT_OPEN), Msg::KeyOpen),
                        (ctx.format_shortcut(&SHORTCUT_FIND), Msg::KeyFind),
                        (ctx.format_shortcut(&SHORTCUT_EXPORT), Msg::KeyExport),
                        (ctx.format_shortcut(&editing::SHORTCUT_SAVE), Msg::KeySave),
                        (ctx.format_shortcut(&editing::SHORTCUT_UNDO), Msg::KeyUndo),
                        (
                            format!(
                                "{} / {}",
                                ctx.format_shortcut(&editing::SHORTCUT_REDO),
                                ctx.format_shortcut(&editing::SHORTCUT_REDO_SHIFT)
                            ),
                            Msg::KeyRedo,
                        ),
                        ("Delete".to_string(), Msg::KeyDelete),
                        ("Enter".to_string(), Msg::KeyEnterFinish),
                        ("Esc".to_string(), Msg::KeyEsc),
                        ("Home".to_string(), Msg::KeyHome),
                        ("← → ↑ ↓".to_string(), Msg::KeyArrows),
                        ("+ / -".to_string(), Msg::KeyPlusMinus),
                        (Msg::KeysShiftDrag.text(lang).to_string(), Msg::KeyShiftDrag),
                        (Msg::KeysWheel.text(lang).to_string(), Msg::KeyWheel),
                        (
                            Msg::KeysDoubleClick.text(lang).to_string(),
                            Msg::KeyDoubleClick,
                        ),
                    ];
                    egui::Grid::new("keys")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for (k, m) in rows {
                                ui.monospace(k);
                                ui.label(m.text(lang));
                                ui.end_row();
                            }
                        });
                });
            if !open {
                cmds.push(Command::ShowPanel(PanelId::Shortcuts, false));
            }
        }
        self.guide.show(ctx, lang);
        if let Some(d) = &mut self.builtin_dialog
            && !d.show(ctx)
        {
            self.builtin_dialog = None;
        }
        if self.settings.panels.about {
            let mut open = true;
            egui::Window::new(Msg::About.text(lang))
                .collapsible(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    ui.label(i18n::fmt_version(lang));
                    ui.label(Msg::AboutText.text(lang));
                });
            if !open {
                cmds.push(Command::ShowPanel(PanelId::About, false));
            }
        }
    }

    /// Applies one command. Called once per command at the end of the frame.
    fn apply(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::OpenFileDialog => self.open_dialog(false),
            Command::OpenFolderDialog => self.open_dialog(true),
            Command::Open(paths) => self.route_open(paths),
            Command::OpenSample => match sample_map_path() {
                Some(p) => self.guard(Then::Load(LoadWhat::Paths(vec![p]), Vec::new())),
                None => self.notify(
                    format!("{} {SAMPLE_DIR}", Msg::LoadFailed.text(self.lang)),
                    true,
                ),
            },
            Command::CancelLoad => {
                if let Some(job) = &self.load {
                    job.cancel();
                }
            }
            Command::ClearRecent => self.settings.recent.clear(),
            Command::Export => {
                if self.session.is_some() {
                    self.export_dialog.open = true;
                } else {
                    self.notify(Msg::ExportUnavailable.text(self.lang).to_string(), false);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::SetLang(l) => {
                self.lang = l;
                self.settings.lang = Some(l);
            }
            Command::ShowPanel(p, open) => {
                // One focus at a time: the analysis overlay goes with its panel (closed,
                // or the land and projects panel shown in its place).
                let analysis_leaves = (p == PanelId::Analysis && !open)
                    || (open
                        && p == PanelId::Projects
                        && self.settings.right_tab == PanelId::Analysis);
                if analysis_leaves && let Some(s) = &mut self.session {
                    s.ws.studies.set_focus(crate::render::Focus::None);
                }
                self.settings.panels.set(p, open);
                if open
                    && matches!(
                        p,
                        PanelId::Inspector
                            | PanelId::Analysis
                            | PanelId::Projects
                            | PanelId::Siting
                    )
                {
                    self.settings.right_tab = p;
                }
                if open && matches!(p, PanelId::Report | PanelId::Table) {
                    self.bottom_tab = p;
                }
                if open && p == PanelId::Search {
                    self.search_panel.focus = true;
                }
            }
            Command::SetTool(t) => {
                self.map.set_tool(t);
                self.edit_layer_for_tool(t);
            }
            Command::ZoomAll => {
                if let Some(e) = self.session.as_ref().and_then(|s| s.projected.extent()) {
                    self.map.fit(e);
                }
            }
            Command::ZoomLayer(li) => {
                if let Some(e) = self
                    .session
                    .as_ref()
                    .and_then(|s| s.projected.layers.get(li)?.extent())
                {
                    self.map.fit(e);
                }
            }
            Command::ZoomFeature(f) => self.zoom_feature(f),
            Command::ZoomLonLat(ll) => {
                if let Some(s) = &self.session {
                    let p = s.projected.project(ll[0], ll[1]);
                    if p[0].is_finite() && p[1].is_finite() {
                        self.map.center_on(p, POINT_ZOOM_MPP);
                    }
                }
            }
            Command::ZoomBy(f) => self.map.zoom_by(f),
            Command::Select(f) => {
                self.selection = f;
                if let Some(f) = f {
                    self.reveal(f);
                }
            }
            Command::SelectAndZoom(f) => {
                self.selection = Some(f);
                self.reveal(f);
                self.zoom_feature(f);
            }
            Command::SelectAndShowWith(f, with) => {
                self.selection = Some(f);
                self.reveal(f);
                self.zoom_features(&[f, with]);
            }
            Command::ZoomAround(f, radius) => {
                if let Some(p) = self
                    .session
                    .as_ref()
                    .and_then(|s| Some(s.projected.feature(f)?.anchor))
                {
                    let r = radius.max(50.0) * 1.15;
                    self.map.fit(WorldRect::from_corners(
                        [p[0] - r, p[1] - r],
                        [p[0] + r, p[1] + r],
                    ));
                }
            }
            Command::Focus(f) => {
                use super::panels::analysis::Tab;
                use crate::render::Focus;
                self.analysis_panel.tab = match f {
                    Focus::Facility(_) => Tab::Facilities,
                    Focus::Route(_) => Tab::Routes,
                    Focus::Gaps(_) | Focus::BusGaps => Tab::Gaps,
                    Focus::LivingGaps(_) | Focus::ServiceGaps => self.analysis_panel.tab,
                    Focus::None => self.analysis_panel.tab,
                };
                if let Some(s) = &mut self.session {
                    s.ws.studies.set_focus(f);
                }
            }
            Command::SetAnalysis(a) => {
                if a != self.settings.analysis {
                    self.project.changed = true;
                }
                self.settings.analysis = a.clone();
                if let Some(s) = &mut self.session {
                    s.ws.studies.set_settings(a);
                }
            }
            Command::ShowStage(stage, shown) => {
                if let Some(s) = &mut self.session {
                    s.set_stage_visible(stage, shown);
                }
            }
            Command::SetAsOf(day) => {
                if let Some(s) = &mut self.session {
                    s.set_as_of(day);
                }
            }
            // ---- Isochrones (issue #7).
            Command::SetReach(kind, choice) => {
                if let Some(s) = &mut self.session {
                    if s.ws.studies.reach_of(kind) != choice {
                        // Saved with the project.
                        self.project.changed = true;
                    }
                    s.ws.studies.set_reach(kind, choice);
                }
            }
            Command::SetNetwork(n) => {
                if let Some(s) = &mut self.session {
                    if n != s.ws.studies.network_settings {
                        self.project.changed = true;
                    }
                    s.ws.studies.set_network(n);
                }
            }
            Command::WantNetwork => {
                if let Some(s) = &mut self.session {
                    s.ws.studies.want_network();
                }
            }
            Command::Layer(li, change) => {
                self.project.changed = true;
                self.change_layer(li, change);
            }
            Command::OpenTable(li) => {
                self.table_panel.layer = Some(li);
                self.settings.panels.table = true;
                self.bottom_tab = PanelId::Table;
            }
            Command::Escape if self.map.edit.busy() => self.map.edit.cancel(),
            Command::Escape => {
                let measuring = self
                    .map
                    .measure
                    .as_ref()
                    .is_some_and(|m| !m.points.is_empty());
                if measuring {
                    self.map.set_tool(self.map.tool);
                } else if self.map.tool != Tool::Identify {
                    self.map.set_tool(Tool::Identify);
                } else {
                    self.selection = None;
                }
            }
            // ---- planning projects, intake, editing, write-back (issue #6)
            Command::NewProject => self.guard(Then::New),
            Command::SaveProject => self.save(),
            Command::SaveProjectAs => self.save_as(),
            Command::SaveProjectTo(p) => {
                if self.save_to(&p)
                    && let Some(t) = self.after_save.take()
                {
                    self.proceed(t);
                }
            }
            Command::OpenProject(p) => self.route_open(vec![p]),
            Command::ClearRecentProjects => self.settings.recent_projects.clear(),
            Command::Edit(e) => self.apply_edit(ctx, e),
            Command::Undo => self.undo(ctx),
            Command::Redo => self.redo(ctx),
            Command::DeleteSelected => self.ask_delete(),
            Command::NewFeature(li, g) => self.new_feature(li, g),
            Command::SetEditLayer(li) => match self.team_read_only() {
                Some(why) => {
                    let why = why.to_string();
                    self.notify(why, true);
                }
                None => self.edit_layer = Some(li),
            },
            Command::OpenDatabaseDialog => self.open_database_dialog(),
            Command::DbPull => self.db_pull(ctx),
            Command::DbLog => self.db_log(),
            Command::SaveLayerAs(li) => {
                self.modal = Some(Modal::SaveLayer {
                    layer: li,
                    source_crs: false,
                })
            }
            Command::SaveLayerTo {
                layer,
                path,
                source_crs,
            } => self.write_layer(layer, &path, source_crs, false),
            Command::ExportTables => {
                let start = self.settings.export_dir.clone();
                self.spawn_dialog(file_dialog::Kind::Folder, start, Vec::new(), |paths| {
                    paths.into_iter().next().map(Command::ExportTablesTo)
                });
            }
            Command::ExportTablesTo(dir) => self.export_tables(dir),
            Command::SaveSelectionTxt => {
                let (layer, rows) = self.selected_parcels();
                if rows.is_empty() {
                    return;
                }
                let start = self.settings.export_dir.clone();
                let filters = vec![("TXT".to_string(), vec!["txt"])];
                let name = format!("{}.txt", Msg::ParcelsTxtFileName.text(self.lang));
                self.spawn_dialog(
                    file_dialog::Kind::Save(name),
                    start,
                    filters,
                    move |paths| {
                        paths.into_iter().next().map(|path| Command::SaveRowsTxtTo {
                            layer,
                            rows,
                            path,
                        })
                    },
                );
            }
            Command::SaveRowsTxtTo { layer, rows, path } => {
                self.write_rows_txt(layer, &rows, &path)
            }
            Command::ExportGpkg => self.choose_gpkg_file(),
            Command::ExportGpkgTo(path) => self.write_gpkg(&path),
            Command::ExportGtfs => {
                if let Some(s) = &self.session {
                    self.gtfs_dialog.open_for(&s.ws);
                    ctx.request_repaint();
                }
            }
            Command::ExportGtfsTo(path) => self.write_gtfs(&path),
            Command::ExportDispatch => {
                let start = self.settings.export_dir.clone();
                let filters = vec![
                    ("PDF".to_string(), vec!["pdf"]),
                    ("CSV".to_string(), vec!["csv"]),
                    ("JSON".to_string(), vec!["json"]),
                ];
                let name = format!("{}.pdf", Msg::DispatchFileName.text(self.lang));
                self.spawn_dialog(file_dialog::Kind::Save(name), start, filters, |paths| {
                    paths.into_iter().next().map(Command::ExportDispatchTo)
                });
            }
            Command::ExportDispatchTo(path) => self.export_dispatch(path),
            Command::Suggest(req) => {
                if let Some(s) = &mut self.session {
                    // The suggestion is drawn while nothing else is in focus.
                    s.ws.studies.set_focus(crate::render::Focus::None);
                    s.ws.studies.request_sites(req.map(|r| *r));
                }
            }
        }
    }

    /// Brings a selected feature to the user's attention: a facility picked while the
    /// analysis tab is showing becomes the analysis focus; otherwise the inspector tab
    /// opens unless the analysis or projects tab is in use.
    fn reveal(&mut self, f: FeatureRef) {
        let analysis_showing =
            self.settings.panels.analysis && self.settings.right_tab == PanelId::Analysis;
        if analysis_showing {
            if let Some(s) = &mut self.session
                && let Some(fi) = super::panels::analysis::facility_of(&s.ws.park, f)
            {
                s.ws.studies.set_focus(crate::render::Focus::Facility(fi));
                self.analysis_panel.tab = super::panels::analysis::Tab::Facilities;
            }
            return;
        }
        let projects_showing =
            self.settings.panels.projects && self.settings.right_tab == PanelId::Projects;
        if !projects_showing {
            self.settings.panels.inspector = true;
            self.settings.right_tab = PanelId::Inspector;
        }
    }

    fn zoom_feature(&mut self, f: FeatureRef) {
        self.zoom_features(&[f]);
    }

    /// Zooms to show every feature of `fs` (see [`App::zoom_feature`]).
    fn zoom_features(&mut self, fs: &[FeatureRef]) {
        let Some(s) = &self.session else { return };
        let Some(b) = fs
            .iter()
            .filter_map(|f| s.projected.feature(*f).map(|x| x.bbox))
            .reduce(|a, b| a.union(&b))
        else {
            return;
        };
        // Show the feature with a little ground around it (at least ~300 m across), and
        // never closer than 1:5,000, so a point keeps its neighbourhood.
        let pad = (b.width().max(b.height()) * 0.06).max(150.0);
        let b = b.expanded(pad);
        let view = &self.map.view;
        let denominator = view.scale_denominator();
        let (w, h) = if denominator > 0.0 && denominator.is_finite() {
            let mpp = view.resolution * MIN_ZOOM_SCALE / denominator;
            (mpp * view.size[0] as f64, mpp * view.size[1] as f64)
        } else {
            (0.0, 0.0)
        };
        let grow_x = ((w - b.width()) / 2.0).max(0.0);
        let grow_y = ((h - b.height()) / 2.0).max(0.0);
        self.map.fit(WorldRect::from_corners(
            [b.min[0] - grow_x, b.min[1] - grow_y],
            [b.max[0] + grow_x, b.max[1] + grow_y],
        ));
    }

    fn change_layer(&mut self, li: usize, change: LayerChange) {
        let Some(s) = &mut self.session else { return };
        if let LayerChange::Move(d) = change {
            s.move_layer(li, d);
            return;
        }
        let Some(layer) = s.ws.park.layers.get(li).cloned() else {
            return;
        };
        let choice = s.style_choice.get(li).copied().unwrap_or(0);
        let Some(d) = s.display_mut(li) else {
            return;
        };
        let mut new_choice = choice;
        match change {
            LayerChange::Visible(v) => d.visible = v,
            LayerChange::Opacity(o) => d.style.opacity = o.clamp(0.0, 1.0),
            LayerChange::Labels(l) => d.style.labels_visible = l,
            LayerChange::Style(i) => {
                if let Some((_, style)) = super::styles::options(&layer).get(i) {
                    let (opacity, labels) = (d.style.opacity, d.style.labels_visible);
                    d.style = style.clone();
                    d.style.opacity = opacity;
                    d.style.labels_visible = labels;
                    new_choice = i;
                }
            }
            LayerChange::Move(_) => {}
        }
        let prefs = LayerPrefs {
            visible: d.visible,
            opacity: d.style.opacity,
            labels: d.style.labels_visible,
            style: new_choice,
        };
        if let Some(c) = s.style_choice.get_mut(li) {
            *c = new_choice;
        }
        s.styles_changed();
        self.settings.layers.insert(layer.name.clone(), prefs);
    }

    /// Records the current view in the settings (called before saving).
    pub fn capture_view(&mut self) {
        let Some(s) = &self.session else { return };
        let c = self.map.view.center;
        let ll = s.projected.unproject(c);
        if ll.iter().all(|v| v.is_finite()) {
            self.settings.last_view = Some(SavedView {
                sources: s.ws.sources.iter().map(|p| absolute(p)).collect(),
                center_lon_lat: ll,
                meters_per_point: self.map.view.resolution,
            });
        }
    }

    /// How many features of a role the park has (for tests).
    pub fn count(&self, role: Role) -> usize {
        self.session
            .as_ref()
            .map(|s| {
                s.ws.park
                    .counts()
                    .iter()
                    .find(|(r, _)| *r == role)
                    .map_or(0, |(_, n)| *n)
            })
            .unwrap_or(0)
    }

    /// Whether the last load left errors in the report.
    pub fn has_import_errors(&self) -> bool {
        self.session.as_ref().is_some_and(|s| {
            s.ws.report
                .problems
                .iter()
                .any(|p| p.severity == Severity::Error)
        })
    }
}

fn tools() -> [(Tool, Msg); 4] {
    [
        (Tool::Identify, Msg::ToolIdentify),
        (Tool::MeasureDistance, Msg::ToolMeasureDistance),
        (Tool::MeasureArea, Msg::ToolMeasureArea),
        (Tool::BoxZoom, Msg::ToolBoxZoom),
    ]
}

/// Rounds a scale denominator to two significant digits (1:12,345 → 1:12,000).
fn round_scale(d: f64) -> f64 {
    if !(d.is_finite() && d > 0.0) {
        return 0.0;
    }
    let p = 10f64.powf(d.log10().floor() - 1.0);
    (d / p).round() * p
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.capture_view();
        eframe::set_value(storage, STORAGE_KEY, &self.settings);
    }
}

/// Shows `add` in exactly the width the panel has: longer content wraps or is clipped
/// instead of widening the panel (so a panel keeps the width the user gave it, in either
/// language).
fn within_width(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    let rect = ui.available_rect_before_wrap();
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::top_down(egui::Align::Min)),
    );
    child.shrink_clip_rect(rect);
    add(&mut child);
    ui.allocate_rect(rect, egui::Sense::hover());
}
