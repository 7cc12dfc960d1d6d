//! A throw-away PostgreSQL cluster for the tests: `initdb` into a temporary folder, `pg_ctl
//! start` on a free loopback port (and a unix socket in that folder), trust authentication on
//! loopback only, stopped and deleted when the [`Cluster`] is dropped, whether the tests passed
//! or not.
//!
//! PostgreSQL refuses to run as root, and CI runs as root on a fresh machine: then every
//! PostgreSQL program runs through `runuser` as the `postgres` user Debian's package creates
//! (or `nobody`), and the folder is handed to that user first.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The environment variable the server's PostgreSQL tests read: a URL of a database whose role
/// may create databases (each test makes its own).
pub const URL_VAR: &str = "POLYPHONY_TEST_POSTGRES";

/// The CA that signed the test cluster's TLS certificate (a PEM file): the TLS test connects
/// with `sslmode=require&sslrootcert=` this.
pub const CA_VAR: &str = "POLYPHONY_TEST_POSTGRES_CA";

/// The newest PostgreSQL server programs on the machine (Debian keeps them out of `PATH`).
fn server_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("POLYPHONY_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

/// Debian's `postgresql` package, installed when its server programs are missing (and
/// `openssl`, for the test cluster's certificate).
pub fn setup_postgres(root: &Path) -> Result<()> {
    if server_bin().is_none() {
        super::run(root, "apt-get", &["update", "-qq"])?;
        super::run(root, "apt-get", &["install", "-y", "-qq", "postgresql"])?;
    }
    // The test cluster's TLS certificate is made with the openssl program.
    if super::output("openssl", &["version"]).is_none() {
        super::run(root, "apt-get", &["update", "-qq"])?;
        super::run(root, "apt-get", &["install", "-y", "-qq", "openssl"])?;
    }
    Ok(())
}

fn is_root() -> bool {
    super::output("id", &["-u"]).as_deref() == Some("0")
}

/// A running throw-away cluster; stopped and deleted on drop.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    /// The user PostgreSQL runs as when xtask runs as root.
    user: Option<String>,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub url: String,
    /// The PEM file of the CA that signed the server's certificate (TLS is on; plain
    /// connections are accepted too).
    pub ca: PathBuf,
}

impl Cluster {
    /// Creates and starts a cluster; fails with what to install when PostgreSQL is missing.
    pub fn start() -> Result<Cluster> {
        let Some(bin) = server_bin() else {
            bail!(
                "PostgreSQL's server programs (initdb, pg_ctl) are not installed: \
                 `apt-get install -y postgresql` (or set POLYPHONY_PG_BIN to their folder)"
            );
        };
        let user = is_root().then(|| {
            if super::output("id", &["-u", "postgres"]).is_some() {
                "postgres".to_string()
            } else {
                "nobody".to_string()
            }
        });
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("polyphony-pg-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        // A port nobody listens on now (PostgreSQL binds it a moment later).
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .context("no free port on 127.0.0.1")?
            .port();
        let cluster = Cluster {
            dir: dir.clone(),
            bin,
            user,
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            ca: dir.join("ca.crt"),
        };
        if let Some(user) = &cluster.user {
            let status = Command::new("chown")
                .arg(user)
                .arg(&dir)
                .status()
                .context("cannot run chown")?;
            if !status.success() {
                bail!("cannot hand {} to {user}", dir.display());
            }
        }
        let data = dir.join("data");
        let data = data.to_string_lossy();
        cluster.pg(
            "initdb",
            &[
                "-D",
                &data,
                "--auth=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        cluster.certificates()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c ssl=on",
            dir.display()
        );
        let log = dir.join("log");
        cluster.pg(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-o",
                &options,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "start",
            ],
        )?;
        eprintln!("xtask: PostgreSQL test cluster at {}", cluster.url);
        Ok(cluster)
    }

    /// A throw-away CA and a certificate for 127.0.0.1 signed by it (`openssl`), as the data
    /// folder's `server.crt` / `server.key` (PostgreSQL's defaults for `ssl=on`), the key
    /// readable by the server's user only.
    fn certificates(&self) -> Result<()> {
        let dir = &self.dir;
        let data = dir.join("data");
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let (ca_key, ca) = (path(&dir.join("ca.key")), path(&self.ca));
        let (key, csr, crt) = (
            path(&data.join("server.key")),
            path(&dir.join("server.csr")),
            path(&data.join("server.crt")),
        );
        let ext = dir.join("san.ext");
        std::fs::write(&ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
            .context("cannot write the certificate's extensions")?;
        let openssl = |args: &[&str]| -> Result<()> {
            let out = Command::new("openssl")
                .args(args)
                .output()
                .context("cannot run openssl (Debian's openssl package)")?;
            if !out.status.success() {
                bail!(
                    "openssl {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(())
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Polyphony test CA",
            "-keyout",
            &ca_key,
            "-out",
            &ca,
        ])?;
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            &key,
            "-out",
            &csr,
        ])?;
        openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &ext.to_string_lossy(),
            "-out",
            &crt,
        ])?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))
                .context("cannot restrict the server key")?;
        }
        if let Some(user) = &self.user {
            let status = Command::new("chown")
                .args([user.as_str(), &key, &crt])
                .status()
                .context("cannot run chown")?;
            if !status.success() {
                bail!("cannot hand the certificate to {user}");
            }
        }
        Ok(())
    }

    /// Runs one of PostgreSQL's programs (as the unprivileged user when xtask is root).
    fn pg(&self, program: &str, args: &[&str]) -> Result<()> {
        let path = self.bin.join(program);
        let mut cmd = match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        let out = cmd
            .args(args)
            .current_dir(&self.dir)
            .output()
            .with_context(|| format!("cannot start {}", path.display()))?;
        if !out.status.success() {
            bail!(
                "{program} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if let Err(e) = self.pg(
            "pg_ctl",
            &["-D", &data.to_string_lossy(), "-m", "immediate", "stop"],
        ) {
            eprintln!("xtask: stopping the PostgreSQL test cluster: {e}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `cargo xtask with-postgres CMD ARGS…`: runs one command with a throw-away cluster, its URL
/// in [`URL_VAR`] (e.g. `cargo xtask with-postgres cargo test -p polyphony-server --test
/// postgres`).
pub fn with_postgres(root: &Path, command: &[String]) -> Result<()> {
    let Some((program, args)) = command.split_first() else {
        bail!("usage: cargo xtask with-postgres COMMAND [ARGS…]");
    };
    let cluster = Cluster::start()?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_with_url(root, &cluster, program, &args, &[])
}

/// Runs `program` with the cluster's URL in [`URL_VAR`] and the extra environment `env`.
pub fn run_with_url(
    root: &Path,
    cluster: &Cluster,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<()> {
    eprintln!(
        "xtask: {}{program} {} (with {URL_VAR})",
        env.iter()
            .map(|(k, v)| format!("{k}={v} "))
            .collect::<String>(),
        args.join(" ")
    );
    let status = Command::new(program)
        .args(args)
        .env(URL_VAR, &cluster.url)
        .env(CA_VAR, &cluster.ca)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot start {program}"))?;
    if !status.success() {
        bail!("{program} {} failed ({status})", args.join(" "));
    }
    Ok(())
}
