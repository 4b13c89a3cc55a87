//! Prints the random scenario a seed makes: `cargo run --example gen_print SEED`
//! (for reproducing a property-test failure by hand).
fn main() {
    let Some(seed) = std::env::args().nth(1).and_then(|s| s.parse::<u64>().ok()) else {
        eprintln!("usage: gen_print SEED");
        std::process::exit(2);
    };
    let s = bindlab_engine::gen::scenario(seed, &bindlab_engine::gen::Options::default());
    print!("{}", bindlab_engine::print(&s));
}
