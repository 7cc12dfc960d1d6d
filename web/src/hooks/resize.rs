//! What was measured on the page is measured again when the window changes size (the projector
//! going full screen): the table tiles' notes, the projector's lists.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Calls `again` whenever the window is resized, for as long as the component is mounted.
#[hook]
pub fn use_on_resize<F>(again: F)
where
    F: Fn() + 'static,
{
    use_effect_with((), move |_| {
        let window = web_sys::window();
        let again = Closure::<dyn FnMut()>::new(again);
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("resize", again.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ =
                    w.remove_event_listener_with_callback("resize", again.as_ref().unchecked_ref());
            }
        }
    });
}
