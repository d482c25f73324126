//! Import: files → layers → a [`Park`], with an [`ImportReport`] of every problem.
//!
//! The flow for each file: bytes → text ([`text`]: UTF-8 with or without BOM, UTF-16,
//! GB18030) → document structure ([`json`]: features kept raw) → CRS decision
//! ([`crate::crs`]: the `crs` member wherever it stands, else a guess from coordinate
//! sizes, with axis-swap detection) → features parsed in parallel, geometry checked,
//! repaired and converted to lon/lat ([`geometry`]) → role and field mapping
//! ([`roles`], [`fields`], or a [`manifest`]) → a [`Layer`].
//!
//! Bad data never aborts a load: a bad feature is skipped and reported, a bad file is
//! reported and the others load. Only cancellation stops a load. No GUI here.

pub mod fields;
pub mod geometry;
pub mod json;
pub mod manifest;
pub mod report;
pub mod roles;
pub mod summary;
pub mod text;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use geo::CoordsIter;
use rayon::prelude::*;
use serde_json::value::RawValue;

use crate::crs::{Crs, CrsDecision, Projector, sniff};
use crate::model::{
    AttributeTable, FeatureExtras, FeatureId, FieldMap, Layer, LayerSource, Park, PropValue, Role,
};
use json::{FeatureEntry, FeatureList, GeomField, PropsField, RawFeature, RawGeometry};
pub use manifest::{Manifest, ManifestError};
pub use report::{ImportReport, Problem, Severity};

/// Why a file could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid JSON (or is truncated, or nests too deep).
    #[error("{file}: {what} at byte {byte} (line {line}, column {column})")]
    Json {
        /// The file.
        file: String,
        /// What serde_json found wrong, in words.
        what: String,
        /// Byte offset in the file.
        byte: usize,
        /// Line, 1-based.
        line: usize,
        /// Column, 1-based.
        column: usize,
    },
    /// Valid JSON but not GeoJSON.
    #[error("{file}: not GeoJSON: {message}")]
    NotGeoJson {
        /// The file.
        file: String,
        /// What it is instead.
        message: String,
    },
    /// A manifest could not be used.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The user cancelled the load.
    #[error("loading cancelled")]
    Cancelled,
}

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
}

/// Progress of a load, shared between the loading thread and whoever watches it.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
    current: Mutex<String>,
}

impl Progress {
    /// A fresh progress tracker.
    pub fn new() -> Progress {
        Progress::default()
    }
    /// Asks the load to stop at the next chunk.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
    /// Whether cancellation was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
    /// Fraction done, 0–1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            0.0
        } else {
            (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32
        }
    }
    /// The file being read.
    pub fn current(&self) -> String {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }
    fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }
    fn add_done(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }
    fn set_current(&self, s: &str) {
        if let Ok(mut c) = self.current.lock() {
            *c = s.to_string();
        }
    }
}

/// A load's outcome: the park, the report, and how many files failed.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The park built from every layer that could be read.
    pub park: Park,
    /// Every problem found.
    pub report: ImportReport,
    /// Files that could not be loaded at all.
    pub files_failed: usize,
    /// The planning project, when a `.parkplan` file was among the paths (its analysis
    /// settings then apply).
    pub project: Option<crate::project::ProjectFile>,
}

/// Features parsed per parallel work unit.
const CHUNK: usize = 4096;
/// Positions sampled to guess a CRS.
const SAMPLE: usize = 256;

/// Reads one GeoJSON file into a layer, with the problems found.
///
/// A UTF-8 FeatureCollection is read in blocks ([`read_layer_streaming`]): its
/// features are split without a full parse and parsed in parallel block by block, so
/// the whole file is never held in memory. Anything else, and any file whose
/// streaming read meets a problem, is read whole by [`read_layer_bytes`], which gives
/// the same layer and reports every problem exactly.
pub fn read_layer_file(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    if let Some(done) = read_layer_streaming(path, opts, progress) {
        return done;
    }
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: file.clone(),
        source,
    })?;
    let (mut layer, problems) = read_layer_bytes(&bytes, &file, opts, progress)?;
    layer.source.path = Some(path.to_path_buf());
    Ok((layer, problems))
}

/// Bytes read per block by the streaming reader (8 MiB: 1.46–1.51 s, 590 MB for 1M
/// enterprises; 4 MiB saved 15 MB and lost ~0.2 s).
const BLOCK: usize = 8 << 20;

/// The streaming fast path of [`read_layer_file`]: `None` when it does not apply or
/// gave up (the caller then reads the file whole); `Some` with the same result the
/// whole-file path gives otherwise. Gives up on: a non-UTF-8 file, a root that is not
/// an object with a `features` array, a `crs` member after the features, any entry
/// that is not valid JSON, or a read error.
pub fn read_layer_streaming(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Option<Result<(Layer, Vec<Problem>), ImportError>> {
    stream_with_block(path, opts, progress, BLOCK)
}

fn stream_with_block(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
    block: usize,
) -> Option<Result<(Layer, Vec<Problem>), ImportError>> {
    let file = path.display().to_string();
    let mut st = Stream::open(path, block)?;
    // The first batch of features, then the CRS (from the members before the features
    // and the first features' positions).
    let mut batch = st.next_batch(2000).ok()?;
    let empty = Batch::default();
    let first = batch.as_ref().unwrap_or(&empty);
    let (decision, projector, mut problems) =
        stream_decide_crs(&file, &st.members, &first.text, &first.ranges, opts)?;
    let layer_crs_raw: Option<String> = st
        .members
        .iter()
        .rev()
        .find(|(k, _)| k == "crs")
        .map(|(_, v)| v.clone());
    let ctx = LayerContext {
        file: &file,
        layer_crs_raw: layer_crs_raw.as_deref(),
        gcj02: opts.gcj02,
        decision: decision.as_ref().filter(|_| projector.is_some()),
        projector: projector.as_ref(),
    };
    let mut layer = Layer::default();
    let mut next_index = 0usize;
    // Parse one batch in parallel while the next is read and split.
    while let Some(b) = batch {
        if progress.is_some_and(|p| p.is_cancelled()) {
            return Some(Err(ImportError::Cancelled));
        }
        let (parsed, next) = if st.ended {
            (parse_batch(&b, next_index, &ctx), Ok(None))
        } else {
            rayon::join(|| parse_batch(&b, next_index, &ctx), || st.next_batch(1))
        };
        for p in parsed? {
            merge_partial(&mut layer, p, &mut problems);
        }
        if next_index == 0 {
            reserve_estimate(&mut layer, &b, st.total_bytes);
        }
        next_index += b.ranges.len();
        if let Some(pr) = progress {
            pr.add_done(b.text.len() as u64);
        }
        st.recycle(b.text);
        batch = next.ok()?;
    }
    if !st.ended || !st.scanner.seen_features {
        return None;
    }
    // The root without its features: its type, crs and other members.
    let skeleton = format!(
        "{{{}}}",
        st.members
            .iter()
            .map(|(k, v)| serde_json::to_string(k).ok().map(|k| format!("{k}:{v}")))
            .collect::<Option<Vec<String>>>()?
            .join(",")
    );
    let top = json::parse_top_level(&skeleton).ok()?;
    layer.source = LayerSource {
        path: Some(path.to_path_buf()),
        encoding: st.encoding,
        crs: decision,
        bytes: st.total_bytes,
    };
    Some(Ok(finish_layer(layer, problems, &top, &file, opts)))
}

/// Features split from a block: the block's text (handed over from the reader, not
/// copied) and each feature's byte range in it.
#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    ranges: Vec<std::ops::Range<usize>>,
}

