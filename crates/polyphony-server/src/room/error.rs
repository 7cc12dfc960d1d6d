//! [`RoomError`]: everything that can go wrong in a room (or creating one), in the room's own
//! terms. The HTTP status of each case is decided once, at the edge (`crate::error`).

use polyphony_protocol::{
    BriefProblem, BRIEF_MAX_CARDS, BRIEF_MAX_POSITIONS, MAX_STATEMENTS_PER_PARTICIPANT,
    MAX_STATEMENT_MAX_CHARS,
};

use crate::store::StoreError;

impl From<BriefProblem> for RoomError {
    fn from(p: BriefProblem) -> RoomError {
        match p {
            BriefProblem::TooManyCards { cards } => RoomError::BriefTooManyCards {
                cards,
                max: BRIEF_MAX_CARDS,
            },
            BriefProblem::EmptyTitle { card } => RoomError::BriefEmptyTitle { card },
            BriefProblem::TooLong {
                card,
                position,
                field,
                chars,
                max,
            } => RoomError::BriefTooLong {
                card,
                at: position.map_or_else(String::new, |p| format!(", position {p}")),
                field: field.as_str(),
                chars,
                max,
            },
            BriefProblem::TooManyPositions { card, positions } => {
                RoomError::BriefTooManyPositions {
                    card,
                    positions,
                    max: BRIEF_MAX_POSITIONS,
                }
            }
            BriefProblem::EmptyPosition { card, position } => {
                RoomError::BriefEmptyPosition { card, position }
            }
            BriefProblem::BadImage { card } => RoomError::BriefBadImage { card },
        }
    }
}

