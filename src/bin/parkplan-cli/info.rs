//! `parkplan-cli info`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use parkplan::import::{Severity, summary};
use parkplan::model::Lang;

/// Loads the paths and prints what each layer holds. Exit 0 when anything loaded,
/// 2 when nothing could be (with the reasons on stderr).
/// Problems are worded in `lang`; `--json` gives each its stable `code` too.
pub fn run(paths: &[PathBuf], json: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    // `info` describes layers: the typed records are not needed.
    let loaded = parkplan::project::open_paths_layers_only(paths, None)?.loaded;
    let s = summary::summarise(&loaded, lang);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &s, lang)?;
    }
    if s.layers.is_empty() {
        eprintln!("parkplan-cli: nothing could be loaded:");
        for e in &s.errors {
            eprintln!("  {}: {}", e.path, e.message);
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Repaired => lang.pick("已修复", "repaired"),
        Severity::Warning => lang.pick("警告", "warning"),
        Severity::Error => lang.pick("错误", "error"),
    }
}

/// A message with its digits removed, so "ring 2 …" and "ring 3 …" group together.
fn strip_numbers(m: &str) -> String {
    m.chars().filter(|c| !c.is_ascii_digit()).collect()
}

fn print_text(out: &mut impl Write, s: &summary::LoadSummary, lang: Lang) -> std::io::Result<()> {
    writeln!(out, "{}: {} layer(s)", s.park, s.layers.len())?;
    for l in &s.layers {
        writeln!(out)?;
        writeln!(out, "{}  ({})", l.name, l.path)?;
        writeln!(out, "  role:      {} ({})", l.role, l.role_reason)?;
        let types: Vec<String> = l
            .geometry_types
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        writeln!(out, "  features:  {}  [{}]", l.features, types.join(", "))?;
        match (&l.source_crs, &l.source_crs_name, &l.crs_reason) {
            (Some(code), Some(name), Some(reason)) => {
                writeln!(
                    out,
                    "  CRS:       {code} {name}{}",
                    if l.crs_guessed { " (guessed)" } else { "" }
                )?;
                writeln!(out, "             {reason}")?;
            }
            _ => writeln!(out, "  CRS:       unknown: geometries not loaded")?,
        }
        writeln!(out, "  encoding:  {}  ({} bytes)", l.encoding, l.bytes)?;
        match l.bbox {
            Some(b) => writeln!(
                out,
                "  extent:    {:.6}, {:.6} – {:.6}, {:.6} (lon/lat)",
                b[0], b[1], b[2], b[3]
            )?,
            None => writeln!(out, "  extent:    none (no coordinates)")?,
        }
        if !l.fields.is_empty() {
            let f: Vec<String> = l.fields.iter().map(|(k, v)| format!("{k}←{v}")).collect();
            writeln!(out, "  fields:    {}", f.join(", "))?;
        }
        if l.problems.is_empty() {
            writeln!(out, "  problems:  none")?;
        } else {
            writeln!(out, "  problems:  {}", l.problems.len())?;
            // The same message on many features (e.g. clockwise rings) is listed once
            // with its count and the first features it names.
            let mut groups: Vec<(String, Vec<&summary::ProblemSummary>)> = Vec::new();
            for p in &l.problems {
                let key = format!(
                    "{:?}|{}|{}",
                    p.severity,
                    strip_numbers(&p.message),
                    p.action
                );
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.push(p),
                    None => groups.push((key, vec![p])),
                }
            }
            for (_, ps) in groups.iter().take(40) {
                let p = ps[0];
                let at = |p: &summary::ProblemSummary| match (p.feature, &p.feature_id, lang) {
                    (Some(i), Some(id), Lang::En) => format!("feature {i} (id {id})"),
                    (Some(i), None, Lang::En) => format!("feature {i}"),
                    (Some(i), Some(id), Lang::Zh) => format!("第 {i} 个要素（编号 {id}）"),
                    (Some(i), None, Lang::Zh) => format!("第 {i} 个要素"),
                    _ => String::new(),
                };
                let action = if p.action.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", p.action)
                };
                if ps.len() == 1 {
                    let at = at(p);
                    let sep = if at.is_empty() { "" } else { ": " };
                    writeln!(
                        out,
                        "    [{}] {at}{sep}{}{action}",
                        severity_word(p.severity, lang),
                        p.message
                    )?;
                } else {
                    let first: Vec<String> = ps.iter().take(3).map(|p| at(p)).collect();
                    writeln!(
                        out,
                        "    [{}] ×{} {}{action} ({}{})",
                        severity_word(p.severity, lang),
                        ps.len(),
                        p.message,
                        first.join(", "),
                        if ps.len() > 3 { ", …" } else { "" }
                    )?;
                }
            }
            if groups.len() > 40 {
                writeln!(
                    out,
                    "    … and {} more kinds of problem (use --json for all)",
                    groups.len() - 40
                )?;
            }
        }
    }
    if !s.errors.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not loaded:")?;
        for e in &s.errors {
            writeln!(
                out,
                "  [{}] {}: {}",
                severity_word(e.severity, lang),
                e.path,
                e.message
            )?;
        }
    }
    Ok(())
}
