//! Discussion tables from Python (`polyphony tables`).

use polyphony_core::{TableMode, TableParams};
use pyo3::prelude::*;

use crate::{params, Export, PyBindError, Result};

/// `polyphony tables PATH --format json`: the discussion tables' plan as JSON text.
#[pyfunction]
#[pyo3(signature = (export, mode = "same_group", size = TableParams::DEFAULT_SIZE, preset = "workshop", seed = 0))]
pub(crate) fn tables(
    py: Python<'_>,
    export: &Export,
    mode: &str,
    size: u8,
    preset: &str,
    seed: u64,
) -> PyResult<String> {
    let params = params(preset, seed)?;
    let mode: TableMode = mode
        .parse::<TableMode>()
        .map_err(polyphony_core::CoreError::from)
        .map_err(PyBindError::from)?;
    let tp = TableParams::builder(mode)
        .size(size)
        .seed(seed)
        .build()
        .map_err(PyBindError::from)?;
    let data = &export.data;
    let out = py.detach(|| -> Result<String> {
        let analysis = data.to_conversation(params).update();
        Ok(serde_json::to_string(&data.table_plan(&analysis, &tp))?)
    });
    Ok(out?)
}
