//! The throwaway PostgreSQL cluster the benchmarks compare against (`infogroups_tests::pg`):
//! it starts from the machine's `postgresql-15` package, takes a durable transaction over its Unix
//! socket, and is gone when dropped. Where PostgreSQL is not installed the test says so.

use anyhow::Result;
use infogroups_tests::pg::{Cluster, find_bin};

#[tokio::test]
async fn a_throwaway_cluster_commits_and_goes_away() -> Result<()> {
    if let Err(e) = find_bin() {
        eprintln!("PostgreSQL is absent, nothing checked: {e:#}");
        return Ok(());
    }
    let cluster = Cluster::start(4)?;
    let (client, conn) = tokio_postgres::connect(&cluster.url(), tokio_postgres::NoTls).await?;
    let conn = tokio::spawn(conn);
    let fsync: String = client.query_one("SHOW fsync", &[]).await?.get(0);
    assert_eq!(fsync, "on", "the peer must run with its durable defaults");
    client
        .batch_execute("CREATE TABLE t (id bigserial PRIMARY KEY, body bytea NOT NULL)")
        .await?;
    client
        .execute("INSERT INTO t (body) VALUES ($1)", &[&vec![1u8, 2, 3]])
        .await?;
    let body: Vec<u8> = client.query_one("SELECT body FROM t", &[]).await?.get(0);
    assert_eq!(body, vec![1, 2, 3]);
    drop(client);
    conn.await??;
    let socket_dir = cluster
        .url()
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("host=").map(str::to_string))
        .unwrap_or_default();
    drop(cluster);
    assert!(
        !std::path::Path::new(&socket_dir).exists(),
        "the cluster's directory outlived it"
    );
    Ok(())
}
