//! Feeds arbitrary bytes to the configuration loader. The input is split at 0xFE bytes
//! into up to four files (each read as UTF-8, invalid bytes replaced). The loader must
//! return Ok or Err without panicking, every span must lie inside its file on character
//! boundaries, and rendering the diagnostics must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use miette::{GraphicalReportHandler, GraphicalTheme};
use std::path::Path;
use supaform::config::{load_str, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, String)> = data
        .split(|b| *b == 0xFE)
        .take(4)
        .enumerate()
        .map(|(i, part)| {
            (
                format!("f{i}.hcl"),
                String::from_utf8_lossy(part).into_owned(),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let opts = LoadOptions {
        env: Box::new(|k| (k == "SET").then(|| "value".to_string())),
        ..Default::default()
    };
    let Err(diags) = load_str(Path::new("/nonexistent/supaform-fuzz"), &refs, &opts) else {
        return;
    };
    assert!(!diags.is_empty(), "an Err without diagnostics");
    for d in &diags.items {
        let Some(span) = &d.span else { continue };
        let text = &files[span.file].1;
        assert!(
            span.range.start <= span.range.end
                && span.range.end <= text.len()
                && text.is_char_boundary(span.range.start)
                && text.is_char_boundary(span.range.end),
            "bad span {:?} in a file of {} bytes: {}",
            span.range,
            text.len(),
            d.summary()
        );
    }
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, &diags);
});