/// Parses a batch's features in parallel chunks; `None` when one is not valid UTF-8 or
/// JSON (each feature's text is checked in its own chunk, so that also runs in parallel).
fn parse_batch(b: &Batch, first_index: usize, ctx: &LayerContext<'_>) -> Option<Vec<Partial>> {
    b.ranges
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(ci, ranges)| {
            let mut p = Partial::default();
            for (k, r) in ranges.iter().enumerate() {
                let text = std::str::from_utf8(b.text.get(r.clone())?).ok()?;
                let entry = json::parse_feature(text).ok()?;
                process_feature(first_index + ci * CHUNK + k, entry, ctx, &mut p);
            }
            Some(p)
        })
        .collect()
}

/// A file read in blocks and split by the root scanner.
struct Stream {
    file: std::fs::File,
    total_bytes: u64,
    block: usize,
    buf: Vec<u8>,
    /// A parsed batch's buffer, reused for the next block.
    spare: Option<Vec<u8>>,
    pos: usize,
    eof: bool,
    first_read: bool,
    encoding: crate::model::TextEncoding,
    scanner: json::RootScanner,
    /// Root members other than `features`, in order.
    members: Vec<(String, String)>,
    /// The root object has ended.
    ended: bool,
}

impl Stream {
    fn open(path: &Path, block: usize) -> Option<Stream> {
        let file = std::fs::File::open(path).ok()?;
        let total_bytes = file.metadata().ok()?.len();
        Some(Stream {
            file,
            total_bytes,
            block: block.max(1),
            buf: Vec::with_capacity(block.max(1) + (1 << 16)),
            spare: None,
            pos: 0,
            eof: false,
            first_read: true,
            encoding: crate::model::TextEncoding::Utf8,
            scanner: json::RootScanner::new(),
            members: Vec::new(),
            ended: false,
        })
    }

    /// The features up to the end of the buffered text, at least `min` of them unless
    /// the root ends first (`Ok(None)` once it has ended). `Err` when the fast path
    /// must give up. The first batch asks for 2000 so the CRS is decided from the same
    /// features as the whole-file path samples.
    fn next_batch(&mut self, min: usize) -> Result<Option<Batch>, ()> {
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        loop {
            if self.ended {
                return Ok(self.take(ranges));
            }
            match self.scanner.next(&self.buf, &mut self.pos, self.eof) {
                json::ScanEvent::Member { key, value } => {
                    if key == "crs" && self.scanner.seen_features {
                        return Err(()); // the CRS was decided without it
                    }
                    self.members.push((key, value));
                }
                json::ScanEvent::Feature(r) => ranges.push(r),
                json::ScanEvent::Unsupported => return Err(()),
                json::ScanEvent::End => self.ended = true,
                json::ScanEvent::NeedMore => {
                    if !ranges.is_empty() && ranges.len() >= min {
                        return Ok(self.take(ranges));
                    }
                    if self.eof {
                        return Err(());
                    }
                    // Keep the entries found so far: the refill moves the text.
                    let keep = ranges.first().map_or(self.pos, |r| r.start);
                    self.refill(keep)?;
                    for r in &mut ranges {
                        *r = r.start - keep..r.end - keep;
                    }
                }
            }
        }
    }

    /// Hands the buffer up to the last feature over to a batch (no copy); the
    /// unscanned rest moves to a fresh (or recycled) buffer.
    fn take(&mut self, ranges: Vec<std::ops::Range<usize>>) -> Option<Batch> {
        let end = ranges.last()?.end;
        let mut next = self.spare.take().unwrap_or_default();
        next.clear();
        next.reserve(self.block + (1 << 16));
        next.extend_from_slice(&self.buf[end..]);
        let mut text = std::mem::replace(&mut self.buf, next);
        text.truncate(end);
        self.pos -= end;
        Some(Batch { text, ranges })
    }

    /// Gives a parsed batch's buffer back for reuse.
    fn recycle(&mut self, buf: Vec<u8>) {
        self.spare = Some(buf);
    }

    /// Drops the text before `keep` and reads the next block.
    fn refill(&mut self, keep: usize) -> Result<(), ()> {
        use std::io::Read;
        let keep = keep.min(self.pos);
        self.buf.drain(..keep);
        self.pos -= keep;
        let old = self.buf.len();
        self.buf.resize(old + self.block, 0);
        let n = loop {
            match self.file.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(()),
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        if self.first_read {
            self.first_read = false;
            if self.buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                self.encoding = crate::model::TextEncoding::Utf8Bom;
                self.pos = 3;
            } else if self
                .buf
                .first()
                .is_some_and(|b| *b != b'{' && !b.is_ascii_whitespace())
            {
                return Err(());
            }
        }
        Ok(())
    }
}

