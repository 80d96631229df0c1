//! Scans files or directories with the SAST engine and prints one JSON line per file,
//! `{"path": …, "findings": [...]}`, exactly as `securetag-edge sast FILE` would judge each
//! file (language from the extension, fenced blocks for Markdown). A summary with the scan
//! throughput goes to stderr. Used by `bench/sast/compare.sh` until the CLI is wired.
//!
//! Usage: `cargo run --release --example sast_scan -- PATH...`

use securetag_edge::sast::{cli, Engine};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            collect(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let engine = Engine::new(&[]).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        lines.join("\n")
    })?;
    let loaded = started.elapsed();
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        collect(Path::new(&arg), &mut files)?;
    }
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| std::fs::read_to_string(&p).map(|t| (p, t)))
        .collect::<Result<_, _>>()?;
    let scan_start = Instant::now();
    let mut lines = Vec::with_capacity(texts.len());
    for (path, text) in &texts {
        let name = path.file_name().and_then(|n| n.to_str());
        let findings = cli::scan(&engine, name, text, None);
        lines.push(serde_json::json!({"path": path, "findings": findings}).to_string());
    }
    let scanned = scan_start.elapsed();
    for l in lines {
        println!("{l}");
    }
    eprintln!(
        "files {} rules {} engine_new_ms {:.1} scan_ms {:.1} files_per_s {:.0}",
        texts.len(),
        engine.rule_count(),
        loaded.as_secs_f64() * 1e3,
        scanned.as_secs_f64() * 1e3,
        texts.len() as f64 / scanned.as_secs_f64().max(1e-9)
    );
    Ok(())
}
