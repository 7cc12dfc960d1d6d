//! The phone's **sticky** statement rule, stated once for the server and the web app.
//!
//! A phone keeps the statement it is showing until the participant votes on it (or it leaves the
//! room's visible list): a statement must never swap under a thumb about to tap. Only when
//! nothing is showing does the caller choose the next one — the server by the engine's weighted
//! routing, the phone (offline, before the server answered) from the upcoming list it was sent.

/// The statement to show: `showing` while `still_open` says it may still be voted on, else what
/// `choose` picks.
///
/// ```
/// use polyphony_protocol::routing::keep_or_choose;
/// let unvoted = [3, 5, 8];
/// let open = |s: u32| unvoted.contains(&s);
/// // The statement on screen stays while it is unvoted, whatever the chooser would pick.
/// assert_eq!(keep_or_choose(Some(5), open, || Some(8)), Some(5));
/// // Once voted (or hidden), the chooser decides.
/// assert_eq!(keep_or_choose(Some(4), open, || Some(8)), Some(8));
/// assert_eq!(keep_or_choose(None, open, || None), None);
/// ```
pub fn keep_or_choose(
    showing: Option<u32>,
    still_open: impl Fn(u32) -> bool,
    choose: impl FnOnce() -> Option<u32>,
) -> Option<u32> {
    showing.filter(|&s| still_open(s)).or_else(choose)
}
