//! A throwaway PostgreSQL cluster for the team-database tests: `initdb` into a fresh
//! folder under the temporary directory, started with `pg_ctl` on a Unix socket in that
//! folder only (no TCP port, so it never meets the system's server or another test's),
//! stopped and removed when the guard drops (also when the test panics). When the
//! tests run as root (CI, the dev machine), the cluster runs as the `postgres` user
//! through `runuser`, since `initdb` refuses root.
//!
//! The binaries are looked up in `PARKPLAN_PG_BIN`, then on `PATH`, then in
//! `/usr/lib/postgresql/<newest>/bin` (Debian's place).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A running throwaway cluster.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    run_as: Option<String>,
}

fn find_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PARKPLAN_PG_BIN") {
        return Some(PathBuf::from(p));
    }
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if d.join("initdb").is_file() && d.join("pg_ctl").is_file() {
                return Some(d);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// Starts a cluster, or `None` (with the reason printed) when the PostgreSQL
    /// binaries are not installed. Any other failure panics with the server's log.
    pub fn start() -> Option<Cluster> {
        let Some(bin) = find_bin() else {
            println!(
                "SKIPPED: PostgreSQL binaries (initdb, pg_ctl) not found in PARKPLAN_PG_BIN, \
                 PATH or /usr/lib/postgresql/*/bin; install postgresql-15 and postgresql-15-postgis-3"
            );
            return None;
        };
        let run_as = is_root().then(|| "postgres".to_string());
        let dir = std::env::temp_dir().join(format!(
            "parkplan-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("making the cluster folder");
        let c = Cluster { bin, dir, run_as };
        if let Some(user) = &c.run_as {
            let ok = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&c.dir)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "chown {user} {} failed (is there a `postgres` user?)",
                c.dir.display()
            );
        }
        let data = c.dir.join("data");
        c.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth=trust".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
                "--no-sync".as_ref(),
            ],
        );
        let opts = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            c.dir.display()
        );
        c.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                c.dir.join("log").as_os_str(),
                "-w".as_ref(),
                "-o".as_ref(),
                opts.as_ref(),
                "start".as_ref(),
            ],
        );
        Some(c)
    }

    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.args(args).current_dir(&self.dir);
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", exe.display()));
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            panic!(
                "{tool} failed: {}\n{}\nserver log:\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// The socket folder.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// A URL for a role and database (trust authentication: no password).
    pub fn url(&self, user: &str, database: &str) -> String {
        let host: String = self
            .dir
            .display()
            .to_string()
            .replace('%', "%25")
            .replace('/', "%2F");
        format!("postgres://{user}@{host}/{database}?sslmode=disable")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let exe = self.bin.join("pg_ctl");
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let _ = cmd
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
