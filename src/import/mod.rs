//! Import: files → layers → a [`Park`](crate::model::Park), with an [`ImportReport`] of
//! every problem.
//!
//! The flow for each file: bytes → text ([`text`]: UTF-8 with or without BOM, UTF-16,
//! GB18030) → document structure ([`json`]: features kept raw) → CRS decision
//! ([`crate::crs`]: the `crs` member wherever it stands, else a guess from coordinate
//! sizes, with axis-swap detection) → features parsed in parallel, geometry checked,
//! repaired and converted to lon/lat ([`geometry`]) → role and field mapping
//! ([`roles`], [`fields`], or a [`manifest`]) → a [`Layer`](crate::model::Layer).
//!
//! Bad data never aborts a load: a bad feature is skipped and reported, a bad file is
//! reported and the others load. Only cancellation stops a load. No GUI here.
//!
//! Import reads a plain list of [`LayerJob`]s (a file and its [`LayerOptions`]) and
//! knows nothing about planning projects: `project::open` is the one way in
//! that turns paths, folders, manifests and `.parkplan` files into jobs and loads them.
//!
//! The files, by job:
//! - `job.rs`: [`LayerJob`], [`LayerOptions`] — what to read;
//! - `plan.rs`: [`plan()`] — files, folders and manifests → jobs;
//! - `load.rs`: [`load_jobs`], [`Loaded`] — jobs → one park, with the report;
//! - `read.rs`: [`read_layer_file`], [`read_layer_bytes`] — one file, whole document;
//! - `stream.rs`: [`read_layer_streaming`] — one file, streamed in blocks;
//! - `foreign.rs`: the seam where other formats join: `shp.rs` (Shapefile), `gpkg.rs`
//!   (GeoPackage), `landtxt.rs` (the land-approval coordinate TXT), `gtfs.rs` (a GTFS
//!   feed: routes and stops), `prj.rs` (WKT → CRS);
//! - `decide_crs.rs`: the CRS decision and projector, shared by both reads;
//! - `features.rs`: per-feature processing, in parallel chunks;
//! - `split.rs`: a file holding several kinds of geometry → one layer per kind;
//! - `progress.rs`: [`Progress`]; `error.rs`: [`ImportError`].

pub mod fields;
pub mod geometry;
pub mod issue;
pub mod json;
pub mod manifest;
pub mod report;
pub mod roles;
pub mod split;
pub mod summary;
pub mod text;

mod decide_crs;
mod error;
mod features;
mod finish;
mod foreign;
pub mod gpkg;
pub mod gtfs;
mod job;
mod json_fast;
mod landtxt;
mod load;
mod plan;
mod prj;
mod progress;
mod read;
mod shp;
mod stream;

pub use error::ImportError;
pub use foreign::READ_EXTENSIONS;
pub use issue::{AreaUnit, Dropped, GeomIssue, GeomKind, Step};
pub use job::{LayerJob, LayerOptions};
pub use load::{Loaded, build_records, declared_area_problems, load_jobs, load_jobs_layers_only};
pub use manifest::{Manifest, ManifestError};
pub use plan::plan;
pub use progress::Progress;
pub use read::{read_layer_bytes, read_layer_bytes_with, read_layer_file, read_layer_file_with};
pub use report::{ImportReport, Issue, Problem, Severity};
pub use stream::read_layer_streaming;
