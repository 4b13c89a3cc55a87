//! Precompressed siblings for a static host: `FILE.br` (brotli, quality 11)
//! and `FILE.gz` (gzip -9) beside every text and wasm file of the site, so a
//! host that serves them (nginx `gzip_static`/`brotli_static`, Caddy
//! `precompressed`, Netlify, Cloudflare Pages) never compresses on the fly
//! and never sends a file uncompressed. README "Hosting" shows the settings.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Result;

/// The extensions worth compressing: text and wasm. Images other than SVG
/// are compressed already, and `_headers` is read by the host, not served.
pub(crate) const COMPRESSIBLE: &[&str] = &[
    "html", "js", "mjs", "css", "wasm", "svg", "json", "md", "txt", "bindlab", "tsv", "py", "c",
    "go", "rs", "java", "cs",
];

/// Whether `path` gets `.br` and `.gz` siblings.
pub(crate) fn compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

/// Brotli at its best (quality 11, a 4 MB window: every file here fits).
pub(crate) fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(data.len() / 3);
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .map_err(|e| format!("brotli: {e}"))?;
    Ok(out)
}

/// gzip -9.
pub(crate) fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    enc.write_all(data).map_err(|e| format!("gzip: {e}"))?;
    enc.finish().map_err(|e| format!("gzip: {e}"))
}

/// Every file under `dir`, sorted (so the report reads the same each time).
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes `FILE.br` and `FILE.gz` beside every compressible file under
/// `dir`; returns (raw, gzip, brotli) bytes of each wasm file, for the log.
pub(crate) fn precompress(dir: &Path) -> Result<Vec<(String, usize, usize, usize)>> {
    let mut wasm = Vec::new();
    for file in files(dir)? {
        if !compressible(&file) {
            continue;
        }
        let data = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let (gz, br) = (gzip(&data)?, brotli(&data)?);
        for (ext, bytes) in [("gz", &gz), ("br", &br)] {
            let mut name = file.clone().into_os_string();
            name.push(".");
            name.push(ext);
            std::fs::write(&name, bytes)
                .map_err(|e| format!("{}: {e}", Path::new(&name).display()))?;
        }
        if file.extension().is_some_and(|e| e == "wasm") {
            let name = file
                .strip_prefix(dir)
                .unwrap_or(&file)
                .display()
                .to_string();
            wasm.push((name, data.len(), gz.len(), br.len()));
        }
    }
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn every_text_and_wasm_file_gets_siblings_that_decompress_to_it() {
        let dir = std::env::temp_dir().join(format!("xtask-compress-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let text = "bind A 0.0.0.0:80\n".repeat(200);
        std::fs::write(dir.join("index.html"), &text).unwrap();
        std::fs::write(dir.join("pkg/app_bg.wasm"), [0u8, 97, 115, 109, 1, 0, 0, 0]).unwrap();
        std::fs::write(dir.join("icon.png"), [137u8, 80, 78, 71]).unwrap();
        let wasm = precompress(&dir).unwrap();
        assert_eq!(wasm.len(), 1);
        for f in ["index.html", "pkg/app_bg.wasm"] {
            let original = std::fs::read(dir.join(f)).unwrap();
            let mut gz = Vec::new();
            flate2::read::GzDecoder::new(&std::fs::read(dir.join(format!("{f}.gz"))).unwrap()[..])
                .read_to_end(&mut gz)
                .unwrap();
            let mut br = Vec::new();
            brotli::Decompressor::new(
                &std::fs::read(dir.join(format!("{f}.br"))).unwrap()[..],
                4096,
            )
            .read_to_end(&mut br)
            .unwrap();
            assert_eq!(gz, original, "{f}.gz");
            assert_eq!(br, original, "{f}.br");
        }
        assert!(std::fs::metadata(dir.join("index.html.br")).unwrap().len() < 200);
        assert!(!dir.join("icon.png.gz").exists() && !dir.join("icon.png.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
