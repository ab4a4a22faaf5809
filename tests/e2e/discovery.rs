//! Health and reflection answer without a token, so generic gRPC clients work without proto files.

use prost::Message as _;
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::{v1, v1alpha};

use crate::support::spawn_server;

#[tokio::test]
async fn health_reports_serving_without_a_token() {
    let server = spawn_server().await;
    let mut health = HealthClient::new(server.channel().await);
    for service in [
        "",
        "claimdb.v1.ArticleService",
        "claimdb.v1.ClaimReviewService",
        "claimdb.v1.ClaimService",
        "claimdb.v1.ReviewService",
    ] {
        let response = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.status(), ServingStatus::Serving, "{service:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn reflection_lists_the_services_in_v1_and_v1alpha() {
    let server = spawn_server().await;
    let expected = [
        "claimdb.v1.ArticleService",
        "claimdb.v1.ClaimReviewService",
        "claimdb.v1.ClaimService",
        "claimdb.v1.ReviewService",
        "grpc.health.v1.Health",
    ];

    let mut client = v1::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.next().await.unwrap().unwrap();
    let Some(v1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        response.message_response
    else {
        panic!("not a service list: {response:?}");
    };
    let names: Vec<_> = list.service.into_iter().map(|service| service.name).collect();
    for name in expected {
        assert!(names.iter().any(|listed| listed == name), "{name} in {names:?}");
    }

    // Python's grpcio reflection client speaks only v1alpha; it must find the
    // file that defines a service.
    let mut client = v1alpha::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(
                "claimdb.v1.ClaimService".into(),
            ),
        ),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.next().await.unwrap().unwrap();
    let Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(files)) =
        response.message_response
    else {
        panic!("not a file descriptor: {response:?}");
    };
    assert!(!files.file_descriptor_proto.is_empty());

    // The error details the server attaches are described too, so generic
    // clients print them as fields rather than bytes.
    for symbol in [
        "google.rpc.BadRequest",
        "google.rpc.RetryInfo",
        "google.rpc.Status",
    ] {
        let mut client = v1::server_reflection_client::ServerReflectionClient::new(server.channel().await);
        let request = v1::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(
                v1::server_reflection_request::MessageRequest::FileContainingSymbol(symbol.into()),
            ),
        };
        let response = client
            .server_reflection_info(tokio_stream::iter([request]))
            .await
            .unwrap()
            .into_inner()
            .next()
            .await
            .unwrap()
            .unwrap();
        let Some(v1::server_reflection_response::MessageResponse::FileDescriptorResponse(files)) =
            response.message_response
        else {
            panic!("{symbol}: not a file descriptor: {response:?}");
        };
        let packages: Vec<String> = files
            .file_descriptor_proto
            .iter()
            .map(|bytes| {
                prost_types::FileDescriptorProto::decode(bytes.as_slice())
                    .unwrap()
                    .package()
                    .to_owned()
            })
            .collect();
        assert!(
            packages.iter().any(|package| package == "google.rpc"),
            "{symbol}: {packages:?}"
        );
    }
    server.stop().await;
}
