//! Shell completions and man pages generated from the command-line definitions, for both
//! programs (the client uses this module too), so they never drift from `--help`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap_complete::Shell;

/// What to generate.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Generate {
    /// Shell completions on standard output (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: Shell,
    },
    /// The man page (roff) on standard output; with --dir, one page per subcommand in that
    /// directory (`infogroups-server-admin.1`…).
    Man {
        /// The directory to write the pages into.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Writes completions or the main man page for `cmd` to `out`, or the man pages into a directory.
pub fn generate(mut cmd: clap::Command, what: &Generate, out: &mut dyn Write) -> io::Result<()> {
    match what {
        Generate::Completions { shell } => {
            let name = cmd.get_name().to_string();
            clap_complete::generate(*shell, &mut cmd, name, out);
            Ok(())
        }
        Generate::Man { dir: None } => clap_mangen::Man::new(cmd).render(out),
        Generate::Man { dir: Some(dir) } => man_pages(cmd, dir),
    }
}

fn man_pages(cmd: clap::Command, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(cmd, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd() -> clap::Command {
        clap::Command::new("demo")
            .about("A demo")
            .arg(clap::Arg::new("data").long("data"))
            .subcommand(clap::Command::new("serve").about("Serve"))
    }

    #[test]
    fn completions_and_man_pages_name_the_options() -> io::Result<()> {
        let mut bash = Vec::new();
        generate(
            cmd(),
            &Generate::Completions { shell: Shell::Bash },
            &mut bash,
        )?;
        let bash = String::from_utf8_lossy(&bash);
        assert!(bash.contains("--data") && bash.contains("serve"), "{bash}");
        let mut man = Vec::new();
        generate(cmd(), &Generate::Man { dir: None }, &mut man)?;
        let man = String::from_utf8_lossy(&man);
        assert!(man.starts_with(".ie") || man.contains(".TH demo"), "{man}");
        let dir = tempfile::tempdir()?;
        let pages = dir.path().join("man1");
        generate(
            cmd(),
            &Generate::Man {
                dir: Some(pages.clone()),
            },
            &mut io::sink(),
        )?;
        assert!(pages.join("demo.1").exists() && pages.join("demo-serve.1").exists());
        Ok(())
    }
}
