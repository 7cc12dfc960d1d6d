//! The page the app runs in: its address, and going to another page of the app (the URLs
//! themselves come from [`crate::routes`]).

/// The page's window (the app only runs in a browser page).
pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `location.origin`, e.g. `http://192.168.1.20:8080`.
pub fn origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A path of this server as a full URL (what a phone types or scans).
pub fn absolute(path: &str) -> String {
    format!("{}{path}", origin())
}

/// `location.pathname`.
pub fn path() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// `location.hash` (with its `#`, or empty).
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Goes to another page of the app.
pub fn go(path: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_href(path);
    }
}

/// Loads `path` afresh, also when it differs from the current address by its fragment only
/// (which the browser would otherwise treat as a jump within the page).
pub fn reload_at(path: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_href(path);
        let _ = w.location().reload();
    }
}

/// Scrolls the page to its top: where the console shows the stage's own panel, under the run
/// sheet, once the facilitator has moved the room on (else it could stay hidden under the
/// sticky run sheet, scrolled past).
pub fn scroll_to_top() {
    if let Some(w) = window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}
