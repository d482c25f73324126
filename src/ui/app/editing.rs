//! The app's editing commands: applying an edit through the session's history, undo and
//! redo, keeping the selection and the analysis focus on the same features when indices
//! shift, the new-feature form, the edit layer, and the edit menu and tool bar.

use eframe::egui;
use geo::Geometry;

use super::App;
use super::files::Modal;
use crate::model::layer::geometry_type_name;
use crate::model::{Edit, FeatureRef, Role};
use crate::render::Focus;
use crate::ui::command::{Command, Tool};
use crate::ui::form::FeatureForm;
use crate::ui::i18n::{self, Msg};
use crate::ui::session::remap_feature;

/// Ctrl+S.
pub const SHORTCUT_SAVE: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S);
/// Ctrl+Shift+S.
pub const SHORTCUT_SAVE_AS: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::S,
);
/// Ctrl+Z.
pub const SHORTCUT_UNDO: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Z);
/// Ctrl+Y.
pub const SHORTCUT_REDO: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Y);
/// Ctrl+Shift+Z.
pub const SHORTCUT_REDO_SHIFT: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::Z,
);

/// The editing tools, for the tool bar and the Edit menu.
pub fn edit_tools() -> [(Tool, Msg); 3] {
    [
        (Tool::Edit, Msg::ToolEdit),
        (Tool::AddPoint, Msg::ToolAddPoint),
        (Tool::DrawPolygon, Msg::ToolDrawPolygon),
    ]
}

/// Which kind of geometry a layer holds, judged from its features and role:
/// `Some(true)` points, `Some(false)` polygons, `None` lines or nothing usable.
pub fn layer_takes_points(layer: &crate::model::Layer) -> Option<bool> {
    let counts = layer.geometry_type_counts();
    let most = counts
        .iter()
        .filter(|(t, _)| **t != "None")
        .max_by_key(|(_, n)| **n)
        .map(|(t, _)| *t);
    match most {
        Some("Point" | "MultiPoint") => Some(true),
        Some("Polygon" | "MultiPolygon") => Some(false),
        Some(_) => None,
        None => match layer.role {
            Role::Facilities | Role::BusStops | Role::Enterprises | Role::Projects => Some(true),
            Role::Parcels => Some(false),
            _ => None,
        },
    }
}

impl App {
    /// The layer new points and parcels go to.
    pub fn edit_layer(&self) -> Option<usize> {
        self.edit_layer
    }

    /// The form for a new feature, while open (for tests).
    pub fn feature_form_mut(&mut self) -> Option<&mut FeatureForm> {
        self.form.as_mut()
    }

    fn focus_feature(&self) -> Option<FeatureRef> {
        let s = self.session.as_ref()?;
        match s.ws.studies.focus {
            Focus::Facility(fi) => s.ws.park.facilities.get(fi as usize).map(|f| f.feature),
            Focus::Route(ri) => s.ws.park.routes.get(ri as usize).map(|r| r.feature),
            _ => None,
        }
    }

    /// After an edit applied (or undone): the selection and the analysis focus follow
    /// their features; a deleted one is let go.
    fn follow(&mut self, edit: &Edit, undone: bool, focus_before: Option<FeatureRef>) {
        self.selection = self.selection.and_then(|f| remap_feature(f, edit, undone));
        let Some(s) = self.session.as_mut() else {
            return;
        };
        if let Some(f) = focus_before {
            let moved = remap_feature(f, edit, undone);
            let new_focus = match (s.ws.studies.focus, moved) {
                (Focus::Facility(_), Some(m)) => {
                    s.ws.park
                        .facilities
                        .iter()
                        .position(|x| x.feature == m)
                        .map(|i| Focus::Facility(i as u32))
                }
                (Focus::Route(_), Some(m)) => {
                    s.ws.park
                        .routes
                        .iter()
                        .position(|x| x.feature == m)
                        .map(|i| Focus::Route(i as u32))
                }
                _ => None,
            };
            match new_focus {
                // The overlay refreshes when the new results arrive.
                Some(f) => s.ws.studies.focus = f,
                None => s.ws.studies.set_focus(Focus::None),
            }
        }
        self.generation += 1;
    }

    pub(super) fn apply_edit(&mut self, ctx: &egui::Context, edit: Edit) {
        let focus = self.focus_feature();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let added = match &edit {
            Edit::Group { edits } => edits.iter().rev().find_map(added_feature),
            e => added_feature(e),
        };
        match s.apply_edit(ctx, edit.clone()) {
            Ok(()) => {
                self.follow(&edit, false, focus);
                if let Some(f) = added {
                    self.selection = Some(f);
                }
            }
            Err(e) => self.notify(e.to_string(), true),
        }
    }

    pub(super) fn undo(&mut self, ctx: &egui::Context) {
        let focus = self.focus_feature();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        match s.undo(ctx) {
            Ok(Some(e)) => {
                self.follow(&e, true, focus);
                self.notify(i18n::fmt_undone(self.lang, &describe(&e, self.lang)), false);
            }
            Ok(None) => {}
            Err(e) => self.notify(e.to_string(), true),
        }
    }

