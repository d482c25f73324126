//! The streamed read of a UTF-8 FeatureCollection ([`read_layer_streaming`]): the file
//! is read in blocks, split into features by the root scanner without a full parse, and
//! parsed in parallel block by block, so the whole file is never held in memory. In a
//! file written one feature a line, blocks after the first are split on speculation at
//! line starts and parsed at once, the split checked by the parse itself, with no
//! scanner pass over every byte (`Stream::speculative_batch`).
//!
//! Owns the block reader and its buffers. It gives up (returns `None`) on anything
//! unusual and leaves it to the whole-document read in [`super::read`], which must give
//! the same layer; it must not report problems of its own.

use std::path::Path;

use rayon::prelude::*;

use super::decide_crs::{decide_crs, declared_crs, projector_for, sample_features};
use super::features::{LayerContext, Partial, merge_partial, process_feature};
use super::finish::{CHUNK, finish_layer};
use super::{ImportError, LayerOptions, Problem, Progress, json, json_fast};
use crate::crs::{CrsDecision, Projector};
use crate::model::grow::reserve_moving;
use crate::model::{Layer, LayerSource};

/// Bytes read per block by the streaming reader (8 MiB: 1.46–1.51 s, 590 MB for 1M
/// enterprises; 4 MiB saved 15 MB and lost ~0.2 s).
const BLOCK: usize = 8 << 20;

/// The streaming fast path of [`super::read_layer_file`]: `None` when it does not apply or
/// gave up (the caller then reads the file whole); `Some` with the same result the
/// whole-file path gives otherwise. Gives up on: a non-UTF-8 file, a root that is not
/// an object with a `features` array, a `crs` member after the features, any entry
/// that is not valid JSON, or a read error.
pub fn read_layer_streaming(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
) -> Option<Result<(Layer, Vec<Problem>), ImportError>> {
    read_layer_streaming_with(path, opts, progress, json::JsonParser::Fast)
}

/// [`read_layer_streaming`] with the parser of features chosen.
pub(super) fn read_layer_streaming_with(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
    parser: json::JsonParser,
) -> Option<Result<(Layer, Vec<Problem>), ImportError>> {
    stream_with_block(path, opts, progress, BLOCK, parser)
}

fn stream_with_block(
    path: &Path,
    opts: &LayerOptions,
    progress: Option<&Progress>,
    block: usize,
    parser: json::JsonParser,
) -> Option<Result<(Layer, Vec<Problem>), ImportError>> {
    let file = path.display().to_string();
    let mut st = Stream::open(path, block)?;
    // The first batch of features, then the CRS (from the members before the features
    // and the first features' positions).
    let mut batch = st.next_batch(2000, None).ok()?;
    let empty = Batch::default();
    let first = batch.as_ref().unwrap_or(&empty);
    let (decision, projector, problems) =
        stream_decide_crs(&file, &st.members, &first.text, &first.ranges, opts, parser)?;
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
    let mut merger = Merger {
        layer: Layer::default(),
        problems,
        estimate: None,
    };
    let mut next_index = 0usize;
    // Chunks parsed and numbered, merged into the layer during the next round.
    let mut queue: Vec<Partial> = Vec::new();
    // Parse one batch in parallel while the next is read and split (or read and parsed
    // on speculation: see `Stream::speculative_batch`) and the last one's chunks are
    // merged into the layer: the read and the merge, each on one thread, run beside
    // the parse instead of between parses.
    while let Some(mut b) = batch {
        if progress.is_some_and(|p| p.is_cancelled()) {
            return Some(Err(ImportError::Cancelled));
        }
        let first_index = next_index;
        let pending = std::mem::take(&mut queue);
        let ((parsed, ()), next) = rayon::join(
            || {
                rayon::join(
                    || parse_batch(&b, first_index, &ctx, parser),
                    || merger.merge(pending),
                )
            },
            || {
                if st.ended {
                    Ok(None)
                } else {
                    st.next_batch(1, Some((&ctx, parser)))
                }
            },
        );
        queue.extend(parsed?);
        if first_index == 0 {
            merger.estimate = feature_estimate(&b, st.total_bytes);
        }
        next_index += b.ranges.len();
        for (mut p, n) in std::mem::take(&mut b.parsed) {
            p.renumber(next_index);
            queue.push(p);
            next_index += n;
        }
        if let Some(pr) = progress {
            pr.add_done((b.text.len() + b.parsed_bytes) as u64);
        }
        st.recycle(b.text);
        batch = next.ok()?;
    }
    merger.merge(queue);
    let Merger {
        mut layer,
        problems,
        ..
    } = merger;
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
        part: None,
    };
    Some(Ok(finish_layer(layer, problems, &top, &file, opts)))
}