/// Decides a streamed layer's CRS from the root members seen so far and the first
/// features, like [`read_layer_bytes`] does. `None` when the members do not parse.
fn stream_decide_crs(
    file: &str,
    members: &[(String, String)],
    buf: &[u8],
    first: &[std::ops::Range<usize>],
    opts: &LayerOptions,
) -> Option<(Option<CrsDecision>, Option<Projector>, Vec<Problem>)> {
    let mut problems = Vec::new();
    let declared: Option<Result<Crs, String>> = match members.iter().rev().find(|(k, _)| k == "crs")
    {
        None => None,
        Some((_, raw)) => match json::crs_member_name(raw) {
            Ok(None) => None,
            Ok(Some(name)) => Some(Crs::parse(&name).map_err(|e| e.to_string())),
            Err(e) => Some(Err(e)),
        },
    };
    let mut sample = Vec::new();
    for r in first.iter().take(2000) {
        if sample.len() >= SAMPLE {
            break;
        }
        let text = std::str::from_utf8(&buf[r.clone()]).ok()?;
        if let Ok(json::FeatureEntry::Feature(f)) = json::parse_feature(text)
            && let Some(GeomField::Geom(g)) = &f.geometry
        {
            geometry::sample_positions(g, &mut sample, SAMPLE);
        }
    }
    let decision = decide_crs(file, declared, opts.crs, &sample, &mut problems);
    let projector = projector_for(file, decision.as_ref(), &mut problems);
    Some((decision, projector, problems))
}

/// After the first batch: reserves room for the features the rest of the file will
/// likely hold (its size over the first batch's bytes per feature, plus 2%), so the
/// layer's columns are not grown by copying (1M enterprises: less time and memory).
fn reserve_estimate(layer: &mut Layer, first: &Batch, total_bytes: u64) {
    let (Some(start), Some(end)) = (first.ranges.first(), first.ranges.last()) else {
        return;
    };
    let per_feature = ((end.end - start.start) / first.ranges.len()).max(1) as u64;
    let estimate = (total_bytes / per_feature).saturating_mul(102) / 100;
    let additional = (estimate as usize).saturating_sub(layer.len());
    // Never more than the file could hold (a 20-byte feature is the smallest sensible).
    let additional = additional.min((total_bytes / 20) as usize);
    layer.geometries.reserve(additional);
    layer.ids.reserve(additional);
    layer.attributes.reserve_rows(additional);
}

/// The projector of a decided CRS, for both read paths; a CRS that cannot be set up is
/// reported (the geometries are then not loaded, the attributes are).
fn projector_for(
    file: &str,
    decision: Option<&CrsDecision>,
    problems: &mut Vec<Problem>,
) -> Option<Projector> {
    let d = decision?;
    match d.crs.projector() {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(Problem::file_level(
                file,
                Severity::Error,
                format!("cannot set up {}: {e}", d.crs.code()),
                "geometries not loaded; attributes kept",
            ));
            None
        }
    }
}

/// Appends a chunk's features to the layer (in order).
fn merge_partial(layer: &mut Layer, p: Partial, problems: &mut Vec<Problem>) {
    let offset = layer.geometries.len();
    if layer.attributes.rows() == 0 {
        layer.attributes = p.table;
    } else {
        layer.attributes.append(&p.table);
    }
    layer.ids.extend(p.ids);
    layer.geometries.extend(p.geoms);
    for (i, e) in p.extras {
        layer.extras.insert(offset + i, e);
    }
    problems.extend(p.problems);
}

