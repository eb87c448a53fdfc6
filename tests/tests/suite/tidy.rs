//! Repository hygiene checks that need no services.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_by_saying_what_it_is_for() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace");
    let mut files = Vec::new();
    rust_files(root, &mut files);
    assert!(files.len() > 20, "found the workspace's sources");
    let missing: Vec<String> = files
        .iter()
        .filter(|path| {
            !std::fs::read_to_string(path)
                .unwrap_or_default()
                .starts_with("//!")
        })
        .map(|path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!` line: {missing:?}"
    );
}

/// The names in a manifest's `[dependencies]` table.
fn dependencies(crate_dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace");
    let manifest = std::fs::read_to_string(root.join(crate_dir).join("Cargo.toml"))
        .expect("the crate's manifest");
    let mut in_dependencies = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
        } else if in_dependencies && let Some((name, _)) = line.split_once(['=', '.']) {
            names.push(name.trim().to_owned());
        }
    }
    assert!(!names.is_empty(), "{crate_dir} has dependencies");
    names
}

#[test]
fn crates_depend_only_on_what_their_layer_allows() {
    let refused = |crate_dir: &str, forbidden: &[&str]| {
        let found: Vec<String> = dependencies(crate_dir)
            .into_iter()
            .filter(|name| forbidden.contains(&name.as_str()))
            .collect();
        assert!(
            found.is_empty(),
            "{crate_dir} must not depend on {found:?} (see ARCHITECTURE.md, invariants)"
        );
    };
    let databases = ["sea-orm", "sea-orm-migration", "sqlx", "warren-migrations"];
    let runtimes_and_io = ["tokio", "lapin", "reqwest", "axum", "hyper", "deadpool"];
    refused("shared", &[&databases[..], &runtimes_and_io[..]].concat());
    refused(
        "broker",
        &[&databases[..], &["axum", "hyper", "reqwest", "warren-api"]].concat(),
    );
    refused("worker", &databases);
    let warren_crates: Vec<String> = dependencies("cli")
        .into_iter()
        .filter(|name| name.starts_with("warren-"))
        .collect();
    assert_eq!(
        warren_crates,
        ["warren-api", "warren-config"],
        "the CLI depends on no other Warren crate"
    );
}
