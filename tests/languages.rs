//! Import problems in the planner's language: one catalog gives each problem its stable
//! `code` and its Chinese and English words; the CLI follows `--lang` or the locale and
//! `--json` keeps the code beside the text.

use std::path::Path;
use std::process::Command;

use parkplan::import::{self, LayerOptions};
use parkplan::model::Lang;

use crate::common;

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `parkplan-cli info --json` with extra arguments and environment; the parsed answer.
fn info_json(path: &Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parkplan-cli"));
    c.arg("info").arg("--json").arg(path).args(args);
    for v in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn problem<'a>(v: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    v["layers"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {v}"))
}

#[test]
fn cli_words_follow_lang_and_locale_and_json_keeps_the_code() {
    let path = common::data("crs/parcel_4525_nocrs.geojson");
    let zh = info_json(&path, &["--lang", "zh"], &[]);
    let en = info_json(&path, &["--lang", "en"], &[]);
    let p_zh = problem(&zh, "crs_missing_assumed");
    let p_en = problem(&en, "crs_missing_assumed");
    let (m_zh, m_en) = (
        p_zh["message"].as_str().unwrap(),
        p_en["message"].as_str().unwrap(),
    );
    assert!(has_cjk(m_zh) && m_zh.contains("EPSG:4525"), "{m_zh}");
    assert!(
        m_en.contains("assumed EPSG:4525") && !has_cjk(m_en),
        "{m_en}"
    );
    assert!(has_cjk(p_zh["action"].as_str().unwrap()), "{p_zh}");
    // Every existing key is still there, beside the code.
    for key in [
        "feature",
        "feature_id",
        "message",
        "action",
        "severity",
        "code",
    ] {
        assert!(p_zh.get(key).is_some(), "{key} missing in {p_zh}");
    }
    // Without --lang the locale decides; --lang wins over it.
    let by_locale = info_json(&path, &[], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(problem(&by_locale, "crs_missing_assumed")["message"], m_zh);
    let c_locale = info_json(&path, &[], &[("LANG", "C")]);
    assert_eq!(problem(&c_locale, "crs_missing_assumed")["message"], m_en);
    let forced = info_json(&path, &["--lang", "en"], &[("LC_ALL", "zh_CN.UTF-8")]);
    assert_eq!(problem(&forced, "crs_missing_assumed")["message"], m_en);
    // GBK text: text_not_utf8 in both languages.
    let gbk = common::data("encoding/gbk.geojson");
    let g = info_json(&gbk, &["--lang", "zh"], &[]);
    let p = problem(&g, "text_not_utf8");
    assert!(has_cjk(p["message"].as_str().unwrap()), "{p}");
}

#[test]
fn cli_rejects_an_unknown_language() {
    let o = Command::new(env!("CARGO_BIN_EXE_parkplan-cli"))
        .args(["info", "--lang", "fr"])
        .arg(common::data("crs/parcel_4490.geojson"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("zh or en"));
}

/// Every problem of every hand-made broken file has a snake_case code and reads in
/// Chinese (with the place in the geometry named) and in English.
#[test]
fn every_problem_of_the_repair_files_reads_in_both_languages() {
    let dir = common::data("repair");
    let mut codes = std::collections::BTreeSet::new();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let problems = match import::read_layer_file(&path, &LayerOptions::default(), None) {
            Ok((_, p)) => p,
            Err(_) => continue, // files that fail whole are checked through load_jobs below
        };
        for p in problems {
            n += 1;
            let code = p.code();
            assert!(
                !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code}"
            );
            codes.insert(code);
            let (zh, en) = (p.describe(Lang::Zh), p.describe(Lang::En));
            assert!(has_cjk(&zh), "{path:?}: {zh}");
            assert_ne!(zh, en);
            assert!(en.contains(&p.file) && zh.contains(&p.file));
            if let Some(i) = p.feature {
                assert!(en.contains(&format!("feature {i}")), "{en}");
                assert!(zh.contains(&format!("第 {i} 个要素")), "{zh}");
            }
        }
    }
    assert!(n >= 8, "only {n} problems");
    for c in [
        "ring_closed",
        "repeated_points_dropped",
        "ring_winding_reversed",
    ] {
        assert!(codes.contains(c), "{c} not met: {codes:?}");
    }
    // A file that fails whole: json_invalid, worded in both languages.
    let bad = common::data("repair/truncated.geojson");
    let opened = common::open(&[&bad]);
    let p = &opened.loaded.report.problems[0];
    assert_eq!(p.code(), "json_invalid");
    assert!(p.message(Lang::Zh).contains("不是有效的 JSON"));
    assert!(p.action(Lang::Zh).contains("未载入"));
}
