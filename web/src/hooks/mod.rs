//! The app's hooks: what a page needs from the server or the browser, kept out of the pages.
//!
//! - [`use_room_socket`]: the projector's and the console's live room view.
//! - [`use_participant_token`]: the phone's identity in a room (saved, or from joining).
//! - [`use_phone_socket`]: the phone's model, its socket, the saved queue and the 429 retry.
//! - [`use_admission`]: the projector's joining code and the console's join figures.
//! - [`use_title`]: the page's title, naming the room.
//! - [`use_on_resize`]: measure again when the window changes size.

pub mod admission;
pub mod phone_identity;
pub mod phone_socket;
pub mod resize;
pub mod room_socket;
pub mod title;

pub use admission::{use_admission, Admission};
pub use phone_identity::{use_participant_token, JoinFailure};
pub use phone_socket::use_phone_socket;
pub use resize::use_on_resize;
pub use room_socket::use_room_socket;
pub use title::{page_title, use_title};
