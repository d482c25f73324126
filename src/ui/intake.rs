//! The survey intake dialog: before a GeoJSON file joins the map, show what the import
//! guessed — the layer's role (and why), its CRS (and why; guesses flagged), the field
//! mapping (model field → property, with Chinese labels and a list of the file's
//! columns) and the first rows — and let the user correct it: change the role, map
//! fields, pick a CRS from the supported ones, ask for GCJ-02 → WGS84 correction.
//!
//! The file is read on a worker with the current CRS/GCJ-02 choices (again whenever they
//! change), so the dialog shows where the data lands before anything is added. OK
//! returns a [`LayerJob`] carrying the choices ([`LayerOptions`]); the app reads it and
//! adds the layer to the open park (or opens it as a new map). Knows nothing about the
//! app beyond the session's extent.

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui::{self, RichText};

use super::i18n::{Msg, field_label, group_digits};
use super::session::LayerMeta;
use crate::crs::{Crs, CrsDecision, DatumShift, Rotation};
use crate::import::{self, Issue, LayerJob, LayerOptions, Problem};
use crate::model::{Field, FieldMap, GeomFamily, Lang, Layer, Role};
use crate::workspace::Task;

/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 5;

/// The CRSs offered in the dialog: CGCS2000 and WGS84 lon/lat, the CGCS2000 3-degree
/// Gauss-Krüger zones (zone-prefixed 4513–4533 and by central meridian 4534–4554), the
/// 6-degree zones (zone-prefixed 4491–4501, by central meridian 4502–4512), Web
/// Mercator and the WGS84 UTM zones over central China; then the older datums' zones:
/// Xi'an 1980 (2349–2390 three-degree, 2327–2348 six-degree) and Beijing 1954
/// (2401–2442 three-degree, 21413–21423 and 21473–21483 six-degree).
pub fn supported_crs() -> Vec<Crs> {
    let mut codes: Vec<u32> = vec![4490, 4326];
    codes.extend(4513..=4554);
    codes.extend(4491..=4512);
    codes.extend([3857, 32649, 32650]);
    codes.extend(2349..=2390);
    codes.extend(2327..=2348);
    codes.extend(2401..=2442);
    codes.extend(21413..=21423);
    codes.extend(21473..=21483);
    codes.into_iter().filter_map(Crs::from_epsg).collect()
}

/// A file read with some options, for the preview.
#[derive(Debug)]
pub struct Preview {
    /// The layer as read.
    pub layer: Layer,
    /// Problems the read found.
    pub problems: Vec<Problem>,
    /// The CRS, GCJ-02 and datum-shift choices it was read with.
    pub read_with: ReadWith,
    /// When the file holds several kinds of geometry: each kind, its feature count and
    /// the role guessed for it on its own.
    pub parts: Vec<(GeomFamily, usize, Role)>,
}

/// The reading choices a preview was made with.
pub type ReadWith = (Option<Crs>, bool, Option<DatumShift>);

/// What the user decided: one job per layer (several when a file holding several kinds
/// of geometry is split).
#[derive(Debug, Clone)]
pub enum IntakeOutcome {
    /// Add the layers to the open park.
    Add(Vec<(LayerJob, LayerMeta)>),
    /// Open the layers as a new map (replacing what is open).
    Replace(Vec<(LayerJob, LayerMeta)>),
    /// Do not load the file.
    Cancel,
}

type ReadTask = Task<Result<Preview, String>>;

/// The dialog for one file.
pub struct IntakeDialog {
    /// The file.
    pub path: PathBuf,
    /// The layer name to use.
    pub name: String,
    /// The chosen role.
    pub role: Role,
    /// The chosen CRS (`None`: as declared or guessed).
    pub crs: Option<Crs>,
    /// Correct GCJ-02 (Gaode/AMap) lon/lat to WGS84.
    pub gcj02: bool,
    /// The datum-shift parameters as typed (3 or 7 numbers), for Xi'an 1980 and
    /// Beijing 1954 data.
    pub shift_text: String,
    /// How the typed rotations are meant.
    pub rotation: Rotation,
    /// Split a file holding several kinds of geometry into one layer per kind.
    pub split: bool,
    /// The role of each part when split.
    pub part_roles: std::collections::BTreeMap<GeomFamily, Role>,
    /// Model field → column for the chosen role (absent: not mapped).
    pub fields: FieldMap,
    /// What the first read guessed: role, why, and the CRS decision.
    guess: Option<(Role, String, Option<CrsDecision>)>,
    preview: Option<Arc<Preview>>,
    reading: Option<ReadTask>,
    error: Option<String>,
}

