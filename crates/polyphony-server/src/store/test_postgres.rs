//! The test PostgreSQL server, for the store's unit tests that need one.
#![allow(clippy::unwrap_used)]

/// A new, empty database `NAME_PID` on the test PostgreSQL server (`POLYPHONY_TEST_POSTGRES`, a
/// server URL whose role may create databases; `cargo xtask test` and `cargo xtask
/// with-postgres` start one), dropped first if a run that died left it; its URL. Fails, never
/// skips, without the server. The blocking client runs on a thread of its own, so an async
/// test may call this too.
pub(crate) fn fresh_postgres(name: &str) -> String {
    let Ok(base) = std::env::var("POLYPHONY_TEST_POSTGRES") else {
        panic!(
            "this test needs PostgreSQL: set POLYPHONY_TEST_POSTGRES to a server URL whose role \
             may create databases, or run `cargo xtask test`"
        );
    };
    let name = format!("{name}_{}", std::process::id());
    let (url, db) = (base.clone(), name.clone());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    })
    .join()
    .unwrap();
    let authority_end = base
        .find("://")
        .map(|i| i + 3 + base[i + 3..].find('/').unwrap_or(base.len() - i - 3))
        .unwrap();
    format!("{}/{name}", &base[..authority_end])
}
