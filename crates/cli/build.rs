//! Builds the translated catalogues into the CLI (`content/<locale>/
//! rules.json` and `words.json`; the messages `parse.txt`,
//! `cheatsheet.txt`, `goal.txt` and `sockets.txt`; the runtimes table's
//! `runtimes.txt` and `runtimes-rows.txt`), so `bindlab --lang zh-CN` needs no files
//! at run time. A file not written yet is an empty catalogue (every rule
//! then reads in English, and `bindlab rules check` lists them all).

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let content = std::path::Path::new("../../content");
    for (locale, file, empty) in [
        ("zh-CN", "rules.json", "[]"),
        ("zh-CN", "words.json", "{}"),
        ("zh-CN", "parse.txt", ""),
        ("zh-CN", "cheatsheet.txt", ""),
        ("zh-CN", "runtimes.txt", ""),
        ("zh-CN", "runtimes-rows.txt", ""),
        ("zh-CN", "goal.txt", ""),
        ("zh-CN", "sockets.txt", ""),
    ] {
        let src = content.join(locale).join(file);
        println!("cargo:rerun-if-changed={}", src.display());
        let text = std::fs::read_to_string(&src).unwrap_or_else(|_| empty.to_string());
        std::fs::write(out.join(format!("{locale}-{file}")), text).expect("write OUT_DIR");
    }
    println!("cargo:rerun-if-changed=../../content/zh-CN");
}
