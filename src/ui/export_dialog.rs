//! The export dialog (Ctrl+P): paper, orientation, scale, title, subtitle,
//! organisation, grid, DPI, which layers to print and what extent, with a live
//! preview of the page composed by `export::compose_page` (the same page the file will
//! hold), a save dialog (rfd, on its own thread), a warning before writing when a label
//! has characters the bundled font lacks, and the export itself on a worker.
//!
//! The page settings are remembered in [`Settings`](super::settings::Settings). The
//! dialog reads the session and keeps its own state; it never changes the map.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use eframe::egui::{self, Mesh, Rect, RichText, Shape, pos2, vec2};
use eframe::epaint::emath::TSTransform;

use super::i18n::{self, Msg};
use super::map::canvas;
use super::session::Session;
use crate::export::{self, ExportOutcome, MapFocus, Orientation, Page, PageSpec, Paper};
use crate::model::{Lang, Park};
use crate::render::Focus;
use crate::render::scene::LabelItem;
use crate::render::{IsoInputs, MapStyles, MapView, ProjectedPark, ScreenRect, WorldRect};
use crate::spatial::ParkIndex;
use crate::workspace::Results;
use crate::workspace::Task;

/// What the printed map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extent {
    /// The visible layers' extent (or the analysis focus's, when there is one).
    #[default]
    Auto,
    /// What the map shows now.
    CurrentView,
}

/// Standard scales offered (plus "fit").
pub const SCALES: &[f64] = &[2_000.0, 5_000.0, 10_000.0, 25_000.0, 50_000.0];

/// One scene of the page, tessellated for the preview.
struct PreviewScene {
    clip: Option<ScreenRect>,
    /// Keeps the pictures' textures alive while the preview shows.
    #[allow(dead_code)]
    textures: Vec<egui::TextureHandle>,
    meshes: Vec<Arc<Mesh>>,
    labels: Vec<LabelItem>,
}

/// A composed page and its tessellation.
struct Preview {
    page: Arc<Page>,
    scenes: Vec<PreviewScene>,
}

/// Everything the page depends on; a different key recomposes it.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    spec: PageSpec,
    layers: Vec<(usize, bool)>,
    extent: Extent,
    view: Option<[f64; 4]>,
    focus: Focus,
    generation: u64,
    styles_version: u64,
    /// The focused facility's isochrone, when its kind shows one (issue #7).
    isochrone: Option<(crate::analysis::IsochroneSpec, u64)>,
    /// The map overlay's version: new results (another radius) recompose the page.
    overlay_version: u64,
}

/// The dialog's own state.
#[derive(Default)]
pub struct ExportDialog {
    /// Shown or not.
    pub open: bool,
    /// The extent choice.
    pub extent: Extent,
    layers: Vec<(usize, bool)>,
    layers_for: Option<u64>,
    preview: Option<Preview>,
    preview_task: Option<(Key, Task<Result<Preview, String>>)>,
    preview_key: Option<Key>,
    save_dialog: Option<Receiver<Option<PathBuf>>>,
    confirm: Option<(PathBuf, Vec<String>)>,
    export_task: Option<Task<Result<ExportOutcome, String>>>,
    /// The last export's outcome, for the dialog and tests.
    pub last_result: Option<Result<String, String>>,
    /// The preview's zoom in screen points per page point (`None`: fit the page).
    pub preview_zoom: Option<f32>,
    /// How far the page is dragged from the preview's centre, in screen points.
    preview_pan: egui::Vec2,
    /// The built-in save dialog, where the system's cannot be shown.
    builtin: Option<super::file_dialog::BuiltInDialog>,
    /// Use the built-in file dialog even where the system's could be shown (the
    /// user's setting, copied in by the app).
    pub builtin_file_dialog: bool,
}

/// Inputs for composing a page on a worker.
struct Inputs {
    park: Arc<Park>,
    projected: Arc<ProjectedPark>,
    index: Option<Arc<ParkIndex>>,
    /// The analysis results the map shows (their settings: the radii in force).
    results: Option<Arc<Results>>,
    styles: MapStyles,
    spec: PageSpec,
    focus: Focus,
    view_extent: Option<WorldRect>,
    disc: Option<egui::TextureId>,
    /// Where the page's pictures (crowded point layers) are uploaded.
    ctx: egui::Context,
    /// The isochrone the map shows for the focus, when its kind shows one (issue #7).
    iso: Option<IsoInputs>,
}

