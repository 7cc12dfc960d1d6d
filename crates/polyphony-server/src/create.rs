//! Creating rooms: from a facilitator's [`NewRoom`] (checked, rate-limited per address) and from
//! a Polis export.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use polyphony_polis::PolisConversation;
use polyphony_protocol::{
    ModerationState, NewRoom, RoomCreated, RoomSettings, Stage, MAX_STATEMENT_MAX_CHARS,
    RULES_MAX_CHARS,
};

use crate::room::model::{check_settings, check_statement_text};
use crate::room::RoomError;
use crate::store::{StoredParticipant, StoredRoom, StoredStatement, StoredVote};
use crate::util::{lock, next_time, random_hex};
use crate::AppState;

/// Checks a language tag (letters, digits and dashes, at most 35 characters).
fn check_language(language: &str) -> Result<(), RoomError> {
    let ok = !language.is_empty()
        && language.len() <= 35
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(RoomError::BadLanguage(language.to_string()))
    }
}

impl AppState {
    /// An import's statement lengths and ids (see [`AppState::import_polis`]).
    fn check_import(&self, data: &PolisConversation) -> Result<(), RoomError> {
        let limits = &self.inner.limits;
        let max_sid = u32::MAX - limits.max_statements_per_room;
        let max_pid = u32::MAX - limits.max_participants_per_room;
        for s in &data.statements {
            if s.id > max_sid {
                return Err(RoomError::ImportIdTooLarge {
                    what: "statement",
                    id: s.id,
                    max: max_sid,
                });
            }
            let chars = s.text.chars().count();
            if chars > MAX_STATEMENT_MAX_CHARS as usize {
                return Err(RoomError::Imported {
                    id: s.id,
                    source: Box::new(RoomError::StatementTooLong {
                        chars,
                        max: MAX_STATEMENT_MAX_CHARS,
                    }),
                });
            }
        }
        let pids = data.votes.iter().map(|v| v.participant);
        let authors = data.statements.iter().filter_map(|s| s.author);
        match pids.chain(authors).find(|&p| p > max_pid) {
            Some(id) => Err(RoomError::ImportIdTooLarge {
                what: "participant",
                id,
                max: max_pid,
            }),
            None => Ok(()),
        }
    }

    fn allow_creation(&self, from: Option<IpAddr>) -> Result<(), RoomError> {
        let Some(addr) = from else {
            return Ok(());
        };
        let limit = self.inner.limits.rooms_per_address_per_hour;
        let mut map = lock(&self.inner.creations);
        // Read under the creations' lock: two creations at once cannot both take the last place
        // (another place is taken only once the room is stored and started, so creations racing
        // it can pass by as many as are in flight, each bounded by its address's quota).
        let max = self.inner.limits.max_rooms;
        if self.room_count() >= max as usize {
            return Err(RoomError::ServerFull { max });
        }
        let now = Instant::now();
        let times = map.entry(addr).or_default();
        times.retain(|t| now.duration_since(*t) < Duration::from_secs(3600));
        if times.len() >= limit as usize {
            return Err(RoomError::CreationRateLimited { limit });
        }
        times.push(now);
        Ok(())
    }

    /// Creates a room with its seed statements and briefing cards (it opens on the briefing
    /// when it has cards, else on collecting votes). `from` is the caller's address (rate
    /// limit; `None` for in-process callers).
    pub async fn create_room(
        &self,
        req: NewRoom,
        from: Option<IpAddr>,
    ) -> Result<RoomCreated, RoomError> {
        let limits = &self.inner.limits;
        let topic = crate::room::text::normalise(&req.topic);
        if topic.is_empty() {
            return Err(RoomError::EmptyTopic);
        }
        if topic.chars().count() > limits.topic_max_chars as usize {
            return Err(RoomError::TopicTooLong {
                max: limits.topic_max_chars,
            });
        }
        let description = crate::room::text::normalise_paragraphs(&req.description);
        let rules = crate::room::text::normalise_paragraphs(&req.rules);
        if description.chars().count() > limits.description_max_chars as usize {
            return Err(RoomError::DescriptionTooLong {
                max: limits.description_max_chars,
            });
        }
        if rules.chars().count() > RULES_MAX_CHARS as usize {
            return Err(RoomError::RulesTooLong {
                max: RULES_MAX_CHARS,
            });
        }
        check_settings(&req.settings)?;
        let brief = crate::room::commands::checked_brief(req.brief)?;
        let language = req.language.unwrap_or_else(|| "en".into());
        check_language(&language)?;
        if req.statements.len() > limits.max_statements_per_room as usize {
            return Err(RoomError::TooManySeeds {
                max: limits.max_statements_per_room,
            });
        }
        let created = next_time();
        let mut statements = Vec::new();
        for (i, text) in req.statements.iter().enumerate() {
            let seed = |e| RoomError::Seed {
                index: i + 1,
                source: Box::new(e),
            };
            let text =
                check_statement_text(text, req.settings.statement_max_chars).map_err(seed)?;
            if statements
                .iter()
                .any(|s: &StoredStatement| crate::room::text::same_text(&s.text, &text))
            {
                return Err(seed(RoomError::DuplicateStatement));
            }
            statements.push(StoredStatement {
                sid: i as u32,
                text,
                author: None,
                is_seed: true,
                moderation: ModerationState::Accepted,
                created,
                client_id: None,
            });
        }
        self.allow_creation(from)?;
        let room = StoredRoom {
            id: 0,
            code: self.unused_code(),
            facilitator_key: random_hex(32),
            topic,
            description,
            rules,
            language,
            settings: req.settings,
            // A room with briefing cards opens on them: the key facts come before the votes.
            stage: if brief.is_empty() {
                Stage::Collect
            } else {
                Stage::Brief
            },
            closed: false,
            seed: req.seed.unwrap_or_else(rand::random),
            created,
            engine_state: None,
            controls: Default::default(),
            snapshots: Vec::new(),
            frozen_groups: None,
            brief,
            removed: Vec::new(),
            participants: Vec::new(),
            statements,
            votes: Vec::new(),
            spectrums: Vec::new(),
            positions: Vec::new(),
            tables: Default::default(),
        };
        self.insert_and_start(room, from).await
    }

