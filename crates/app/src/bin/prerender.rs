//! `bindlab-prerender SITE [--base-url URL]`: writes every page of the site
//! as real HTML into SITE (a built site: its `index.html` is the template and
//! its `content/` the lessons), each at its path (`learn/udp/index.html`).
//! Run by `cargo xtask dist` and `serve` (`xtask/src/prerender.rs`); needs
//! the `ssr` feature.
//!
//! Each page gets a `<base href>` at the site's root (so every link, script
//! and fetch is root-relative and the site works under any sub-path), its
//! `<title>`, description and canonical link (absolute with `--base-url`,
//! else relative to the root), and `#app` holds the server's render, marked
//! `data-prerendered` for `run_page` to hydrate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bindlab_app::prerender::{pages, render, Page, Route};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut site = None;
    let mut base_url = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--base-url" => base_url = it.next(),
            _ if site.is_none() => site = Some(PathBuf::from(a)),
            _ => {
                eprintln!("usage: bindlab-prerender SITE [--base-url URL]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(site) = site else {
        eprintln!("usage: bindlab-prerender SITE [--base-url URL]");
        return ExitCode::from(2);
    };
    let base_url = base_url.map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
    match run(&site, base_url.as_deref()) {
        Ok(n) => {
            println!("prerendered {n} pages into {}", site.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bindlab-prerender: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(site: &Path, base_url: Option<&str>) -> Result<usize, String> {
    let template_path = site.join("index.html");
    let template = std::fs::read_to_string(&template_path)
        .map_err(|e| format!("{}: {e}", template_path.display()))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let all = pages();
    for page in &all {
        let data = match &page.data {
            Some(url) => {
                let path = site.join(url);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Some((url.clone(), text))
            }
            None => None,
        };
        let local = tokio::task::LocalSet::new();
        let body = rt.block_on(local.run_until(render(page.route.clone(), data)));
        let html = page_html(&template, page, &body, base_url)?;
        let dir = site.join(page.route.path());
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let out = dir.join("index.html");
        std::fs::write(&out, html).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(all.len())
}

/// The template (`web/index.html` as built) made into `page`.
fn page_html(
    template: &str,
    page: &Page,
    body: &str,
    base_url: Option<&str>,
) -> Result<String, String> {
    let path = page.route.path();
    let canonical = match base_url {
        Some(b) => format!("{b}{path}"),
        // Relative to the `<base>`, i.e. the site's root.
        None => {
            if path.is_empty() {
                "./".to_string()
            } else {
                path.clone()
            }
        }
    };
    let mut head = format!(
        "<base href=\"{}\">\n  <title>{}</title>\n  <meta name=\"description\" content=\"{}\">\n  <link rel=\"canonical\" href=\"{}\">",
        if page.route == Route::Sandbox { "./".to_string() } else { page.route.to_root() },
        escape(&page.title),
        escape(&page.description),
        escape(&canonical),
    );
    if let Some(data) = &page.data {
        head.push_str(&format!(
            "\n  <meta name=\"bindlab-data\" content=\"{}\">",
            escape(data)
        ));
    }
    if page.route != Route::Sandbox {
        head.push_str("\n  <link rel=\"modulepreload\" href=\"pkg/bindlab-course.js\">");
    }
    let mut html = template.to_string();
    // The template's own title and description give way to the page's.
    html = cut(&html, "<title>", "</title>")?;
    html = cut_tag(&html, "<meta name=\"description\"")?;
    if page.route != Route::Sandbox {
        html = cut_tag(&html, "<link rel=\"modulepreload\" href=\"pkg/bindlab.js\"")?;
    }
    let charset = "<meta charset=\"utf-8\">";
    let at = html
        .find(charset)
        .ok_or("index.html has no <meta charset=\"utf-8\">")?
        + charset.len();
    html.insert_str(at, &format!("\n  {head}"));
    let open = "<div id=\"app\">";
    let start = html
        .find(open)
        .ok_or("index.html has no <div id=\"app\">")?;
    let end = html[start..]
        .find("</div>\n</body>")
        .ok_or("index.html: #app must close right before </body>")?
        + start;
    html.replace_range(
        start..end,
        &format!("<div id=\"app\" data-prerendered>{body}"),
    );
    Ok(html)
}

/// `html` without the first `open … close` (and the line's indentation and end).
fn cut(html: &str, open: &str, close: &str) -> Result<String, String> {
    let s = html
        .find(open)
        .ok_or_else(|| format!("index.html has no {open}"))?;
    let e = html[s..]
        .find(close)
        .ok_or_else(|| format!("index.html: {open} without {close}"))?
        + s
        + close.len();
    Ok(remove_line(html, s, e))
}

/// `html` without the first tag starting with `start`.
fn cut_tag(html: &str, start: &str) -> Result<String, String> {
    cut(html, start, ">")
}

fn remove_line(html: &str, s: usize, e: usize) -> String {
    let line_start = html[..s].rfind('\n').map_or(0, |i| i + 1);
    let only_ws = html[line_start..s].trim().is_empty();
    let line_end = if only_ws && html[e..].starts_with('\n') {
        e + 1
    } else {
        e
    };
    let from = if only_ws { line_start } else { s };
    format!("{}{}", &html[..from], &html[line_end..])
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