/// Features split from a block: the block's text (handed over from the reader, not
/// copied) and each feature's byte range in it; or, read on speculation, the features
/// already parsed (with how many each chunk holds) and the bytes they took.
#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    ranges: Vec<std::ops::Range<usize>>,
    parsed: Vec<(Partial, usize)>,
    parsed_bytes: usize,
}

/// Parses a batch's features in parallel chunks; `None` when one is not valid UTF-8 or
/// JSON (each chunk's text is checked in its own task, so that also runs in parallel).
fn parse_batch(
    b: &Batch,
    first_index: usize,
    ctx: &LayerContext<'_>,
    parser: json::JsonParser,
) -> Option<Vec<Partial>> {
    b.ranges
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(ci, ranges)| {
            let mut p = Partial::default();
            let text = chunk_text(&b.text, ranges)?;
            let base = ranges.first().map_or(0, |r| r.start);
            for (k, r) in ranges.iter().enumerate() {
                let text = text.get(r.start - base..r.end - base)?;
                let entry = json::parse_feature_with(text, parser).ok()?;
                process_feature(first_index + ci * CHUNK + k, entry, ctx, &mut p);
            }
            Some(p)
        })
        .collect()
}

/// The text from a chunk's first feature to its last, checked as UTF-8 in one pass
/// (SIMD, instead of one standard check per feature: the text between features is the
/// scanner's commas and whitespace, so the span is valid exactly when every feature is).
/// `None` when it is not valid UTF-8.
fn chunk_text<'t>(text: &'t [u8], ranges: &[std::ops::Range<usize>]) -> Option<&'t str> {
    let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else {
        return Some("");
    };
    simdutf8::basic::from_utf8(text.get(first.start..last.end)?).ok()
}

/// What the parse of a segment cut on speculation found.
enum Segment {
    /// Its features, ending exactly at its end (after a comma): the next cut was right.
    Landed(Partial, usize),
    /// Its last feature ran past its end, or the array ended inside it: the next cut
    /// was not between features.
    Missed,
    /// A feature that is not valid JSON or UTF-8.
    Invalid,
}

