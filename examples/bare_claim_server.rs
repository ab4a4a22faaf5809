//! The ceiling GetClaim is measured against (issue 16): tonic alone, with claimdb's own generated
//! `ClaimService` (the same tonic and prost versions), answering every GetClaim with one fixed
//! Claim and doing nothing else: no token, no store, no layers.
//!
//! Two commands, both used by `benches/get_claim.sh`:
//!
//! ```sh
//! # A real client's GetClaim to ADDR (token from CLAIMDB_TOKEN): fails unless the call succeeds;
//! # writes the Claim's encoded bytes to DIR/claim.bin and the call's gRPC-framed request body,
//! # as h2load sends it, to DIR/request.bin.
//! cargo run --release --example bare_claim_server -- fetch ADDR claims/4 DIR
//! # Serves DIR/claim.bin as the answer to every GetClaim on ADDR (port 0: a free one, printed).
//! cargo run --release --example bare_claim_server -- serve 127.0.0.1:0 DIR/claim.bin
//! ```

use std::path::Path;

use claimdb::api::pb;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::api::pb::claim_service_server::{ClaimService, ClaimServiceServer};
use prost::Message;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

/// Answers GetClaim with `claim`; every other method is unimplemented.
struct BareClaims {
    claim: pb::Claim,
}

#[tonic::async_trait]
impl ClaimService for BareClaims {
    async fn extract_claims(
        &self,
        _: Request<pb::ExtractClaimsRequest>,
    ) -> Result<Response<pb::ExtractClaimsResponse>, Status> {
        Err(Status::unimplemented("bare server"))
    }

    async fn get_claim(&self, _: Request<pb::GetClaimRequest>) -> Result<Response<pb::Claim>, Status> {
        Ok(Response::new(self.claim.clone()))
    }

    async fn list_claims(
        &self,
        _: Request<pb::ListClaimsRequest>,
    ) -> Result<Response<pb::ListClaimsResponse>, Status> {
        Err(Status::unimplemented("bare server"))
    }

    async fn search_claims(
        &self,
        _: Request<pb::SearchClaimsRequest>,
    ) -> Result<Response<pb::SearchClaimsResponse>, Status> {
        Err(Status::unimplemented("bare server"))
    }

    async fn find_similar_claims(
        &self,
        _: Request<pb::FindSimilarClaimsRequest>,
    ) -> Result<Response<pb::FindSimilarClaimsResponse>, Status> {
        Err(Status::unimplemented("bare server"))
    }

    async fn update_claim(&self, _: Request<pb::UpdateClaimRequest>) -> Result<Response<pb::Claim>, Status> {
        Err(Status::unimplemented("bare server"))
    }

    type WatchClaimsStream = ReceiverStream<Result<pb::ClaimEvent, Status>>;

    async fn watch_claims(
        &self,
        _: Request<pb::WatchClaimsRequest>,
    ) -> Result<Response<Self::WatchClaimsStream>, Status> {
        Err(Status::unimplemented("bare server"))
    }
}

/// A real client's GetClaim of `name` at `addr`, written out for h2load and
/// for [`serve`].
async fn fetch(addr: &str, name: &str, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("CLAIMDB_TOKEN").unwrap_or_default();
    let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let header: tonic::metadata::MetadataValue<_> = format!("Bearer {token}").parse()?;
    let mut client = ClaimServiceClient::with_interceptor(channel, move |mut request: Request<()>| {
        request.metadata_mut().insert("authorization", header.clone());
        Ok(request)
    });
    let request = pb::GetClaimRequest { name: name.into() };
    let claim = client.get_claim(request.clone()).await?.into_inner();
    if claim.name != name {
        return Err(format!("asked for {name}, got {:?}", claim.name).into());
    }
    let claim_bytes = claim.encode_to_vec();
    std::fs::write(dir.join("claim.bin"), &claim_bytes)?;
    // gRPC's framing: no compression, the length big-endian, the message.
    let message = request.encode_to_vec();
    let mut body = vec![0u8];
    body.extend_from_slice(&u32::try_from(message.len())?.to_be_bytes());
    body.extend_from_slice(&message);
    std::fs::write(dir.join("request.bin"), &body)?;
    println!(
        "GetClaim {name} at {addr}: OK, a Claim of {} bytes",
        claim_bytes.len()
    );
    Ok(())
}

async fn serve(addr: &str, claim_file: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let claim = pb::Claim::decode(std::fs::read(claim_file)?.as_slice())?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on {}", listener.local_addr()?);
    // No Nagle delay, as claimdb's listener sets: without it a small answer
    // waits for the client's delayed ACK (about 40 ms).
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    tonic::transport::Server::builder()
        .add_service(ClaimServiceServer::new(BareClaims { claim }))
        .serve_with_incoming(incoming)
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["fetch", addr, name, dir] => fetch(addr, name, Path::new(dir)).await,
        ["serve", addr, claim_file] => serve(addr, Path::new(claim_file)).await,
        _ => Err("usage: bare_claim_server fetch ADDR NAME DIR | serve ADDR CLAIM_FILE".into()),
    }
}
