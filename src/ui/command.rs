//! Commands: what panels ask the app to do.
//!
//! Panels read the session and their own state and push [`Command`]s; the app applies
//! them once, at the end of the frame (`App::apply`). No panel changes another panel's
//! state or the session directly. This module only names the requests.

use std::path::PathBuf;

use crate::analysis::AnalysisSettings;
use crate::analysis::ReachChoice;
use crate::model::{Edit, FacilityKind, FeatureRef, Lang, LifecycleStage};
use crate::network::NetworkSettings;
use crate::render::Focus;

/// Which side panel or window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PanelId {
    /// The layer list (left).
    Layers,
    /// The import report (bottom).
    Report,
    /// The attribute table (bottom).
    Table,
    /// The search box (right).
    Search,
    /// The feature inspector (right).
    Inspector,
    /// Service analysis (right).
    Analysis,
    /// Projects and land statistics (right).
    Projects,
    /// Site suggestion, 选址 (right).
    Siting,
    /// The keyboard-shortcut window.
    Shortcuts,
    /// The About window.
    About,
}

/// The map tool in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Tool {
    /// Click identifies, drag pans.
    #[default]
    Identify,
    /// Click to add points of a polyline; shows its geodesic length.
    MeasureDistance,
    /// Click to add points of a polygon; shows its geodesic area.
    MeasureArea,
    /// Drag a rectangle to zoom into it.
    BoxZoom,
    // ---- editing tools (issue #6: projects and editing)
    /// Click selects; drag a selected point to move it; drag a selected polygon's or
    /// line's vertices, drag an edge midpoint to insert one, right-click to delete one.
    Edit,
    /// Click on the map to add a point feature to the edit layer (an attribute form
    /// follows).
    AddPoint,
    /// Click the vertices of a parcel, double-click or Enter to finish, Esc cancels.
    DrawPolygon,
}

/// Per-layer display changes from the layers panel.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerChange {
    /// Show or hide.
    Visible(bool),
    /// Opacity 0–1.
    Opacity(f32),
    /// Labels on or off.
    Labels(bool),
    /// The index of the style choice among the styles the layer offers.
    Style(usize),
    /// Move up (`-1`, drawn later, i.e. on top) or down (`+1`) the list.
    Move(i32),
}

