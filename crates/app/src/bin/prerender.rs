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

use bindlab_app::prerender::{
    escape, not_found, page_notes, pages, render, Locale, Page, PageNotes, Route,
};

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
    let mut written = 0;
    let mut bundles = Vec::new();
    for locale in Locale::ALL {
        // Another language's texts: its bundle, as the page fetches it.
        let bundle = match locale {
            Locale::En => None,
            l => {
                let path = site.join(bindlab_course::bundle::path(l));
                Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                )
            }
        };
        let lang = bundle.as_deref().map(|b| (locale, b));
        if let Some(b) = &bundle {
            bundles.push((locale, b.clone()));
        }
        let all = pages(lang)?;
        let notes = page_notes(lang)?;
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
            let body = rt.block_on(local.run_until(render(page.route.clone(), data, lang)))?;
            let html = page_html(&template, page, &body, base_url)?;
            let html = with_notes(&html, &notes)?;
            let dir = site.join(page.path());
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let out = dir.join("index.html");
            std::fs::write(&out, html).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        written += all.len();
    }
    let langs: Vec<(Locale, &str)> = bundles.iter().map(|(l, b)| (*l, b.as_str())).collect();
    let html = not_found_html(&template, &langs, base_url)?;
    let out = site.join("404.html");
    std::fs::write(&out, html).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(written + 1)
}

/// `html` with the template's note for readers without JavaScript replaced
/// by the page's, and its `#fatal` carrying the page's words for an app that
/// cannot start (read by `static/boot.js`).
fn with_notes(html: &str, notes: &PageNotes) -> Result<String, String> {
    let open = "<p class=\"noscript-note\">";
    let s = html
        .find(open)
        .ok_or("index.html has no <p class=\"noscript-note\">")?
        + open.len();
    let e = html[s..]
        .find("</p>")
        .ok_or("index.html: the noscript note has no </p>")?
        + s;
    let html = format!("{}{}{}", &html[..s], escape(&notes.noscript), &html[e..]);
    let fatal = "<div id=\"fatal\" class=\"fatal\" role=\"alert\" hidden>";
    let at = html
        .find(fatal)
        .ok_or(format!("index.html has no {fatal}"))?;
    let with = format!(
        "<div id=\"fatal\" class=\"fatal\" role=\"alert\" hidden data-no-wasm=\"{}\" data-failed=\"{}\">",
        escape(&notes.no_wasm),
        escape(&notes.failed)
    );
    Ok(format!(
        "{}{}{}",
        &html[..at],
        with,
        &html[at + fatal.len()..]
    ))
}

/// `404.html`: served by the host at whatever address was asked, so its
/// `<base href>` is absolute (`--base-url`, else the host's root `/`), and
/// it has no script.
fn not_found_html(
    template: &str,
    langs: &[(Locale, &str)],
    base_url: Option<&str>,
) -> Result<String, String> {
    let (title, body) = not_found(langs)?;
    let base = base_url.unwrap_or("/");
    let mut html = template.to_string();
    html = cut(&html, "<title>", "</title>")?;
    html = cut_tag(&html, "<meta name=\"description\"")?;
    html = cut_tag(&html, "<link rel=\"modulepreload\" href=\"pkg/bindlab.js\"")?;
    html = cut(&html, "<script type=\"module\"", "</script>")?;
    // No script, so no note about one.
    html = cut(&html, "<noscript><p", "</noscript>")?;
    let head = format!(
        "<base href=\"{}\">\n  <title>{}</title>\n  <meta name=\"robots\" content=\"noindex\">",
        escape(base),
        escape(&title)
    );
    fill_template(html, &head, "<div id=\"app\">", &body)
}

/// `html` with `head` after its `<meta charset>` and `#app` replaced by
/// `app_open` and `body`.
fn fill_template(
    mut html: String,
    head: &str,
    app_open: &str,
    body: &str,
) -> Result<String, String> {
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
    html.replace_range(start..end, &format!("{app_open}{body}"));
    Ok(html)
}

/// The template (`web/index.html` as built) made into `page`.
fn page_html(
    template: &str,
    page: &Page,
    body: &str,
    base_url: Option<&str>,
) -> Result<String, String> {
    // Relative to the `<base>`, i.e. the site's root, without `--base-url`.
    let absolute = |path: String| match base_url {
        Some(b) => format!("{b}{path}"),
        None if path.is_empty() => "./".to_string(),
        None => path,
    };
    let base = if page.path().is_empty() {
        "./".to_string()
    } else {
        page.to_root()
    };
    let mut head = format!(
        "<base href=\"{}\">\n  <title>{}</title>\n  <meta name=\"description\" content=\"{}\">\n  <link rel=\"canonical\" href=\"{}\">",
        base,
        escape(&page.title),
        escape(&page.description),
        escape(&absolute(page.path())),
    );
    // The same page in every language, for search engines and the switch.
    for l in Locale::ALL {
        head.push_str(&format!(
            "\n  <link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">",
            l.tag(),
            escape(&absolute(page.path_in(l)))
        ));
    }
    if let Some(data) = &page.data {
        head.push_str(&format!(
            "\n  <meta name=\"bindlab-data\" content=\"{}\">",
            escape(data)
        ));
    }
    // No `<link rel="preload">` of the wasm or the language's bundle:
    // boot.js asks for both first thing, and a preload would make a reader
    // without JavaScript download the whole wasm for nothing.
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
    let lang = "<html lang=\"en\">";
    let at = html
        .find(lang)
        .ok_or("index.html has no <html lang=\"en\">")?;
    html.replace_range(
        at..at + lang.len(),
        &format!("<html lang=\"{}\">", page.locale.tag()),
    );
    fill_template(html, &head, "<div id=\"app\" data-prerendered>", body)
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
