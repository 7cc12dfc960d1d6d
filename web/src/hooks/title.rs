//! The page's title (the browser tab, the window a facilitator picks when sharing a screen, a
//! phone's tab list): what the page is and which room, instead of "Polyphony" everywhere.

use yew::prelude::*;

/// Sets `document.title` to `title` whenever it changes.
#[hook]
pub fn use_title(title: String) {
    use_effect_with(title, |title| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(title);
        }
    });
}

/// "{what} · {topic}", or `what` alone before the room's topic is known.
pub fn page_title(what: &str, topic: Option<&str>) -> String {
    match topic.filter(|t| !t.trim().is_empty()) {
        Some(t) => format!("{t} · {what}"),
        None => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_room_first() {
        assert_eq!(page_title("投影幕", Some("網路叫車")), "網路叫車 · 投影幕");
        assert_eq!(page_title("Polyphony", None), "Polyphony");
        assert_eq!(page_title("Console", Some("  ")), "Console");
    }
}