/// What can go wrong in a room. The `Display` text is the sentence a client reads (for every
/// case but [`RoomError::Storage`] and [`RoomError::Internal`], whose detail goes to the log).
#[derive(Debug, thiserror::Error)]
pub enum RoomError {
    /// No room has this join code.
    #[error("no room with code {0}")]
    UnknownRoom(String),
    /// The facilitator key is missing.
    #[error("this needs the facilitator key (x-facilitator-key)")]
    KeyMissing,
    /// The facilitator key is not this room's.
    #[error("the facilitator key is not this room's")]
    WrongKey,
    /// The participant token is missing.
    #[error("this needs a participant token (x-participant-token); join the room first")]
    TokenMissing,
    /// The participant token is not from this room.
    #[error("this participant token is not from this room")]
    WrongToken,
    /// A participant id the room does not know.
    #[error("unknown participant")]
    UnknownParticipant,
    /// The room is closed: no more joins, votes, statements or positions.
    #[error("the room is closed")]
    Closed,
    /// The room has its maximum of participants.
    #[error("the room is full ({max} participants)")]
    Full {
        /// `Limits::max_participants_per_room`.
        max: u32,
    },
    /// The room admits joins with the projector's current code only, and none (or an old one)
    /// came.
    #[error("joining this room needs the code on the projector: scan its QR code again")]
    AdmissionRequired,
    /// This participant stored as many vote events on this statement as a room keeps.
    #[error("your vote on statement {sid} has changed {max} times, as often as a room keeps")]
    VoteLimit {
        /// The statement.
        sid: u32,
        /// `Limits::vote_events_per_statement`.
        max: u32,
    },
    /// The room has its maximum of statements.
    #[error("the room has its maximum of {max} statements")]
    StatementLimit {
        /// `Limits::max_statements_per_room`.
        max: u32,
    },
    /// No statement with this id.
    #[error("no statement {0} in this room")]
    UnknownStatement(u32),
    /// No accepted statement with this id (a spectrum needs one).
    #[error("no accepted statement {0} in this room")]
    NotAccepted(u32),
    /// The statement waits for the facilitator.
    #[error("statement {0} is waiting for moderation")]
    StatementPending(u32),
    /// The facilitator rejected the statement: it takes no votes or positions.
    #[error("statement {0} was rejected by the facilitator")]
    StatementRejected(u32),
    /// Participants may not add statements in this room.
    #[error("participants cannot add statements in this room")]
    ParticipantsCannotAdd,
    /// No spectrum with this id.
    #[error("no spectrum {0} in this room")]
    UnknownSpectrum(u32),
    /// This round of the spectrum is not the open one.
    #[error("round {0} of this spectrum is not open")]
    RoundNotOpen(u8),
    /// A position outside −2 … 2.
    #[error("a spectrum position is -2 (strongly disagree) to 2 (strongly agree)")]
    PositionOutOfRange,
    /// More votes a second than `Limits::votes_per_second`.
    #[error("more than {rate} votes a second; resend in a moment")]
    RateLimited {
        /// `Limits::votes_per_second`.
        rate: u32,
    },
    /// A client id that is empty or over 64 characters.
    #[error("a client id must be 1 to 64 characters")]
    BadClientId,
    /// A statement that is empty once normalised (trimmed, invisible characters removed).
    #[error("the statement is empty")]
    EmptyStatement,
    /// A statement whose normalised text a statement of the room (not rejected) already has.
    #[error("this statement is already in the room")]
    DuplicateStatement,
    /// An imported statement is refused (its Polis id).
    #[error("statement {id}: {source}")]
    Imported {
        /// The statement's Polis id.
        id: u32,
        /// Why.
        source: Box<RoomError>,
    },
    /// An import's id leaves no room for the ids the room hands out after it.
    #[error("{what} id {id} is too large to import; ids up to {max} leave room for new {what}s")]
    ImportIdTooLarge {
        /// `statement` or `participant`.
        what: &'static str,
        /// The id.
        id: u32,
        /// The largest id an import may use.
        max: u32,
    },
    /// A statement longer than the room's limit.
    #[error("the statement has {chars} characters; this room takes at most {max}")]
    StatementTooLong {
        /// Its length in characters.
        chars: usize,
        /// The room's `statement_max_chars`.
        max: u32,
    },
    /// Settings with a statements-per-participant limit out of range.
    #[error("statements_per_participant must be between 0 and {MAX_STATEMENTS_PER_PARTICIPANT}")]
    BadStatementsPerParticipant,
    /// The participant added the room's maximum of statements.
    #[error("you have added this room's maximum of {max} statements")]
    AuthorStatementLimit {
        /// The room's `statements_per_participant`.
        max: u32,
    },
    /// Participants filled the share of statements the room keeps for them (the rest is the
    /// facilitator's reserve).
    #[error("participants have added as many statements as this room takes ({max})")]
    ParticipantStatementLimit {
        /// `max_statements_per_room - facilitator_statement_reserve`.
        max: u32,
    },
    /// A bulk rejection by author named a statement the facilitator wrote.
    #[error("statement {0} was not written by a participant")]
    NotFromParticipant(u32),
    /// Too many joins from one address or into one room in the last minute.
    #[error("too many joins {scope} in the last minute; try again in {retry_after} s")]
    JoinRateLimited {
        /// `from this address` or `into this room`.
        scope: &'static str,
        /// Seconds until a join is allowed again (the `Retry-After` header).
        retry_after: u64,
    },
    /// Settings with a statement limit out of range.
    #[error("statement_max_chars must be between 1 and {MAX_STATEMENT_MAX_CHARS}")]
    BadStatementLimit,
    /// A removal window that ends before it starts.
    #[error("the window must end after it starts (from {from} to {to})")]
    BadRemovalWindow {
        /// Its start (ms).
        from: i64,
        /// Its end (ms).
        to: i64,
    },
    /// A new room's topic is empty.
    #[error("the topic is empty")]
    EmptyTopic,
    /// A new room's topic is too long.
    #[error("the topic is longer than {max} characters")]
    TopicTooLong {
        /// `Limits::topic_max_chars`.
        max: u32,
    },
    /// A new room's description is too long.
    #[error("the description is longer than {max} characters")]
    DescriptionTooLong {
        /// `Limits::description_max_chars`.
        max: u32,
    },
    /// A new room's language is not a language tag.
    #[error("language {0:?} is not a language tag such as zh-TW, en, ja or ko")]
    BadLanguage(String),
    /// A new room has more seed statements than a room may hold.
    #[error("at most {max} statements per room")]
    TooManySeeds {
        /// `Limits::max_statements_per_room`.
        max: u32,
    },
    /// One of a new room's seed statements is refused (`index` counts from 1).
    #[error("statement {index}: {source}")]
    Seed {
        /// Which statement, from 1.
        index: usize,
        /// Why.
        source: Box<RoomError>,
    },
    /// The server holds `Limits::max_rooms` rooms.
    #[error("this server holds {max} rooms, as many as it is set to; ask whoever runs it to make room (polyphony serve --max-rooms)")]
    ServerFull {
        /// `Limits::max_rooms`.
        max: u32,
    },
    /// This address created its hourly quota of rooms.
    #[error("this address created {limit} rooms in the last hour; try again later")]
    CreationRateLimited {
        /// `Limits::rooms_per_address_per_hour`.
        limit: u32,
    },
    /// The house rules are too long.
    #[error("the house rules are longer than {max} characters")]
    RulesTooLong {
        /// `RULES_MAX_CHARS`.
        max: u32,
    },
    /// A table size outside 2–20.
    #[error("a table seats 2 to 20 people, not {0}")]
    BadTableSize(u8),
    /// No tables are formed.
    #[error("no discussion tables are formed in this room")]
    NoTables,
    /// The participant has no seat in the table plan in force.
    #[error("you have no seat at a discussion table")]
    NotSeated,
    /// A note that is empty once trimmed.
    #[error("the note is empty")]
    EmptyNote,
    /// A note over `NOTE_MAX_CHARS`.
    #[error("the note has {chars} characters; a note takes at most {max}")]
    NoteTooLong {
        /// Its length in characters.
        chars: usize,
        /// `NOTE_MAX_CHARS`.
        max: u32,
    },
    /// The participant wrote their maximum of notes for this table plan.
    #[error("at most {max} notes per person at one table plan")]
    TooManyNotes {
        /// `NOTES_PER_PARTICIPANT`.
        max: u32,
    },
    /// No note with this id.
    #[error("no note {0} in this room")]
    UnknownNote(u32),
    /// Only a note's author may withdraw it.
    #[error("only its author may withdraw a note")]
    NotYourNote,
    /// The note is released, so it can no longer be withdrawn.
    #[error("note {0} is released and can no longer be withdrawn")]
    NoteReleased(u32),
    /// The note is withdrawn, so it cannot be released.
    #[error("note {0} was withdrawn by its author")]
    NoteWithdrawn(u32),
    /// Only a table's current reporter may pass the role on.
    #[error("only your table's reporter may pass the role on")]
    NotReporter,
    /// The facilitator paused voting.
    #[error(
        "voting is paused by the facilitator; the vote is kept and can be sent when it resumes"
    )]
    VotingPaused,
    /// A timer of 1–30 minutes.
    #[error("a timer runs 1 to {max} minutes, not {minutes}")]
    BadTimer {
        /// What was asked.
        minutes: u32,
        /// `TIMER_MAX_MINUTES`.
        max: u32,
    },
    /// A group name too long.
    #[error("a group name has at most {max} characters, not {chars}")]
    GroupNameTooLong {
        /// Its length.
        chars: usize,
        /// `GROUP_NAME_MAX_CHARS`.
        max: u32,
    },
    /// No group with this id in the current analysis.
    #[error("no opinion group {0} in this room now")]
    UnknownGroup(u32),
    /// Groups cannot be frozen before the votes draw any.
    #[error("this room has no opinion groups yet: more people need to vote")]
    NoGroups,
    /// A second vote asks 1–20 statements.
    #[error("a second vote asks 1 to {max} accepted statements")]
    BadRevote {
        /// `REVOTE_MAX_STATEMENTS`.
        max: usize,
    },
    /// A spectrum runs at most this many rounds, opened in order.
    #[error("this spectrum can open round 1 to {next} (at most {max} rounds)")]
    NoRound {
        /// The next new round.
        next: u8,
        /// `MAX_SPECTRUM_ROUNDS`.
        max: u8,
    },
    /// Movement compares two rounds opened, the earlier first.
    #[error("compare two rounds of this spectrum: from 1 to {rounds}, the earlier first")]
    BadRounds {
        /// Rounds opened.
        rounds: u8,
    },
    /// A briefing of more than `BRIEF_MAX_CARDS` cards.
    #[error("a briefing has at most {max} cards, not {cards}")]
    BriefTooManyCards {
        /// How many were sent.
        cards: usize,
        /// `BRIEF_MAX_CARDS`.
        max: usize,
    },
    /// A briefing card without a title.
    #[error("briefing card {card}: the title is empty")]
    BriefEmptyTitle {
        /// The card, from 1.
        card: usize,
    },
    /// A briefing card's text over its limit (`field` says which: "the title", "the source"…).
    #[error("briefing card {card}{at}: {field} has {chars} characters; at most {max}")]
    BriefTooLong {
        /// The card, from 1.
        card: usize,
        /// ", position N" for a position's text, else "".
        at: String,
        /// Which text, in English.
        field: &'static str,
        /// Its length.
        chars: usize,
        /// Its limit.
        max: u32,
    },
    /// A briefing card with more than `BRIEF_MAX_POSITIONS` positions.
    #[error("briefing card {card}: at most {max} positions, not {positions}")]
    BriefTooManyPositions {
        /// The card, from 1.
        card: usize,
        /// How many were sent.
        positions: usize,
        /// `BRIEF_MAX_POSITIONS`.
        max: usize,
    },
    /// A position without a side or without a text.
    #[error("briefing card {card}, position {position}: a position needs a side and a text")]
    BriefEmptyPosition {
        /// The card, from 1.
        card: usize,
        /// The position, from 1.
        position: usize,
    },
    /// An image that is not an `https://` address without spaces.
    #[error("briefing card {card}: an image is an https:// address without spaces")]
    BriefBadImage {
        /// The card, from 1.
        card: usize,
    },
    /// The report is not published (and no key came with the request).
    #[error("this room's report is not published")]
    ReportNotPublished,
    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] StoreError),
    /// A failure that is the server's fault (engine parameters, serialisation, a lost task).
    #[error("internal: {0}")]
    Internal(String),
}
