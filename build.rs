//! Compiles proto/ with protox (pure Rust, no system protoc) and generates the tonic code.

use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-changed=migrations");
    // The reviewer console, embedded by src/api/web.rs.
    println!("cargo:rerun-if-changed=web/dist");

    let files = [
        "proto/claimdb/v1/articles.proto",
        "proto/claimdb/v1/claims.proto",
        "proto/claimdb/v1/reviews.proto",
        "proto/claimdb/v1/claimreview.proto",
    ];
    let file_descriptors = protox::compile(files, ["proto"])?;

    // The descriptor set also feeds server reflection, so generic clients work
    // without the .proto files.
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("claimdb_descriptor.bin"),
        prost::Message::encode_to_vec(&file_descriptors),
    )?;

    // Type names let the CLI look each message up in the descriptor set and
    // print it in the proto's canonical JSON mapping.
    let mut config = tonic_prost_build::Config::new();
    config.enable_type_names();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds_with_config(file_descriptors, config)?;
    Ok(())
}