/// Reads GeoJSON bytes into a layer. `file` names the source in messages.
pub fn read_layer_bytes(
    bytes: &[u8],
    file: &str,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Result<(Layer, Vec<Problem>), ImportError> {
    let decoded = text::decode(bytes);
    let mut problems = Vec::new();
    if decoded.encoding == crate::model::TextEncoding::Gb18030 {
        problems.push(Problem::file_level(
            file,
            Severity::Repaired,
            "text is not UTF-8",
            "decoded as GB18030 (GBK)",
        ));
    }
    if decoded.replaced > 0 {
        problems.push(Problem::file_level(
            file,
            Severity::Warning,
            format!(
                "{} byte sequence(s) could not be decoded as {}",
                decoded.replaced,
                decoded.encoding.name()
            ),
            "replaced them with U+FFFD",
        ));
    }
    let text: &str = &decoded.text;
    let json_error = |e: serde_json::Error, base: usize| -> ImportError {
        let pos = json::position_of(text, e.line(), e.column());
        let what = match e.classify() {
            serde_json::error::Category::Eof => {
                "the file ends too early (truncated JSON)".to_string()
            }
            _ => {
                let m = e.to_string();
                let m = m.split(" at line ").next().unwrap_or(&m).to_string();
                if m.contains("recursion limit") {
                    "the JSON nests too deep".to_string()
                } else {
                    format!("invalid JSON: {m}")
                }
            }
        };
        let byte = if base == 0 {
            pos.byte
        } else {
            base + e.column().saturating_sub(1)
        };
        let line_pos = if base == 0 {
            pos
        } else {
            json::position_of_byte(text, byte)
        };
        ImportError::Json {
            file: file.to_string(),
            what,
            // Byte offsets count from the file's start for UTF-8 (past any BOM).
            byte: if decoded.encoding == crate::model::TextEncoding::Utf8Bom {
                byte + decoded.bom_len
            } else {
                byte
            },
            line: line_pos.line,
            column: line_pos.column,
        }
    };
    if text.trim().is_empty() {
        return Err(ImportError::NotGeoJson {
            file: file.to_string(),
            message: "the file is empty".into(),
        });
    }
    let top = json::parse_top_level(text).map_err(|e| json_error(e, 0))?;
    if let Some(what) = top.not_object {
        return Err(ImportError::NotGeoJson {
            file: file.to_string(),
            message: format!(
                "the file holds {what}, not a GeoJSON object (FeatureCollection, Feature or Geometry)"
            ),
        });
    }

    // The features, raw, however the root was written.
    let type_name = top.type_name.clone().unwrap_or_default();
    let single: Option<RawFeature<'_>>;
    let features: Vec<&RawValue> = match (&top.features, type_name.as_str()) {
        (Some(FeatureList::Array(v)), _) => {
            single = None;
            v.clone()
        }
        (Some(FeatureList::NotArray(what)), _) => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: format!("\"features\" is {what}, not an array"),
            });
        }
        (None, "Feature") => {
            single = match json::parse_feature(text).map_err(|e| json_error(e, 0))? {
                FeatureEntry::Feature(f) => Some(f),
                FeatureEntry::NotObject(_) => None,
            };
            Vec::new()
        }
        (None, t) if is_geometry_type(t) => {
            let g = json::parse_geometry(text).map_err(|e| json_error(e, 0))?;
            single = Some(RawFeature {
                type_name: Some("Feature".into()),
                geometry: Some(g),
                ..RawFeature::default()
            });
            Vec::new()
        }
        (None, "FeatureCollection") => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: "a FeatureCollection without \"features\"".into(),
            });
        }
        (None, "Topology") => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: "this is TopoJSON (type Topology), which ParkPlan does not read; convert it to GeoJSON first".into(),
            });
        }
        (None, "") => {
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: "the object has no \"type\" member".into(),
            });
        }
        (None, t) => {
            let shown: String = t.chars().take(40).collect();
            return Err(ImportError::NotGeoJson {
                file: file.to_string(),
                message: format!("unknown GeoJSON type \"{shown}\""),
            });
        }
    };

    // The declared CRS: the root's crs member, else the single feature's.
    let crs_raw = top
        .crs
        .map(|r| r.get().to_string())
        .or_else(|| single.as_ref().and_then(|f| f.crs.clone()))
        .or_else(|| {
            single.as_ref().and_then(|f| match &f.geometry {
                Some(GeomField::Geom(g)) => g.crs.clone(),
                _ => None,
            })
        });
    let declared: Option<Result<Crs, String>> = match crs_raw.clone() {
        None => None,
        Some(raw) => match json::crs_member_name(&raw) {
            Ok(None) => None,
            Ok(Some(name)) => Some(Crs::parse(&name).map_err(|e| e.to_string())),
            Err(e) => Some(Err(e)),
        },
    };

    // Sample positions to check or guess the CRS.
    let mut sample = Vec::new();
    if let Some(f) = &single {
        if let Some(GeomField::Geom(g)) = &f.geometry {
            geometry::sample_positions(g, &mut sample, SAMPLE);
        }
    } else {
        for raw in features.iter().take(2000) {
            if sample.len() >= SAMPLE {
                break;
            }
            if let Ok(FeatureEntry::Feature(f)) = json::parse_feature(raw.get())
                && let Some(GeomField::Geom(g)) = &f.geometry
            {
                geometry::sample_positions(g, &mut sample, SAMPLE);
            }
        }
    }
    let decision = decide_crs(file, declared, opts.crs, &sample, &mut problems);
    let projector = projector_for(file, decision.as_ref(), &mut problems);
    let ctx = LayerContext {
        file,
        layer_crs_raw: crs_raw.as_deref(),
        gcj02: opts.gcj02,
        decision: decision.as_ref().filter(|_| projector.is_some()),
        projector: projector.as_ref(),
    };

    // Parse every feature, in parallel chunks.
    let mut partials: Vec<Partial> = Vec::new();
    if let Some(f) = single {
        let mut p = Partial::default();
        process_feature(0, FeatureEntry::Feature(f), &ctx, &mut p);
        partials.push(p);
        if let Some(pr) = progress {
            pr.add_done(bytes.len() as u64);
        }
    } else {
        let base = text.as_ptr() as usize;
        partials = features
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(ci, chunk)| {
                if progress.is_some_and(|p| p.is_cancelled()) {
                    return Err(ImportError::Cancelled);
                }
                let mut p = Partial::default();
                let mut chunk_bytes = 0u64;
                for (k, raw) in chunk.iter().enumerate() {
                    let s = raw.get();
                    chunk_bytes += s.len() as u64;
                    let entry = json::parse_feature(s)
                        .map_err(|e| json_error(e, s.as_ptr() as usize - base))?;
                    process_feature(ci * CHUNK + k, entry, &ctx, &mut p);
                }
                if let Some(pr) = progress {
                    pr.add_done(chunk_bytes);
                }
                Ok(p)
            })
            .collect::<Result<Vec<_>, ImportError>>()?;
    }

    // Merge in order.
    let mut layer = Layer::default();
    for p in partials {
        merge_partial(&mut layer, p, &mut problems);
    }
    layer.source = LayerSource {
        path: None,
        encoding: decoded.encoding,
        crs: decision,
        bytes: bytes.len() as u64,
    };
    Ok(finish_layer(layer, problems, &top, file, opts))
}

/// Names the layer, decides its role and maps its fields (shared by both read paths).
fn finish_layer(
    mut layer: Layer,
    mut problems: Vec<Problem>,
    top: &json::TopLevel<'_>,
    file: &str,
    opts: &LayerOptions,
) -> (Layer, Vec<Problem>) {
    layer.document_members = top
        .members
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "bbox" | "geometry" | "properties" | "coordinates" | "geometries" | "id"
            )
        })
        .map(|(k, v)| (k.clone(), v.get().to_string()))
        .collect();

    // Name, role, fields.
    let doc_name = top
        .members
        .iter()
        .find(|(k, _)| k == "name")
        .and_then(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
        .filter(|s| !s.trim().is_empty());
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    layer.name = opts
        .name
        .clone()
        .or(doc_name)
        .unwrap_or_else(|| stem.clone());
    match opts.role {
        Some(role) => {
            layer.role = role;
            layer.role_reason = opts
                .role_reason
                .clone()
                .unwrap_or_else(|| "set in the manifest".into());
        }
        None => {
            let family = roles::dominant_family(&layer.geometry_type_counts());
            let file_name = Path::new(file)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let guess = roles::guess_role(&[&layer.name, &file_name], family, &layer.attributes);
            layer.role = guess.role;
            layer.role_reason = guess.reason;
        }
    }
    layer.fields = match &opts.fields {
        Some(f) => {
            let mut m = fields::guess_fields(layer.role, &layer.attributes);
            // The given mapping wins; guesses fill what it leaves out.
            m.retain(|_, col| !f.values().any(|c| c == col));
            m.extend(f.clone());
            // An empty column name means "not mapped": the user said no column holds it.
            m.retain(|_, col| !col.is_empty());
            for (field, col) in f {
                if !col.is_empty() && layer.attributes.column(col).is_none() && !layer.is_empty() {
                    problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        format!(
                            "the mapping names property \"{col}\" for {}, but no feature has it",
                            field.code()
                        ),
                        "the field stays empty",
                    ));
                }
            }
            m
        }
        None => fields::guess_fields(layer.role, &layer.attributes),
    };
    (layer, problems)
}