fn compose(inputs: &Inputs) -> Result<Preview, String> {
    let lang = inputs.spec.lang;
    let (park, projected) = (&inputs.park, &inputs.projected);
    // A page with nothing on it is refused with the reason (as on the command line).
    export::check_drawable(park, projected, &inputs.styles).map_err(|e| e.to_string())?;
    // The same focus → overlays function as the map, by index.
    let mut focus = match (&inputs.index, &inputs.results) {
        (Some(index), Some(results)) => {
            let cx = export::FocusContext {
                park,
                projected,
                index,
                analysis: &results.analysis,
                styles: &inputs.styles,
            };
            export::map_focus(&cx, inputs.focus, inputs.iso.as_ref(), lang)
                .map_err(|e| e.to_string())?
        }
        _ => MapFocus::default(),
    };
    if let Some(e) = inputs.view_extent {
        focus.extent = Some(e);
    }
    let page = export::compose_page(park, projected, &inputs.styles, &focus, &inputs.spec);
    let scenes = page
        .scenes
        .iter()
        .map(|scene| {
            let view = MapView::new([0.0, 0.0], 1.0, page.size);
            let (chunks, labels, textures) =
                canvas::tessellate_scene(scene, &view, 1.0, inputs.disc, Some(&inputs.ctx));
            PreviewScene {
                clip: scene.clip,
                textures,
                meshes: chunks
                    .into_iter()
                    .flat_map(|(_, m)| m)
                    .map(Arc::new)
                    .collect(),
                labels,
            }
        })
        .collect();
    Ok(Preview {
        page: Arc::new(page),
        scenes,
    })
}

fn paper_label(p: Paper) -> &'static str {
    p.name()
}

impl ExportDialog {
    /// Whether a page has been composed for the preview.
    pub fn has_preview(&self) -> bool {
        self.preview.is_some()
    }

    /// The page the preview shows (what an export now would write).
    pub fn preview_page(&self) -> Option<Arc<Page>> {
        self.preview.as_ref().map(|p| p.page.clone())
    }

    /// Whether a preview or an export is being computed.
    pub fn is_busy(&self) -> bool {
        self.preview_task.is_some() || self.export_task.is_some()
    }

