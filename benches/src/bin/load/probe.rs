//! What the run measures of its own process (Linux): resident memory, open files, the server's
//! TCP states; and percentiles.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The resident set size of this process (server and simulated phones), in MiB (Linux).
pub(crate) fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
/// Open file descriptors of this process (Linux): the server's and the clients' sockets.
pub(crate) fn open_files() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

/// TCP connections to the server's `port` from 127.0.0.1, as the server's end sees them, by
/// state (`/proc/net/tcp`, Linux): "established", "fin_wait1", ...
pub(crate) fn server_side_states(port: u16) -> std::collections::BTreeMap<&'static str, u64> {
    let mut by_state = std::collections::BTreeMap::new();
    let Ok(table) = std::fs::read_to_string("/proc/self/net/tcp") else {
        return by_state;
    };
    let local = format!("0100007F:{port:04X}");
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 4 || f[1] != local || !f[2].starts_with("0100007F:") {
            continue;
        }
        let state = match f[3] {
            "01" => "established",
            "04" => "fin_wait1",
            "05" => "fin_wait2",
            "06" => "time_wait",
            "08" => "close_wait",
            "09" => "last_ack",
            _ => "other",
        };
        *by_state.entry(state).or_insert(0) += 1;
    }
    by_state
}
/// The `p` quantile (0–1) of `sorted`, the nearest rank; NaN when empty.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The process's RSS and open files, sampled every second from its start.
pub(crate) struct Sampler {
    rss: Arc<Mutex<Vec<(f64, f64)>>>,
    fds: Arc<Mutex<Vec<(f64, usize)>>>,
    task: tokio::task::JoinHandle<()>,
}

/// What a [`Sampler`] saw: (seconds since it started, MiB) and (seconds, open files).
pub(crate) struct Samples {
    pub(crate) rss: Vec<(f64, f64)>,
    pub(crate) fds: Vec<(f64, usize)>,
}

impl Sampler {
    /// Starts sampling (on the current runtime).
    pub(crate) fn start() -> Sampler {
        let rss = Arc::new(Mutex::new(Vec::<(f64, f64)>::new()));
        let fds = Arc::new(Mutex::new(Vec::<(f64, usize)>::new()));
        let task = {
            let samples = Arc::clone(&rss);
            let fds = Arc::clone(&fds);
            let t0 = Instant::now();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if let (Some(m), Ok(mut v)) = (rss_mib(), samples.lock()) {
                        v.push((t0.elapsed().as_secs_f64(), m));
                    }
                    if let (Some(n), Ok(mut v)) = (open_files(), fds.lock()) {
                        v.push((t0.elapsed().as_secs_f64(), n));
                    }
                }
            })
        };
        Sampler { rss, fds, task }
    }

    /// Stops sampling; what it saw.
    pub(crate) fn stop(self) -> Samples {
        self.task.abort();
        Samples {
            rss: self.rss.lock().map(|v| v.clone()).unwrap_or_default(),
            fds: self.fds.lock().map(|v| v.clone()).unwrap_or_default(),
        }
    }
}
