//! Small helpers every part of the server uses: poison-tolerant locks, the server clock and
//! secrets.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the data is still
/// consistent: every section that mutates it finishes without panicking paths).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads a `RwLock`, recovering from poisoning as [`lock`] does.
pub(crate) fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

/// Writes a `RwLock`, recovering from poisoning as [`lock`] does.
pub(crate) fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}

static LAST_TIME: AtomicI64 = AtomicI64::new(0);

/// Milliseconds since the epoch, strictly increasing across the process, so that the commit
/// order of two votes is also their time order (later vote wins).
pub(crate) fn next_time() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let mut last = LAST_TIME.load(Ordering::Relaxed);
    loop {
        let t = now.max(last + 1);
        match LAST_TIME.compare_exchange_weak(last, t, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return t,
            Err(seen) => last = seen,
        }
    }
}

/// Random hex string of `bytes` random bytes from the OS.
pub(crate) fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether this is the first call of the current second (since the Unix epoch) for `last`,
/// which it then marks: a flood of refusals logs one line a second, not one each.
pub(crate) fn once_a_second(last: &AtomicU64) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    last.swap(now, Ordering::Relaxed) != now
}

#[cfg(test)]
mod tests {
    use super::once_a_second;

    #[test]
    fn a_flood_of_refusals_logs_once_a_second() {
        let last = std::sync::atomic::AtomicU64::new(0);
        let logged = (0..10_000).filter(|_| once_a_second(&last)).count();
        // Ten thousand calls in well under two seconds: one line, two if a second turned.
        assert!((1..=2).contains(&logged), "{logged}");
    }
}
