//! Prints every translation table as JSON (`cargo xtask web` writes it next to the app, where
//! the browser tests read it to check each visible string against its table).

fn main() {
    println!("{}", polyphony_web::i18n::tables_json());
}