/// A request from a panel, applied once at the end of the frame.
#[must_use = "push the command onto the frame's command list"]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Show the open-file dialog.
    OpenFileDialog,
    /// Show the open-folder dialog.
    OpenFolderDialog,
    /// Load these files or folders (replacing the current park).
    Open(Vec<PathBuf>),
    /// Load the bundled sample map.
    OpenSample,
    /// 文件 ▸ 打开数据库…: the team-database dialog.
    OpenDatabaseDialog,
    /// 刷新: pull others' changes from the team database.
    DbPull,
    /// Show the team database's change log.
    DbLog,
    /// Stop the load in progress.
    CancelLoad,
    /// Forget the recent files.
    ClearRecent,
    /// Open the export dialog.
    Export,
    /// Close the window.
    Quit,
    /// Switch the interface language.
    SetLang(Lang),
    /// Show or hide a panel.
    ShowPanel(PanelId, bool),
    /// Choose the map tool.
    SetTool(Tool),
    /// Zoom to every layer's extent.
    ZoomAll,
    /// Zoom to one layer.
    ZoomLayer(usize),
    /// Zoom to a feature.
    ZoomFeature(FeatureRef),
    /// Centre on a lon/lat position at street scale.
    ZoomLonLat([f64; 2]),
    /// Zoom by a factor (> 1 zooms in) around the map centre.
    ZoomBy(f64),
    /// Select a feature (or clear the selection with `None`).
    Select(Option<FeatureRef>),
    /// Select a feature and zoom to it.
    SelectAndZoom(FeatureRef),
    /// Select a feature and zoom to show it with another (an uncovered enterprise with
    /// its nearest facility).
    SelectAndShowWith(FeatureRef, FeatureRef),
    /// Change how a layer is drawn.
    Layer(usize, LayerChange),
    /// Open the attribute table on a layer.
    OpenTable(usize),
    /// Esc: clear the selection and leave the current tool.
    Escape,
    /// Zoom to show a feature and `radius` metres around it.
    ZoomAround(FeatureRef, f64),
    /// What the analysis panel looks at (drawn on the map).
    Focus(Focus),
    /// New service radii / catchment (results recompute).
    SetAnalysis(AnalysisSettings),
    /// Show or hide projects of a lifecycle stage (`None`: projects without a stage).
    ShowStage(Option<LifecycleStage>, bool),
    /// Show the park as of a day (`None`: as the data is).
    SetAsOf(Option<crate::model::date::Date>),
    /// Write the weekly dispatch report (周调度) to a file chosen in a dialog.
    ExportDispatch,
    /// Write the weekly dispatch report to this file (.pdf, .csv or .json).
    ExportDispatchTo(PathBuf),

    // ---- planning projects, survey intake, editing, write-back (issue #6)
    /// Start a new, empty project (asks about unsaved changes first).
    NewProject,
    /// Save the project (Save As when it has no file yet).
    SaveProject,
    /// Choose a file and save the project there.
    SaveProjectAs,
    /// Save the project to this file (what Save As does once a file is chosen).
    SaveProjectTo(PathBuf),
    /// Open a `.parkplan` project (asks about unsaved changes first).
    OpenProject(PathBuf),
    /// Forget the recent projects.
    ClearRecentProjects,
    /// Apply an edit (recorded for undo).
    Edit(Edit),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Delete the selected feature (asks first).
    DeleteSelected,
    /// Open the attribute form for a new feature with this geometry in a layer.
    NewFeature(usize, geo::Geometry<f64>),
    /// The layer new points and parcels go to.
    SetEditLayer(usize),
    /// Choose a file and save a layer as GeoJSON, GeoPackage or coordinate TXT.
    SaveLayerAs(usize),
    /// Save a layer to a file in the format its extension names (GeoJSON, `.gpkg`,
    /// `.txt`) (`source_crs`: in the layer's source CRS with
    /// a `crs` member, else RFC 7946). Asks before writing over the layer's source file.
    SaveLayerTo {
        /// The layer.
        layer: usize,
        /// The target file.
        path: PathBuf,
        /// Source CRS instead of RFC 7946 lon/lat.
        source_crs: bool,
    },
    /// Save the selected parcel, or the selected project's parcels, as a land-approval
    /// coordinate TXT (a file chosen in a dialog).
    SaveSelectionTxt,
    /// Write these rows of a parcel layer as a coordinate TXT.
    SaveRowsTxtTo {
        /// The layer.
        layer: usize,
        /// Its rows.
        rows: Vec<usize>,
        /// The target file.
        path: PathBuf,
    },
    /// Choose a folder and export the analysis tables as CSV.
    ExportTables,
    /// Export the analysis tables as CSV into this folder.
    ExportTablesTo(PathBuf),
    /// Choose a file and write every layer of the map into one GeoPackage.
    ExportGpkg,
    /// Write every layer of the map into this GeoPackage (lon/lat, EPSG:4326).
    ExportGpkgTo(PathBuf),
    /// Open the 导出 GTFS dialog.
    ExportGtfs,
    /// Write the routes chosen in the GTFS dialog to this feed zip.
    ExportGtfsTo(PathBuf),

    // ---- Isochrones (issue #7). Keep this block at the end of the enum.
    /// Show a facility kind by its service circle or by its isochrone along roads.
    SetReach(FacilityKind, ReachChoice),
    /// New road-network settings (walking / e-bike speeds, tolerances): the road graph
    /// is rebuilt and the isochrones recompute.
    SetNetwork(NetworkSettings),
    /// The road-network view is open: build the road graph even if no kind shows an
    /// isochrone yet.
    WantNetwork,

    // ---- Site suggestion (issue #15).
    /// Suggest sites (computed on a worker, drawn on the map), or forget the suggestion.
    Suggest(Option<Box<crate::workspace::siting::SuggestRequest>>),
}
