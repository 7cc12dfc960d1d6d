//! What the projector and the console know.

use polyphony_protocol::{RoomView, ServerMessage};

use super::SocketEvent;

/// What the projector and the console know: the latest room view and the connection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreenModel {
    /// The latest room view.
    pub view: Option<RoomView>,
    /// The socket is open.
    pub online: bool,
}

impl ScreenModel {
    /// Applies a socket event (only room views matter here).
    pub fn apply(&mut self, event: SocketEvent) {
        match event {
            SocketEvent::Connected => self.online = true,
            SocketEvent::Disconnected => self.online = false,
            SocketEvent::Server(ServerMessage::Room(v)) => self.view = Some(*v),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_keep_the_latest_room_view() {
        let mut s = ScreenModel::default();
        s.apply(SocketEvent::Connected);
        s.apply(SocketEvent::Server(ServerMessage::Room(Box::default())));
        assert!(s.online && s.view.is_some());
        s.apply(SocketEvent::Disconnected);
        assert!(
            !s.online && s.view.is_some(),
            "the last view stays on screen"
        );
    }
}