fn is_geometry_type(t: &str) -> bool {
    matches!(
        t,
        "Point"
            | "MultiPoint"
            | "LineString"
            | "MultiLineString"
            | "Polygon"
            | "MultiPolygon"
            | "GeometryCollection"
    )
}

/// Decides a layer's CRS from (in order) the caller's choice, the declared `crs` member
/// checked against the coordinates, or a guess from coordinate sizes.
fn decide_crs(
    file: &str,
    declared: Option<Result<Crs, String>>,
    chosen: Option<Crs>,
    sample: &[(f64, f64)],
    problems: &mut Vec<Problem>,
) -> Option<CrsDecision> {
    let swapped_majority = |crs: &Crs| {
        let n = sample
            .iter()
            .filter(|(x, y)| crs.looks_swapped(*x, *y))
            .count();
        !sample.is_empty() && n * 2 > sample.len()
    };
    let with_axes = |crs: Crs, reason: String, guessed: bool| {
        let axis_swapped = swapped_majority(&crs);
        CrsDecision {
            crs,
            axis_swapped,
            reason: if axis_swapped {
                format!("{reason}; axes written northing/latitude first: swapped back")
            } else {
                reason
            },
            guessed,
        }
    };
    if let Some(crs) = chosen {
        return Some(with_axes(
            crs,
            format!("{} set in the manifest or by the user", crs.code()),
            false,
        ));
    }
    if sample.is_empty() && declared.is_none() {
        return Some(CrsDecision::rfc7946_default());
    }
    let sniffed = sniff(sample);
    match declared {
        Some(Ok(crs)) => {
            // Check the declaration against the numbers.
            let degrees = sniffed.as_ref().is_some_and(|d| d.crs.is_geographic());
            if crs.is_geographic() != degrees
                && !sample.is_empty()
                && let Some(s) = sniffed
            {
                problems.push(Problem::file_level(
                    file,
                    Severity::Warning,
                    format!(
                        "the crs member says {} but the coordinates look like {}",
                        crs.code(),
                        s.crs.describe()
                    ),
                    format!("read them as {} ({})", s.crs.code(), s.reason),
                ));
                return Some(s);
            }
            Some(with_axes(crs, format!("crs member {}", crs.code()), false))
        }
        Some(Err(e)) => match sniffed {
            Some(mut s) => {
                s.reason = if s.crs.is_geographic() && !s.guessed {
                    format!(
                        "crs member not usable ({e}); the coordinates are lon/lat degrees: read as {}",
                        s.crs.code()
                    )
                } else {
                    format!("crs member not usable ({e}); {}", s.reason)
                };
                s.guessed = true;
                problems.push(Problem::file_level(
                    file,
                    Severity::Warning,
                    format!("crs member not used: {e}"),
                    format!("read the coordinates as {}", s.crs.code()),
                ));
                Some(s)
            }
            None => {
                problems.push(Problem::file_level(
                        file,
                        Severity::Error,
                        format!("crs member not used: {e}; the coordinates are not lon/lat and their CRS cannot be guessed"),
                        "geometries not loaded, attributes kept; set the layer's CRS in a manifest (\"crs\": \"EPSG:4546\") or the intake dialog",
                    ));
                None
            }
        },
        None => match sniffed {
            Some(s) => {
                if s.guessed {
                    problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        format!(
                            "no crs member: assumed {} ({})",
                            s.crs.code(),
                            s.crs.describe()
                        ),
                        s.reason.clone(),
                    ));
                }
                Some(s)
            }
            None => {
                problems.push(Problem::file_level(
                    file,
                    Severity::Error,
                    "no crs member and the coordinates are not lon/lat: they look like projected metres whose zone cannot be told (a 6-digit easting names no zone)",
                    "geometries not loaded, attributes kept; set the layer's CRS in a manifest (\"crs\": \"EPSG:4546\") or the intake dialog",
                ));
                None
            }
        },
    }
}

/// What every feature of a layer shares while being parsed.
struct LayerContext<'a> {
    file: &'a str,
    /// The `crs` member the layer's decision was made from (not re-applied per feature).
    layer_crs_raw: Option<&'a str>,
    /// Correct GCJ-02 lon/lat to WGS84.
    gcj02: bool,
    decision: Option<&'a CrsDecision>,
    projector: Option<&'a Projector>,
}

/// The features of one chunk, before merging.
#[derive(Default)]
struct Partial {
    table: AttributeTable,
    ids: Vec<Option<FeatureId>>,
    geoms: Vec<Option<geo::Geometry<f64>>>,
    extras: Vec<(usize, FeatureExtras)>,
    problems: Vec<Problem>,
}

fn parse_id(raw: &str) -> Result<Option<FeatureId>, String> {
    match PropValue::from_raw_json(raw) {
        PropValue::Null | PropValue::Absent => Ok(None),
        PropValue::Str(s) => Ok(Some(FeatureId::Str(s.into()))),
        PropValue::Int(i) => Ok(Some(FeatureId::Int(i))),
        PropValue::Float(f) => Ok(Some(FeatureId::Float(f))),
        PropValue::Json(j) if j.starts_with('"') => Ok(serde_json::from_str::<String>(j)
            .ok()
            .map(|s| FeatureId::Str(s.into()))),
        PropValue::Json(j) => Err(format!(
            "\"id\" is {}, not a string or number",
            short_json(j)
        )),
        PropValue::Bool(b) => Err(format!("\"id\" is {b}, not a string or number")),
    }
}

