//! Polyphony's web app: the phone view, the projector screen, the facilitator console and the
//! explorer, as yew function components over the server's documented API
//! (`docs/protocol.md`). The state each screen keeps is plain Rust in [`state`], tested
//! natively; every UI string comes from [`i18n`]; every URL, API path and storage key from
//! [`routes`].

pub mod i18n;
pub mod palette;
pub mod routes;
pub mod state;

mod app;
mod components;
mod hooks;
mod nav;
mod net;
mod pages;
mod storage;

pub use routes::Route;

/// Starts the app in the browser.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

pub use palette::{group_colour, group_or_none, GROUP_COLOURS};

/// A table's number plate: a white number on a black square, the same for every table, on the
/// phone and on the projector's tile. Colours mean opinion groups ([`GROUP_COLOURS`], round
/// letter chips), so a table takes none of them, nor any other hue: it is told by its number.
pub const TABLE_PLATE: &str = "#111111";
/// The number on a table's plate.
pub const TABLE_INK: &str = "#FFFFFF";

/// The plate's colours as the CSS custom properties `--table` and `--table-ink`.
pub fn table_plate_style() -> String {
    format!("--table:{TABLE_PLATE};--table-ink:{TABLE_INK}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Red, green and blue of `#RRGGBB`.
    fn rgb(hex: &str) -> [u8; 3] {
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_default();
        [byte(1), byte(3), byte(5)]
    }

    #[test]
    fn tables_take_no_group_colour_nor_any_hue() {
        for c in [TABLE_PLATE, TABLE_INK] {
            assert!(!GROUP_COLOURS.contains(&c), "{c} is a group colour");
            let [r, g, b] = rgb(c);
            assert!(r == g && g == b, "{c} is grey, black or white");
        }
        let [plate, ink] = [rgb(TABLE_PLATE)[0], rgb(TABLE_INK)[0]];
        assert!(ink.abs_diff(plate) > 200, "a number readable from the back");
    }
}
