//! The app's team-database work (issue #17): opening a park from PostGIS, saving edits
//! there (Ctrl+S) with the conflict dialog, pulling others' changes (刷新), the change
//! log, and the read-only map of a viewer. The dialogs are `crate::ui::teamdb`'s; the
//! saving and checking is `crate::db`'s.

use std::sync::Arc;

use eframe::egui;

use super::App;
use super::files::Then;
use crate::db::Resolutions;
use crate::ui::i18n::{self, Msg};
use crate::ui::loader::LoadWhat;
use crate::ui::teamdb::{self, ConflictAction, OpenDbAnswer, OpenDbDialog};

impl App {
    /// 文件 ▸ 打开数据库…: shows the dialog.
    pub(super) fn open_database_dialog(&mut self) {
        if self.open_db.is_none() {
            self.open_db = Some(OpenDbDialog::default());
        }
    }

    /// Whether the open park came from the team database.
    pub fn is_team_park(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.team.is_some())
    }

    /// Why the open park may not be edited (a viewer's read-only map), if so.
    pub fn team_read_only(&self) -> Option<&str> {
        self.session
            .as_ref()
            .and_then(|s| s.team.as_ref())
            .and_then(|t| t.park.read_only.as_deref())
    }

    /// Ctrl+S on a park from the team database: one transaction; conflicts open the
    /// conflict dialog and nothing is written until they are settled.
    pub(super) fn db_save(&mut self, ctx: &egui::Context, resolutions: &Resolutions) {
        let lang = self.lang;
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let Some(team) = s.team.as_mut() else {
            return;
        };
        let park = Arc::make_mut(&mut s.ws.park);
        let result = team.save(park, resolutions);
        let layers: Vec<usize> = (0..park.layers.len()).collect();
        match result {
            Ok(written) if team.conflicts.is_empty() => {
                s.history.mark_saved();
                s.park_changed(ctx, &layers);
                self.notify(i18n::fmt_db_saved(lang, written), false);
                if let Some(t) = self.after_save.take() {
                    self.proceed(t);
                }
            }
            Ok(_) => {}
            Err(e) => self.notify(i18n::fmt_db_error(lang, &e.to_string()), true),
        }
    }

    /// 刷新: brings in others' saved changes; the planner's unsaved edits stay.
    pub(super) fn db_pull(&mut self, ctx: &egui::Context) {
        let lang = self.lang;
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let Some(team) = s.team.as_mut() else {
            return;
        };
        let park = Arc::make_mut(&mut s.ws.park);
        let result = team.pull(park);
        let layers: Vec<usize> = (0..park.layers.len()).collect();
        match result {
            Ok(o) => {
                if o.updated + o.added + o.removed > 0 {
                    // Rows moved: the undo history's feature indices no longer hold.
                    let dirty = s.history.is_dirty();
                    s.history = crate::model::History::new();
                    if dirty {
                        self.project.changed = true;
                    }
                    s.park_changed(ctx, &layers);
                    self.selection = None;
                }
                self.notify(
                    i18n::fmt_db_pulled(lang, o.updated, o.added, o.removed, o.kept_local),
                    false,
                );
            }
            Err(e) => self.notify(i18n::fmt_db_error(lang, &e.to_string()), true),
        }
    }

    /// Opens (or reloads) the change-log window.
    pub(super) fn db_log(&mut self) {
        let lang = self.lang;
        let Some(team) = self.session.as_mut().and_then(|s| s.team.as_mut()) else {
            return;
        };
        if let Err(e) = team.load_log() {
            self.notify(i18n::fmt_db_error(lang, &e.to_string()), true);
        }
    }

    /// The team-database windows: open dialog, conflicts, change log.
    pub(super) fn team_windows(&mut self, ctx: &egui::Context) {
        let lang = self.lang;
        if let Some(d) = self.open_db.as_mut() {
            match d.show(ctx, lang) {
                Some(OpenDbAnswer::Open(url)) => {
                    self.open_db = None;
                    self.guard(Then::Load(LoadWhat::Database(url), Vec::new()));
                }
                Some(OpenDbAnswer::Cancel) => self.open_db = None,
                None => {}
            }
        }
        let Some(team) = self.session.as_mut().and_then(|s| s.team.as_mut()) else {
            return;
        };
        match teamdb::conflict_window(ctx, lang, team) {
            Some(ConflictAction::Cancel) => {
                team.conflicts.clear();
                team.choices.clear();
            }
            Some(action) => {
                let res = team.resolutions(action);
                self.db_save(ctx, &res);
            }
            None => {}
        }
        let Some(team) = self.session.as_mut().and_then(|s| s.team.as_mut()) else {
            return;
        };
        if teamdb::log_window(ctx, lang, team) {
            self.db_log();
        }
    }

    /// The File menu's team-database entries.
    pub(super) fn team_menu(
        &mut self,
        ui: &mut egui::Ui,
        cmds: &mut Vec<crate::ui::command::Command>,
    ) {
        use crate::ui::command::Command;
        let lang = self.lang;
        if ui.button(Msg::OpenDatabase.text(lang)).clicked() {
            cmds.push(Command::OpenDatabaseDialog);
        }
        if self.is_team_park() {
            if ui
                .add_enabled(
                    self.team_read_only().is_none(),
                    egui::Button::new(Msg::DbSave.text(lang)),
                )
                .clicked()
            {
                cmds.push(Command::SaveProject);
            }
            if ui.button(Msg::DbPull.text(lang)).clicked() {
                cmds.push(Command::DbPull);
            }
            if ui.button(Msg::DbLog.text(lang)).clicked() {
                cmds.push(Command::DbLog);
            }
        }
    }
}
