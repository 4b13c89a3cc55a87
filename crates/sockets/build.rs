//! Turns `src/sockets.txt` (this crate's sentences, kept as data) into
//! `SocketsMsg` with the engine's catalogue generator, so a message the
//! file lacks does not compile and a translation is checked key for key.

#[allow(dead_code)]
#[path = "../engine/src/keytext.rs"]
mod keytext;

#[allow(dead_code)]
#[path = "../engine/src/catalogue_gen.rs"]
mod catalogue_gen;

fn main() {
    let out = catalogue_gen::catalogue(
        "sockets.txt",
        "SocketsMsg",
        "A sentence of `bindlab-sockets`: who receives a datagram, what would\n/// make a bind work, a pasted table that cannot be read.",
        "bindlab_engine::messages::Catalogue",
    );
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("sockets.rs");
    std::fs::write(dest, out).expect("write sockets.rs");
}
