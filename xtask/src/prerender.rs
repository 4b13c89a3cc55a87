//! Every page as real HTML before any wasm runs: after the site is built,
//! the `bindlab-prerender` binary (crates/app, feature `ssr`: Yew's server
//! renderer, native) writes `index.html` for each route — `learn/<id>/`,
//! `glossary/`, `rules/`, `guides/…/`, `paste/` and the sandbox's root —
//! which the browser then hydrates. Kept apart from `site.rs`.

use std::path::Path;
use std::sync::OnceLock;

use crate::Result;

static BASE_URL: OnceLock<String> = OnceLock::new();

/// `cargo xtask dist --base-url URL`: where the site will live
/// (`https://example.org/some/dir/`), for absolute canonical links. Without
/// it, canonical links are relative to the site's root (see README).
pub fn take_base_url(args: &[String]) -> Result {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--base-url" => {
                let url = it
                    .next()
                    .ok_or("--base-url needs a URL (https://example.org/dir/)")?;
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(format!("--base-url {url}: an absolute http(s) URL, e.g. https://example.org/bindlab/"));
                }
                let _ = BASE_URL.set(url.clone());
            }
            other => {
                return Err(format!(
                    "dist: unknown argument {other} (dist [--base-url URL])"
                ))
            }
        }
    }
    Ok(())
}

/// Prerenders every page of the built site in `out` (its `index.html` is
/// the template).
pub fn prerender(out: &Path) -> Result {
    let out = out.to_str().ok_or("the site's path is not UTF-8")?;
    let mut args = vec![
        "run",
        "--quiet",
        "-p",
        "bindlab-app",
        "--features",
        "ssr",
        "--bin",
        "bindlab-prerender",
        "--",
        out,
    ];
    if let Some(url) = BASE_URL.get() {
        args.extend(["--base-url", url.as_str()]);
    }
    crate::run("cargo", &args, &[])
}

/// The prerenderer's code (feature `ssr`) is outside the workspace's usual
/// features, so the `clippy` stage checks it too.
pub fn clippy() -> Result {
    crate::run(
        "cargo",
        &[
            "clippy",
            "--quiet",
            "-p",
            "bindlab-app",
            "--features",
            "ssr",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )
}
