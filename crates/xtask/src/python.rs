//! The Python package's step of `cargo xtask test`: what a researcher's `pip install` gets,
//! tested where it runs.
//!
//! A fresh virtual environment under `target/py-venv` (never the system Python, and nothing
//! left from an earlier run to hide a missing dependency), the test tools at pinned versions,
//! the abi3 wheel built by maturin in release (as users get it) and installed from the file,
//! then pytest: the parity tests against the release CLI, the API tests, the docstrings'
//! examples and the vtaiwan notebook (`docs/notebooks/vtaiwan.ipynb`, executed by nbclient).
//! The tests run against the installed wheel, not the source folder, so a file missing from
//! the wheel fails here.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::run;

/// What the tests and the notebook need, pinned so a new release cannot break CI overnight.
/// maturin builds the wheel; pandas and numpy are the package's own dependencies; matplotlib,
/// nbclient, nbformat and ipykernel run the notebook and the plot tests.
const PINS: &[&str] = &[
    "maturin==1.16.0",
    "pytest==9.2.0",
    "numpy==2.4.6",
    "pandas==3.1.1",
    "matplotlib==3.11.2",
    "nbclient==0.11.0",
    "nbformat==5.11.1",
    "ipykernel==7.4.0",
];

/// Builds the wheel, installs it into a fresh venv and runs the Python tests and the notebook.
/// Needs `target/release/polyphony` (the parity tests compare with it).
pub fn python_package(root: &Path) -> Result<()> {
    let venv = root.join("target/py-venv");
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .with_context(|| format!("cannot remove the old {}", venv.display()))?;
    }
    run(root, "python3", &["-m", "venv", &text(&venv)?])?;
    let python = text(&venv.join("bin/python"))?;
    let mut pip = vec![
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ];
    pip.extend(PINS);
    run(root, &python, &pip)?;

    let wheels = root.join("target/py-wheels");
    if wheels.exists() {
        std::fs::remove_dir_all(&wheels)
            .with_context(|| format!("cannot remove the old {}", wheels.display()))?;
    }
    run(
        root,
        &text(&venv.join("bin/maturin"))?,
        &[
            "build",
            "--release",
            "--quiet",
            "--manifest-path",
            "crates/polyphony-py/Cargo.toml",
            "--interpreter",
            &python,
            "--out",
            &text(&wheels)?,
        ],
    )?;
    let wheel = only_wheel(&wheels)?;
    run(
        root,
        &python,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            &text(&wheel)?,
        ],
    )?;

    let cli = root.join("target/release/polyphony");
    eprintln!(
        "xtask: pytest crates/polyphony-py/tests (POLYPHONY_BIN={})",
        cli.display()
    );
    let status = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "crates/polyphony-py/tests",
        ])
        .current_dir(root)
        .env("POLYPHONY_BIN", &cli)
        // No __pycache__ folders in the source tree; a headless backend for the plots.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("MPLBACKEND", "Agg")
        .status()
        .context("cannot start pytest")?;
    if !status.success() {
        bail!("the Python package's tests failed ({status})");
    }
    Ok(())
}

/// The one wheel maturin wrote (the folder is emptied before each build).
fn only_wheel(dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "whl") {
            found.push(path);
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one wheel in {}, found {}",
            dir.display(),
            found.len()
        ),
    }
}

fn text(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_string)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}