fn short_json(j: &str) -> String {
    let s: String = j.chars().take(30).collect();
    if s.len() < j.len() {
        format!("{s}…")
    } else {
        s
    }
}

fn process_feature(
    index: usize,
    entry: FeatureEntry<'_>,
    ctx: &LayerContext<'_>,
    out: &mut Partial,
) {
    let problem = |severity, message: String, action: &str, id: Option<String>, location| Problem {
        file: ctx.file.to_string(),
        feature: Some(index),
        feature_id: id,
        message,
        action: action.to_string(),
        severity,
        location,
    };
    let f = match entry {
        FeatureEntry::Feature(f) => f,
        FeatureEntry::NotObject(what) => {
            out.problems.push(problem(
                Severity::Warning,
                format!("the entry is {what}, not a feature object"),
                "skipped it",
                None,
                None,
            ));
            return;
        }
    };
    // The id people will see in messages.
    let (id, id_problem) = match f.id.map(parse_id) {
        None => (None, None),
        Some(Ok(id)) => (id, None),
        Some(Err(e)) => (None, Some(e)),
    };
    // Computed only when a problem names the feature (most features have none).
    let shown_id = || {
        id.as_ref()
            .map(|i| i.to_string())
            .or_else(|| match &f.properties {
                PropsField::Object(p) => p
                    .iter()
                    .find(|(k, _)| matches!(k.as_ref(), "id" | "ID" | "编号"))
                    .and_then(|(_, v)| v.as_value().as_text().map(|s| s.into_owned())),
                _ => None,
            })
    };
    match f.type_name.as_deref() {
        Some("Feature") => {}
        None => out.problems.push(problem(
            Severity::Repaired,
            "the feature has no \"type\" member".into(),
            "read it as a Feature",
            shown_id(),
            None,
        )),
        Some(other) => {
            let shown: String = other.chars().take(40).collect();
            out.problems.push(problem(
                Severity::Warning,
                format!("\"type\" is \"{shown}\" where \"Feature\" was expected"),
                "skipped it",
                shown_id(),
                None,
            ));
            return;
        }
    }
    // Geometry.
    let mut extras = FeatureExtras {
        members: f.members.clone(),
        ..FeatureExtras::default()
    };
    let geometry = match &f.geometry {
        None => {
            out.problems.push(problem(
                Severity::Repaired,
                "the feature has no \"geometry\" member".into(),
                "kept it without a location",
                shown_id(),
                None,
            ));
            None
        }
        Some(GeomField::Null) => None,
        Some(GeomField::Invalid(what)) => {
            out.problems.push(problem(
                Severity::Warning,
                format!("\"geometry\" is {what}, not a geometry object"),
                "skipped the feature",
                shown_id(),
                None,
            ));
            return;
        }
        Some(GeomField::Geom(raw)) => {
            extras.geometry_members = raw.members.clone();
            match convert_with_own_crs(raw, f.crs.as_deref(), ctx) {
                Ok(None) => None,
                Ok(Some(c)) => {
                    let location = c.geometry.coords_iter().next().map(|c| [c.x, c.y]);
                    for r in c.repairs {
                        out.problems
                            .push(problem(Severity::Repaired, r, "", shown_id(), location));
                    }
                    extras.z = c.z;
                    Some(c.geometry)
                }
                Err(e) => {
                    out.problems.push(problem(
                        Severity::Warning,
                        e,
                        "skipped the feature",
                        shown_id(),
                        None,
                    ));
                    return;
                }
            }
        }
    };
    if let Some(e) = id_problem {
        out.problems.push(problem(
            Severity::Warning,
            e,
            "ignored the id",
            shown_id(),
            None,
        ));
    }
    // Properties.
    out.table.begin_row();
    match &f.properties {
        PropsField::Object(props) => {
            for (k, v) in props {
                out.table.set(k, v.as_value());
            }
        }
        PropsField::None => {}
        PropsField::Invalid(what) => out.problems.push(problem(
            Severity::Warning,
            format!("\"properties\" is {what}, not an object"),
            "ignored the properties",
            shown_id(),
            None,
        )),
    }
    out.table.end_row();
    let local = out.geoms.len();
    out.ids.push(id);
    out.geoms.push(geometry);
    if extras != FeatureExtras::default() {
        out.extras.push((local, extras));
    }
}

/// Converts a feature's geometry, honouring a `crs` member on the feature or geometry.
/// `Ok(None)` when the layer's CRS is unknown (reported once for the layer).
fn convert_with_own_crs(
    raw: &RawGeometry,
    feature_crs: Option<&str>,
    ctx: &LayerContext<'_>,
) -> Result<Option<geometry::Converted>, String> {
    let own = feature_crs
        .or(raw.crs.as_deref())
        .filter(|c| Some(*c) != ctx.layer_crs_raw);
    if let Some(own) = own
        && let Ok(Some(name)) = json::crs_member_name(own)
    {
        let crs = Crs::parse(&name).map_err(|e| format!("the geometry's own crs member: {e}"))?;
        if ctx.decision.map(|d| d.crs) != Some(crs) {
            let mut sample = Vec::new();
            geometry::sample_positions(raw, &mut sample, SAMPLE);
            let n = sample
                .iter()
                .filter(|(x, y)| crs.looks_swapped(*x, *y))
                .count();
            let decision = CrsDecision {
                crs,
                axis_swapped: n * 2 > sample.len() && !sample.is_empty(),
                reason: format!("the feature's own crs member {}", crs.code()),
                guessed: false,
            };
            let projector = crs.projector().map_err(|e| e.to_string())?;
            return geometry::convert(
                raw,
                &geometry::CoordContext {
                    decision: &decision,
                    projector: &projector,
                    gcj02: ctx.gcj02,
                },
            )
            .map(Some);
        }
    }
    match (ctx.decision, ctx.projector) {
        (Some(decision), Some(projector)) => geometry::convert(
            raw,
            &geometry::CoordContext {
                decision,
                projector,
                gcj02: ctx.gcj02,
            },
        )
        .map(Some),
        _ => Ok(None),
    }
}

