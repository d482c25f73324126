//! What the desktop remembers between runs (through eframe storage): language, recent
//! files, the last view, which panels are open, and per-layer display choices.
//!
//! Only small, plain values live here; the park, the report and every cache are
//! session data and are never persisted. Window size and position are persisted by
//! eframe itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::command::PanelId;
use crate::analysis::AnalysisSettings;
use crate::export::PageSpec;
use crate::model::Lang;

/// How many recent files the File menu keeps.
pub const MAX_RECENT: usize = 10;

/// The storage key under which [`Settings`] is saved.
pub const STORAGE_KEY: &str = "parkplan-settings-v1";

/// The map view when the app was last closed, tied to what was open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    /// The paths that were open (the view only applies to them).
    pub sources: Vec<PathBuf>,
    /// The centre in lon/lat degrees.
    pub center_lon_lat: [f64; 2],
    /// Ground metres per screen point.
    pub meters_per_point: f64,
}

/// How one layer was drawn, remembered by layer name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerPrefs {
    /// Shown or hidden.
    pub visible: bool,
    /// Opacity 0–1.
    pub opacity: f32,
    /// Labels on or off.
    pub labels: bool,
    /// The chosen style's index.
    pub style: usize,
}

/// Which panels are open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PanelsOpen {
    /// Layer list.
    pub layers: bool,
    /// Import report.
    pub report: bool,
    /// Attribute table.
    pub table: bool,
    /// Search.
    pub search: bool,
    /// Inspector.
    pub inspector: bool,
    /// Service analysis.
    pub analysis: bool,
    /// Projects and land.
    pub projects: bool,
    /// Site suggestion (选址).
    pub siting: bool,
    /// Shortcut help window.
    pub shortcuts: bool,
    /// About window.
    pub about: bool,
}

impl Default for PanelsOpen {
    fn default() -> Self {
        PanelsOpen {
            layers: true,
            report: false,
            table: false,
            search: false,
            inspector: true,
            analysis: false,
            projects: false,
            siting: false,
            shortcuts: false,
            about: false,
        }
    }
}

impl PanelsOpen {
    /// Whether a panel is open.
    pub fn get(&self, p: PanelId) -> bool {
        match p {
            PanelId::Layers => self.layers,
            PanelId::Report => self.report,
            PanelId::Table => self.table,
            PanelId::Search => self.search,
            PanelId::Inspector => self.inspector,
            PanelId::Analysis => self.analysis,
            PanelId::Projects => self.projects,
            PanelId::Siting => self.siting,
            PanelId::Shortcuts => self.shortcuts,
            PanelId::About => self.about,
        }
    }

    /// Opens or closes a panel.
    pub fn set(&mut self, p: PanelId, open: bool) {
        let slot = match p {
            PanelId::Layers => &mut self.layers,
            PanelId::Report => &mut self.report,
            PanelId::Table => &mut self.table,
            PanelId::Search => &mut self.search,
            PanelId::Inspector => &mut self.inspector,
            PanelId::Analysis => &mut self.analysis,
            PanelId::Projects => &mut self.projects,
            PanelId::Siting => &mut self.siting,
            PanelId::Shortcuts => &mut self.shortcuts,
            PanelId::About => &mut self.about,
        };
        *slot = open;
    }
}

/// Everything persisted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The interface language the user chose; `None` follows the system locale.
    pub lang: Option<Lang>,
    /// Recently opened paths, newest first.
    pub recent: Vec<PathBuf>,
    /// The last view.
    pub last_view: Option<SavedView>,
    /// Open panels.
    pub panels: PanelsOpen,
    /// Dark interface (the default is light, like QGIS and printed maps).
    pub dark: bool,
    /// Use the built-in file dialog even where the system's could be shown.
    pub builtin_file_dialog: bool,
    /// The tab shown in the right-hand panel.
    pub right_tab: PanelId,
    /// Display choices by layer name.
    pub layers: BTreeMap<String, LayerPrefs>,
    /// Service radii per facility kind, stop catchment and analysis frame.
    pub analysis: AnalysisSettings,
    /// The export dialog's page settings.
    pub export: PageSpec,
    /// The folder the last export went to.
    pub export_dir: Option<PathBuf>,
    /// Recently opened or saved planning projects, newest first.
    pub recent_projects: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: None,
            recent: Vec::new(),
            last_view: None,
            panels: PanelsOpen::default(),
            dark: false,
            builtin_file_dialog: false,
            right_tab: PanelId::Inspector,
            layers: BTreeMap::new(),
            analysis: AnalysisSettings::default(),
            export: PageSpec::default(),
            export_dir: None,
            recent_projects: Vec::new(),
        }
    }
}

impl Settings {
    /// Puts opened paths at the top of the recent list (a set of several paths is
    /// remembered path by path), without duplicates, keeping at most [`MAX_RECENT`].
    pub fn remember(&mut self, paths: &[PathBuf]) {
        for p in paths.iter().rev() {
            let p = absolute(p);
            self.recent.retain(|r| r != &p);
            self.recent.insert(0, p);
        }
        self.recent.truncate(MAX_RECENT);
    }
}

impl Settings {
    /// Puts a project at the top of the recent projects, keeping at most [`MAX_RECENT`].
    pub fn remember_project(&mut self, path: &Path) {
        let p = absolute(path);
        self.recent_projects.retain(|r| r != &p);
        self.recent_projects.insert(0, p);
        self.recent_projects.truncate(MAX_RECENT);
    }
}

/// The path made absolute against the working directory (recent files must still work
/// when the app is started from elsewhere). Falls back to the path as given.
pub fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_list_is_newest_first_without_duplicates() {
        let mut s = Settings::default();
        s.remember(&[PathBuf::from("/a.geojson")]);
        s.remember(&[PathBuf::from("/b.geojson")]);
        s.remember(&[PathBuf::from("/a.geojson")]);
        assert_eq!(
            s.recent,
            vec![PathBuf::from("/a.geojson"), PathBuf::from("/b.geojson")]
        );
        for i in 0..20 {
            s.remember(&[PathBuf::from(format!("/f{i}.geojson"))]);
        }
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], PathBuf::from("/f19.geojson"));
    }

    #[test]
    fn settings_round_trip_and_tolerate_missing_fields() {
        let mut s = Settings {
            lang: Some(Lang::En),
            ..Settings::default()
        };
        s.layers.insert(
            "企业".into(),
            LayerPrefs {
                visible: false,
                opacity: 0.5,
                labels: true,
                style: 1,
            },
        );
        let text = serde_json::to_string(&s).unwrap_or_default();
        let back: Settings = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, s);
        // An older file without the newer fields still loads.
        let old: Settings = serde_json::from_str(r#"{"lang":"Zh"}"#).unwrap_or_default();
        assert_eq!(old.lang, Some(Lang::Zh));
        assert!(old.panels.layers);
    }
}
