//! The app's file work for planning projects: routing opened paths (a `.parkplan`
//! opens as a project, a plain GeoJSON goes through the intake dialog, folders and
//! manifests load directly), new/open/save/save-as with the unsaved-changes question,
//! the window title, close handling, autosave and recovery, layer write-back and the
//! CSV export of the analysis tables. The dialogs (modals) these need are here too.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use eframe::egui::{self, RichText};

use super::App;
use crate::import::Problem;
use crate::model::{FeatureRef, Layer};
use crate::project::{self, ProjectFile};
use crate::save::WriteCrs;
use crate::ui::command::Command;
use crate::ui::i18n::{self, Msg};
use crate::ui::intake::{IntakeDialog, IntakeOutcome};
use crate::ui::loader::{LoadJob, LoadWhat};
use crate::ui::project::{self as uiproject, ProjectState};
use crate::ui::recovery::{self, RecoveryIndex};
use crate::ui::session::LayerMeta;
use crate::workspace::Task;

/// What to do once the unsaved-changes question is answered (or was not needed).
#[derive(Debug, Clone)]
pub(super) enum Then {
    /// Close the window.
    Quit,
    /// Load something in place of the open park.
    Load(LoadWhat, Vec<LayerMeta>),
    /// Start an empty project.
    New,
}

/// A question the app is asking (one at a time, as a modal).
#[derive(Debug, Clone)]
pub(super) enum Modal {
    /// Save, don't save, or cancel before `Then`.
    Unsaved(Then),
    /// Delete this feature?
    Delete(FeatureRef),
    /// Which coordinates to write a layer in, before choosing the file.
    SaveLayer { layer: usize, source_crs: bool },
    /// The chosen file is the layer's source: write over it (keeping a `.bak`)?
    Overwrite {
        layer: usize,
        path: PathBuf,
        source_crs: bool,
    },
    /// A recovery file was found: recover or discard?
    Recovery(RecoveryIndex),
    /// The project (or the recovery of a saved project) names layers outside its
    /// folder: load them too?
    Outside {
        project: PathBuf,
        paths: Vec<PathBuf>,
        /// Set when the question is about a recovery being applied.
        recovery: Option<RecoveryIndex>,
    },
    /// Something went wrong.
    Error(String),
}

/// A team-database URL given as a path (`postgres://…?park=NAME`), read; a URL that
/// cannot be read opens as a path and fails there with the reason.
pub fn db_url(p: &Path) -> Option<crate::db::DbUrl> {
    p.to_str()
        .filter(|s| crate::db::is_db_url(s))
        .and_then(|s| crate::db::DbUrl::parse(s).ok())
}

/// Whether a path is a `.parkplan` project.
pub fn is_project(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(project::EXTENSION))
}

/// Whether a path is one layer's file (not a folder, a manifest or a GeoPackage of
/// several tables): a GeoJSON, Shapefile, coordinate TXT or one-table GeoPackage. The
/// intake dialog reads those.
pub fn is_plain_geojson(p: &Path) -> bool {
    if !p.is_file() {
        return false;
    }
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("geojson" | "shp" | "txt") => true,
        Some("gpkg") => crate::import::gpkg::feature_tables(p).is_ok_and(|t| t.len() <= 1),
        Some("json") => {
            let mut head = vec![0u8; 4096];
            let n = std::fs::File::open(p)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            !crate::import::manifest::looks_like_manifest(&String::from_utf8_lossy(&head[..n]))
        }
        _ => false,
    }
}

impl App {
    // ------------------------------------------------------------------ state

    /// Whether there are changes not saved in the project (edits, styles, settings,
    /// added layers, page settings).
    pub fn is_dirty(&self) -> bool {
        let Some(s) = &self.session else {
            return false;
        };
        s.history.is_dirty()
            || self.project.changed
            || self
                .project
                .saved_export
                .as_ref()
                .is_some_and(|e| *e != self.settings.export)
    }

    /// The open project.
    pub fn project(&self) -> &ProjectState {
        &self.project
    }

    /// The window title: project name, `*` when there are unsaved changes.
    pub fn window_title(&self) -> String {
        if self.session.is_none() && self.project.path.is_none() {
            return "ParkPlan".to_string();
        }
        let star = if self.is_dirty() { "*" } else { "" };
        format!("{star}{} — ParkPlan", self.project.display_name())
    }

    /// The intake dialog, while one is open (for tests).
    pub fn intake_mut(&mut self) -> Option<&mut IntakeDialog> {
        self.intake.as_mut()
    }

