//! Puts the commit the binaries are built from into `INFOGROUPS_COMMIT` for `--version`:
//! `git rev-parse` when the source is a git checkout with git installed, else "unknown" (a
//! source tarball still builds).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=INFOGROUPS_COMMIT={commit}");
    println!("cargo:rerun-if-changed=build.rs");
    // A commit or checkout moves HEAD or appends to its log (each worktree has its own).
    for file in ["HEAD", "logs/HEAD"] {
        if let Some(path) = git(&["rev-parse", "--git-path", file]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