/// One thing to read: a file and the options for it.
#[derive(Debug, Clone)]
pub struct LayerJob {
    /// The file.
    pub path: PathBuf,
    /// How to read it.
    pub options: LayerOptions,
}

/// Expands paths (files, folders, manifests) into layer jobs. A folder with a
/// `manifest.json` is read through it; otherwise its `.geojson`/`.json` files are read
/// in name order. Returns the park name when a manifest gave one.
pub fn plan(paths: &[PathBuf], report: &mut ImportReport) -> (Vec<LayerJob>, Option<String>) {
    let (jobs, name, _) = plan_with_project(paths, report);
    (jobs, name)
}

/// Like [`plan`], also returning the first `.parkplan` project among the paths. A
/// project's layers outside its folder are not followed (they are reported).
pub fn plan_with_project(
    paths: &[PathBuf],
    report: &mut ImportReport,
) -> (
    Vec<LayerJob>,
    Option<String>,
    Option<crate::project::ProjectFile>,
) {
    let mut jobs = Vec::new();
    let mut name = None;
    let mut project = None;
    for path in paths {
        let label = path.display().to_string();
        if path.extension().and_then(|e| e.to_str()) == Some(crate::project::EXTENSION) {
            match crate::project::ProjectFile::read(path) {
                Ok(p) => {
                    let plan = crate::project::plan_project(&p, path, false, report);
                    jobs.extend(plan.jobs);
                    name = name.or(Some(p.name.clone()));
                    project = project.or(Some(p));
                }
                Err(e) => report.push(Problem::file_level(
                    &label,
                    Severity::Error,
                    e.to_string(),
                    "the project was not loaded",
                )),
            }
            continue;
        }
        if path.is_dir() {
            let manifest = path.join("manifest.json");
            if manifest.is_file() {
                name = name.or(plan_manifest(&manifest, &mut jobs, report));
                continue;
            }
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.is_file()
                                && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                                    matches!(e.to_ascii_lowercase().as_str(), "geojson" | "json")
                                })
                        })
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        report.push(Problem::file_level(
                            &label,
                            Severity::Error,
                            "the folder holds no .geojson or .json file",
                            "nothing loaded from it",
                        ));
                    }
                    for f in files {
                        jobs.push(LayerJob {
                            path: f,
                            options: LayerOptions::default(),
                        });
                    }
                }
                Err(e) => report.push(Problem::file_level(
                    &label,
                    Severity::Error,
                    format!("cannot list the folder: {e}"),
                    "nothing loaded from it",
                )),
            }
        } else if is_manifest_file(path) {
            name = name.or(plan_manifest(path, &mut jobs, report));
        } else {
            jobs.push(LayerJob {
                path: path.clone(),
                options: LayerOptions::default(),
            });
        }
    }
    (jobs, name, project)
}

fn is_manifest_file(path: &Path) -> bool {
    if path.extension().and_then(|e| e.to_str()) != Some("json") {
        return false;
    }
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    manifest::looks_like_manifest(&String::from_utf8_lossy(&head[..n]))
}

fn plan_manifest(
    path: &Path,
    jobs: &mut Vec<LayerJob>,
    report: &mut ImportReport,
) -> Option<String> {
    let label = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(b) => text::decode(&b).text.into_owned(),
        Err(e) => {
            report.push(Problem::file_level(
                &label,
                Severity::Error,
                format!("cannot read the manifest: {e}"),
                "nothing loaded from it",
            ));
            return None;
        }
    };
    let m = match Manifest::parse(&text, &label) {
        Ok(m) => m,
        Err(e) => {
            report.push(Problem::file_level(
                &label,
                Severity::Error,
                e.to_string(),
                "nothing loaded from it",
            ));
            return None;
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    for l in &m.layers {
        let role = match l.role() {
            Ok(r) => r,
            Err(e) => {
                report.push(Problem::file_level(
                    &label,
                    Severity::Warning,
                    format!("layer {}: {e}", l.path),
                    "guessed the role instead",
                ));
                None
            }
        };
        let (fields, crs) =
            manifest::layer_choices(&label, &l.path, &l.fields, l.crs.as_deref(), report);
        jobs.push(LayerJob {
            path: l.resolve(base),
            options: LayerOptions {
                name: l.name.clone(),
                role,
                role_reason: role.map(|_| "set in the manifest".to_string()),
                fields,
                crs,
                gcj02: l.gcj02,
            },
        });
    }
    m.name
}

/// Loads everything the paths name into one park. Files that fail are reported and
/// skipped; only cancellation returns an error.
pub fn load_paths(paths: &[PathBuf], progress: Option<&Progress>) -> Result<Loaded, ImportError> {
    let mut loaded = load_paths_layers_only(paths, progress)?;
    loaded.park.rebuild_records();
    Ok(loaded)
}

/// Like [`load_paths`], but the park's typed records (parcels, enterprises …) are not
/// built: only its layers, as read, with the report. For callers that describe layers
/// (`parkplan-cli info`); `park.rebuild_records()` builds the records later.
pub fn load_paths_layers_only(
    paths: &[PathBuf],
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    let mut report = ImportReport::default();
    let (jobs, manifest_name, project) = plan_with_project(paths, &mut report);
    let mut loaded = read_jobs(&jobs, manifest_name, report, progress)?;
    loaded.project = project;
    Ok(loaded)
}

/// Loads planned layer jobs into one park (see [`plan`]).
pub fn load_jobs(
    jobs: &[LayerJob],
    park_name: Option<String>,
    report: ImportReport,
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    let mut loaded = read_jobs(jobs, park_name, report, progress)?;
    loaded.park.rebuild_records();
    Ok(loaded)
}

/// Reads planned layer jobs into a park whose records are not built yet.
fn read_jobs(
    jobs: &[LayerJob],
    park_name: Option<String>,
    mut report: ImportReport,
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    if let Some(p) = progress {
        let total: u64 = jobs
            .iter()
            .map(|j| std::fs::metadata(&j.path).map(|m| m.len()).unwrap_or(0))
            .sum();
        p.add_total(total.max(1));
    }
    let mut layers = Vec::new();
    let mut files_failed = 0;
    // Files are read concurrently (each also parses in parallel inside), so one file's
    // serial steps overlap another's parsing; results are taken in job order.
    let results: Vec<Result<(Layer, Vec<Problem>), ImportError>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|job| {
            if progress.is_some_and(|p| p.is_cancelled()) {
                return Err(ImportError::Cancelled);
            }
            if let Some(p) = progress {
                p.set_current(&job.path.display().to_string());
            }
            read_layer_file(&job.path, &job.options, progress)
        })
        .collect();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((layer, problems)) => {
                for p in problems {
                    report.push(p);
                }
                layers.push(layer);
            }
            Err(ImportError::Cancelled) => return Err(ImportError::Cancelled),
            Err(e) => {
                files_failed += 1;
                report.push(Problem::file_level(
                    &job.path.display().to_string(),
                    Severity::Error,
                    error_message(&e),
                    "the file was not loaded",
                ));
            }
        }
    }
    let name = park_name.unwrap_or_else(|| {
        jobs.first()
            .and_then(|j| j.path.parent())
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ParkPlan".to_string())
    });
    Ok(Loaded {
        park: Park {
            name,
            layers,
            ..Park::default()
        },
        report,
        files_failed,
        project: None,
    })
}

