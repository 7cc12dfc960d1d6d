//! What the run measures of its own process (Linux): resident memory, open files, the server's
//! TCP states; and percentiles.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The resident set size of this process (server and simulated phones), in MiB (Linux).
pub(crate) fn rss_mib() -> Option<f64> {
    rss_mib_of("self")
}
/// Open file descriptors of this process (Linux): the server's and the clients' sockets.
pub(crate) fn open_files() -> Option<usize> {
    open_files_of("self")
}

/// The resident set size of process `pid` (`self` or a number), in MiB (Linux).
fn rss_mib_of(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Open file descriptors of process `pid` (`self` or a number; Linux, and another user's
/// process only as root).
fn open_files_of(pid: &str) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// A process's RSS (MiB) and open files, each `None` when `/proc` could not tell.
pub(crate) type Measure = (Option<f64>, Option<usize>);

/// The external server's processes (`--server-pids`), measured once before the phones start
/// and every second after: what an instance needs per phone can only be read off the server's
/// own processes, as this one also holds the phones' ends.
pub(crate) struct ServerSampler {
    pids: Vec<u32>,
    /// (RSS MiB, open files) of each process before the phones started.
    pub(crate) before: Vec<Measure>,
    samples: Arc<Mutex<Vec<Vec<Measure>>>>,
    task: tokio::task::JoinHandle<()>,
}

/// What a [`ServerSampler`] saw of each process: before the phones, and the largest sample.
pub(crate) struct ServerSamples {
    pub(crate) pids: Vec<u32>,
    pub(crate) before: Vec<Measure>,
    /// Each process's largest RSS (MiB) and open files over the run.
    pub(crate) peak: Vec<Measure>,
    /// The largest sum over the processes, RSS and open files (each at its own moment).
    pub(crate) peak_total: Measure,
}

fn measure(pids: &[u32]) -> Vec<Measure> {
    pids.iter()
        .map(|p| (rss_mib_of(&p.to_string()), open_files_of(&p.to_string())))
        .collect()
}

impl ServerSampler {
    /// Measures `pids` now, then every second (on the current runtime).
    pub(crate) fn start(pids: Vec<u32>) -> ServerSampler {
        let before = measure(&pids);
        let samples = Arc::new(Mutex::new(Vec::new()));
        let task = {
            let (pids, samples) = (pids.clone(), Arc::clone(&samples));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let m = measure(&pids);
                    if let Ok(mut v) = samples.lock() {
                        v.push(m);
                    }
                }
            })
        };
        ServerSampler {
            pids,
            before,
            samples,
            task,
        }
    }

    /// Stops sampling; what it saw.
    pub(crate) fn stop(self) -> ServerSamples {
        self.task.abort();
        let samples = self.samples.lock().map(|v| v.clone()).unwrap_or_default();
        let max_f = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let mut peak = self.before.clone();
        let (mut rss_total, mut fds_total) = (None, None);
        for s in &samples {
            for (p, (rss, fds)) in peak.iter_mut().zip(s) {
                p.0 = max_f(p.0, *rss);
                p.1 = p.1.max(*fds);
            }
            let rss: Option<f64> = s.iter().map(|(r, _)| *r).sum();
            let fds: Option<usize> = s.iter().map(|(_, f)| *f).sum();
            rss_total = max_f(rss_total, rss);
            fds_total = fds_total.max(fds);
        }
        ServerSamples {
            pids: self.pids,
            before: self.before,
            peak,
            peak_total: (rss_total, fds_total),
        }
    }
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
