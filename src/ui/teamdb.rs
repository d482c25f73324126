//! The desktop's face of the team database (issue #17): the 文件 ▸ 打开数据库… dialog,
//! the connection kept for a park opened from PostGIS, the conflict dialog (mine and
//! theirs side by side per attribute: keep mine, take theirs, or merge) and the change
//! log window. Saving, pulling and the conflict check are `crate::db`'s; this module
//! only shows them and sends the planner's choice back.

use std::collections::BTreeSet;

use eframe::egui::{self, RichText};

use super::i18n::Msg;
use crate::db::{self, ChangeEntry, Conflict, DbError, DbPark, DbUrl, Resolution, Resolutions};
use crate::model::{Lang, Park};

/// A park opened from the team database, with its connection.
pub struct TeamDb {
    /// What was loaded, and from where.
    pub park: DbPark,
    client: Option<postgres::Client>,
    /// Conflicts of the last save, shown in the conflict dialog until settled.
    pub conflicts: Vec<Conflict>,
    /// Per conflict: the attributes (and geometry) ticked to come from theirs.
    pub choices: Vec<(BTreeSet<String>, bool)>,
    /// The change log, while its window is open.
    pub log: Option<Vec<ChangeEntry>>,
}

impl std::fmt::Debug for TeamDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamDb")
            .field("park", &self.park.park)
            .field("conflicts", &self.conflicts.len())
            .finish_non_exhaustive()
    }
}

/// What the planner chose in the conflict dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictAction {
    /// Write mine over theirs.
    KeepMine,
    /// Take theirs.
    TakeTheirs,
    /// Mine with the ticked attributes from theirs.
    Merge,
    /// Decide later (nothing written).
    Cancel,
}

impl TeamDb {
    /// A park just opened (the connection is made on first use).
    pub fn new(park: DbPark) -> TeamDb {
        TeamDb {
            park,
            client: None,
            conflicts: Vec::new(),
            choices: Vec::new(),
            log: None,
        }
    }

    fn client(&mut self) -> Result<&mut postgres::Client, DbError> {
        if self.client.as_ref().is_none_or(postgres::Client::is_closed) {
            self.client = Some(db::connect(&self.park.url)?);
        }
        self.client.as_mut().ok_or(DbError::NotInitialised)
    }

    /// Saves the park's changes with the resolutions given; conflicts without one are
    /// kept for the dialog. A failed connection is dropped (made anew next time).
    pub fn save(&mut self, park: &mut Park, resolutions: &Resolutions) -> Result<usize, DbError> {
        self.client()?;
        let client = self.client.as_mut().ok_or(DbError::NotInitialised)?;
        let result = db::save_edits(client, &mut self.park, park, resolutions);
        match result {
            Ok(out) => {
                self.choices = out
                    .conflicts
                    .iter()
                    .map(|_| (BTreeSet::new(), false))
                    .collect();
                self.conflicts = out.conflicts;
                Ok(out.written)
            }
            Err(e) => {
                self.client = None;
                Err(e)
            }
        }
    }

    /// Pulls others' changes (刷新).
    pub fn pull(&mut self, park: &mut Park) -> Result<db::PullOutcome, DbError> {
        self.client()?;
        let client = self.client.as_mut().ok_or(DbError::NotInitialised)?;
        let r = db::pull(client, &mut self.park, park);
        if r.is_err() {
            self.client = None;
        }
        r
    }

    /// Reads the change log (newest 200 entries) for its window.
    pub fn load_log(&mut self) -> Result<(), DbError> {
        let name = self.park.park.clone();
        let client = self.client()?;
        self.log = Some(db::change_log(client, &name, 200)?);
        Ok(())
    }

    /// The resolutions for every conflict shown, after the planner's choice.
    pub fn resolutions(&self, action: ConflictAction) -> Resolutions {
        let mut out = Resolutions::new();
        for (k, (keys, geom)) in self.conflicts.iter().zip(&self.choices) {
            let r = match action {
                ConflictAction::KeepMine => Resolution::KeepMine,
                ConflictAction::TakeTheirs => Resolution::TakeTheirs,
                ConflictAction::Merge => Resolution::Merge {
                    theirs_keys: keys.clone(),
                    theirs_geometry: *geom,
                },
                ConflictAction::Cancel => continue,
            };
            out.insert((k.layer, k.fid), (r, k.their_version));
        }
        out
    }
}

/// The 文件 ▸ 打开数据库… dialog's fields.
#[derive(Debug, Clone, Default)]
pub struct OpenDbDialog {
    /// `postgres://user@host/database` (a `?park=` in it is taken too).
    pub url: String,
    /// The park's name.
    pub park: String,
    /// A password for this session only.
    pub password: String,
    /// Why the last try failed.
    pub error: Option<String>,
}

/// What the open-database dialog asks for.
#[derive(Debug)]
pub enum OpenDbAnswer {
    /// Open this.
    Open(DbUrl),
    /// Closed.
    Cancel,
}

