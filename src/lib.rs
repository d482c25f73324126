//! ParkPlan: a desktop GIS for the planners of an industrial park.
//!
//! Data flows one way, and the modules follow it:
//! [`import`] (files → layers, with a report of every problem) → [`model`] (the park:
//! parcels, projects, enterprises, facilities, bus routes and stops, roads) →
//! [`spatial`] (packed k-d and R*-tree indexes in planar metres) → [`analysis`]
//! (coverage, catchments, land statistics) → [`render`] (a scene of shapes and labels)
//! → [`export`] (PDF, SVG, PNG) and `ui` (the egui desktop, behind the `gui` feature).
//!
//! Between the library and its two faces (`parkplan-cli` and the desktop) sits
//! [`workspace`]: one open park with its settings resolved once, its index, studies and
//! results.
//!
//! [`report`] owns turning analysis results into tables, text, CSV files and the JSON
//! report, once for both the command line and the desktop. It must not compute
//! (figures come from [`analysis`]) nor touch the GUI; it writes files only through
//! [`save::csv`].
//!
//! [`db`] (feature `db`, on by default) keeps a park in a shared PostgreSQL/PostGIS
//! database for several planners at once.
//!
//! Everything but `ui` compiles and runs without a GUI, so the command line, the tests
//! and the benchmarks run headless.

pub mod analysis;
pub mod crs;
#[cfg(feature = "db")]
pub mod db;
pub mod export;
pub mod gcj02;
pub mod import;
pub mod model;
pub mod network;
pub mod project;
pub mod render;
pub mod report;
pub mod save;
pub mod spatial;
pub mod workspace;

#[cfg(feature = "gui")]
pub mod ui;
