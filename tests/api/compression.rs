//! Answers compressed as the client asks: brotli or gzip for the larger
//! ones, nothing for small answers and for the live stream.

use std::io::Read;

use crate::helpers::spawn_app;

/// `path` asked for with `Accept-Encoding: accept`: the encoding named
/// in the answer, its `Vary`, and the body as sent.
async fn fetch(
    app: &crate::helpers::TestApp,
    path: &str,
    token: Option<&str>,
    accept: Option<&str>,
) -> (Option<String>, Option<String>, Vec<u8>) {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(a) = accept {
        req = req.header("accept-encoding", a);
    }
    let r = req.send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_client_error());
    let encoding = r
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    // Every Vary value, joined.
    let vary: Vec<&str> = r
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let vary = (!vary.is_empty()).then(|| vary.join(", "));
    (encoding, vary, r.bytes().await.unwrap().to_vec())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn the_document_and_lists_come_compressed_as_asked() {
    let app = spawn_app().await;
    let (plain_enc, _, plain) = fetch(&app, "/api/v1/openapi.json", None, None).await;
    assert_eq!(plain_enc, None, "no Accept-Encoding, no encoding");
    assert!(plain.len() > 100_000);

    let (enc, vary, gz) = fetch(&app, "/api/v1/openapi.json", None, Some("gzip")).await;
    assert_eq!(enc.as_deref(), Some("gzip"));
    assert_eq!(
        vary.unwrap_or_default().matches("accept-encoding").count(),
        1,
        "Vary names Accept-Encoding once"
    );
    assert_eq!(gunzip(&gz), plain);
    assert!(
        gz.len() * 5 < plain.len(),
        "{} of {}",
        gz.len(),
        plain.len()
    );

    let (enc, _, br) = fetch(&app, "/api/v1/openapi.json", None, Some("gzip, br")).await;
    assert_eq!(enc.as_deref(), Some("br"), "brotli when weighed alike");
    assert_eq!(unbrotli(&br), plain);
    let (enc, _, _) = fetch(&app, "/api/v1/openapi.json", None, Some("br;q=0.1, gzip")).await;
    assert_eq!(enc.as_deref(), Some("gzip"), "the client's weights decide");
    let (enc, vary, _) = fetch(&app, "/api/v1/openapi.json", None, Some("zstd")).await;
    assert_eq!(enc, None, "an encoding not offered is not used");
    assert_eq!(vary.as_deref(), Some("accept-encoding"));

    // A page of a list, as a frontend asks for it.
    let staff = app.staff().await;
    for i in 0..6 {
        app.create_unit(
            &staff,
            &format!("第{i}个承办单位的名称较长以便超过一千字节"),
        )
        .await;
    }
    let (_, _, plain) = fetch(&app, "/api/v1/units", Some(&staff), None).await;
    assert!(plain.len() >= 1024, "{}", plain.len());
    let (enc, _, gz) = fetch(&app, "/api/v1/units", Some(&staff), Some("gzip")).await;
    assert_eq!(enc.as_deref(), Some("gzip"));
    let page: serde_json::Value = serde_json::from_slice(&gunzip(&gz)).unwrap();
    assert_eq!(page["items"].as_array().map(Vec::len), Some(6));
}

#[tokio::test]
async fn small_answers_and_the_live_stream_are_sent_as_they_are() {
    let app = spawn_app().await;
    let (enc, vary, body) = fetch(&app, "/healthz", None, Some("gzip, br")).await;
    assert_eq!(enc, None);
    assert!(!vary.unwrap_or_default().contains("accept-encoding"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()["status"],
        "ok"
    );
    // A problem is small too, and stays readable.
    let (enc, _, body) = fetch(&app, "/api/v1/nowhere", None, Some("gzip")).await;
    assert_eq!(enc, None);
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["status"], 404);

    // The live stream: an encoder would hold events back.
    let staff = app.staff().await;
    let r = app
        .client
        .get(app.url("/api/v1/me/events"))
        .bearer_auth(&staff)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());
}
