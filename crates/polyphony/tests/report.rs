//! `polyphony report` end to end: the fixture and a real Polis export, and bad input.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn report(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .arg("report")
        .args(args)
        .output()
        .expect("run polyphony")
}

fn out_file(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// Runs the report on `input` and checks the file it wrote; returns its text.
fn written(input: &Path, name: &str, extra: &[&str]) -> String {
    let out = out_file(name);
    let mut args = vec![input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = report(&args);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "stderr: {stderr}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(out.to_str().unwrap()),
        "says where: {stdout}"
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    // No resource but the page's own empty icon (which keeps browsers from asking for
    // /favicon.ico).
    let icon = r#"<link rel="icon" href="data:,">"#;
    assert_eq!(html.matches(icon).count(), 1, "the inline icon");
    let html = html.replace(icon, "");
    for needle in ["src=", "href=", "url(", "<link"] {
        assert!(!html.contains(needle), "{needle}");
    }
    for id in [
        "summary",
        "map",
        "groups",
        "consensus",
        "divisive",
        "change",
        "method",
    ] {
        assert!(
            html.contains(&format!(r#"<section id="{id}""#)),
            "section {id}"
        );
    }
    assert!(html.contains("<svg") && html.contains("<circle"));
    html
}

#[test]
fn the_fixture_becomes_a_report_in_each_language() {
    let fixture = root().join("fixtures/two-camps");
    let en = written(&fixture, "two-camps-en.html", &[]);
    assert!(en.contains(r#"<html lang="en">"#));
    assert!(en.contains("Comparing the first half of the votes with all the votes."));
    assert!(en.contains("random seed 0"));
    let ja = written(
        &fixture,
        "two-camps-ja.html",
        &["--lang", "ja", "--seed", "5", "--preset", "polis"],
    );
    assert!(ja.contains(r#"<html lang="ja">"#) && ja.contains("意見マップ"));
    assert!(ja.contains("「Polis（pol.is と同じ）」設定、乱数シード 5"));
    let zh = written(&fixture, "two-camps-zh.html", &["--lang", "zh-TW"]);
    assert!(zh.contains("意見地圖"));
    let ko = written(&fixture, "two-camps-ko.html", &["--lang", "ko"]);
    assert!(ko.contains("의견 지도"));
}

#[test]
fn a_real_polis_export_becomes_a_report() {
    let dir = root().join("../shared/data/polis-open-data/vtaiwan.uberx");
    assert!(
        dir.is_dir(),
        "the vTaiwan export is missing: {}",
        dir.display()
    );
    let html = written(&dir, "vtaiwan-uberx.html", &["--lang", "zh-TW"]);
    // Every participant is one dot, and the file stays a reasonable size to send.
    let circles = html.matches("<circle").count();
    assert!(circles > 100, "{circles} dots");
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    assert!(html.contains("A 組"), "zh-TW names a group as the app does");
}

fn fails_with(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail (stderr: {err})");
    for n in needles {
        assert!(err.contains(n), "stderr lacks `{n}`: {err}");
    }
}

#[test]
fn bad_input_is_refused_clearly() {
    let fixture = root().join("fixtures/two-camps");
    let out = out_file("bad.html");
    let missing = report(&["no/such/folder", "-o", out.to_str().unwrap()]);
    fails_with(&missing, &["cannot import no/such/folder"]);
    assert!(!out.exists());

    let lang = report(&[
        fixture.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--lang",
        "fr",
    ]);
    fails_with(&lang, &["fr", "zh-TW, en, ja or ko"]);
    assert!(!out.exists());

    let unwritable = out_file("no-such-dir").join("report.html");
    let write = report(&[
        fixture.to_str().unwrap(),
        "-o",
        unwritable.to_str().unwrap(),
    ]);
    fails_with(&write, &["cannot write the report to"]);

    let no_out = report(&[fixture.to_str().unwrap()]);
    fails_with(&no_out, &["--out"]);
}
