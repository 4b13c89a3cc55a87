//! Turns `src/goal.txt` (what a challenge's check says, kept as data) into
//! `goal::GoalMsg` with the engine's catalogue generator, so a message the
//! file lacks does not compile and a translation is checked key for key.

#[allow(dead_code)]
#[path = "../engine/src/keytext.rs"]
mod keytext;

#[allow(dead_code)]
#[path = "../engine/src/catalogue_gen.rs"]
mod catalogue_gen;

fn main() {
    let out = catalogue_gen::catalogue(
        "goal.txt",
        "GoalMsg",
        "What a challenge's check says about one requirement (a `Verdict`'s\n/// `detail`).",
        "bindlab_engine::messages::Catalogue",
    );
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("goal.rs");
    std::fs::write(dest, out).expect("write goal.rs");
}
