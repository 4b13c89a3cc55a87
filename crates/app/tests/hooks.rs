//! Every component, and every custom `#[hook]`, calls its hooks unconditionally, in the same order on
//! every render. Yew checks this only in debug builds, by panicking ("Hooks
//! are called conditionally"): a component that returns early before a
//! `use_*` call works in the release site and freezes `cargo xtask serve`'s
//! on the first typo. This test reads the app's sources and refuses
//!
//! - a hook called after an early `return` of the component, and
//! - a hook called inside an `if`, `match`, loop or closure.
//!
//! It is a reader of Rust text, not a parser: strings and comments are
//! blanked first, then braces are matched and classified by what precedes
//! them. The checks on made-up components below keep it honest.

mod common;

/// Source with comments, strings and char literals blanked (same length,
/// so positions still point at the right lines).
fn blank(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            while i < b.len() && !b[i..].starts_with(b"*/") {
                if b[i] != b'\n' {
                    out[i] = b' ';
                }
                i += 1;
            }
            if i < b.len() {
                out[i] = b' ';
                out[i + 1] = b' ';
                i += 2;
            }
        } else if b[i] == b'r'
            && (b[i + 1..].starts_with(b"\"") || b[i + 1..].starts_with(b"#"))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // r"..." or r#"..."#
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == b'"' {
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                j += 1;
                while j < b.len() && !b[j..].starts_with(&close) {
                    if b[j] != b'\n' {
                        out[j] = b' ';
                    }
                    j += 1;
                }
                i = j + close.len();
            } else {
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    out[i] = b' ';
                    i += 1;
                }
                if i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                }
                i += 1;
            }
            i += 1;
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '{'), not a lifetime ('a).
            let end = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map(|p| i + 2 + p)
            } else if b.get(i + 2) == Some(&b'\'') {
                Some(i + 2)
            } else {
                // Multi-byte characters: up to 4 bytes.
                (3..=5)
                    .map(|k| i + k)
                    .find(|&k| b.get(k) == Some(&b'\'') && k < b.len())
                    .filter(|&k| {
                        std::str::from_utf8(&b[i + 1..k]).is_ok_and(|s| s.chars().count() == 1)
                    })
            };
            match end {
                Some(e) => {
                    for c in out.iter_mut().take(e).skip(i + 1) {
                        *c = b' ';
                    }
                    i = e + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Brace {
    /// `{ ... }` as a statement or `let x = { ... }`: runs every time.
    Block,
    /// `if`, `else`, `match` arms, loops, closures, macros: may not run, or
    /// run another number of times, or is not code at all.
    Other,
}

/// What kind of block the `{` at `at` opens, from the text before it.
fn classify(code: &str, at: usize) -> Brace {
    let before = &code[..at];
    let start = before.rfind([';', '{', '}']).map_or(0, |p| p + 1);
    let seg = before[start..].trim();
    let plain = seg.is_empty()
        || (seg.ends_with('=')
            && !seg.ends_with("=>")
            && !seg.ends_with("==")
            && !seg.contains(" else"));
    if plain {
        Brace::Block
    } else {
        Brace::Other
    }
}

/// The problems in one file's components: (line, message).
fn check(src: &str) -> Vec<(usize, String)> {
    let code = blank(src);
    let line_of = |pos: usize| code[..pos].matches('\n').count() + 1;
    let mut problems = Vec::new();
    let mut search = 0;
    while let Some((found, _)) = ["#[function_component", "#[hook]"]
        .iter()
        .filter_map(|a| code[search..].find(a).map(|p| (p, *a)))
        .min()
    {
        let attr = search + found;
        search = attr + 1;
        // The body: the first `{` after `fn` (the signature has no braces).
        let Some(f) = code[attr..].find("fn ") else {
            break;
        };
        let Some(open) = code[attr + f..].find('{').map(|p| attr + f + p) else {
            break;
        };
        let mut depth = 0;
        // Each open brace: its kind and where it is.
        let mut stack: Vec<(Brace, usize)> = Vec::new();
        let mut returned: Option<usize> = None;
        let bytes = code.as_bytes();
        let mut i = open;
        while i < code.len() {
            match bytes[i] {
                b'{' => {
                    stack.push((
                        if depth == 0 {
                            Brace::Block
                        } else {
                            classify(&code, i)
                        },
                        i,
                    ));
                    depth += 1;
                }
                b'}' => {
                    depth -= 1;
                    stack.pop();
                    if depth == 0 {
                        break;
                    }
                }
                _ => {
                    let word_start =
                        i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
                    if word_start {
                        let rest = &code[i..];
                        // An early return: in the body or its if/else/let-else
                        // blocks, but not inside a closure or a macro.
                        if rest.starts_with("return")
                            && !rest[6..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                        {
                            let in_closure = stack.iter().any(|(b, at)| {
                                *b == Brace::Other && is_closure_or_macro(&code, *at)
                            });
                            if !in_closure && returned.is_none() {
                                returned = Some(i);
                            }
                        }
                        if rest.starts_with("use_") {
                            let name: String = rest
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            let call = rest[name.len()..].trim_start().starts_with('(');
                            let defined = code[..i].trim_end().ends_with("fn");
                            if call && !defined {
                                if let Some(r) = returned {
                                    problems.push((
                                        line_of(i),
                                        format!(
                                            "`{name}` is called after the early return on line {}",
                                            line_of(r)
                                        ),
                                    ));
                                } else if stack.iter().skip(1).any(|(b, _)| *b == Brace::Other) {
                                    problems.push((line_of(i), format!("`{name}` is called inside an if, match, loop or closure")));
                                }
                            }
                        }
                    }
                }
            }
            i += 1;
        }
    }
    problems
}

/// Whether the `{` at `at` opens a closure's body or a macro's input,
/// whose `return` is not the component's.
fn is_closure_or_macro(code: &str, at: usize) -> bool {
    let before = code[..at].trim_end();
    before.ends_with('|') || before.ends_with('!') || before.ends_with("move")
}

#[test]
fn every_component_calls_its_hooks_unconditionally() {
    let mut all = Vec::new();
    let mut components = 0;
    for (f, src) in common::app_sources() {
        components += src.matches("#[function_component").count() + src.matches("#[hook]").count();
        for (line, msg) in check(&src) {
            all.push(format!("{}:{line}: {msg}", f.display()));
        }
    }
    assert!(
        components >= 20,
        "found only {components} components: is the scan reading the sources?"
    );
    assert!(
        all.is_empty(),
        "hooks must be called unconditionally, before any early return:\n{}",
        all.join("\n")
    );
}

#[test]
fn the_check_sees_early_returns_and_conditional_hooks() {
    let early = r#"
#[function_component(A)]
fn a(p: &P) -> Html {
    let Some(s) = &p.s else {
        return html! { <p>{"}"}</p> };
    };
    let x = use_state(|| 1);
    html! {}
}"#;
    assert_eq!(check(early).len(), 1, "{:?}", check(early));
    let conditional = r#"
#[function_component(B)]
fn b(p: &P) -> Html {
    if p.on { let y = use_state(|| 1); }
    html! {}
}"#;
    assert_eq!(check(conditional).len(), 1);
    let in_closure = r#"
#[function_component(C)]
fn c(p: &P) -> Html {
    let cb = Callback::from(move |_| { use_state(|| 0); });
    html! {}
}"#;
    assert_eq!(check(in_closure).len(), 1);
    // A custom hook obeys the same rule as a component.
    let hook = r#"
#[hook]
fn use_thing(on: bool) -> u32 {
    if !on { return 0; }
    let s = use_state(|| 1);
    *s
}"#;
    assert_eq!(check(hook).len(), 1, "{:?}", check(hook));
    // Fine: hooks first, blocks that always run, a return inside a closure
    // or html!, then an early return with no hook after it.
    let fine = r#"
#[function_component(D)]
fn d(p: &P) -> Html {
    let a = use_state(|| '{');
    let derived = { let t = 1; use_memo(t, |t| *t) };
    {
        let a = a.clone();
        use_effect_with((), move |_| { if true { return; } });
    }
    let items = p.v.iter().map(|x| { if *x { return html! {}; } html! {} });
    let Some(s) = &p.s else { return html! {} };
    html! { for items }
}"#;
    assert_eq!(check(fine), vec![]);
}
