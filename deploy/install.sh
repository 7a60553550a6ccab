#!/bin/sh
# Installs Infogroups the Debian way: binaries in /usr/bin, man pages, shell completions, the
# systemd unit and an example configuration (never over an existing one).
#
#   cargo build --release && sudo deploy/install.sh
#
# DESTDIR=/some/root stages everything under that root and changes nothing else on the machine
# (packaging, and the test that installs into a temporary root); without it the script also
# creates the system user `infogroups` and its state directory and reloads systemd.
# SERVER_BIN and CLIENT_BIN name the programs to install [default: target/release/...].
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
SERVER_BIN=${SERVER_BIN:-$root/target/release/infogroups-server}
CLIENT_BIN=${CLIENT_BIN:-$root/target/release/infogroups}

for bin in "$SERVER_BIN" "$CLIENT_BIN"; do
    if [ ! -x "$bin" ]; then
        echo "install.sh: $bin is missing; run 'cargo build --release' first" >&2
        exit 1
    fi
done

bindir=$DESTDIR$PREFIX/bin
man1=$DESTDIR$PREFIX/share/man/man1
bash_dir=$DESTDIR$PREFIX/share/bash-completion/completions
zsh_dir=$DESTDIR$PREFIX/share/zsh/vendor-completions
fish_dir=$DESTDIR$PREFIX/share/fish/vendor_completions.d
unit_dir=$DESTDIR$PREFIX/lib/systemd/system
doc_dir=$DESTDIR$PREFIX/share/doc/infogroups
etc_dir=$DESTDIR/etc/infogroups

install -d "$bindir" "$man1" "$bash_dir" "$zsh_dir" "$fish_dir" "$unit_dir" "$doc_dir" "$etc_dir"
install -m 0755 "$SERVER_BIN" "$bindir/infogroups-server"
install -m 0755 "$CLIENT_BIN" "$bindir/infogroups"

for prog in infogroups-server infogroups; do
    "$bindir/$prog" generate man --dir "$man1"
    "$bindir/$prog" generate completions bash > "$bash_dir/$prog"
    "$bindir/$prog" generate completions zsh > "$zsh_dir/_$prog"
    "$bindir/$prog" generate completions fish > "$fish_dir/$prog.fish"
done
gzip -9nf "$man1"/infogroups*.1
chmod 0644 "$man1"/infogroups*.1.gz "$bash_dir"/infogroups* "$zsh_dir"/_infogroups* "$fish_dir"/infogroups*

install -m 0644 "$here/infogroups-server.service" "$unit_dir/infogroups-server.service"
install -m 0644 "$here/server.toml" "$doc_dir/server.toml.example"
if [ ! -e "$etc_dir/server.toml" ]; then
    install -m 0640 "$here/server.toml" "$etc_dir/server.toml"
fi

if [ -z "$DESTDIR" ]; then
    if ! getent passwd infogroups > /dev/null; then
        useradd --system --user-group --home-dir /var/lib/infogroups --no-create-home \
            --shell /usr/sbin/nologin infogroups
    fi
    # The passphrase that encrypts every backup: made once, never replaced (older backups need it).
    if [ ! -e "$etc_dir/backup-passphrase" ]; then
        (umask 077 && head -c 32 /dev/urandom | base64 > "$etc_dir/backup-passphrase")
        echo "Created $etc_dir/backup-passphrase: keep a copy off this machine; no backup restores without it."
    fi
    chgrp infogroups "$etc_dir" "$etc_dir/server.toml" "$etc_dir/backup-passphrase"
    chmod 0640 "$etc_dir/backup-passphrase"
    chmod 0750 "$etc_dir"
    install -d -o infogroups -g infogroups -m 0700 /var/lib/infogroups
    if command -v systemctl > /dev/null; then
        systemctl daemon-reload || true
    fi
fi
echo "Installed Infogroups under ${DESTDIR:-/}"
