//! The program generators (`bindlab_engine::export`) as a wasm module of
//! their own: `pkg/bindlab-export.wasm`. The site's main wasm leaves them
//! out (8.2 KB gzipped of every first load, measured), and loads this module
//! the first time a reader opens "Show as code" or presses "Run on your
//! machine" (`crates/app/src/browser/exporter.rs`).
//!
//! A plain module, no wasm-bindgen: the app instantiates it and calls it
//! through four exports, so it needs no JavaScript glue and no dynamic
//! `import()`. One call:
//! 1. `input(len)` gives the address of `len` bytes in this module's memory;
//!    the caller writes the request there (`export::request`): its form's
//!    version, a language id (`python`), the scenario's text, and bindlab's predictions for it
//!    (`Predictions::encode`: the caller has the OS rules, this module has
//!    none, which keeps it small);
//! 2. `program()` reads the request and returns 0 with the program, or 1
//!    with why not (a problem in the scenario, a language that cannot say
//!    it, an unknown language, a request from another version of bindlab);
//! 3. `output()` and `output_len()` say where that text is.
//!
//! The answer is the same text `bindlab export --lang L` writes before the
//! language's runtime, which the caller fetches and appends. A trap here
//! stops this module only, never the page's main wasm.

use std::cell::RefCell;

use bindlab_engine::export::answer;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Room for a request of `len` bytes; where to write it.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Answers the request in `input`: 0 and the program, or 1 and why not.
#[no_mangle]
pub extern "C" fn program() -> u32 {
    let request = INPUT.with(|b| String::from_utf8_lossy(&b.borrow()).into_owned());
    let (status, text) = match answer(&request) {
        Ok(p) => (0, p),
        Err(e) => (1, e),
    };
    OUTPUT.with(|o| *o.borrow_mut() = text);
    status
}

/// Where the last answer's text starts.
#[no_mangle]
pub extern "C" fn output() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}

/// The last answer's length in bytes (UTF-8).
#[no_mangle]
pub extern "C" fn output_len() -> usize {
    OUTPUT.with(|o| o.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_engine::export::{export, request, Lang, Options, Predictions, REQUEST_VERSION};
    use bindlab_engine::parse;

    const TEXT: &str = "title t\nos linux\nsocket A tcp\nbind A 127.0.0.1:8080\nlisten A\n";

    fn req(lang: Lang, text: &str) -> String {
        let predictions = Predictions::new(&parse(text).unwrap()).encode();
        request(lang, text, &predictions)
    }

    #[test]
    fn a_request_answers_as_the_engine_exports() {
        let s = parse(TEXT).unwrap();
        for lang in Lang::ALL {
            let opts = Options {
                file_name: Some(lang.file_name().to_string()),
            };
            let want = export(&s, lang, &opts).map_err(|e| e.to_string());
            assert_eq!(answer(&req(lang, TEXT)), want, "{}", lang.id());
        }
    }

    #[test]
    fn bad_requests_say_why() {
        let v = REQUEST_VERSION;
        assert_eq!(
            answer(&format!("{v}\ncobol\n0\n")).unwrap_err(),
            "no language named `cobol`"
        );
        let e = answer(&request(Lang::C, "socket A tcp\nbind A nowhere\n", "")).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        for damaged in [
            v.to_string(),
            format!("{v}\nc"),
            format!("{v}\nc\nten\n"),
            format!("{v}\nc\n99\nsocket A tcp\n"),
            String::new(),
        ] {
            assert_eq!(
                answer(&damaged).unwrap_err(),
                "the request is damaged",
                "{damaged:?}"
            );
        }
        // A request of another form (an older page's, say) is refused as such.
        let e = answer("c\n5\nhello").unwrap_err();
        assert!(e.contains("another version of bindlab"), "{e}");
        let e = answer(&request(Lang::C, TEXT, "differs 0\nos plan9\n")).unwrap_err();
        assert!(e.contains("plan9"), "{e}");
        // Predictions for another scenario (too few steps, an OS missing).
        let other = Predictions::new(&parse("socket A tcp\n").unwrap()).encode();
        let e = answer(&request(Lang::C, TEXT, &other)).unwrap_err();
        assert_eq!(e, "the predictions do not match the scenario");
        let mut linux_only = Predictions::new(&parse(TEXT).unwrap());
        linux_only.per_os.truncate(1);
        let e = answer(&request(Lang::Go, TEXT, &linux_only.encode())).unwrap_err();
        assert_eq!(e, "the predictions do not match the scenario");
    }

    /// What the page does: write the request where `input` said, read the
    /// answer where `output` and `output_len` say.
    fn call(r: &str) -> (u32, String) {
        let at = input(r.len());
        // SAFETY: `input` made room for exactly `r.len()` bytes at `at`.
        unsafe { std::ptr::copy_nonoverlapping(r.as_ptr(), at, r.len()) };
        let status = program();
        // SAFETY: `output` and `output_len` name the answer, alive until the next call.
        let out = unsafe { std::slice::from_raw_parts(output(), output_len()) };
        (status, String::from_utf8(out.to_vec()).expect("UTF-8"))
    }

    #[test]
    fn the_exports_carry_an_answer_through_memory() {
        let (status, out) = call(&req(Lang::Python, TEXT));
        assert_eq!(status, 0);
        assert_eq!(Ok(out), answer(&req(Lang::Python, TEXT)));
        // A failed request answers 1 and says why, in the same place.
        let (status, out) = call(&format!("{REQUEST_VERSION}\ncobol\n0\n"));
        assert_eq!((status, out.as_str()), (1, "no language named `cobol`"));
        // A longer request after a short one: the room grows.
        let long = format!("{TEXT}{}", "client 127.0.0.1:8080\n".repeat(200));
        let (status, out) = call(&req(Lang::C, &long));
        assert_eq!(status, 0);
        assert_eq!(out.matches("127.0.0.1\", 8080").count(), 201, "{out}");
    }
}
