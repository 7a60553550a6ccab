//! The SSH front end of the Infogroups server: `ssh -p 2222 login@host` and the person is at
//! work. Each SSH session is the terminal client over that channel, signed in as the account
//! the SSH login named — authenticated by the server's own login (the same throttling and audit
//! as the API's), then talking to the server's own API over loopback with that account's token,
//! so every permission is exactly as through gRPC. Nothing else is offered: no shell, no
//! commands, no forwarding, no file transfer.

pub mod host_key;
pub mod input;
pub mod terminal;
