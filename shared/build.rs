//! Compiles `proto/` with the pure-Rust `protox`, so no machine needs `protoc`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../proto");
    let dir = root.join("infogroups/v1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    files.sort();
    let fds = protox::compile(&files, [&root])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    // The descriptor set is embedded for gRPC reflection.
    std::fs::write(
        out.join("infogroups_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Undecodable requests are a client's mistake: InvalidArgument, never Internal.
        .codec_path("crate::codec::ApiCodec")
        .compile_fds(fds)?;
    println!("cargo:rerun-if-changed={}", dir.display());
    Ok(())
}
