//! A throwaway PostgreSQL cluster for side-by-side measurements and tests: `initdb` into a
//! temporary directory, a server on a Unix socket only (no TCP port), stopped and removed when
//! dropped. Uses the machine's Debian `postgresql-15` package (`/usr/lib/postgresql/15/bin`; any
//! other installed version if 15 is missing). PostgreSQL refuses to run as root, so under root the
//! cluster runs as the package's `postgres` account.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Where Debian installs PostgreSQL's programs, one directory per major version.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// A running throwaway cluster.
pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    /// The account the server runs as (`None`: this process's own).
    run_as: Option<&'static str>,
}

/// The directory of PostgreSQL's programs: version 15 when installed, else the newest one.
pub fn find_bin() -> Result<PathBuf> {
    let preferred = Path::new(DEBIAN_ROOT).join("15/bin");
    if preferred.join("initdb").is_file() {
        return Ok(preferred);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(DEBIAN_ROOT)
        .with_context(|| {
            format!(
                "PostgreSQL is not installed ({DEBIAN_ROOT} is missing; apt install postgresql-15)"
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found
        .pop()
        .context("PostgreSQL is not installed (no initdb under /usr/lib/postgresql; apt install postgresql-15)")
}

/// Whether this process runs as root: a file it creates belongs to uid 0.
fn running_as_root(probe_dir: &Path) -> Result<bool> {
    let probe = probe_dir.join(".owner");
    std::fs::write(&probe, b"")?;
    let uid = std::fs::metadata(&probe)?.uid();
    std::fs::remove_file(&probe)?;
    Ok(uid == 0)
}

impl Cluster {
    /// Creates and starts a cluster with the server's durable defaults (`fsync`,
    /// `synchronous_commit`, `wal_sync_method` as shipped) and room for `max_connections`.
    pub fn start(max_connections: usize) -> Result<Self> {
        let bin = find_bin()?;
        let dir = tempfile::Builder::new().prefix("ig-pg.").tempdir()?;
        let run_as = if running_as_root(dir.path())? {
            let owned = Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path())
                .status()
                .context("chown of the cluster directory")?;
            if !owned.success() {
                bail!("could not give the cluster directory to the postgres account");
            }
            Some("postgres")
        } else {
            None
        };
        let cluster = Self { bin, dir, run_as };
        let data = cluster.data_dir();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-A",
                "trust",
                "-U",
                "bench",
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-c listen_addresses='' -k {} -c max_connections={} -c shared_buffers=256MB",
            cluster.dir.path().display(),
            max_connections + 10
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data.display().to_string(),
                "-l",
                &cluster.dir.path().join("log").display().to_string(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs one of PostgreSQL's programs as the cluster's account; fails with its output.
    fn run(&self, program: &str, args: &[&str]) -> Result<()> {
        let exe = self.bin.join(program);
        let mut cmd = match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .with_context(|| format!("running {}", exe.display()))?;
        if !out.status.success() {
            bail!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// The connection string (`tokio_postgres` key-value form) of the cluster's `postgres`
    /// database over its Unix socket.
    pub fn url(&self) -> String {
        format!(
            "host={} port=5432 user=bench dbname=postgres",
            self.dir.path().display()
        )
    }

    /// The server's version, as its programs print it.
    pub fn version(&self) -> String {
        Command::new(self.bin.join("postgres"))
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir().display().to_string();
        // Best effort: a drop has no one to report to; the directory goes with the TempDir.
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }
}
