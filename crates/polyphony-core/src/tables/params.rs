//! The settings of a table plan.

use serde::{Deserialize, Serialize};

use crate::CoreError;

pub use polyphony_types::TableMode;

/// The settings of a table plan, checked by [`TableParamsBuilder::build`].
///
/// Defaults: [`TableParams::DEFAULT_SIZE`] (8) people per table, seed 0. The size may be 2–20.
///
/// ```
/// use polyphony_core::{TableMode, TableParams};
/// // A big hall with little time: tables of 6, seeded with the room's seed.
/// let params = TableParams::builder(TableMode::Mixed).size(6).seed(42).build()?;
/// assert_eq!(params.size, 6);
/// // A table of one is not a discussion.
/// assert!(TableParams::builder(TableMode::Mixed).size(1).build().is_err());
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableParams {
    /// Same-group or mixed tables.
    pub mode: TableMode,
    /// The most people at one table.
    pub size: u8,
    /// The random source of the plan (the room's seed): same seed, same plan.
    pub seed: u64,
}

impl TableParams {
    /// Discussions work best with at most about 8 people.
    pub const DEFAULT_SIZE: u8 = 8;
    /// The smallest table that is still a conversation.
    pub const MIN_SIZE: u8 = 2;
    /// The largest table a facilitator may ask for.
    pub const MAX_SIZE: u8 = 20;

    /// A builder with the defaults for `mode`.
    ///
    /// ```
    /// use polyphony_core::{TableMode, TableParams};
    /// let params = TableParams::builder(TableMode::SameGroup).build()?;
    /// assert_eq!(params.size, TableParams::DEFAULT_SIZE);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn builder(mode: TableMode) -> TableParamsBuilder {
        TableParamsBuilder {
            params: TableParams {
                mode,
                size: Self::DEFAULT_SIZE,
                seed: 0,
            },
        }
    }
}

/// Builds [`TableParams`], refusing a size outside 2–20.
///
/// ```
/// use polyphony_core::{CoreError, TableMode, TableParams};
/// let err = TableParams::builder(TableMode::Mixed).size(21).build().unwrap_err();
/// assert!(matches!(err, CoreError::InvalidParameter { name: "table_size", .. }));
/// ```
#[derive(Clone, Debug)]
pub struct TableParamsBuilder {
    params: TableParams,
}

impl TableParamsBuilder {
    /// The most people at one table (2–20, default 8).
    pub fn size(mut self, size: u8) -> Self {
        self.params.size = size;
        self
    }

    /// The seed of the plan's random choices (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.params.seed = seed;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`CoreError::InvalidParameter`] when the size is outside 2–20.
    pub fn build(self) -> Result<TableParams, CoreError> {
        let size = self.params.size;
        if !(TableParams::MIN_SIZE..=TableParams::MAX_SIZE).contains(&size) {
            return Err(CoreError::InvalidParameter {
                name: "table_size",
                reason: format!(
                    "{size} is not a table size ({}–{})",
                    TableParams::MIN_SIZE,
                    TableParams::MAX_SIZE
                ),
            });
        }
        Ok(self.params)
    }
}