    async fn insert_and_start(
        &self,
        mut room: StoredRoom,
        from: Option<IpAddr>,
    ) -> Result<RoomCreated, RoomError> {
        let addr = from.map(|a| a.to_string());
        room.id = self.inner.store.insert_room(room.clone(), addr).await?;
        let key = room.facilitator_key.clone();
        let live = self.start_room(room).await?;
        Ok(RoomCreated {
            room: live.info(),
            facilitator_key: key,
        })
    }

    /// Creates a room from a Polis export (demos and replays): its statements keep their ids and
    /// texts (exactly: no normalisation), every voter becomes an anonymous participant with their
    /// Polis id, every vote event is kept with its time.
    ///
    /// Refused, naming the statement or id: a statement longer than
    /// [`polyphony_protocol::MAX_STATEMENT_MAX_CHARS`], and a statement (participant) id above
    /// `u32::MAX` minus the room's statement (participant) limit, which would leave the room no
    /// id for a new statement (participant).
    ///
    /// `brief`: the room's briefing cards (checked as at creation), e.g. read from a room's
    /// `polyphony.json` export (`room.brief`); an imported room opens on its groups either way.
    pub async fn import_polis(
        &self,
        data: &PolisConversation,
        topic: &str,
        seed: u64,
        brief: Vec<polyphony_protocol::BriefCard>,
    ) -> Result<RoomCreated, RoomError> {
        self.check_import(data)?;
        let brief = crate::room::commands::checked_brief(brief)?;
        let created = next_time();
        let statements = data
            .statements
            .iter()
            .map(|s| StoredStatement {
                created: s.created.unwrap_or(created),
                ..StoredStatement::from(s)
            })
            .collect::<Vec<_>>();
        let mut pids: Vec<u32> = data
            .votes
            .iter()
            .map(|v| v.participant)
            .chain(data.statements.iter().filter_map(|s| s.author))
            .collect();
        pids.sort_unstable();
        pids.dedup();
        let known: std::collections::BTreeSet<u32> = statements.iter().map(|s| s.sid).collect();
        let votes = data
            .votes
            .iter()
            .filter(|v| known.contains(&v.statement))
            .enumerate()
            .map(|(i, v)| StoredVote {
                pid: v.participant,
                sid: v.statement,
                vote: v.vote,
                time: v.time,
                client_id: format!("import-{i}"),
            })
            .collect();
        let topic = topic.trim();
        let room = StoredRoom {
            id: 0,
            code: self.unused_code(),
            facilitator_key: random_hex(32),
            topic: if topic.is_empty() {
                "Imported conversation".into()
            } else {
                topic.into()
            },
            description: data
                .summary
                .get("conversation-description")
                .cloned()
                .unwrap_or_default(),
            rules: String::new(),
            language: "en".into(),
            settings: RoomSettings {
                statement_max_chars: MAX_STATEMENT_MAX_CHARS,
                ..RoomSettings::default()
            },
            stage: Stage::Groups,
            closed: false,
            seed,
            created,
            engine_state: None,
            controls: Default::default(),
            snapshots: Vec::new(),
            frozen_groups: None,
            brief,
            removed: Vec::new(),
            participants: pids
                .into_iter()
                .map(|pid| StoredParticipant {
                    pid,
                    token: random_hex(16),
                    created,
                })
                .collect(),
            statements,
            votes,
            spectrums: Vec::new(),
            positions: Vec::new(),
            tables: Default::default(),
        };
        self.insert_and_start(room, None).await
    }
}
