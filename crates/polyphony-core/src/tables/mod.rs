//! Discussion tables: the room split into circles of at most 8 after the map.
//!
//! A vTaiwan-style workshop does not stay in one room-wide conversation once the groups appear:
//! each opinion group first meets on its own ("why are we a group?"), then **mixed** circles put
//! people from different groups together to look for common ground. Both need tables small
//! enough to talk (8 by default), as even as possible, and a plan that is the same every time it
//! is computed from the same room and seed, natively and in WebAssembly.
//!
//! [`TablePlan::form`] makes the plan from [`Seat`]s (who, their group if any, where they are on
//! the map); [`TablePlan::place`] seats a late joiner; [`draw_reporter`] picks the member who
//! reports back for a table. Nothing here knows names: a plan holds participant ids only, and
//! the server decides who may see what.

mod params;
mod plan;

pub use params::{TableMode, TableParams, TableParamsBuilder};
pub use plan::{draw_reporter, DiscussionTable, Seat, TableMember, TablePlan};

#[cfg(test)]
mod tests;
