//! What to read: a [`LayerJob`] (a file) with its [`LayerOptions`] (name, role, field
//! mapping, CRS, GCJ-02 correction), whatever set them (a manifest, the intake dialog,
//! a project).
//!
//! Plain data: import reads a list of jobs and never asks where the choices came from
//! (projects turn themselves into jobs in the `project` module).

use std::path::PathBuf;

use crate::crs::{Crs, DatumShift};
use crate::model::{FieldMap, GeomFamily, Role};

/// Settings for reading one layer; whatever is set overrides the guess.
#[derive(Debug, Clone, Default)]
pub struct LayerOptions {
    /// The layer name to show.
    pub name: Option<String>,
    /// The role (from a manifest or the intake dialog).
    pub role: Option<Role>,
    /// Why that role was set ("manifest", "chosen by the user").
    pub role_reason: Option<String>,
    /// The field mapping. A field mapped to an empty column name is left unmapped (no
    /// guess fills it).
    pub fields: Option<FieldMap>,
    /// The CRS to read the coordinates in.
    pub crs: Option<Crs>,
    /// The lon/lat were digitised on a GCJ-02 map (Gaode/AMap, Tencent): correct them
    /// to WGS84.
    pub gcj02: bool,
    /// For a file holding several layers (a GeoPackage): the table to read; `None`
    /// reads the first feature table.
    pub table: Option<String>,
    /// The survey's shift from an older datum (Xi'an 1980, Beijing 1954) to CGCS2000.
    pub datum_shift: Option<DatumShift>,
    /// Read only this part of a file holding several kinds of geometry (its lines,
    /// points or polygons).
    pub part: Option<GeomFamily>,
}

/// One thing to read: a file and the options for it.
#[derive(Debug, Clone)]
pub struct LayerJob {
    /// The file.
    pub path: PathBuf,
    /// How to read it.
    pub options: LayerOptions,
}
