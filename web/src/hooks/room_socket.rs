//! The projector's and the console's socket.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::net;
use crate::state::{ScreenModel, SocketEvent};

/// Keeps a socket open on `path` (an `crate::routes::api` WebSocket path; none while `None`)
/// and the latest room view it brought; the component redraws on every event.
#[hook]
pub fn use_room_socket(path: Option<String>) -> Rc<RefCell<ScreenModel>> {
    let model = use_mut_ref(ScreenModel::default);
    let redraw = use_force_update();
    {
        let model = model.clone();
        use_effect_with(path, move |path: &Option<String>| {
            let socket = path.as_ref().map(|path| {
                let on_event: Rc<dyn Fn(SocketEvent)> = Rc::new(move |e| {
                    model.borrow_mut().apply(e);
                    redraw.force_update();
                });
                net::connect(path, on_event)
            });
            move || {
                if let Some(s) = socket {
                    s.stop();
                }
            }
        });
    }
    model
}