    pub(super) fn redo(&mut self, ctx: &egui::Context) {
        let focus = self.focus_feature();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        match s.redo(ctx) {
            Ok(Some(e)) => {
                self.follow(&e, false, focus);
                self.notify(i18n::fmt_redone(self.lang, &describe(&e, self.lang)), false);
            }
            Ok(None) => {}
            Err(e) => self.notify(e.to_string(), true),
        }
    }

    /// Opens the attribute form for a new feature, when the layer takes that geometry.
    pub(super) fn new_feature(&mut self, layer: usize, geometry: Geometry<f64>) {
        let Some(s) = &self.session else { return };
        let Some(l) = s.ws.park.layers.get(layer) else {
            return;
        };
        let is_point = matches!(geometry, Geometry::Point(_));
        if layer_takes_points(l) != Some(is_point) {
            self.notify(
                i18n::fmt_wrong_geometry(self.lang, &l.name, geometry_type_name(Some(&geometry))),
                true,
            );
            return;
        }
        // The feature to take the route, kind and id pattern from: the selected one in
        // the layer, else the nearest stop of the route in focus, else the nearest one.
        let at = crate::model::representative_point(&geometry)
            .map(|p| s.projected.project(p.x(), p.y()));
        let route = match s.ws.studies.focus {
            Focus::Route(ri) => s.ws.park.routes.get(ri as usize).map(|r| r.name.clone()),
            _ => None,
        };
        let nearest = |only_route: bool| -> Option<usize> {
            let at = at?;
            let pl = s.projected.layers.get(layer)?;
            (0..pl.len())
                .filter(|&i| {
                    !only_route
                        || s.ws.park.stops.iter().any(|st| {
                            st.feature.layer as usize == layer
                                && st.feature.index as usize == i
                                && st.route == route
                        })
                })
                .filter_map(|i| Some((i, pl.feature(i)?.anchor)))
                .min_by(|a, b| {
                    let d = |p: [f64; 2]| (p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2);
                    d(a.1).total_cmp(&d(b.1))
                })
                .map(|(i, _)| i)
        };
        let template = self
            .selection
            .filter(|f| f.layer as usize == layer)
            .map(|f| f.index as usize)
            .or_else(|| route.as_ref().and_then(|_| nearest(true)))
            .or_else(|| nearest(false));
        self.form = FeatureForm::new(&s.ws.park, layer, geometry, template, self.lang);
    }

    /// Shows the new-feature form; OK adds the feature. Call once per frame.
    pub(super) fn form_tick(&mut self, ctx: &egui::Context) {
        let lang = self.lang;
        let (Some(form), Some(s)) = (self.form.as_mut(), self.session.as_ref()) else {
            return;
        };
        match form.show(ctx, lang, &s.ws.park) {
            Some(true) => {
                let index = s.ws.park.layers.get(form.layer).map_or(0, |l| l.len());
                form.name_if_empty(&s.ws.park);
                let edit = form.edit(&s.ws.park, index);
                let named = form.auto_named.take();
                self.form = None;
                self.cmds.push(Command::Edit(edit));
                if let Some(name) = named {
                    let text = i18n::fmt_auto_named(lang, &name);
                    self.notify(text, false);
                }
            }
            Some(false) => self.form = None,
            None => {}
        }
    }

    /// Picks a sensible edit layer when none is set: the selected feature's layer, else
    /// the first stop layer, else the first point layer.
    pub(super) fn ensure_edit_layer(&mut self) {
        let Some(s) = &self.session else {
            self.edit_layer = None;
            return;
        };
        if self.edit_layer.is_some_and(|l| l < s.ws.park.layers.len()) {
            return;
        }
        self.edit_layer = self
            .selection
            .map(|f| f.layer as usize)
            .or_else(|| {
                s.ws.park
                    .layers
                    .iter()
                    .position(|l| l.role == Role::BusStops)
            })
            .or_else(|| {
                s.ws.park
                    .layers
                    .iter()
                    .position(|l| layer_takes_points(l) == Some(true))
            });
    }

    /// Chooses the edit layer to suit a tool (points for add-point, polygons for
    /// draw-parcel) when the current one does not take that geometry.
    pub(super) fn edit_layer_for_tool(&mut self, tool: Tool) {
        self.ensure_edit_layer();
        let want = match tool {
            Tool::AddPoint => Some(true),
            Tool::DrawPolygon => Some(false),
            _ => return,
        };
        let Some(s) = &self.session else { return };
        let fits = |li: usize| s.ws.park.layers.get(li).map(layer_takes_points) == Some(want);
        if self.edit_layer.is_some_and(fits) {
            return;
        }
        let prefer = if want == Some(false) {
            Role::Parcels
        } else {
            Role::BusStops
        };
        self.edit_layer =
            s.ws.park
                .layers
                .iter()
                .position(|l| l.role == prefer)
                .filter(|&i| fits(i))
                .or_else(|| (0..s.ws.park.layers.len()).find(|&i| fits(i)))
                .or(self.edit_layer);
    }

