//! What the projector and the console know.

use polyphony_protocol::{HostView, RoomView, ServerMessage};

use super::SocketEvent;

/// What the projector and the console know: the latest room view and the connection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreenModel {
    /// The latest room view.
    pub view: Option<RoomView>,
    /// The socket is open.
    pub online: bool,
    /// What only the facilitator's socket receives (every table's notes); `None` elsewhere.
    pub host: Option<HostView>,
}

impl ScreenModel {
    /// The room's topic, once a view has arrived (the page's title names it).
    pub fn topic(&self) -> Option<String> {
        Some(self.view.as_ref()?.room.as_ref()?.topic.clone())
    }

    /// Applies a socket event (room views, and the facilitator's `host` message).
    pub fn apply(&mut self, event: SocketEvent) {
        match event {
            SocketEvent::Connected => self.online = true,
            SocketEvent::Disconnected(_) => self.online = false,
            SocketEvent::Server(ServerMessage::Room(v)) => self.view = Some(*v),
            SocketEvent::Server(ServerMessage::Host(h)) => self.host = Some(*h),
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
        s.apply(SocketEvent::Disconnected(super::super::Closed::Unknown));
        assert!(
            !s.online && s.view.is_some(),
            "the last view stays on screen"
        );
    }

    #[test]
    fn the_console_keeps_the_latest_notes() {
        use polyphony_protocol::HostNote;
        let note = |id, released| HostNote {
            id,
            plan: 1,
            table: 2,
            text: format!("n{id}"),
            released,
        };
        let mut s = ScreenModel::default();
        assert!(s.host.is_none(), "a projector never has notes");
        s.apply(SocketEvent::Server(ServerMessage::Host(Box::new(
            HostView {
                notes: vec![note(1, false)],
            },
        ))));
        s.apply(SocketEvent::Server(ServerMessage::Host(Box::new(
            HostView {
                notes: vec![note(1, true), note(2, false)],
            },
        ))));
        let notes = s.host.map(|h| h.notes).unwrap_or_default();
        assert_eq!(notes, vec![note(1, true), note(2, false)]);
    }
}