impl std::fmt::Debug for IntakeDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeDialog")
            .field("path", &self.path)
            .field("role", &self.role)
            .field("crs", &self.crs)
            .field("gcj02", &self.gcj02)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

fn read(path: PathBuf, with: ReadWith, ctx: &egui::Context) -> ReadTask {
    Task::spawn("parkplan-intake", crate::ui::waker(ctx), move || {
        let opts = LayerOptions {
            crs: with.0,
            gcj02: with.1,
            datum_shift: with.2,
            ..LayerOptions::default()
        };
        import::read_layer_file(&path, &opts, None)
            .map(|(layer, problems)| {
                let file = path.display().to_string();
                let parts = if import::split::mixed(&layer).is_some() {
                    import::split::split_by_geometry(layer.clone(), &file, &opts, &mut Vec::new())
                        .iter()
                        .filter_map(|l| Some((l.source.part?, l.len(), l.role)))
                        .collect()
                } else {
                    Vec::new()
                };
                Preview {
                    layer,
                    problems,
                    read_with: with,
                    parts,
                }
            })
            .map_err(|e| e.to_string())
    })
}

impl IntakeDialog {
    /// Starts reading `path` with the import's own guesses.
    pub fn new(path: PathBuf, ctx: &egui::Context) -> IntakeDialog {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let reading = Some(read(path.clone(), (None, false, None), ctx));
        IntakeDialog {
            path,
            name,
            role: Role::Other,
            crs: None,
            gcj02: false,
            shift_text: String::new(),
            rotation: Rotation::PositionVector,
            split: true,
            part_roles: Default::default(),
            fields: FieldMap::new(),
            guess: None,
            preview: None,
            reading,
            error: None,
        }
    }

    /// Whether the file is being read.
    pub fn is_reading(&self) -> bool {
        self.reading.is_some()
    }

    /// The layer as last read (for tests and the preview).
    pub fn preview(&self) -> Option<&Preview> {
        self.preview.as_deref()
    }

    /// The CRS decision of the last read.
    pub fn decision(&self) -> Option<&CrsDecision> {
        self.preview.as_ref()?.layer.source.crs.as_ref()
    }

    /// Changes the role; the field mapping is guessed anew for it.
    pub fn set_role(&mut self, role: Role) {
        if role == self.role {
            return;
        }
        self.role = role;
        if let Some(p) = &self.preview {
            self.fields = import::fields::guess_fields(role, &p.layer.attributes);
        }
    }

    /// Collects a finished read, and starts a new one when the CRS or GCJ-02 choice
    /// changed. Call once per frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if let Some(t) = &self.reading
            && let Some(done) = t.poll()
        {
            self.reading = None;
            match done {
                Some(Ok(p)) => {
                    if self.guess.is_none() {
                        self.role = p.layer.role;
                        self.fields = p.layer.fields.clone();
                        if !p.layer.name.trim().is_empty() {
                            self.name = p.layer.name.clone();
                        }
                        self.part_roles = p.parts.iter().map(|(f, _, r)| (*f, *r)).collect();
                        self.guess = Some((
                            p.layer.role,
                            p.layer.role_reason.clone(),
                            p.layer.source.crs.clone(),
                        ));
                    }
                    self.error = None;
                    self.preview = Some(Arc::new(p));
                }
                Some(Err(e)) => self.error = Some(e),
                None => self.error = Some("the reading thread stopped".into()),
            }
        }
        let want = (self.crs, self.gcj02, self.shift().ok().flatten());
        let stale = self.preview.as_ref().is_some_and(|p| p.read_with != want);
        if stale && self.reading.is_none() {
            self.reading = Some(read(self.path.clone(), want, ctx));
        }
        if self.reading.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    /// The CRS the file will be read in: the chosen one, else the last read's.
    fn effective_crs(&self) -> Option<Crs> {
        self.crs.or_else(|| self.decision().map(|d| d.crs))
    }

