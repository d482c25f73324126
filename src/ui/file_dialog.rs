//! File dialogs that always open. The system's dialog (rfd: the Windows and macOS
//! dialogs, the xdg desktop portal on Linux) runs on its own thread where it can work;
//! where it cannot — a Linux desktop without a session bus, where rfd returns nothing and
//! says nothing — a built-in dialog (egui_file) opens inside the window instead.
//! Either way the answer arrives on the same channel, so callers do not care which.
//! `PARKPLAN_FILE_DIALOG=builtin` (or `native`) forces the choice.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui;

use super::i18n::Msg;
use crate::model::Lang;

/// What the dialog asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// One or more existing files.
    OpenFiles,
    /// A folder.
    Folder,
    /// A file name to save to (suggested name).
    Save(String),
}

/// Whether the system's file dialog can be shown here.
pub fn native_available() -> bool {
    match std::env::var("PARKPLAN_FILE_DIALOG").as_deref() {
        Ok("builtin") => return false,
        Ok("native") => return true,
        _ => {}
    }
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    // The xdg desktop portal answers on the session bus; without one rfd shows nothing.
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// Hands the chosen paths (`None`: cancelled) to whoever asked.
type Answer = Box<dyn FnOnce(Option<Vec<PathBuf>>) + Send>;

/// The built-in dialog, shown inside the window until answered.
pub struct BuiltInDialog {
    dialog: egui_file::FileDialog,
    answer: Option<Answer>,
}

impl std::fmt::Debug for BuiltInDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuiltInDialog")
    }
}

impl BuiltInDialog {
    fn new(kind: &Kind, dir: Option<PathBuf>, lang: Lang, answer: Answer) -> BuiltInDialog {
        let mut d = match kind {
            Kind::OpenFiles => egui_file::FileDialog::open_file().multi_select(true),
            Kind::Folder => egui_file::FileDialog::select_folder(),
            Kind::Save(name) => egui_file::FileDialog::save_file().default_filename(name),
        };
        if let Some(dir) = dir {
            d = d.initial_path(dir);
        }
        let mut d = d
            .title(match kind {
                Kind::OpenFiles => Msg::Open.text(lang),
                Kind::Folder => Msg::ChooseFolder.text(lang),
                Kind::Save(_) => Msg::SaveButton.text(lang),
            })
            .open_button_text(
                Msg::Open
                    .text(lang)
                    .trim_end_matches('…')
                    .to_string()
                    .into(),
            )
            .save_button_text(Msg::SaveButton.text(lang).to_string().into())
            .cancel_button_text(Msg::Cancel.text(lang).to_string().into());
        d.open();
        BuiltInDialog {
            dialog: d,
            answer: Some(answer),
        }
    }

    /// Shows the dialog; returns whether it is still open (answered or closed: false).
    pub fn show(&mut self, ctx: &egui::Context) -> bool {
        self.dialog.show(ctx);
        let picked = if self.dialog.selected() {
            let mut paths: Vec<PathBuf> = self
                .dialog
                .selection()
                .into_iter()
                .map(PathBuf::from)
                .collect();
            if paths.is_empty()
                && let Some(p) = self.dialog.path()
            {
                paths.push(p.to_path_buf());
            }
            Some(Some(paths).filter(|p| !p.is_empty()))
        } else if self.dialog.visible() {
            None
        } else {
            Some(None)
        };
        match picked {
            None => true,
            Some(answer) => {
                if let Some(send) = self.answer.take() {
                    send(answer);
                }
                false
            }
        }
    }
}

/// A file-type filter of the system's dialog: its name and extensions.
pub type Filter = (String, Vec<&'static str>);

/// The system's dialog for `kind`, run here (on the caller's thread): the paths chosen.
fn native(kind: &Kind, dir: Option<PathBuf>, filters: &[Filter]) -> Option<Vec<PathBuf>> {
    let mut d = rfd::FileDialog::new();
    if let Some(dir) = dir {
        d = d.set_directory(dir);
    }
    for (name, exts) in filters {
        d = d.add_filter(name, exts);
    }
    match kind {
        Kind::OpenFiles => d.pick_files(),
        Kind::Folder => d.pick_folder().map(|p| vec![p]),
        Kind::Save(name) => d.set_file_name(name).save_file().map(|p| vec![p]),
    }
}

/// Asks for paths of `kind`, starting in `dir`: the system's dialog (on its own thread)
/// where it can be shown and the user does not `prefer_builtin`, else the built-in one
/// (returned: show it each frame). Either way the paths chosen, turned into a `T` by
/// `then`, arrive on the receiver (`None`: cancelled).
pub fn ask<T: Send + 'static>(
    kind: Kind,
    dir: Option<PathBuf>,
    filters: Vec<Filter>,
    lang: Lang,
    prefer_builtin: bool,
    then: impl FnOnce(Vec<PathBuf>) -> Option<T> + Send + 'static,
) -> (Receiver<Option<T>>, Option<BuiltInDialog>) {
    let (tx, rx): (Sender<Option<T>>, Receiver<Option<T>>) = channel();
    if !prefer_builtin && native_available() {
        let (tx2, kind2, dir2) = (tx.clone(), kind.clone(), dir.clone());
        // The conversion runs on whichever side answers; it is handed over once.
        let then = std::sync::Arc::new(std::sync::Mutex::new(Some(then)));
        let then2 = then.clone();
        let spawned = std::thread::Builder::new()
            .name("parkplan-dialog".into())
            .spawn(move || {
                let picked = native(&kind2, dir2, &filters);
                let f = then2.lock().ok().and_then(|mut f| f.take());
                let _ = tx2.send(picked.and_then(|p| f.and_then(|f| f(p))));
            });
        if spawned.is_ok() {
            return (rx, None);
        }
        let Some(then) = then.lock().ok().and_then(|mut f| f.take()) else {
            return (rx, None);
        };
        return builtin(kind, dir, lang, tx, rx, then);
    }
    builtin(kind, dir, lang, tx, rx, then)
}

/// The built-in dialog answering on `tx`.
fn builtin<T: Send + 'static>(
    kind: Kind,
    dir: Option<PathBuf>,
    lang: Lang,
    tx: Sender<Option<T>>,
    rx: Receiver<Option<T>>,
    then: impl FnOnce(Vec<PathBuf>) -> Option<T> + Send + 'static,
) -> (Receiver<Option<T>>, Option<BuiltInDialog>) {
    let answer = Box::new(move |paths: Option<Vec<PathBuf>>| {
        let _ = tx.send(paths.and_then(then));
    });
    (rx, Some(BuiltInDialog::new(&kind, dir, lang, answer)))
}