/// Parses the features of `text`, which starts with a feature and must end just after
/// a comma that follows one (see [`Stream::speculative_batch`]). Each feature is read as
/// the scanner's path reads it: the fast parser where it takes the feature, else serde
/// on the feature's text as the scanner finds it (the fast parser is not asked twice:
/// on that text it would refuse the feature again).
fn parse_segment(text: &[u8], ctx: &LayerContext<'_>, parser: json::JsonParser) -> Segment {
    let Ok(text) = simdutf8::basic::from_utf8(text) else {
        return Segment::Invalid;
    };
    let b = text.as_bytes();
    let mut p = Partial::default();
    let mut n = 0;
    let mut i = 0;
    loop {
        let fast = match parser {
            json::JsonParser::Fast => json_fast::parse_feature_at(text, i),
            json::JsonParser::Serde => None,
        };
        let (entry, after) = match fast {
            Some((f, after)) => (json::FeatureEntry::Feature(f), after),
            None => match json::scan_value(b, i) {
                Ok(Some(after)) => match text
                    .get(i..after)
                    .map(|t| json::parse_feature_with(t, json::JsonParser::Serde))
                {
                    Some(Ok(entry)) => (entry, after),
                    _ => return Segment::Invalid,
                },
                // Cut off by the segment's end.
                Ok(None) => return Segment::Missed,
                Err(()) => return Segment::Invalid,
            },
        };
        process_feature(n, entry, ctx, &mut p);
        n += 1;
        let comma = json::skip_ws(b, after);
        if b.get(comma) != Some(&b',') {
            return Segment::Missed;
        }
        i = json::skip_ws(b, comma + 1);
        if i >= b.len() {
            return Segment::Landed(p, n);
        }
    }
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
    /// Features may still be split on speculation (off after a guess that missed).
    speculate: bool,
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
            speculate: true,
        })
    }

    /// The features up to the end of the buffered text, at least `min` of them unless
    /// the root ends first (`Ok(None)` once it has ended). `Err` when the fast path
    /// must give up. The first batch asks for 2000 so the CRS is decided from the same
    /// features as the whole-file path samples.
    ///
    /// With `spec` (the layer's context and parser), the features of a whole block are
    /// first tried on speculation ([`Stream::speculative_batch`]): split where a line
    /// starts with a feature and parsed at once, the split checked by the parse.
    fn next_batch(
        &mut self,
        min: usize,
        spec: Option<(&LayerContext<'_>, json::JsonParser)>,
    ) -> Result<Option<Batch>, ()> {
        if let Some((ctx, parser)) = spec
            && self.speculate
            && !self.ended
        {
            if !self.eof {
                self.refill(self.pos)?;
            }
            if let Some(b) = self.speculative_batch(ctx, parser)? {
                return Ok(Some(b));
            }
        }
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

    /// The features of the buffered text parsed on speculation, without the root
    /// scanner's pass over every byte. In a file written one feature a line (`\n` or
    /// `\r\n`), every line that starts with `{` starts one: the text from the next
    /// feature to the last such line start is cut at a few of them into segments, parsed
    /// in parallel, and each segment's parse must end exactly where the next segment
    /// starts, after a comma (raw line breaks cannot be inside JSON strings, but a line
    /// can start with `{` inside a feature, so a cut is only trusted once the segment
    /// before it landed on it). Segments up to the first one that did not land are kept;
    /// the scanner goes on from there, and speculation stops for the file. `Ok(None)`:
    /// nothing to try (the scanner is not between features, or no cut was found); `Err`:
    /// a feature whose start is sure is not valid JSON or UTF-8 (the whole-file read
    /// reports it).
    fn speculative_batch(
        &mut self,
        ctx: &LayerContext<'_>,
        parser: json::JsonParser,
    ) -> Result<Option<Batch>, ()> {
        const CUT: &[u8] = b"\n{";
        // Where a cut's feature starts: past the line break.
        const SKIP: usize = CUT.len() - 1;
        /// Segments per block: enough for both cores to share the work evenly.
        const SEGMENTS: usize = 16;
        let buf = &self.buf;
        let Some(first) = self.scanner.next_entry_start(buf, self.pos) else {
            return Ok(None);
        };
        let Some(last) = memchr::memmem::rfind(&buf[first..], CUT).map(|k| first + k + SKIP) else {
            return Ok(None);
        };
        let step = (last - first) / SEGMENTS;
        let mut starts = vec![first];
        for k in 1..SEGMENTS {
            let from = (first + k * step).max(*starts.last().unwrap_or(&first) + 1);
            if from >= last {
                break;
            }
            match memchr::memmem::find(&buf[from..last], CUT) {
                Some(at) if from + at + SKIP < last => starts.push(from + at + SKIP),
                _ => break,
            }
        }
        let ends: Vec<usize> = starts[1..].iter().copied().chain([last]).collect();
        let results: Vec<Segment> = starts
            .par_iter()
            .zip(ends.par_iter())
            .map(|(&a, &b)| parse_segment(buf.get(a..b).unwrap_or_default(), ctx, parser))
            .collect();
        let mut parsed = Vec::new();
        let mut end = first;
        for (r, seg_end) in results.into_iter().zip(ends) {
            match r {
                Segment::Landed(p, n) => {
                    parsed.push((p, n));
                    end = seg_end;
                }
                // Its start is sure (every segment before it landed): the file's error.
                Segment::Invalid => return Err(()),
                Segment::Missed => {
                    self.speculate = false;
                    break;
                }
            }
        }
        if parsed.is_empty() {
            return Ok(None);
        }
        let parsed_bytes = end - self.pos;
        self.pos = end;
        self.scanner.before_entry();
        Ok(Some(Batch {
            parsed,
            parsed_bytes,
            ..Batch::default()
        }))
    }

    /// Hands the buffer up to the last feature over to a batch (no copy); the
    /// unscanned rest moves to a fresh (or recycled) buffer.
    fn take(&mut self, ranges: Vec<std::ops::Range<usize>>) -> Option<Batch> {
        let end = ranges.last()?.end;
        let mut next = self.spare.take().unwrap_or_default();
        next.clear();
        reserve_moving(&mut next, self.block + (1 << 16));
        next.extend_from_slice(&self.buf[end..]);
        let mut text = std::mem::replace(&mut self.buf, next);
        text.truncate(end);
        self.pos -= end;
        Some(Batch {
            text,
            ranges,
            ..Batch::default()
        })
    }

    /// Gives a parsed batch's buffer back for reuse.
    fn recycle(&mut self, buf: Vec<u8>) {
        // (A batch parsed on speculation has no buffer of its own to give.)
        if buf.capacity() > 0 {
            self.spare = Some(buf);
        }
    }

    /// Drops the text before `keep` and reads the next block.
    fn refill(&mut self, keep: usize) -> Result<(), ()> {
        use std::io::Read;
        let keep = keep.min(self.pos);
        self.buf.drain(..keep);
        self.pos -= keep;
        // Read into the buffer's spare room (not zeroed first: 8 MiB a block) until the
        // block is full or the file ends.
        // Moved, not reallocated: the buffer's room is mostly unwritten (`model::grow`).
        reserve_moving(&mut self.buf, self.block);
        let n = match (&mut self.file)
            .take(self.block as u64)
            .read_to_end(&mut self.buf)
        {
            Ok(n) => n,
            Err(_) => return Err(()),
        };
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
/// features, like [`super::read_layer_bytes`] does. `None` when the members do not parse.
fn stream_decide_crs(
    file: &str,
    members: &[(String, String)],
    buf: &[u8],
    first: &[std::ops::Range<usize>],
    opts: &LayerOptions,
    parser: json::JsonParser,
) -> Option<(Option<CrsDecision>, Option<Projector>, Vec<Problem>)> {
    let mut problems = Vec::new();
    let declared = members
        .iter()
        .rev()
        .find(|(k, _)| k == "crs")
        .and_then(|(_, raw)| declared_crs(raw));
    let sample = sample_features(
        first
            .iter()
            .map(|r| std::str::from_utf8(&buf[r.clone()]).ok()),
        parser,
    )?;
    let mut decision = decide_crs(file, declared, opts.crs, &sample, &mut problems);
    let projector = projector_for(file, decision.as_mut(), opts.datum_shift, &mut problems);
    Some((decision, projector, problems))
}

/// Merges parsed chunks into the layer in order, and sizes the layer once for the
/// whole file after the first batch's chunks.
struct Merger {
    layer: Layer,
    problems: Vec<Problem>,
    /// The file's likely number of features and the most room to add for them,
    /// applied at the next merge.
    estimate: Option<(usize, usize)>,
}

impl Merger {
    fn merge(&mut self, parts: Vec<Partial>) {
        for p in parts {
            merge_partial(&mut self.layer, p, &mut self.problems);
        }
        if let Some((total, most)) = self.estimate.take() {
            reserve_for(&mut self.layer, total, most);
        }
    }
}

/// From the first batch: the features the file will likely hold (its size over the
/// first batch's bytes per feature, plus 2%) and the most room to add for them (never
/// more than the file could hold: a 20-byte feature is the smallest sensible); `None`
/// without features to go by.
fn feature_estimate(first: &Batch, total_bytes: u64) -> Option<(usize, usize)> {
    let (start, end) = (first.ranges.first()?, first.ranges.last()?);
    let per_feature = ((end.end - start.start) / first.ranges.len()).max(1) as u64;
    let estimate = (total_bytes / per_feature).saturating_mul(102) / 100;
    Some((estimate as usize, (total_bytes / 20) as usize))
}

/// Reserves room for `total` features in all (adding room for at most `most`), so the
/// layer's columns are not grown by copying (1M enterprises: less time and memory).
fn reserve_for(layer: &mut Layer, total: usize, most: usize) {
    let additional = total.saturating_sub(layer.len()).min(most);
    reserve_moving(&mut layer.geometries, additional);
    if !layer.ids.is_empty() {
        reserve_moving(&mut layer.ids, additional);
    }
    layer.attributes.reserve_rows(additional);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read_layer_bytes;
    use std::path::PathBuf;

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

    /// This test process's folder for the files [`written`] writes (removed at the end).
    fn scratch_dir() -> PathBuf {
        std::env::temp_dir().join(format!("parkplan-stream-{}", std::process::id()))
    }

    fn written(name: &str, text: &[u8]) -> PathBuf {
        let dir = scratch_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Whether the streamed read (fast parser, blocks of `block` bytes) leaves `p` to the
    /// whole-file read.
    fn gives_up(p: &Path, block: usize) -> bool {
        stream_with_block(
            p,
            &LayerOptions::default(),
            None,
            block,
            json::JsonParser::Fast,
        )
        .is_none()
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
            let (bytes, whole) = whole_file(f);
            let file = f.display().to_string();
            for block in [3usize, 64, 1000, BLOCK] {
                if block < 64 && bytes.len() > 20_000 {
                    continue; // byte-sized blocks cost quadratic time on big files
                }
                let Some(s) = stream_with_block(
                    f,
                    &LayerOptions::default(),
                    None,
                    block,
                    json::JsonParser::Fast,
                ) else {
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
        assert!(gives_up(&p, 64));
        let _ = std::fs::remove_dir_all(scratch_dir());
    }

    /// A FeatureCollection written one feature a line, from `line(i)` for each feature.
    fn one_a_line(n: usize, line: impl Fn(usize) -> String) -> Vec<u8> {
        let lines: Vec<String> = (0..n).map(line).collect();
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
            lines.join(",\n")
        )
        .into_bytes()
    }

    /// Streams `path` with small blocks and says whether any batch after the first was
    /// parsed on speculation, and whether speculation was still on at the end.
    fn speculated(path: &Path) -> (bool, bool) {
        let ctx = LayerContext {
            file: "test",
            layer_crs_raw: None,
            gcj02: false,
            decision: None,
            projector: None,
        };
        let mut st = Stream::open(path, 1 << 16).unwrap();
        let mut batch = st.next_batch(2000, None).unwrap();
        let mut any = false;
        while batch.is_some() {
            batch = st
                .next_batch(1, Some((&ctx, json::JsonParser::Fast)))
                .unwrap();
            any |= batch.as_ref().is_some_and(|b| !b.parsed.is_empty());
        }
        (any, st.speculate)
    }

    /// A layer read, with its problems, or why it could not be.
    type Read = Result<(Layer, Vec<Problem>), ImportError>;

    /// The file's bytes and its layer as the whole-file read gives it (named by its
    /// path, as the streamed read names it).
    fn whole_file(p: &Path) -> (Vec<u8>, Read) {
        let bytes = std::fs::read(p).unwrap();
        let file = p.display().to_string();
        let whole = read_layer_bytes(&bytes, &file, &LayerOptions::default(), None).map(
            |(mut l, problems)| {
                l.source.path = Some(p.to_path_buf());
                (l, problems)
            },
        );
        (bytes, whole)
    }

    fn same_as_whole_file(p: &Path, what: &str) {
        let whole = whole_file(p).1.unwrap();
        for parser in [json::JsonParser::Fast, json::JsonParser::Serde] {
            let streamed = stream_with_block(p, &LayerOptions::default(), None, 1 << 16, parser)
                .expect("streamed")
                .unwrap();
            same(&whole, &streamed, &format!("{what} {parser:?}"));
        }
    }

    #[test]
    fn features_one_a_line_are_split_on_speculation_and_read_the_same() {
        // Points with Chinese names, escapes, a nested property (serde's), a null
        // entry and a feature without a geometry member, one a line.
        let text = one_a_line(20_000, |i| match i % 997 {
            5 => "null".into(),
            6 => format!(
                r#"{{"type":"Feature","properties":{{"o":{{"a":[1,{{"b":2}}]}},"n":{i}}},"geometry":null}}"#
            ),
            7 => format!(r#"{{"type":"Feature","properties":{{"n":{i}}}}}"#),
            8 => format!(
                r#"{{"type":"Feature","id":"q\"{i}","properties":{{"s":"a\u00e9\n]}},{{"}},"geometry":{{"type":"Point","coordinates":[112.3,30.3]}}}}"#
            ),
            _ => format!(
                r#"{{"type":"Feature","properties":{{"id":"E{i:07}","name":"荆州企业{i}","n":{i}}},"geometry":{{"type":"Point","coordinates":[112.{i:06},30.3]}}}}"#
            ),
        });
        let p = written("speculate.geojson", &text);
        same_as_whole_file(&p, "one a line");
        assert_eq!(speculated(&p), (true, true));
        // The same with Windows line breaks.
        let crlf = String::from_utf8(text).unwrap().replace('\n', "\r\n");
        let q = written("speculate-crlf.geojson", crlf.as_bytes());
        same_as_whole_file(&q, "one a line, CRLF");
        assert_eq!(speculated(&q), (true, true));
        let _ = std::fs::remove_file(&p);
        let _ = std::fs::remove_file(&q);
    }

    #[test]
    fn a_cut_inside_a_feature_is_caught_and_the_scanner_goes_on() {
        // Every feature has a line break before a nested object (a geometry of a
        // GeometryCollection), so a line starting with `{` is found inside features as often as between.
        let text = one_a_line(6_000, |i| {
            format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"n\":{i}}},\"geometry\":{{\"type\":\"GeometryCollection\",\"geometries\":[{{\"type\":\"Point\",\"coordinates\":[112.3,30.{i:04}]}},\n{{\"type\":\"Point\",\"coordinates\":[112.4,30.3]}}]}}}}"
            )
        });
        let p = written("speculate-missed.geojson", &text);
        same_as_whole_file(&p, "nested line breaks");
        let (_, still_on) = speculated(&p);
        assert!(!still_on, "a cut inside a feature turns speculation off");
        let _ = std::fs::remove_file(&p);
        // A feature that is not valid JSON, after a sure start: the stream gives up and
        // the whole-file read reports it.
        let mut bad = one_a_line(10_000, |i| {
            format!(r#"{{"type":"Feature","properties":{{"n":{i}}},"geometry":null}}"#)
        });
        let at = bad.len() * 3 / 4;
        let colon = at + bad[at..].iter().position(|c| *c == b':').unwrap();
        bad[colon] = b';';
        let p = written("speculate-bad.geojson", &bad);
        assert!(gives_up(&p, 1 << 16));
        assert!(crate::import::read_layer_file(&p, &LayerOptions::default(), None).is_err());
        let _ = std::fs::remove_file(&p);
    }

    #[test]
    fn a_chunk_is_checked_as_utf8_once_and_a_bad_byte_anywhere_in_it_gives_up() {
        let text = "[{\"n\":\"荆州\"},\n {\"n\":\"沙市\"}, 1]".as_bytes();
        let ranges = vec![1..15, 18..32, 34..35];
        let chunk = chunk_text(text, &ranges).expect("valid UTF-8");
        assert_eq!(chunk.get(0..14), Some("{\"n\":\"荆州\"}"));
        assert_eq!(chunk.get(17..31), Some("{\"n\":\"沙市\"}"));
        assert_eq!(chunk_text(text, &[]), Some(""));
        // A broken character in any feature of the chunk (here the second).
        let mut bad = text.to_vec();
        bad[24] = 0xFF;
        assert_eq!(chunk_text(&bad, &ranges), None);
        // A range beyond the text.
        let beyond = vec![1..15, 18..99];
        assert_eq!(chunk_text(text, &beyond), None);
        // The stream gives a file with a bad byte in a feature to the whole-file path,
        // which reads it (and names the replaced text).
        let mut file = br#"{"type":"FeatureCollection","features":["#.to_vec();
        for i in 0..50 {
            if i > 0 {
                file.push(b',');
            }
            file.extend_from_slice(
                format!(r#"{{"type":"Feature","properties":{{"name":"企业{i}"}},"geometry":{{"type":"Point","coordinates":[112.3,30.3]}}}}"#)
                    .as_bytes(),
            );
        }
        file.extend_from_slice(b"]}");
        let at = file.len() / 2;
        // The first byte of a Chinese character after the middle (企 is E4 BC 81).
        let lead = at + file[at..].iter().position(|c| *c == 0xE4).unwrap();
        file[lead] = 0xFF;
        let p = written("bad-byte.geojson", &file);
        assert!(gives_up(&p, BLOCK));
        let (layer, problems) = crate::import::read_layer_file(&p, &LayerOptions::default(), None)
            .expect("the whole-file path reads it");
        assert_eq!(layer.len(), 50);
        assert!(!problems.is_empty(), "the replaced byte is reported");
        let _ = std::fs::remove_file(&p);
    }
}