    /// The typed datum shift: `Ok(None)` when nothing is typed or the CRS is not on an
    /// older datum, `Err` (why) when the text is not 3 or 7 usable numbers.
    pub fn shift(&self) -> Result<Option<DatumShift>, String> {
        if self.shift_text.trim().is_empty()
            || self.effective_crs().and_then(|c| c.old_datum()).is_none()
        {
            return Ok(None);
        }
        DatumShift::parse(&self.shift_text, self.rotation)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    /// Whether the file will be split by geometry (it holds several kinds and the
    /// user left the split on).
    pub fn splitting(&self) -> bool {
        self.split && self.preview.as_ref().is_some_and(|p| p.parts.len() > 1)
    }

    /// The jobs and project metadata for the current choices: one per part when the
    /// file is split by geometry, else one.
    pub fn jobs(&self) -> Vec<(LayerJob, LayerMeta)> {
        let (job, meta) = self.job();
        if !self.splitting() {
            return vec![(job, meta)];
        }
        let parts = self
            .preview
            .as_ref()
            .map(|p| p.parts.clone())
            .unwrap_or_default();
        parts
            .into_iter()
            .map(|(f, _, guessed)| {
                let role = self.part_roles.get(&f).copied().unwrap_or(guessed);
                let mut j = job.clone();
                j.options.name = Some(import::split::part_name(self.name.trim(), f));
                j.options.role = Some(role);
                j.options.role_reason = Some(if role == guessed {
                    format!("part {} of a file with several kinds of geometry", f.code())
                } else {
                    "chosen in the intake dialog".to_string()
                });
                // Fields are guessed for each part's own columns.
                j.options.fields = None;
                j.options.part = Some(f);
                (
                    j,
                    LayerMeta {
                        unmapped: Default::default(),
                        ..meta.clone()
                    },
                )
            })
            .collect()
    }

    /// The job and project metadata for the current choices, the file kept whole.
    pub fn job(&self) -> (LayerJob, LayerMeta) {
        let guessed = self.guess.as_ref();
        let role_reason = match guessed {
            Some((r, why, _)) if *r == self.role => why.clone(),
            _ => "chosen in the intake dialog".to_string(),
        };
        let mut fields = self.fields.clone();
        let unmapped: std::collections::BTreeSet<Field> = import::fields::aliases(self.role)
            .iter()
            .map(|(f, _)| *f)
            .filter(|f| !self.fields.contains_key(f))
            .collect();
        for f in &unmapped {
            fields.insert(*f, String::new());
        }
        // A guessed CRS is recorded explicitly, so the project reopens it the same way.
        let crs = self
            .crs
            .or_else(|| self.decision().filter(|d| d.guessed).map(|d| d.crs));
        (
            LayerJob {
                path: self.path.clone(),
                options: LayerOptions {
                    name: Some(self.name.trim().to_string()).filter(|n| !n.is_empty()),
                    role: Some(self.role),
                    role_reason: Some(role_reason),
                    fields: Some(fields),
                    crs,
                    gcj02: self.gcj02,
                    table: None,
                    datum_shift: self.shift().ok().flatten(),
                    part: None,
                },
            },
            LayerMeta {
                crs,
                gcj02: self.gcj02,
                datum_shift: self.shift().ok().flatten(),
                original: None,
                unmapped,
            },
        )
    }

    /// Shows the dialog. `park_centre` (lon/lat) is the open map's centre, for the
    /// distance check; `None` when nothing is open (then only "open" is offered).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        park_centre: Option<[f64; 2]>,
        lang: Lang,
    ) -> Option<IntakeOutcome> {
        self.poll(ctx);
        let mut outcome = None;
        let modal = egui::Modal::new(egui::Id::unique("intake-dialog")).show(ctx, |ui| {
            ui.set_width(720.0);
            ui.heading(Msg::IntakeTitle.text(lang));
            let file = self
                .path
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            ui.label(RichText::new(file).strong())
                .on_hover_text(self.path.display().to_string());
            ui.separator();
            if let Some(e) = &self.error {
                ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
            }
            let Some(p) = self.preview.clone() else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(Msg::Loading.text(lang));
                });
                ui.separator();
                if ui.button(Msg::Cancel.text(lang)).clicked() {
                    outcome = Some(IntakeOutcome::Cancel);
                }
                return;
            };
            // A fixed height: the modal sizes itself from its content, and a scroll area
            // that starts small would only grow frame by frame.
            let h = (ctx.content_rect().height() * 0.62).clamp(240.0, 620.0);
            egui::ScrollArea::vertical()
                .max_height(h)
                .min_scrolled_height(h)
                .auto_shrink([false, true])
                .show(ui, |ui| self.body(ui, &p, park_centre, lang));
            ui.separator();
            ui.horizontal(|ui| {
                let ready = !self.is_reading();
                if park_centre.is_some() {
                    if ui
                        .add_enabled(ready, egui::Button::new(Msg::IntakeAdd.text(lang)))
                        .clicked()
                    {
                        outcome = Some(IntakeOutcome::Add(self.jobs()));
                    }
                    if ui
                        .add_enabled(ready, egui::Button::new(Msg::IntakeReplace.text(lang)))
                        .clicked()
                    {
                        outcome = Some(IntakeOutcome::Replace(self.jobs()));
                    }
                } else if ui
                    .add_enabled(ready, egui::Button::new(Msg::IntakeOpen.text(lang)))
                    .clicked()
                {
                    outcome = Some(IntakeOutcome::Replace(self.jobs()));
                }
                if ui.button(Msg::Cancel.text(lang)).clicked() {
                    outcome = Some(IntakeOutcome::Cancel);
                }
            });
        });
        if outcome.is_none() && modal.should_close() {
            outcome = Some(IntakeOutcome::Cancel);
        }
        outcome
    }

    fn body(&mut self, ui: &mut egui::Ui, p: &Preview, park_centre: Option<[f64; 2]>, lang: Lang) {
        let layer = &p.layer;
        let mut types: Vec<(&str, usize)> = layer.geometry_type_counts().into_iter().collect();
        types.sort();
        ui.label(format!(
            "{} {} · {}",
            group_digits(layer.len()),
            Msg::Features.text(lang),
            types
                .iter()
                .map(|(t, n)| format!("{t} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        egui::Grid::new("intake-grid")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label(Msg::IntakeLayerName.text(lang));
                ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(300.0))
                    .accessible_name(Msg::IntakeLayerName.text(lang));
                ui.end_row();

                if p.parts.len() > 1 {
                    ui.label(Msg::IntakeSplit.text(lang));
                    ui.vertical(|ui| self.split_row(ui, p, lang));
                    ui.end_row();
                }
                if self.splitting() {
                    ui.label(Msg::CrsLabel.text(lang));
                    ui.vertical(|ui| self.crs_row(ui, p, park_centre, lang));
                    ui.end_row();
                    return;
                }
                ui.label(Msg::RoleLabel.text(lang));
                ui.vertical(|ui| {
                    let mut role = self.role;
                    egui::ComboBox::from_id_salt("intake-role")
                        .selected_text(role.label(lang))
                        .show_ui(ui, |ui| {
                            for r in Role::ALL {
                                ui.selectable_value(&mut role, *r, r.label(lang));
                            }
                        })
                        .response
                        .accessible_name(Msg::RoleLabel.text(lang));
                    self.set_role(role);
                    if let Some((g, why, _)) = &self.guess {
                        let why = role_reason_text(why, lang);
                        let t = if *g == self.role {
                            format!("{}: {why}", Msg::IntakeGuessedBecause.text(lang))
                        } else {
                            format!(
                                "{}: {} ({why})",
                                Msg::IntakeGuessWas.text(lang),
                                g.label(lang)
                            )
                        };
                        ui.add(egui::Label::new(RichText::new(t).weak().small()).wrap());
                    }
                });
                ui.end_row();

                ui.label(Msg::CrsLabel.text(lang));
                ui.vertical(|ui| self.crs_row(ui, p, park_centre, lang));
                ui.end_row();
            });

        if !self.splitting() {
            self.fields_grid(ui, layer, lang);
        }
        self.preview_rows(ui, p, lang);
    }

    /// The parts of a file holding several kinds of geometry: split or not, and the
    /// role of each part.
    fn split_row(&mut self, ui: &mut egui::Ui, p: &Preview, lang: Lang) {
        ui.checkbox(&mut self.split, Msg::IntakeSplitByGeometry.text(lang));
        if !self.split {
            return;
        }
        egui::Grid::new("intake-parts")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                for (f, n, guessed) in &p.parts {
                    let what = super::i18n::fmt_part(lang, f.label(lang), *n);
                    ui.label(&what);
                    let mut role = self.part_roles.get(f).copied().unwrap_or(*guessed);
                    egui::ComboBox::from_id_salt(("intake-part-role", f.code()))
                        .selected_text(role.label(lang))
                        .show_ui(ui, |ui| {
                            for r in Role::ALL {
                                ui.selectable_value(&mut role, *r, r.label(lang));
                            }
                        })
                        .response
                        .accessible_name(format!("{} {what}", Msg::RoleLabel.text(lang)));
                    self.part_roles.insert(*f, role);
                    ui.end_row();
                }
            });
    }

    fn fields_grid(&mut self, ui: &mut egui::Ui, layer: &Layer, lang: Lang) {
        ui.add_space(6.0);
        ui.strong(Msg::MappedFields.text(lang));
        let columns = column_names(layer);
        egui::Grid::new("intake-fields")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                ui.weak(Msg::ModelFieldCol.text(lang));
                ui.weak(Msg::PropertyCol.text(lang));
                ui.weak(Msg::IntakeFirstValue.text(lang));
                ui.end_row();
                for (field, _) in import::fields::aliases(self.role) {
                    let label = field_label(lang, *field);
                    ui.label(&label);
                    let current = self.fields.get(field).cloned();
                    let mut chosen = current.clone();
                    egui::ComboBox::from_id_salt(("intake-field", field.code()))
                        .selected_text(
                            current
                                .clone()
                                .unwrap_or_else(|| Msg::NotMapped.text(lang).to_string()),
                        )
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut chosen, None, Msg::NotMapped.text(lang));
                            for c in &columns {
                                ui.selectable_value(&mut chosen, Some(c.clone()), c);
                            }
                        })
                        .response
                        .accessible_name(format!("{} {label}", Msg::MappedFields.text(lang)));
                    if chosen != current {
                        match chosen {
                            Some(c) => {
                                // A column serves one field.
                                self.fields.retain(|_, v| *v != c);
                                self.fields.insert(*field, c);
                            }
                            None => {
                                self.fields.remove(field);
                            }
                        }
                    }
                    let sample = self
                        .fields
                        .get(field)
                        .map(|c| {
                            (0..layer.len().min(50))
                                .find_map(|i| layer.attributes.get(i, c).as_text())
                                .map(|t| t.into_owned())
                                .unwrap_or_default()
                        })
                        .unwrap_or_default();
                    ui.weak(sample);
                    ui.end_row();
                }
            });
    }

    fn preview_rows(&mut self, ui: &mut egui::Ui, p: &Preview, lang: Lang) {
        let layer = &p.layer;
        let columns = column_names(layer);

        ui.add_space(6.0);
        ui.strong(format!(
            "{} ({})",
            Msg::IntakePreview.text(lang),
            PREVIEW_ROWS.min(layer.len())
        ));
        egui::ScrollArea::horizontal()
            .id_salt("intake-preview")
            .show(ui, |ui| {
                egui::Grid::new("intake-rows").striped(true).show(ui, |ui| {
                    ui.weak(Msg::IdLabel.text(lang));
                    for c in &columns {
                        ui.strong(c);
                    }
                    ui.end_row();
                    for i in 0..layer.len().min(PREVIEW_ROWS) {
                        ui.label(layer.display_id(i));
                        for c in &columns {
                            let v = layer.attributes.get(i, c);
                            ui.label(super::panels::inspector::value_text(&v, lang));
                        }
                        ui.end_row();
                    }
                });
            });
        if !p.problems.is_empty() {
            ui.add_space(4.0);
            ui.label(
                RichText::new(super::i18n::fmt_intake_problems(lang, p.problems.len()))
                    .color(ui.visuals().warn_fg_color),
            );
        }
    }

    /// The datum-shift parameters of an older datum: 3 or 7 numbers, the rotation
    /// convention, and a warning with the error to expect when none are given.
    fn shift_row(&mut self, ui: &mut egui::Ui, datum: crate::crs::Datum, lang: Lang) {
        ui.horizontal(|ui| {
            ui.label(Msg::IntakeShift.text(lang));
            ui.add(
                egui::TextEdit::singleline(&mut self.shift_text)
                    .hint_text("dx, dy, dz [, rx, ry, rz, ppm]")
                    .desired_width(300.0),
            )
            .accessible_name(Msg::IntakeShift.text(lang))
            .on_hover_text(Msg::IntakeShiftHint.text(lang));
        });
        ui.horizontal(|ui| {
            ui.radio_value(
                &mut self.rotation,
                Rotation::PositionVector,
                Msg::IntakePositionVector.text(lang),
            );
            ui.radio_value(
                &mut self.rotation,
                Rotation::CoordinateFrame,
                Msg::IntakeCoordinateFrame.text(lang),
            );
        });
        match self.shift() {
            Err(e) => {
                ui.label(RichText::new(e).color(ui.visuals().error_fg_color).small());
            }
            Ok(None) => {
                let w = Issue::DatumShiftMissing {
                    crs: self.effective_crs().map(|c| c.code()).unwrap_or_default(),
                    datum: datum.name(),
                };
                ui.add(
                    egui::Label::new(
                        RichText::new(w.message(lang))
                            .color(ui.visuals().warn_fg_color)
                            .small(),
                    )
                    .wrap(),
                );
            }
            Ok(Some(_)) => {}
        }
    }

    fn crs_row(
        &mut self,
        ui: &mut egui::Ui,
        p: &Preview,
        park_centre: Option<[f64; 2]>,
        lang: Lang,
    ) {
        let decision = p.layer.source.crs.as_ref();
        match decision {
            Some(d) => {
                let mut t = RichText::new(format!("{} · {}", d.crs.code(), d.crs.describe()));
                if d.guessed {
                    t = t.color(ui.visuals().warn_fg_color);
                }
                ui.label(t);
                let mut why = crs_reason_text(d, lang);
                if d.guessed && self.crs.is_none() {
                    why = format!("{} — {why}", Msg::IntakeCrsGuessed.text(lang));
                }
                ui.add(egui::Label::new(RichText::new(why).weak().small()).wrap());
            }
            None => {
                ui.label(
                    RichText::new(Msg::IntakeCrsUnknown.text(lang))
                        .color(ui.visuals().error_fg_color),
                );
            }
        }
        let uncertain = decision.is_none_or(|d| d.guessed);
        let mut crs = self.crs;
        let shown = crs.map_or_else(
            || Msg::IntakeCrsAuto.text(lang).to_string(),
            |c| format!("{} {}", c.code(), c.describe()),
        );
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("intake-crs")
                .selected_text(shown)
                .width(340.0)
                .height(320.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut crs, None, Msg::IntakeCrsAuto.text(lang));
                    for c in supported_crs() {
                        ui.selectable_value(
                            &mut crs,
                            Some(c),
                            format!("{}  {}", c.code(), c.describe()),
                        );
                    }
                })
                .response
                .accessible_name(Msg::IntakeChooseCrs.text(lang));
            if uncertain && self.crs.is_none() {
                ui.label(
                    RichText::new(Msg::IntakePleaseConfirm.text(lang))
                        .color(ui.visuals().warn_fg_color)
                        .small(),
                );
            }
            if self.is_reading() {
                ui.spinner();
            }
        });
        self.crs = crs;
        let geographic = p
            .layer
            .source
            .crs
            .as_ref()
            .is_none_or(|d| d.crs.is_geographic());
        ui.add_enabled(
            geographic,
            egui::Checkbox::new(&mut self.gcj02, Msg::IntakeGcj02.text(lang)),
        )
        .on_hover_text(Msg::IntakeGcj02Hint.text(lang));
        if let Some(datum) = self.effective_crs().and_then(|c| c.old_datum()) {
            self.shift_row(ui, datum, lang);
        }
        // Where the data lands, and how far that is from the open map.
        if let Some(e) = p.layer.extent() {
            let c = [(e.min().x + e.max().x) / 2.0, (e.min().y + e.max().y) / 2.0];
            let mut t = format!(
                "{} {:.5}°E {:.5}°N",
                Msg::IntakeCentre.text(lang),
                c[0],
                c[1]
            );
            let mut far = !(-180.0..=180.0).contains(&c[0]) || !(-90.0..=90.0).contains(&c[1]);
            if let Some(pc) = park_centre {
                use geo::Distance;
                let d = geo::Haversine
                    .distance(geo::Point::new(pc[0], pc[1]), geo::Point::new(c[0], c[1]));
                t.push_str(&format!(
                    " · {}",
                    super::i18n::fmt_from_map(
                        lang,
                        &crate::model::units::format_distance(crate::model::Meters(d))
                    )
                ));
                far |= d > 50_000.0;
            }
            let mut rt = RichText::new(t);
            if far {
                rt = rt.color(ui.visuals().warn_fg_color);
            }
            ui.label(rt);
            if far {
                ui.label(
                    RichText::new(Msg::IntakeFarAway.text(lang))
                        .color(ui.visuals().warn_fg_color)
                        .small(),
                );
            }
        }
    }
}