    /// Whether a question (modal) is open, and which kind (for tests).
    pub fn modal_kind(&self) -> Option<&'static str> {
        self.modal.as_ref().map(|m| match m {
            Modal::Unsaved(_) => "unsaved",
            Modal::Delete(_) => "delete",
            Modal::SaveLayer { .. } => "save-layer",
            Modal::Overwrite { .. } => "overwrite",
            Modal::Recovery(_) => "recovery",
            Modal::Outside { .. } => "outside",
            Modal::Error(_) => "error",
        })
    }

    /// Whether background work of the project workflow is running (intake read,
    /// autosave, table export, index rebuild).
    pub fn is_busy(&self) -> bool {
        self.intake_read.is_some()
            || self.autosave.task.is_some()
            || self.tables_task.is_some()
            || self.intake.as_ref().is_some_and(|i| i.is_reading())
            || self
                .session
                .as_ref()
                .is_some_and(|s| s.index_pending() || s.ws.studies.is_computing())
    }

    // ------------------------------------------------------------------ opening

    /// Opens paths the way the user meant them: a project as a project, plain GeoJSON
    /// files through the intake dialog (added to the open map), anything else (folders,
    /// manifests) as a new map.
    pub(super) fn route_open(&mut self, paths: Vec<PathBuf>) {
        if let Some(url) = paths.iter().find_map(|p| db_url(p)) {
            self.guard(Then::Load(LoadWhat::Database(url), Vec::new()));
        } else if let Some(p) = paths.iter().find(|p| is_project(p)) {
            self.guard(Then::Load(
                LoadWhat::Project {
                    path: p.clone(),
                    allow_outside: false,
                },
                Vec::new(),
            ));
        } else if !paths.is_empty() && paths.iter().all(|p| is_plain_geojson(p)) {
            self.intake_queue.extend(paths);
        } else if !paths.is_empty() {
            self.guard(Then::Load(LoadWhat::Paths(paths), Vec::new()));
        }
    }

    /// Asks about unsaved changes before `then`, or does it at once.
    pub(super) fn guard(&mut self, then: Then) {
        if self.is_dirty() {
            self.modal = Some(Modal::Unsaved(then));
        } else {
            self.proceed(then);
        }
    }

    /// Does what the unsaved-changes question was about (changes are given up).
    pub(super) fn proceed(&mut self, then: Then) {
        match then {
            Then::Quit => {
                self.allow_close = true;
                self.clean_exit();
                if let Some(ctx) = &self.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Then::Load(what, metas) => {
                self.discard_recovery();
                self.pending_meta = metas;
                self.start_load_what(what);
            }
            Then::New => {
                self.discard_recovery();
                self.session = None;
                self.generation += 1;
                self.selection = None;
                self.map.reset_tile();
                self.project = ProjectState::new(Msg::UntitledProject.text(self.lang));
                self.project.saved_export = Some(self.settings.export.clone());
                self.edit_layer = None;
            }
        }
    }

    /// Starts loading; the result replaces the open park when it arrives.
    pub(super) fn start_load_what(&mut self, what: LoadWhat) {
        if let Some(old) = self.load.take() {
            old.cancel();
        }
        self.load_error = None;
        let Some(ctx) = self.ctx.clone() else {
            self.pending_what = Some(what);
            return;
        };
        self.load = Some(LoadJob::start_what(what, self.settings.analysis.frame, ctx));
    }

    /// After a load: a project's order, styles, settings, view and reading choices; a
    /// recovery's origin; the intake's choices; the outside-path and recovery questions.
    pub(super) fn after_load(&mut self, opened: Option<crate::ui::loader::ProjectOpened>) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let metas = std::mem::take(&mut self.pending_meta);
        for (li, m) in metas.into_iter().enumerate() {
            if let Some(slot) = s.meta.get_mut(li) {
                *slot = m;
            }
        }
        let recovering = self.recovering.take();
        match &opened {
            Some(o) => {
                self.project = uiproject::apply_to_session(s, o);
                self.settings.analysis = o.file.analysis.clone();
                s.ws.apply_project(o.file.clone());
                if let Some(spec) = self.project.saved_export.clone() {
                    self.settings.export = spec;
                } else {
                    self.project.saved_export = Some(self.settings.export.clone());
                }
                if let Some(v) = o.file.view {
                    let c = s
                        .projected
                        .project(v.centre_lon_lat[0], v.centre_lon_lat[1]);
                    if c.iter().all(|x| x.is_finite())
                        && v.metres_per_pixel.is_finite()
                        && v.metres_per_pixel > 0.0
                    {
                        self.map.center_on(c, v.metres_per_pixel);
                    }
                }
                if let Some(r) = &recovering {
                    // A recovered project is the project it recovers, unsaved.
                    self.project.path = r.project.clone();
                    self.project.changed = true;
                    let dir = project::recovery_data_dir(&r.recovery);
                    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
                    for (li, l) in s.ws.park.layers.iter().enumerate() {
                        if l.source
                            .path
                            .as_ref()
                            .and_then(|p| std::fs::canonicalize(p).ok())
                            .is_some_and(|p| p.starts_with(&dir))
                        {
                            s.force_write.insert(li);
                        }
                    }
                    self.autosave.written = Some(r.recovery.clone());
                    // The same question as opening the project asks.
                    if !o.outside.is_empty() {
                        self.modal = Some(Modal::Outside {
                            project: o.path.clone(),
                            paths: o.outside.iter().map(|(_, p)| p.clone()).collect(),
                            recovery: Some(r.clone()),
                        });
                    }
                } else {
                    self.settings.remember_project(&o.path);
                    let rec = project::recovery_path(&o.path);
                    if !o.outside.is_empty() {
                        self.modal = Some(Modal::Outside {
                            project: o.path.clone(),
                            paths: o.outside.iter().map(|(_, p)| p.clone()).collect(),
                            recovery: None,
                        });
                    } else if rec.is_file() {
                        self.modal = Some(Modal::Recovery(RecoveryIndex {
                            recovery: rec,
                            project: Some(o.path.clone()),
                            written: 0,
                        }));
                    }
                }
            }
            None => {
                self.project = ProjectState::new(&s.ws.park.name);
                self.project.saved_export = Some(self.settings.export.clone());
            }
        }
        s.history = crate::model::History::new();
        self.autosave.since = Instant::now();
        self.edit_layer = None;
    }

    // ------------------------------------------------------------------ saving

    /// Ctrl+S: save to the project's file, or ask for one.
    pub(super) fn save(&mut self) {
        if self.is_team_park() {
            if let Some(ctx) = self.ctx.clone() {
                self.db_save(&ctx, &crate::db::Resolutions::new());
            }
            return;
        }
        match self.project.path.clone() {
            Some(p) => {
                if self.save_to(&p)
                    && let Some(t) = self.after_save.take()
                {
                    self.proceed(t);
                }
            }
            None => self.save_as(),
        }
    }

    /// Ctrl+Shift+S: choose a file, then save there.
    pub(super) fn save_as(&mut self) {
        let name = format!("{}.{}", self.project.display_name(), project::EXTENSION);
        let dir = self
            .project
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or_else(|| {
                self.session
                    .as_ref()
                    .and_then(|s| s.ws.sources.first())
                    .and_then(|p| {
                        if p.is_dir() {
                            Some(p.clone())
                        } else {
                            p.parent().map(Path::to_path_buf)
                        }
                    })
            });
        let filter = Msg::FilterProject.text(self.lang).to_string();
        self.spawn_dialog(
            crate::ui::file_dialog::Kind::Save(name),
            dir,
            vec![(filter, vec![project::EXTENSION])],
            |paths| paths.into_iter().next().map(Command::SaveProjectTo),
        );
    }

    /// Saves the project to `path` (made to end in `.parkplan`). Edited layers are
    /// written into the project's data folder. Returns whether it worked (a failure is
    /// shown).
    pub(super) fn save_to(&mut self, path: &Path) -> bool {
        let mut path = path.to_path_buf();
        if !is_project(&path) {
            let mut name = path
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_default();
            name.push(".");
            name.push(project::EXTENSION);
            path.set_file_name(name);
        }
        self.capture_view();
        let view = self.project_view();
        let Some(s) = self.session.as_mut() else {
            // No map: an empty project still saves its settings.
            let pf = ProjectFile {
                parkplan_project: project::PROJECT_VERSION,
                gtfs: Default::default(),
                name: self.project.name.clone(),
                layers: Vec::new(),
                analysis: self.settings.analysis.clone(),
                network: self.project.network.clone(),
                reach: Default::default(),
                view: None,
                print: serde_json::to_value(&self.settings.export).unwrap_or_default(),
            };
            return match pf.write(&path) {
                Ok(()) => {
                    self.project.path = Some(path.clone());
                    self.settings.remember_project(&path);
                    true
                }
                Err(e) => {
                    self.modal = Some(Modal::Error(e.to_string()));
                    false
                }
            };
        };
        // Save As elsewhere: copies made for another project file move with this one.
        let mut write = s.layers_to_write();
        if self.project.path.as_deref() != Some(path.as_path())
            && let Some(old) = &self.project.path
        {
            let old_dir = project::data_dir(old);
            let old_dir = std::fs::canonicalize(&old_dir).unwrap_or(old_dir);
            for (li, l) in s.ws.park.layers.iter().enumerate() {
                if l.source
                    .path
                    .as_ref()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|p| p.starts_with(&old_dir))
                {
                    write.insert(li);
                }
            }
        }
        let (mut pf, layer_of) = uiproject::build(
            s,
            &self.project,
            &self.settings.analysis,
            &self.settings.export,
            view,
            &path,
        );
        let park = std::sync::Arc::make_mut(&mut s.ws.park);
        match project::save_project(&mut pf, park, &layer_of, &write, &path) {
            Ok(()) => {
                uiproject::meta_after_save(s, &pf, &layer_of, &path);
                s.history.mark_saved();
                s.force_write.clear();
                self.discard_recovery();
                self.project.path = Some(path.clone());
                self.project.name = pf.name.clone();
                self.project.changed = false;
                self.project.saved_export = Some(self.settings.export.clone());
                self.settings.remember_project(&path);
                self.generation += 1;
                self.notify(
                    i18n::fmt_saved(self.lang, &path.display().to_string()),
                    false,
                );
                true
            }
            Err(e) => {
                self.modal = Some(Modal::Error(format!(
                    "{}\n{e}",
                    Msg::SaveFailed.text(self.lang)
                )));
                false
            }
        }
    }

    /// The map view to store in the project.
    fn project_view(&self) -> Option<project::SavedView> {
        let s = self.session.as_ref()?;
        let ll = s.projected.unproject(self.map.view.center);
        ll.iter()
            .all(|v| v.is_finite())
            .then_some(project::SavedView {
                centre_lon_lat: ll,
                metres_per_pixel: self.map.view.resolution,
            })
    }

    // ------------------------------------------------------------------ closing

    /// A close was requested (window button, Quit): returns whether the window may
    /// close now. With unsaved changes it cancels the close and asks.
    pub fn on_close_requested(&mut self, ctx: &egui::Context) -> bool {
        if self.allow_close || !self.is_dirty() {
            self.clean_exit();
            return true;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        if self.modal.is_none() {
            self.modal = Some(Modal::Unsaved(Then::Quit));
        }
        false
    }

    /// A clean exit: the recovery files are not needed.
    pub(super) fn clean_exit(&mut self) {
        self.discard_recovery();
    }

    /// Removes the recovery this session wrote (after a save, discard or clean exit).
    pub(super) fn discard_recovery(&mut self) {
        if let Some(t) = self.autosave.task.take() {
            // Let an autosave in flight finish first so its files are removed too.
            let start = Instant::now();
            while t.poll().is_none() && start.elapsed().as_secs() < 10 {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
        if let Some(rec) = self.autosave.written.take() {
            recovery::discard(self.autosave.dir.as_deref(), &rec);
        }
        self.autosave.since = Instant::now();
    }

    // ------------------------------------------------------------------ autosave

    /// Recovery directory and autosave interval (tests use a short interval); also
    /// checks for a recovery left by a crash and offers it before anything loads.
    pub fn with_recovery(mut self, dir: PathBuf, interval: std::time::Duration) -> App {
        self.autosave.dir = Some(dir);
        self.autosave.interval = interval;
        self.check_startup_recovery();
        self
    }

    /// Offers a recovery found in the recovery folder (held loads wait for the answer).
    pub(super) fn check_startup_recovery(&mut self) {
        let Some(dir) = &self.autosave.dir else {
            return;
        };
        if let Some(idx) = recovery::read_index(dir) {
            self.held_open = self.pending_open.take();
            self.modal = Some(Modal::Recovery(idx));
        }
    }

    /// Writes the recovery file when due. Call once per frame.
    pub(super) fn autosave_tick(&mut self, ctx: &egui::Context) {
        if let Some(t) = &self.autosave.task
            && let Some(done) = t.poll()
        {
            self.autosave.task = None;
            match done {
                Some(Ok(p)) => {
                    self.autosave.written = Some(p);
                    self.autosave.error = None;
                }
                Some(Err(e)) => self.autosave.error = Some(e),
                None => self.autosave.error = Some("autosave stopped".into()),
            }
        }
        if !self.is_dirty() || self.load.is_some() {
            self.autosave.since = Instant::now();
            return;
        }
        if !self.autosave.due() {
            if self.autosave.dir.is_some() {
                ctx.request_repaint_after(self.autosave.remaining());
            }
            return;
        }
        self.autosave.since = Instant::now();
        let (Some(dir), Some(s)) = (self.autosave.dir.clone(), self.session.as_ref()) else {
            return;
        };
        let rec = recovery::recovery_file_for(&dir, self.project.path.as_deref());
        let as_if = self
            .project
            .path
            .clone()
            .unwrap_or_else(|| dir.join("unsaved.parkplan"));
        let (pf, layer_of) = uiproject::build(
            s,
            &self.project,
            &self.settings.analysis,
            &self.settings.export,
            self.project_view(),
            &as_if,
        );
        let edited = s.layers_to_write();
        let park = s.ws.park.clone();
        let project_dir = as_if.parent().map(Path::to_path_buf).unwrap_or_default();
        let idx = RecoveryIndex {
            recovery: rec.clone(),
            project: self.project.path.clone(),
            written: recovery::now_secs(),
        };
        self.autosave.task = Some(Task::spawn(
            "parkplan-autosave",
            crate::ui::waker(ctx),
            move || {
                let _ = std::fs::create_dir_all(&dir);
                project::write_recovery(&pf, &park, &layer_of, &edited, &project_dir, &rec)
                    .map_err(|e| e.to_string())?;
                recovery::write_index(&dir, &idx).map_err(|e| e.to_string())?;
                Ok(rec)
            },
        ));
    }

    // ------------------------------------------------------------------ intake

    /// Shows the intake dialog for the next queued file and handles its outcome; adds
    /// the layer read in the background once it arrives. Call once per frame.
    pub(super) fn intake_tick(&mut self, ctx: &egui::Context) {
        if let Some(t) = &self.intake_read
            && let Some(done) = t.poll()
        {
            self.intake_read = None;
            match done {
                Some(Ok(read)) => {
                    for (layer, problems, meta) in read {
                        self.add_read_layer(ctx, layer, problems, meta);
                    }
                }
                Some(Err(e)) => self.modal = Some(Modal::Error(e)),
                None => {}
            }
        }
        if self.intake.is_none()
            && self.modal.is_none()
            && self.intake_read.is_none()
            && let Some(p) = self.intake_queue.pop_front()
        {
            self.intake = Some(IntakeDialog::new(p, ctx));
        }
        if self.modal.is_some() {
            return;
        }
        if self.intake.is_none() {
            return;
        }
        // Only while the dialog is open: the extent walks every feature (50 ms at 1M).
        let centre = self.session.as_ref().map(|s| {
            s.ws.park
                .extent()
                .map(|e| [(e.min().x + e.max().x) / 2.0, (e.min().y + e.max().y) / 2.0])
                .unwrap_or([112.3, 30.3])
        });
        let lang = self.lang;
        let Some(dialog) = self.intake.as_mut() else {
            return;
        };
        let Some(outcome) = dialog.show(ctx, centre, lang) else {
            return;
        };
        self.intake = None;
        match outcome {
            IntakeOutcome::Cancel => {}
            IntakeOutcome::Add(jobs) => {
                self.intake_read = Some(Task::spawn(
                    "parkplan-intake-read",
                    crate::ui::waker(ctx),
                    move || {
                        let mut out = Vec::new();
                        for (i, (job, meta)) in jobs.into_iter().enumerate() {
                            let (l, mut p) =
                                project::open_layer(&job, None).map_err(|e| e.to_string())?;
                            // Parts of one file: its file-level problems once.
                            if i > 0 {
                                p.retain(|p| p.feature.is_some());
                            }
                            out.push((l, p, meta));
                        }
                        Ok(out)
                    },
                ));
            }
            IntakeOutcome::Replace(jobs) => {
                if let Some((j, _)) = jobs.first() {
                    self.settings.remember(std::slice::from_ref(&j.path));
                }
                let (jobs, metas) = jobs.into_iter().unzip();
                self.guard(Then::Load(LoadWhat::Jobs(jobs), metas));
            }
        }
    }

    fn add_read_layer(
        &mut self,
        ctx: &egui::Context,
        layer: Layer,
        problems: Vec<Problem>,
        meta: LayerMeta,
    ) {
        let path = layer.source.path.clone();
        let name = layer.name.clone();
        let n = layer.len();
        let had_problems = !problems.is_empty();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let li = s.add_layer(ctx, layer, problems, meta);
        // A delivery that lands outside the view is brought into it (a wrong CRS shows
        // at once); one inside it leaves the view alone.
        let view = self.map.view.world_bounds();
        if let Some(e) = s.projected.layers.get(li).and_then(|l| l.extent()) {
            let outside = e.max[0] < view.min[0]
                || e.min[0] > view.max[0]
                || e.max[1] < view.min[1]
                || e.min[1] > view.max[1];
            if outside {
                self.cmds.push(Command::ZoomLayer(li));
            }
        }
        self.project.changed = true;
        self.generation += 1;
        if had_problems {
            self.settings.panels.report = true;
            self.bottom_tab = crate::ui::command::PanelId::Report;
        }
        if let Some(p) = path {
            self.settings.remember(&[p]);
        }
        self.edit_layer = Some(li);
        self.notify(i18n::fmt_layer_added(self.lang, &name, n), false);
    }

    // ------------------------------------------------------------------ dialogs

    /// Runs a native file dialog on its own thread; its answer comes back as a command.
    pub(super) fn spawn_dialog(
        &mut self,
        kind: crate::ui::file_dialog::Kind,
        dir: Option<PathBuf>,
        filters: Vec<crate::ui::file_dialog::Filter>,
        then: impl FnOnce(Vec<PathBuf>) -> Option<Command> + Send + 'static,
    ) {
        if self.cmd_dialog.is_some() {
            return;
        }
        let (rx, builtin) = crate::ui::file_dialog::ask(
            kind,
            dir,
            filters,
            self.lang,
            self.settings.builtin_file_dialog,
            then,
        );
        self.cmd_dialog = Some(rx);
        if builtin.is_some() {
            self.builtin_dialog = builtin;
        }
    }

    /// Collects a native dialog's answer. Call once per frame.
    pub(super) fn poll_cmd_dialog(&mut self) {
        let Some(rx) = &self.cmd_dialog else { return };
        match rx.try_recv() {
            Ok(Some(c)) => {
                self.cmd_dialog = None;
                self.cmds.push(c);
            }
            Ok(None) => {
                self.cmd_dialog = None;
                self.after_save = None;
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(_) => self.cmd_dialog = None,
        }
    }

    /// Shows the open question, if any, and acts on the answer.
    pub(super) fn show_modal(&mut self, ctx: &egui::Context) {
        let Some(modal) = self.modal.clone() else {
            return;
        };
        let lang = self.lang;
        let mut answer: Option<Answer> = None;
        let id = egui::Id::unique("parkplan-question");
        let response = egui::Modal::new(id).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &modal {
                Modal::Unsaved(_) => {
                    ui.heading(Msg::UnsavedTitle.text(lang));
                    ui.label(i18n::fmt_unsaved(lang, &self.project.display_name()));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(Msg::SaveButton.text(lang)).clicked() {
                            answer = Some(Answer::Yes);
                        }
                        if ui.button(Msg::DontSave.text(lang)).clicked() {
                            answer = Some(Answer::No);
                        }
                        if ui.button(Msg::Cancel.text(lang)).clicked() {
                            answer = Some(Answer::Cancel);
                        }
                    });
                }
                Modal::Delete(f) => {
                    ui.heading(Msg::DeleteFeatureTitle.text(lang));
                    let (name, layer) = self
                        .session
                        .as_ref()
                        .map(|s| {
                            (
                                s.feature_name(*f),
                                s.ws.park
                                    .layer_of(*f)
                                    .map(|l| l.name.clone())
                                    .unwrap_or_default(),
                            )
                        })
                        .unwrap_or_default();
                    ui.label(i18n::fmt_delete_feature(lang, &name, &layer));
                    ui.weak(Msg::DeleteCanUndo.text(lang));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(Msg::DeleteButton.text(lang)).clicked() {
                            answer = Some(Answer::Yes);
                        }
                        if ui.button(Msg::Cancel.text(lang)).clicked() {
                            answer = Some(Answer::Cancel);
                        }
                    });
                }
                Modal::SaveLayer { layer, source_crs } => {
                    ui.heading(Msg::SaveLayerTitle.text(lang));
                    let (name, src) = self
                        .session
                        .as_ref()
                        .and_then(|s| s.ws.park.layers.get(*layer))
                        .map(|l| (l.name.clone(), l.source.crs.as_ref().map(|d| d.crs)))
                        .unwrap_or_default();
                    ui.label(RichText::new(name).strong());
                    let mut choice = *source_crs;
                    ui.radio_value(&mut choice, false, Msg::WriteRfc7946.text(lang));
                    let src_label = match src {
                        Some(c) => format!(
                            "{} ({} {})",
                            Msg::WriteSourceCrs.text(lang),
                            c.code(),
                            c.describe()
                        ),
                        None => Msg::WriteSourceCrs.text(lang).to_string(),
                    };
                    ui.radio_value(&mut choice, true, src_label);
                    if choice != *source_crs {
                        answer = Some(Answer::Choice(choice));
                    }
                    ui.weak(Msg::WriteKeepsEverything.text(lang));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(Msg::ChooseFile.text(lang)).clicked() {
                            answer = Some(Answer::Yes);
                        }
                        if ui.button(Msg::Cancel.text(lang)).clicked() {
                            answer = Some(Answer::Cancel);
                        }
                    });
                }
                Modal::Overwrite { path, .. } => {
                    ui.heading(Msg::OverwriteTitle.text(lang));
                    ui.label(i18n::fmt_overwrite_source(
                        lang,
                        &path.display().to_string(),
                    ));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(Msg::OverwriteButton.text(lang)).clicked() {
                            answer = Some(Answer::Yes);
                        }
                        if ui.button(Msg::Cancel.text(lang)).clicked() {
                            answer = Some(Answer::Cancel);
                        }
                    });
                }
                Modal::Recovery(idx) => {
                    ui.heading(Msg::RecoveryTitle.text(lang));
                    let what = idx
                        .project
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| Msg::UntitledProject.text(lang).to_string());
                    let when = std::fs::metadata(&idx.recovery)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    ui.label(i18n::fmt_recovery(lang, &what, when));
                    ui.weak(idx.recovery.display().to_string());
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(Msg::RecoverButton.text(lang)).clicked() {
                            answer = Some(Answer::Yes);
                        }
                        if ui.button(Msg::DiscardButton.text(lang)).clicked() {
                            answer = Some(Answer::No);
                        }
                    });
                }
                Modal::Outside { paths, .. } => {
                    ui.heading(Msg::OutsideTitle.text(lang));
                    ui.label(Msg::OutsideText.text(lang));
                    for p in paths {
                        ui.monospace(p.display().to_string());
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(Msg::LoadThemToo.text(lang)).clicked() {
                            answer = Some(Answer::Yes);
                        }
                        if ui.button(Msg::DontLoad.text(lang)).clicked() {
                            answer = Some(Answer::Cancel);
                        }
                    });
                }
                Modal::Error(e) => {
                    ui.heading(Msg::ErrorTitle.text(lang));
                    ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
                    ui.add_space(8.0);
                    if ui.button(Msg::Close.text(lang)).clicked() {
                        answer = Some(Answer::Cancel);
                    }
                }
            }
        });
        if answer.is_none() && response.should_close() && !matches!(modal, Modal::Recovery(_)) {
            answer = Some(Answer::Cancel);
        }
        if let Some(a) = answer {
            self.answer(modal, a);
        }
    }

    /// Acts on the answer to a question (also used by tests through the buttons).
    fn answer(&mut self, modal: Modal, a: Answer) {
        if !matches!(a, Answer::Choice(_)) {
            self.modal = None;
        }
        match (modal, a) {
            (Modal::Unsaved(then), Answer::Yes) => {
                self.after_save = Some(then);
                self.save();
            }
            (Modal::Unsaved(then), Answer::No) => self.proceed(then),
            (Modal::Delete(f), Answer::Yes) => {
                if let Some(s) = &self.session
                    && f.layer < s.ws.park.layers.len() as u32
                {
                    self.cmds
                        .push(Command::Edit(crate::model::Edit::DeleteFeature {
                            layer: f.layer as usize,
                            index: f.index as usize,
                            feature: Default::default(),
                        }));
                }
            }
            (Modal::SaveLayer { layer, .. }, Answer::Choice(c)) => {
                self.modal = Some(Modal::SaveLayer {
                    layer,
                    source_crs: c,
                });
            }
            (Modal::SaveLayer { layer, source_crs }, Answer::Yes) => {
                self.choose_layer_file(layer, source_crs)
            }
            (
                Modal::Overwrite {
                    layer,
                    path,
                    source_crs,
                },
                Answer::Yes,
            ) => self.write_layer(layer, &path, source_crs, true),
            (Modal::Recovery(idx), Answer::Yes) => {
                self.held_open = None;
                self.recover(idx, false);
            }
            (Modal::Recovery(idx), _) => {
                recovery::discard(self.autosave.dir.as_deref(), &idx.recovery);
                if let Some(p) = self.held_open.take() {
                    self.pending_open = Some(p);
                }
            }
            (
                Modal::Outside {
                    recovery: Some(idx),
                    ..
                },
                Answer::Yes,
            ) => self.recover(idx, true),
            (Modal::Outside { project, .. }, Answer::Yes) => {
                self.proceed(Then::Load(
                    LoadWhat::Project {
                        path: project,
                        allow_outside: true,
                    },
                    Vec::new(),
                ));
            }
            _ => {}
        }
    }

    /// Applies a recovery: opens its file through `project::open_recovery`, which asks
    /// (lists) layer paths outside the project folder unless `allow_outside`.
    fn recover(&mut self, idx: RecoveryIndex, allow_outside: bool) {
        self.recovering = Some(idx.clone());
        self.pending_meta.clear();
        self.start_load_what(LoadWhat::Recovery {
            recovery: idx.recovery,
            recovers: idx.project,
            allow_outside,
        });
    }

    /// Answers the open question as if its button was clicked: `true` for the first
    /// (save / delete / recover / overwrite / load), `false` for "don't" (don't save,
    /// discard). For tests and keyboard-free automation.
    pub fn answer_modal(&mut self, yes: bool) {
        if let Some(m) = self.modal.clone() {
            self.answer(m, if yes { Answer::Yes } else { Answer::No });
        }
    }

    // ------------------------------------------------------------------ write-back

    fn choose_layer_file(&mut self, layer: usize, source_crs: bool) {
        let Some(l) = self
            .session
            .as_ref()
            .and_then(|s| s.ws.park.layers.get(layer))
        else {
            return;
        };
        let name = format!("{}.geojson", l.name);
        let dir = l
            .source
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let lang = self.lang;
        self.spawn_dialog(
            crate::ui::file_dialog::Kind::Save(name),
            dir,
            vec![
                (
                    Msg::FilterGeoJsonOnly.text(lang).to_string(),
                    vec!["geojson", "json"],
                ),
                (Msg::FilterGpkg.text(lang).to_string(), vec!["gpkg"]),
                (Msg::FilterLandTxt.text(lang).to_string(), vec!["txt"]),
            ],
            move |paths| {
                paths.into_iter().next().map(|path| Command::SaveLayerTo {
                    layer,
                    path,
                    source_crs,
                })
            },
        );
    }

    /// Asks where to write every layer of the map as one GeoPackage.
    pub(super) fn choose_gpkg_file(&mut self) {
        let Some(s) = &self.session else { return };
        let name = format!("{}.gpkg", s.ws.park.name);
        let dir =
            s.ws.park
                .layers
                .iter()
                .find_map(|l| l.source.path.as_ref()?.parent().map(Path::to_path_buf));
        let filter = Msg::FilterGpkg.text(self.lang).to_string();
        self.spawn_dialog(
            crate::ui::file_dialog::Kind::Save(name),
            dir,
            vec![(filter, vec!["gpkg"])],
            |paths| paths.into_iter().next().map(Command::ExportGpkgTo),
        );
    }

    /// Keeps the GTFS dialog's settings as the workspace's (saved with the project) and
    /// asks where to write the feed of `routes`.
    pub(super) fn choose_gtfs_file(
        &mut self,
        routes: Vec<usize>,
        settings: crate::model::gtfs::GtfsSettings,
    ) {
        let Some(s) = &mut self.session else { return };
        if s.ws.gtfs != settings {
            s.ws.gtfs = settings;
            self.project.changed = true;
        }
        let park = &s.ws.park;
        let name = match routes.as_slice() {
            [one] => park.routes.get(*one).map(|r| r.name.to_string()),
            _ => None,
        }
        .unwrap_or_else(|| park.name.clone());
        let dir = park
            .layers
            .iter()
            .find_map(|l| l.source.path.as_ref()?.parent().map(Path::to_path_buf));
        self.gtfs_routes = routes;
        let filter = Msg::FilterGtfs.text(self.lang).to_string();
        self.spawn_dialog(
            crate::ui::file_dialog::Kind::Save(format!("{name}-gtfs.zip")),
            dir,
            vec![(filter, vec!["zip"])],
            |paths| paths.into_iter().next().map(Command::ExportGtfsTo),
        );
    }

    /// Writes the chosen routes as a GTFS feed (quick: a few routes of a park) and says
    /// what it holds.
    pub(super) fn write_gtfs(&mut self, path: &Path) {
        let Some(s) = &self.session else { return };
        let path = if path.extension().is_none() {
            path.with_extension("zip")
        } else {
            path.to_path_buf()
        };
        let today = crate::model::date::Date::today();
        match s
            .ws
            .export_gtfs(&self.gtfs_routes, &s.ws.gtfs, today, &path)
        {
            Ok(summary) => {
                let name = path.display().to_string();
                let mut lines = vec![name.clone()];
                lines.extend(summary.lines(self.lang));
                self.gtfs_dialog.written = Some(lines);
                let msg = format!("{}：{name}", Msg::GtfsWritten.text(self.lang));
                self.notify(msg, false);
            }
            Err(e) => self.modal = Some(Modal::Error(e.to_string())),
        }
    }

    /// Writes every layer of the map into one GeoPackage (lon/lat), never over a
    /// layer's source file.
    pub(super) fn write_gpkg(&mut self, path: &Path) {
        let Some(s) = &self.session else { return };
        let layers: Vec<&crate::model::Layer> = s.ws.park.layers.iter().collect();
        match crate::save::gpkg::save_gpkg(&layers, path, WriteCrs::Rfc7946, false) {
            Ok(()) => {
                let msg = i18n::fmt_layer_written(
                    self.lang,
                    &s.ws.park.name,
                    &path.display().to_string(),
                );
                self.notify(msg, false);
            }
            Err(e) => self.modal = Some(Modal::Error(e.to_string())),
        }
    }

    /// The parcels to submit: the selected parcel, or the parcels of the selected
    /// project (the ledger's: declared, located, or naming it) — those in the first
    /// parcel's layer. (layer, rows); no rows when the selection is neither.
    pub(super) fn selected_parcels(&self) -> (usize, Vec<usize>) {
        let (Some(s), Some(f)) = (&self.session, self.selection) else {
            return (0, Vec::new());
        };
        let park = &s.ws.park;
        let refs: Vec<crate::model::FeatureRef> = if park.parcels.iter().any(|p| p.feature == f) {
            vec![f]
        } else if let Some(pi) = park.projects.iter().position(|p| p.feature == f) {
            s.ledger()
                .and_then(|l| l.of(pi))
                .map(|st| {
                    st.parcels
                        .iter()
                        .filter_map(|&i| park.parcels.get(i as usize).map(|p| p.feature))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let Some(first) = refs.first() else {
            return (0, Vec::new());
        };
        let layer = first.layer;
        let rows = refs
            .iter()
            .filter(|r| r.layer == layer)
            .map(|r| r.index as usize)
            .collect();
        (layer as usize, rows)
    }

    /// Writes rows of a parcel layer as a land-approval coordinate TXT (GBK, CRLF,
    /// CGCS2000 3-degree zone around them), atomically.
    pub(super) fn write_rows_txt(&mut self, layer: usize, rows: &[usize], path: &Path) {
        let Some(l) = self
            .session
            .as_ref()
            .and_then(|s| s.ws.park.layers.get(layer))
        else {
            return;
        };
        match crate::save::landtxt::save_land_txt(l, rows, None, path) {
            Ok(()) => {
                let msg = i18n::fmt_layer_written(self.lang, &l.name, &path.display().to_string());
                self.notify(msg, false);
            }
            Err(e) => self.modal = Some(Modal::Error(e.to_string())),
        }
    }

    /// Writes a layer in the format its path names (GeoJSON, GeoPackage, coordinate
    /// TXT); over its own source file only with `overwrite` (the user confirmed; a
    /// `.bak` is kept), otherwise that asks first.
    pub(super) fn write_layer(
        &mut self,
        layer: usize,
        path: &Path,
        source_crs: bool,
        overwrite: bool,
    ) {
        let Some(l) = self
            .session
            .as_ref()
            .and_then(|s| s.ws.park.layers.get(layer))
        else {
            return;
        };
        let target = if source_crs {
            WriteCrs::Source
        } else {
            WriteCrs::Rfc7946
        };
        match crate::save::save_layers_as(&[l], path, target, overwrite) {
            Ok(_) => {
                let msg = i18n::fmt_layer_written(self.lang, &l.name, &path.display().to_string());
                self.notify(msg, false);
            }
            Err(crate::save::SaveError::WouldOverwriteSource(_)) => {
                self.modal = Some(Modal::Overwrite {
                    layer,
                    path: path.to_path_buf(),
                    source_crs,
                });
            }
            Err(e) => self.modal = Some(Modal::Error(e.to_string())),
        }
    }

    /// What a worker that reruns the analysis needs: the context to wake and the
    /// analysis index; says why not (no park, or the index is being rebuilt) when absent.
    fn worker_inputs(&mut self) -> Option<(egui::Context, Arc<crate::spatial::ParkIndex>)> {
        let ctx = self.ctx.clone()?;
        let Some(s) = &self.session else {
            self.notify(Msg::ExportUnavailable.text(self.lang).to_string(), true);
            return None;
        };
        let Some(index) = s.index_for_analysis().cloned() else {
            self.notify(Msg::AnalysisUnavailable.text(self.lang).to_string(), true);
            return None;
        };
        Some((ctx, index))
    }

    /// Runs every analysis for the current settings on a worker and writes the report
    /// tables as CSV (UTF-8 with BOM) into `dir`: the files `parkplan-cli report --csv`
    /// writes, the isochrone tables included when isochrones were computed for these
    /// settings.
    pub(super) fn export_tables(&mut self, dir: PathBuf) {
        let Some((ctx, index)) = self.worker_inputs() else {
            return;
        };
        let Some(s) = &self.session else { return };
        let park = s.ws.park.clone();
        let settings = s.ws.studies.settings.clone();
        let iso = s.ws.studies.iso_run(&settings);
        self.tables_task = Some(Task::spawn(
            "parkplan-tables",
            crate::ui::waker(&ctx),
            move || {
                let r = crate::analysis::analyse(&park, &index, &settings);
                let input = crate::report::ReportInput {
                    park: &park,
                    analysis: &r,
                    iso: iso.as_ref(),
                };
                crate::report::csv::write(&dir, input)
                    .map(|files| (dir, files.len()))
                    .map_err(|e| e.to_string())
            },
        ));
    }

    /// Writes the weekly dispatch report (周调度) on a worker, for the day the projects
    /// panel shows (today when no day is set): a PDF document, the project ledger as
    /// CSV, or the ledger's JSON, by the file's extension. The same library calls as
    /// `parkplan-cli dispatch`.
    pub(super) fn export_dispatch(&mut self, path: PathBuf) {
        let Some((ctx, index)) = self.worker_inputs() else {
            return;
        };
        let Some(s) = &self.session else { return };
        let park = s.ws.park.clone();
        let styles = s.ws.styles.clone();
        let mut settings = s.ws.studies.settings.clone();
        settings.as_of = s.as_of;
        let lang = self.lang;
        self.dispatch_task = Some(Task::spawn(
            "parkplan-dispatch",
            crate::ui::waker(&ctx),
            move || write_dispatch(&park, &styles, &index, &settings, &path, lang),
        ));
    }

    /// Collects the dispatch export. Call once per frame.
    pub(super) fn dispatch_tick(&mut self) {
        let Some(t) = &self.dispatch_task else { return };
        let Some(done) = t.poll() else { return };
        self.dispatch_task = None;
        match done {
            Some(Ok(m)) => self.notify(m, false),
            Some(Err(e)) => self.modal = Some(Modal::Error(e)),
            None => {}
        }
    }

    /// Collects the CSV export. Call once per frame.
    pub(super) fn tables_tick(&mut self) {
        let Some(t) = &self.tables_task else { return };
        let Some(done) = t.poll() else { return };
        self.tables_task = None;
        match done {
            Some(Ok((dir, n))) => {
                let m = i18n::fmt_tables_written(self.lang, n, &dir.display().to_string());
                self.notify(m, false);
            }
            Some(Err(e)) => self.modal = Some(Modal::Error(e)),
            None => {}
        }
    }
}

/// Writes the dispatch report to `path` (format by extension); the message to show.
fn write_dispatch(
    park: &crate::model::Park,
    styles: &crate::render::MapStyles,
    index: &crate::spatial::ParkIndex,
    settings: &crate::analysis::AnalysisSettings,
    path: &std::path::Path,
    lang: crate::model::Lang,
) -> Result<String, String> {
    let r = crate::analysis::analyse(park, index, settings);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => {
            let table = crate::report::tables::project_ledger_table(crate::report::ReportInput {
                park,
                analysis: &r,
                iso: None,
            });
            crate::report::csv::write_table(path, &table).map_err(|e| e.to_string())?;
        }
        "json" => {
            let json = crate::report::ledger_json::dispatch(park, &r, None);
            let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
            crate::save::write_atomic(path, text.as_bytes(), false).map_err(|e| e.to_string())?;
        }
        _ => {
            let spec = crate::export::dispatch::DispatchSpec {
                lang,
                ..Default::default()
            };
            let pages = crate::workspace::dispatch_pages(park, styles, &r, &spec)
                .map_err(|e| e.to_string())?;
            let path = if ext == "pdf" {
                path.to_path_buf()
            } else {
                path.with_extension("pdf")
            };
            crate::export::dispatch::write_pdf(&pages, &path).map_err(|e| e.to_string())?;
        }
    }
    Ok(i18n::fmt_dispatch_written(
        lang,
        &path.display().to_string(),
        &r.ledger.as_of.to_string(),
        r.ledger.stalled().len(),
    ))
}

/// An answer to a question.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Answer {
    Yes,
    No,
    Cancel,
    Choice(bool),
}