/// An import error's message without the leading file name (the report names the file).
fn error_message(e: &ImportError) -> String {
    match e {
        ImportError::Io { source, .. } => format!("cannot read the file: {source}"),
        ImportError::Json {
            what,
            byte,
            line,
            column,
            ..
        } => format!("{what} at byte {byte} (line {line}, column {column})"),
        ImportError::NotGeoJson { message, .. } => format!("not GeoJSON: {message}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every GeoJSON file of the corpus, the sample map and a few made here.
    fn files() -> Vec<PathBuf> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("maps").join("jingzhou-etdz")];
        let corpus = root.join("..").join("shared").join("corpus");
        if let Ok(rd) = std::fs::read_dir(&corpus) {
            for e in rd.flatten() {
                dirs.push(e.path());
                dirs.push(e.path().join("in"));
                dirs.push(e.path().join("out"));
                dirs.push(e.path().join("data"));
            }
        }
        let mut out = Vec::new();
        for d in dirs {
            if let Ok(rd) = std::fs::read_dir(&d) {
                for e in rd.flatten() {
                    let p = e.path();
                    let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
                    if p.is_file() && matches!(ext, "geojson" | "json") {
                        out.push(p);
                    }
                }
            }
        }
        out.sort();
        out
    }

    fn written(name: &str, text: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("parkplan-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn same(a: &(Layer, Vec<Problem>), b: &(Layer, Vec<Problem>), what: &str) {
        let (la, pa) = a;
        let (lb, pb) = b;
        assert_eq!(la.name, lb.name, "{what}");
        assert_eq!(la.role, lb.role, "{what}");
        assert_eq!(la.role_reason, lb.role_reason, "{what}");
        assert_eq!(la.fields, lb.fields, "{what}");
        assert_eq!(la.ids, lb.ids, "{what}");
        assert_eq!(la.geometries, lb.geometries, "{what}");
        assert_eq!(la.extras, lb.extras, "{what}");
        assert_eq!(la.document_members, lb.document_members, "{what}");
        assert_eq!(la.source.crs, lb.source.crs, "{what}");
        assert_eq!(la.source.encoding, lb.source.encoding, "{what}");
        assert_eq!(la.source.bytes, lb.source.bytes, "{what}");
        assert_eq!(la.attributes.rows(), lb.attributes.rows(), "{what}");
        for r in 0..la.attributes.rows() {
            assert_eq!(
                la.attributes.row_json(r),
                lb.attributes.row_json(r),
                "{what} row {r}"
            );
        }
        let names = |l: &Layer| -> Vec<(String, String)> {
            l.attributes
                .columns()
                .iter()
                .map(|c| (c.name().to_string(), format!("{:?}", c.column_type())))
                .collect()
        };
        assert_eq!(names(la), names(lb), "{what}");
        assert_eq!(format!("{pa:?}"), format!("{pb:?}"), "{what}");
    }

    #[test]
    fn streaming_gives_the_same_layer_as_the_whole_file_path() {
        let mut files = files();
        files.push(written(
            "escapes.geojson",
            "\u{feff}{\"name\":\"名\",\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4490\"}},\"features\":[\n{\"type\":\"Feature\",\"id\":\"a\\\"b\",\"properties\":{\"s\":\"x]}\\\\\",\"n\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[112.3,30.3]}},null,\n{\"type\":\"Feature\",\"properties\":{\"n\":2.5,\"o\":{\"a\":[1]}},\"geometry\":null,\"extra\":true}\n],\"bbox\":[1,2,3,4]}"
                .as_bytes(),
        ));
        files.push(written(
            "gk.geojson",
            br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37620000,3357000]}}]}"#,
        ));
        files.push(written(
            "crs-after.geojson",
            br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[500000,3357000]}}],"crs":{"type":"name","properties":{"name":"EPSG:4546"}}}"#,
        ));
        let mut streamed = 0;
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            let file = f.display().to_string();
            let whole = read_layer_bytes(&bytes, &file, &LayerOptions::default(), None).map(
                |(mut l, p)| {
                    l.source.path = Some(f.clone());
                    (l, p)
                },
            );
            for block in [3usize, 64, 1000, BLOCK] {
                if block < 64 && bytes.len() > 20_000 {
                    continue; // byte-sized blocks cost quadratic time on big files
                }
                let Some(s) = stream_with_block(f, &LayerOptions::default(), None, block) else {
                    continue;
                };
                streamed += 1;
                match (&whole, &s) {
                    (Ok(a), Ok(b)) => same(a, b, &format!("{file} block {block}")),
                    (a, b) => panic!("{file}: whole {:?} vs streamed {:?}", a.is_ok(), b.is_ok()),
                }
            }
        }
        assert!(streamed >= 8, "only {streamed} streamed reads");
        // A crs member after the features is left to the whole-file path.
        let p = written("crs-after2.geojson", br#"{"features":[],"crs":null}"#);
        assert!(stream_with_block(&p, &LayerOptions::default(), None, 64).is_none());
    }
}