/// The names of a layer's attribute columns, in order.
fn column_names(layer: &Layer) -> Vec<String> {
    layer.attributes.column_names()
}

/// The import's reason for a role guess, in the interface language (the import writes
/// it in English for reports and the CLI).
pub fn role_reason_text(reason: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return reason.to_string();
    }
    if reason.starts_with("no name, geometry or field evidence") {
        return "名称、几何和字段都不像园区的某类图层".to_string();
    }
    reason
        .trim_start_matches("guessed: ")
        .split("; ")
        .map(|part| {
            if let Some(w) = part.strip_prefix("name contains ") {
                format!("名称含 {w}")
            } else if let Some(f) = part.strip_prefix("fields ") {
                format!("字段 {}", f.replace(", ", "、"))
            } else if let Some(fam) = part.strip_suffix(" geometry") {
                let zh = match fam {
                    "point" => "点",
                    "line" => "线",
                    "polygon" => "面",
                    other => other,
                };
                format!("{zh}状几何")
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Why a CRS was chosen, in the interface language, from the decision itself.
pub fn crs_reason_text(d: &CrsDecision, lang: Lang) -> String {
    if lang == Lang::En {
        return d.reason.clone();
    }
    let swapped = if d.axis_swapped {
        "；坐标按北坐标（纬度）在前书写，已交换"
    } else {
        ""
    };
    let r = d.reason.as_str();
    let code = d.crs.code();
    if r.starts_with("crs member") {
        format!("文件的 crs 成员声明为 {code}{swapped}")
    } else if r.contains("set in the manifest or by the user") {
        format!("{code} 由清单、工程或用户指定{swapped}")
    } else if r.starts_with("no crs member: RFC 7946") {
        "文件没有 crs 成员，坐标为经纬度：按 RFC 7946（WGS84）读取".to_string()
    } else if let crate::crs::Crs::GaussKruger {
        width,
        zone,
        zone_prefixed: true,
        ..
    } = d.crs
    {
        format!(
            "文件没有 crs 成员；坐标的东坐标为 8 位、以 {zone} 开头，即 CGCS2000 {width} 度带第 {zone} 带：推测为 {code}{swapped}"
        )
    } else if d.guessed && d.crs.is_geographic() && d.axis_swapped {
        "文件没有 crs 成员；数值为度，第一个数在 ±90 以内：按纬度/经度（交换）读取".to_string()
    } else {
        d.reason.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_in_chinese() {
        assert_eq!(
            role_reason_text(
                "guessed: name contains \"地块\"; polygon geometry; fields 用地性质, 审批状态",
                Lang::Zh
            ),
            "名称含 \"地块\"；面状几何；字段 用地性质、审批状态"
        );
        let sample = [(37_629_686.073_9, 3_357_377.673_1); 4];
        let d = crate::crs::sniff(&sample).unwrap();
        let t = crs_reason_text(&d, Lang::Zh);
        assert!(t.contains("第 37 带") && t.contains("EPSG:4525"), "{t}");
        assert_eq!(crs_reason_text(&d, Lang::En), d.reason);
    }

    #[test]
    fn the_crs_list_has_the_survey_zones() {
        let l = supported_crs();
        let codes: Vec<u32> = l.iter().map(|c| c.epsg()).collect();
        for c in [
            4490, 4326, 4513, 4525, 4533, 4534, 4546, 4554, 4491, 4497, 4508,
        ] {
            assert!(codes.contains(&c), "{c}");
        }
        assert_eq!(
            codes.iter().filter(|c| (4491..=4554).contains(*c)).count(),
            64,
            "3-degree and 6-degree zones, both forms"
        );
    }
}