impl OpenDbDialog {
    /// Shows the dialog; an answer when a button was pressed.
    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Option<OpenDbAnswer> {
        let mut answer = None;
        egui::Window::new(Msg::OpenDatabase.text(lang))
            .collapsible(false)
            .resizable(false)
            .min_width(640.0)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                egui::Grid::new("open-db")
                    .num_columns(2)
                    .min_col_width(120.0)
                    .show(ui, |ui| {
                        ui.label(Msg::DbUrl.text(lang));
                        ui.add(
                            egui::TextEdit::singleline(&mut self.url)
                                .hint_text("postgres://user@host/gis")
                                .desired_width(380.0),
                        );
                        ui.end_row();
                        ui.label(Msg::DbPark.text(lang));
                        ui.add(egui::TextEdit::singleline(&mut self.park).desired_width(380.0));
                        ui.end_row();
                        ui.label(Msg::DbPassword.text(lang));
                        ui.add(
                            egui::TextEdit::singleline(&mut self.password)
                                .password(true)
                                .desired_width(380.0),
                        );
                        ui.end_row();
                    });
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.horizontal(|ui| {
                    if ui.button(Msg::DbOpen.text(lang)).clicked() {
                        match DbUrl::parse(&self.url) {
                            Ok(mut u) => {
                                if !self.park.trim().is_empty() {
                                    u.park = Some(self.park.trim().to_string());
                                }
                                if !self.password.is_empty() {
                                    u.password = Some(self.password.clone());
                                }
                                match u.park_name() {
                                    Ok(_) => answer = Some(OpenDbAnswer::Open(u)),
                                    Err(e) => self.error = Some(e.to_string()),
                                }
                            }
                            Err(e) => self.error = Some(e.to_string()),
                        }
                    }
                    if ui.button(Msg::Cancel.text(lang)).clicked() {
                        answer = Some(OpenDbAnswer::Cancel);
                    }
                });
            });
        answer
    }
}

fn show_value(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "-".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// The conflict dialog: per conflicting feature, its attributes side by side (those
/// that differ in bold, with a tick to take theirs when merging) and the geometry.
pub fn conflict_window(
    ctx: &egui::Context,
    lang: Lang,
    team: &mut TeamDb,
) -> Option<ConflictAction> {
    if team.conflicts.is_empty() {
        return None;
    }
    let mut action = None;
    egui::Window::new(Msg::DbConflictTitle.text(lang))
        .collapsible(false)
        .default_width(640.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(Msg::DbConflictIntro.text(lang));
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for (ci, (k, (keys, geom))) in team
                        .conflicts
                        .iter()
                        .zip(team.choices.iter_mut())
                        .enumerate()
                    {
                        ui.separator();
                        let their = match k.their_version {
                            Some(v) => {
                                format!("{} {} v{v}", Msg::DbTheirs.text(lang), k.their_author)
                            }
                            None => format!(
                                "{} {}",
                                Msg::DbTheirs.text(lang),
                                Msg::DbDeleted.text(lang)
                            ),
                        };
                        ui.strong(format!("{} #{}", k.layer_name, k.fid));
                        egui::Grid::new(("conflict", ci))
                            .striped(true)
                            .num_columns(4)
                            .show(ui, |ui| {
                                ui.strong(Msg::DbAttribute.text(lang));
                                ui.strong(if k.mine.is_some() {
                                    Msg::DbMine.text(lang).to_string()
                                } else {
                                    format!(
                                        "{} {}",
                                        Msg::DbMine.text(lang),
                                        Msg::DbDeleted.text(lang)
                                    )
                                });
                                ui.strong(their);
                                ui.strong(Msg::DbUseTheirs.text(lang));
                                ui.end_row();
                                for (name, mine, theirs) in k.attributes() {
                                    let differs = mine != theirs;
                                    let text = |v: &Option<serde_json::Value>| {
                                        let t = RichText::new(show_value(v));
                                        if differs { t.strong() } else { t }
                                    };
                                    ui.label(text(&Some(serde_json::Value::String(name.clone()))));
                                    ui.label(text(&mine));
                                    ui.label(text(&theirs));
                                    if differs {
                                        let mut on = keys.contains(&name);
                                        if ui
                                            .checkbox(&mut on, Msg::DbUseTheirs.text(lang))
                                            .changed()
                                        {
                                            if on {
                                                keys.insert(name.clone());
                                            } else {
                                                keys.remove(&name);
                                            }
                                        }
                                    } else {
                                        ui.label("");
                                    }
                                    ui.end_row();
                                }
                                if k.geometry_differs() {
                                    ui.strong(Msg::DbGeometry.text(lang));
                                    ui.label("*");
                                    ui.label("*");
                                    ui.checkbox(geom, Msg::DbUseTheirs.text(lang));
                                    ui.end_row();
                                }
                            });
                    }
                });
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button(Msg::DbKeepMine.text(lang)).clicked() {
                    action = Some(ConflictAction::KeepMine);
                }
                if ui.button(Msg::DbTakeTheirs.text(lang)).clicked() {
                    action = Some(ConflictAction::TakeTheirs);
                }
                if ui.button(Msg::DbMerge.text(lang)).clicked() {
                    action = Some(ConflictAction::Merge);
                }
                if ui.button(Msg::Cancel.text(lang)).clicked() {
                    action = Some(ConflictAction::Cancel);
                }
            });
        });
    action
}

/// The change-log window (newest first); `true` when the planner asked to reload it.
pub fn log_window(ctx: &egui::Context, lang: Lang, team: &mut TeamDb) -> bool {
    let Some(log) = &team.log else {
        return false;
    };
    let mut open = true;
    let mut reload = false;
    egui::Window::new(Msg::DbLog.text(lang).trim_end_matches('…'))
        .open(&mut open)
        .default_width(720.0)
        .show(ctx, |ui| {
            if ui.button(Msg::DbReload.text(lang)).clicked() {
                reload = true;
            }
            egui::ScrollArea::vertical()
                .max_height(480.0)
                .show(ui, |ui| {
                    for e in log {
                        ui.monospace(db::describe_change(e));
                    }
                });
        });
    if !open {
        team.log = None;
    }
    reload
}