    /// The Edit menu.
    pub(super) fn edit_menu(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        let ctx = ui.ctx().clone();
        let (can_undo, can_redo) = self.session.as_ref().map_or((false, false), |s| {
            (s.history.can_undo(), s.history.can_redo())
        });
        ui.menu_button(Msg::MenuEdit.text(lang), |ui| {
            if ui
                .add_enabled(
                    can_undo,
                    egui::Button::new(Msg::Undo.text(lang))
                        .shortcut_text(ctx.format_shortcut(&SHORTCUT_UNDO)),
                )
                .clicked()
            {
                cmds.push(Command::Undo);
            }
            if ui
                .add_enabled(
                    can_redo,
                    egui::Button::new(Msg::Redo.text(lang))
                        .shortcut_text(ctx.format_shortcut(&SHORTCUT_REDO)),
                )
                .clicked()
            {
                cmds.push(Command::Redo);
            }
            ui.separator();
            if ui
                .add_enabled(
                    self.selection.is_some(),
                    egui::Button::new(Msg::DeleteSelected.text(lang)).shortcut_text("Delete"),
                )
                .clicked()
            {
                cmds.push(Command::DeleteSelected);
            }
            ui.separator();
            for (t, m) in edit_tools() {
                if ui
                    .add(egui::Button::selectable(self.map.tool == t, m.text(lang)))
                    .clicked()
                {
                    cmds.push(Command::SetTool(t));
                    ui.close();
                }
            }
        });
    }

    /// The editing part of the tool bar: tools, the edit layer, undo and redo.
    pub(super) fn edit_tool_bar(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        let lang = self.lang;
        for (t, m) in edit_tools() {
            if ui
                .add(egui::Button::selectable(self.map.tool == t, m.text(lang)))
                .on_hover_text(match t {
                    Tool::Edit => Msg::ToolEditHint.text(lang),
                    Tool::AddPoint => Msg::ToolAddPointHint.text(lang),
                    _ => Msg::DrawHint.text(lang),
                })
                .clicked()
            {
                cmds.push(Command::SetTool(t));
            }
        }
        if let Some(s) = &self.session
            && matches!(
                self.map.tool,
                Tool::Edit | Tool::AddPoint | Tool::DrawPolygon
            )
        {
            let current = self
                .edit_layer
                .and_then(|l| s.ws.park.layers.get(l))
                .map(|l| l.name.clone())
                .unwrap_or_default();
            egui::ComboBox::from_id_salt("edit-layer")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for li in s.list_order() {
                        let Some(l) = s.ws.park.layers.get(li) else {
                            continue;
                        };
                        if ui
                            .selectable_label(self.edit_layer == Some(li), &l.name)
                            .clicked()
                        {
                            cmds.push(Command::SetEditLayer(li));
                        }
                    }
                })
                .response
                .on_hover_text(Msg::EditLayer.text(lang))
                .accessible_name(Msg::EditLayer.text(lang));
        }
        let (can_undo, can_redo) = self.session.as_ref().map_or((false, false), |s| {
            (s.history.can_undo(), s.history.can_redo())
        });
        let ctx = ui.ctx().clone();
        if ui
            .add_enabled(can_undo, egui::Button::new(Msg::Undo.text(lang)))
            .on_hover_text(ctx.format_shortcut(&SHORTCUT_UNDO))
            .clicked()
        {
            cmds.push(Command::Undo);
        }
        if ui
            .add_enabled(can_redo, egui::Button::new(Msg::Redo.text(lang)))
            .on_hover_text(ctx.format_shortcut(&SHORTCUT_REDO))
            .clicked()
        {
            cmds.push(Command::Redo);
        }
    }

    /// Asks before deleting the selected feature.
    pub(super) fn ask_delete(&mut self) {
        if let Some(f) = self.selection
            && self.session.is_some()
        {
            self.modal = Some(Modal::Delete(f));
        }
    }
}

/// The feature an edit adds.
fn added_feature(e: &Edit) -> Option<FeatureRef> {
    match e {
        Edit::AddFeature { layer, index, .. } => Some(FeatureRef {
            layer: *layer as u32,
            index: *index as u32,
        }),
        _ => None,
    }
}

/// A short description of an edit for the status bar (a group is named by the feature
/// it adds, else by its first edit).
fn describe(e: &Edit, lang: crate::model::Lang) -> String {
    match e {
        Edit::SetGeometry { .. } => Msg::EditGeometry.text(lang).to_string(),
        Edit::SetAttribute { .. } => Msg::EditAttribute.text(lang).to_string(),
        Edit::AddFeature { .. } => Msg::EditAdd.text(lang).to_string(),
        Edit::DeleteFeature { .. } => Msg::EditDelete.text(lang).to_string(),
        Edit::Group { edits } => edits
            .iter()
            .find(|e| matches!(e, Edit::AddFeature { .. }))
            .or(edits.first())
            .map_or_else(String::new, |e| describe(e, lang)),
    }
}