    /// Shows the dialog window when open. `spec` is the remembered page settings (edited
    /// in place); `disc` is the map's marker texture.
    #[allow(clippy::too_many_arguments)]
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: Option<&Session>,
        generation: u64,
        view: &MapView,
        spec: &mut PageSpec,
        last_dir: &mut Option<PathBuf>,
        disc: Option<egui::TextureId>,
        map_rect: Option<Rect>,
        lang: Lang,
    ) {
        if !self.open {
            return;
        }
        if let Some(d) = &mut self.builtin
            && !d.show(ctx)
        {
            self.builtin = None;
        }
        let Some(session) = session else {
            self.open = false;
            return;
        };
        if self.layers_for != Some(generation) {
            self.layers = session
                .ws
                .styles
                .layers
                .iter()
                .map(|d| (d.layer, d.visible))
                .collect();
            self.layers_for = Some(generation);
            self.preview = None;
        }
        self.poll(ctx, last_dir, lang);

        let key = Key {
            spec: spec.clone(),
            layers: self.layers.clone(),
            extent: self.extent,
            view: (self.extent == Extent::CurrentView).then(|| {
                let b = view.world_bounds();
                [b.min[0], b.min[1], b.max[0], b.max[1]]
            }),
            focus: session.ws.studies.focus,
            generation,
            styles_version: session.styles_version,
            isochrone: session.ws.studies.focus_isochrone(&session.ws.park),
            overlay_version: session.ws.studies.overlay_version,
        };
        if self.preview_key.as_ref() != Some(&key) && self.preview_task.is_none() {
            let mut styles = session.ws.styles.clone();
            for d in &mut styles.layers {
                d.visible = self.layers.iter().any(|(l, v)| *l == d.layer && *v);
            }
            let inputs = Inputs {
                park: session.ws.park.clone(),
                projected: session.projected.clone(),
                index: session.ws.index.clone(),
                results: session.ws.studies.results.clone(),
                styles,
                spec: PageSpec {
                    lang,
                    ..spec.clone()
                },
                focus: session.ws.studies.focus,
                view_extent: key
                    .view
                    .map(|b| WorldRect::from_corners([b[0], b[1]], [b[2], b[3]])),
                disc,
                ctx: ctx.clone(),
                iso: session.ws.studies.focus_iso_inputs(&session.ws.park),
            };
            let task = Task::spawn("parkplan-page", crate::ui::waker(ctx), move || {
                compose(&inputs)
            });
            self.preview_task = Some((key.clone(), task));
        }

        let mut open = true;
        // Over the map, below the menu and toolbar, never over them.
        let area = map_rect.unwrap_or_else(|| ctx.content_rect());
        egui::Window::new(Msg::ExportMap.text(lang))
            .open(&mut open)
            .default_pos(area.min + vec2(12.0, 12.0))
            .default_size(vec2(980.0, 640.0).min(area.size() - vec2(24.0, 24.0)))
            .constrain_to(area)
            .resizable(true)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(300.0);
                        self.controls(ui, session, spec, last_dir.clone(), lang);
                    });
                    ui.separator();
                    self.preview_ui(ui, lang);
                });
            });
        if !open {
            self.open = false;
        }
        if self.preview_task.is_some() || self.export_task.is_some() || self.save_dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(60));
        }
    }

    fn poll(&mut self, _ctx: &egui::Context, last_dir: &mut Option<PathBuf>, lang: Lang) {
        if let Some((key, t)) = &self.preview_task
            && let Some(done) = t.poll()
        {
            match done {
                Some(Ok(p)) => {
                    self.preview = Some(p);
                    self.preview_key = Some(key.clone());
                }
                Some(Err(e)) => {
                    self.last_result = Some(Err(e));
                    self.preview_key = Some(key.clone());
                }
                None => {}
            }
            self.preview_task = None;
        }
        if let Some(rx) = &self.save_dialog
            && let Ok(picked) = rx.try_recv()
        {
            self.save_dialog = None;
            if let Some(mut path) = picked {
                if export::Format::from_path(&path).is_none() {
                    path.set_extension("pdf");
                }
                *last_dir = path.parent().map(|p| p.to_path_buf());
                let warnings = self
                    .preview
                    .as_ref()
                    .map(|p| export::glyph_warnings(&p.page))
                    .unwrap_or_default();
                if warnings.is_empty() {
                    self.start_export(path, _ctx, lang);
                } else {
                    self.confirm = Some((path, warnings));
                }
            }
        }
        if let Some(t) = &self.export_task
            && let Some(done) = t.poll()
        {
            self.export_task = None;
            self.last_result = Some(match done {
                Some(Ok(o)) => Ok(describe_outcome(&o, lang)),
                Some(Err(e)) => Err(e),
                None => Err("the export thread stopped".into()),
            });
        }
    }

    /// Writes the previewed page to `path` on a worker (the format from the extension).
    pub fn start_export(&mut self, path: PathBuf, ctx: &egui::Context, _lang: Lang) {
        let Some(p) = &self.preview else {
            return;
        };
        let page = p.page.clone();
        let dpi = self.preview_key.as_ref().map_or(300.0, |k| k.spec.dpi);
        self.export_task = Some(Task::spawn(
            "parkplan-export",
            crate::ui::waker(ctx),
            move || export::export_page(&page, &path, dpi).map_err(|e| e.to_string()),
        ));
    }

    fn controls(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        spec: &mut PageSpec,
        last_dir: Option<PathBuf>,
        lang: Lang,
    ) {
        egui::Grid::new("export-grid")
            .num_columns(2)
            .spacing(vec2(8.0, 6.0))
            .show(ui, |ui| {
                ui.label(Msg::Title.text(lang));
                ui.add(
                    egui::TextEdit::singleline(&mut spec.title)
                        .hint_text(session.ws.park.name.clone()),
                );
                ui.end_row();
                ui.label(Msg::Subtitle.text(lang));
                let mut sub = spec.subtitle.clone().unwrap_or_default();
                if ui
                    .add(
                        egui::TextEdit::singleline(&mut sub)
                            .hint_text(Msg::FromTheAnalysis.text(lang)),
                    )
                    .changed()
                {
                    spec.subtitle = (!sub.trim().is_empty()).then_some(sub);
                }
                ui.end_row();
                ui.label(Msg::Organisation.text(lang));
                let mut org = spec.organisation.clone().unwrap_or_default();
                if ui
                    .text_edit_singleline(&mut org)
                    .accessible_name(Msg::Organisation.text(lang))
                    .changed()
                {
                    spec.organisation = (!org.trim().is_empty()).then_some(org);
                }
                ui.end_row();

                ui.label(Msg::Paper.text(lang));
                ui.horizontal(|ui| {
                    for p in Paper::ALL {
                        ui.selectable_value(&mut spec.paper, p, paper_label(p));
                    }
                });
                ui.end_row();
                ui.label(Msg::Orientation.text(lang));
                ui.horizontal(|ui| {
                    ui.selectable_value(
                        &mut spec.orientation,
                        Orientation::Landscape,
                        Msg::Landscape.text(lang),
                    );
                    ui.selectable_value(
                        &mut spec.orientation,
                        Orientation::Portrait,
                        Msg::Portrait.text(lang),
                    );
                });
                ui.end_row();
                ui.label(Msg::Scale.text(lang));
                let current = match spec.scale {
                    None => Msg::Fit.text(lang).to_string(),
                    Some(s) => format!("1:{s:.0}"),
                };
                egui::ComboBox::from_id_salt("export-scale")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut spec.scale, None, Msg::Fit.text(lang));
                        for s in SCALES {
                            ui.selectable_value(&mut spec.scale, Some(*s), format!("1:{s:.0}"));
                        }
                    })
                    .response
                    .accessible_name(Msg::Scale.text(lang));
                ui.end_row();
                ui.label(Msg::Extent.text(lang));
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.extent, Extent::Auto, Msg::AllFocus.text(lang));
                    ui.selectable_value(
                        &mut self.extent,
                        Extent::CurrentView,
                        Msg::CurrentView.text(lang),
                    );
                });
                ui.end_row();
                ui.label(Msg::Grid.text(lang));
                ui.checkbox(&mut spec.grid, "")
                    .accessible_name(Msg::Grid.text(lang));
                ui.end_row();
                ui.label("PNG DPI");
                ui.horizontal(|ui| {
                    for d in [150.0, 300.0] {
                        ui.selectable_value(&mut spec.dpi, d, format!("{d:.0}"));
                    }
                });
                ui.end_row();
            });
        ui.separator();
        ui.label(RichText::new(Msg::PanelLayers.text(lang)).strong());
        // Room for every layer of a usual park (a long list scrolls).
        let row = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("export-layers")
            .max_height(row * 12.0)
            .show(ui, |ui| {
                for (li, on) in self.layers.iter_mut().rev() {
                    if let Some(l) = session.ws.park.layers.get(*li) {
                        ui.checkbox(on, format!("{} ", l.name));
                    }
                }
            });
        ui.separator();
        let ready = self.preview.is_some() && self.preview_task.is_none();
        ui.horizontal(|ui| {
            let busy = self.export_task.is_some() || self.save_dialog.is_some();
            if ui
                .add_enabled(
                    ready && !busy,
                    egui::Button::new(RichText::new(Msg::ExportButton.text(lang)).strong()),
                )
                .clicked()
            {
                self.ask_path(spec, last_dir.clone(), lang);
            }
            if busy || self.preview_task.is_some() {
                ui.spinner();
            }
        });
        if let Some((path, warnings)) = self.confirm.clone() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                Msg::TheFontLacksCharacters.text(lang),
            );
            for w in &warnings {
                ui.label(RichText::new(w).small());
            }
            ui.horizontal(|ui| {
                if ui.button(Msg::ExportAnyway.text(lang)).clicked() {
                    self.confirm = None;
                    self.start_export(path, ui.ctx(), lang);
                }
                if ui.button(Msg::Cancel.text(lang)).clicked() {
                    self.confirm = None;
                }
            });
        }
        match &self.last_result {
            Some(Ok(m)) => {
                ui.label(RichText::new(m).color(ui.visuals().text_color()));
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            None => {}
        }
        if let Some(p) = &self.preview {
            for n in &p.page.notes {
                ui.weak(n);
            }
        }
    }

    fn ask_path(&mut self, spec: &PageSpec, dir: Option<PathBuf>, lang: Lang) {
        let prefer_builtin = self.builtin_file_dialog;
        let title = if spec.title.trim().is_empty() {
            "map".to_string()
        } else {
            spec.title.trim().to_string()
        };
        let names = (
            Msg::PDFDocument.text(lang),
            Msg::SVGImage.text(lang),
            Msg::PNGImage.text(lang),
        );
        let (pdf, svg, png) = (
            names.0.to_string(),
            names.1.to_string(),
            names.2.to_string(),
        );
        let (rx, builtin) = super::file_dialog::ask(
            super::file_dialog::Kind::Save(format!("{title}.pdf")),
            dir,
            vec![(pdf, vec!["pdf"]), (svg, vec!["svg"]), (png, vec!["png"])],
            lang,
            prefer_builtin,
            |paths| paths.into_iter().next(),
        );
        self.save_dialog = Some(rx);
        self.builtin = builtin;
    }

    fn preview_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        // Fit, 100 % (one page point per screen point), zoom in and out; the wheel zooms
        // at the pointer, a drag pans.
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                if ui
                    .selectable_label(self.preview_zoom.is_none(), Msg::FitPage.text(lang))
                    .clicked()
                {
                    self.preview_zoom = None;
                    self.preview_pan = egui::Vec2::ZERO;
                }
                if ui
                    .selectable_label(self.preview_zoom == Some(1.0), "100%")
                    .clicked()
                {
                    self.preview_zoom = Some(1.0);
                }
                let current = self.preview_zoom;
                if ui
                    .button("+")
                    .on_hover_text(Msg::ZoomIn.text(lang))
                    .clicked()
                {
                    self.preview_zoom = Some(current.unwrap_or(0.5) * 1.25);
                }
                if ui
                    .button("−")
                    .on_hover_text(Msg::ZoomOut.text(lang))
                    .clicked()
                {
                    self.preview_zoom = Some(current.unwrap_or(0.5) / 1.25);
                }
                if let Some(z) = self.preview_zoom {
                    ui.weak(format!("{:.0}%", z * 100.0));
                }
            });
            self.preview_page_ui(ui, lang);
        });
    }

    fn preview_page_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let avail = ui.available_size().max(vec2(200.0, 200.0));
        let (rect, response) = ui.allocate_exact_size(avail, egui::Sense::click_and_drag());
        let Some(p) = &self.preview else {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                Msg::PreparingThePreview.text(lang),
                egui::FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
            return;
        };
        let [pw, ph] = p.page.size;
        let fit = ((rect.width() - 16.0) / pw)
            .min((rect.height() - 16.0) / ph)
            .max(0.01);
        let mut k = self.preview_zoom.unwrap_or(fit).clamp(0.02, 8.0);
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                let new_k = (k * (scroll * 0.004).exp()).clamp(0.02, 8.0);
                // Keep the page point under the pointer in place.
                if let Some(at) = response.hover_pos() {
                    let from_centre = at - rect.center() - self.preview_pan;
                    self.preview_pan -= from_centre * (new_k / k - 1.0);
                }
                k = new_k;
                self.preview_zoom = Some(k);
            }
        }
        if response.dragged() {
            self.preview_pan += response.drag_delta();
            self.preview_zoom.get_or_insert(k);
        }
        let page_rect =
            Rect::from_center_size(rect.center() + self.preview_pan, vec2(pw * k, ph * k));
        let painter = ui.painter_at(rect);
        painter.rect_filled(
            page_rect.translate(vec2(3.0, 3.0)),
            0.0,
            egui::Color32::from_black_alpha(60),
        );
        painter.rect_filled(page_rect, 0.0, egui::Color32::WHITE);
        let to_screen = TSTransform::new(page_rect.min.to_vec2(), k);
        let ctx = ui.ctx().clone();
        let parent = ui.layer_id();
        for (i, s) in p.scenes.iter().enumerate() {
            let layer = egui::LayerId::new(
                parent.order,
                egui::Id::unique(("parkplan-export-preview", i)),
            );
            ctx.set_sublayer(parent, layer);
            let clip_page = s
                .clip
                .map(|c| Rect::from_min_max(pos2(c.min[0], c.min[1]), pos2(c.max[0], c.max[1])))
                .unwrap_or(Rect::from_min_size(pos2(0.0, 0.0), vec2(pw, ph)));
            let clip = to_screen.mul_rect(clip_page).intersect(rect);
            let painter =
                egui::Painter::new(ctx.clone(), layer, to_screen.inverse().mul_rect(clip));
            for m in &s.meshes {
                painter.add(Shape::Mesh(m.clone()));
            }
            ctx.transform_layer_shapes_after_rounding(layer, to_screen);
            // Labels in screen space at the preview's scale (crisp), above the shapes.
            let label_layer = egui::LayerId::new(
                parent.order,
                egui::Id::unique(("parkplan-export-preview-labels", i)),
            );
            ctx.set_sublayer(parent, label_layer);
            let lp = egui::Painter::new(ctx.clone(), label_layer, clip);
            let scaled: Vec<LabelItem> = s
                .labels
                .iter()
                .filter(|l| l.size * k >= 3.0)
                .map(|l| LabelItem {
                    size: l.size * k,
                    halo: None,
                    ..l.clone()
                })
                .collect();
            canvas::paint_labels(&lp, &scaled, |q| to_screen * pos2(q[0], q[1]));
        }
    }
}

fn describe_outcome(o: &ExportOutcome, lang: Lang) -> String {
    let mut s = i18n::fmt_exported(lang, &o.path.display().to_string(), o.bytes, o.scale);
    if let Some(px) = o.pixels {
        s.push_str(&format!(" {}×{} px", px[0], px[1]));
    }
    for w in &o.warnings {
        s.push('\n');
        s.push_str(w);
    }
    s
}
