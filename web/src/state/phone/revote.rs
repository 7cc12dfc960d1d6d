//! A second vote on the phone: which statements are asked again of it (those it had voted on),
//! the earlier vote as a reminder, and the statement's place among them ("1 of 3").

use polyphony_protocol::Vote;

use super::PhoneModel;

impl PhoneModel {
    /// When `statement` is asked again in a second vote and this phone voted on it before: that
    /// earlier vote (shown as a reminder).
    pub fn asked_again(&self, statement: u32) -> Option<Vote> {
        let view = self.view.as_ref()?;
        let revote = view.room.controls.revote.as_ref()?;
        if !revote.statements.contains(&statement) {
            return None;
        }
        view.votes
            .iter()
            .find(|v| v.statement == statement)
            .map(|v| v.vote)
    }

    /// In a second vote, `statement`'s place among the statements this phone is asked again
    /// (those it had voted on) and how many there are: `(1, 3)` for "1 of 3". Those not yet
    /// voted on again are the ones still waiting here (the server's next and upcoming, less
    /// the votes sent from here); `None` when `statement` is not asked again of this phone.
    pub fn revote_place(&self, statement: u32) -> Option<(u32, u32)> {
        let view = self.view.as_ref()?;
        let revote = view.room.controls.revote.as_ref()?;
        let asked: Vec<u32> = revote
            .statements
            .iter()
            .copied()
            .filter(|s| view.votes.iter().any(|v| v.statement == *s))
            .collect();
        if !asked.contains(&statement) {
            return None;
        }
        let waiting = asked
            .iter()
            .filter(|s| **s != statement && self.candidates().any(|c| c.id == **s))
            .count();
        let total = asked.len() as u32;
        Some((total - waiting as u32, total))
    }
}
