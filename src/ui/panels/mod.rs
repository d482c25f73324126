//! The side and bottom panels. Each panel owns its small state, reads the session and
//! pushes [`crate::ui::command::Command`]s; none touches another panel's state.

pub mod analysis;
pub mod inspector;
pub mod layers;
pub mod projects;
pub mod report;
pub mod search;
pub mod siting;
pub mod table;

pub use analysis::AnalysisPanel;
pub use inspector::InspectorPanel;
pub use layers::LayersPanel;
pub use projects::ProjectsPanel;
pub use report::ReportPanel;
pub use search::SearchPanel;
pub use siting::SitingPanel;
pub use table::TablePanel;
