//! What a phone needs: short lists, downloads in parts, resumed and not
//! repeated when unchanged, and photos as phones take them.

use serde_json::json;

use crate::suggestions::{pdf, world};

#[tokio::test]
async fn a_summary_list_holds_the_same_suggestions_in_fewer_than_half_the_bytes() {
    let w = world().await;
    let draft = w.draft().await;
    let other = w.draft().await;
    w.op(&w.deputy_tokens[0], &other, "submit", json!({}))
        .await
        .ok(200);
    let token = Some(w.deputy_tokens[0].as_str());
    let full = w.app.get("/api/v1/suggestions?limit=100", token).await;
    let short = w
        .app
        .get("/api/v1/suggestions/summaries?limit=100", token)
        .await;
    let ids = |a: &crate::helpers::Answer| -> Vec<String> {
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    short.ok(200);
    full.ok(200);
    assert_eq!(ids(&short), ids(&full));
    assert_eq!(ids(&short), [draft.clone(), other.clone()]);
    let item = &short.body["items"][0];
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "category",
            "color",
            "deleted",
            "due_date",
            "evaluation",
            "id",
            "lead_deputy_id",
            "lead_unit_id",
            "number",
            "overdue",
            "status",
            "submitted_at",
            "title",
            "updated_at"
        ]
    );
    assert_eq!(item["title"], full.body["items"][0]["title"]);
    assert!(
        short.text.len() * 2 < full.text.len(),
        "{} bytes against {}",
        short.text.len(),
        full.text.len()
    );
    // The list's filters, and its visibility: another deputy sees neither.
    let submitted = w
        .app
        .get("/api/v1/suggestions/summaries?status=submitted", token)
        .await;
    submitted.ok(200);
    assert_eq!(ids(&submitted), [other]);
    let stranger = w
        .app
        .get("/api/v1/suggestions/summaries", Some(&w.deputy_tokens[2]))
        .await;
    assert_eq!(stranger.ok(200)["items"], json!([]));
    w.app
        .get("/api/v1/suggestions/summaries?limit=0", token)
        .await
        .problem(422, "validation_failed");
}

#[tokio::test]
async fn a_download_resumes_by_range_and_is_not_repeated_when_unchanged() {
    let w = world().await;
    let id = w.draft().await;
    let att = w
        .upload(&w.deputy_tokens[0], &id, "material", "材料.pdf", pdf())
        .await;
    let file = w.path(
        &id,
        &format!("attachments/{}", att.ok(201)["id"].as_str().unwrap()),
    );
    let etag = format!("\"{}\"", att.body["sha256"].as_str().unwrap());
    let len = pdf().len();
    let get = |headers: Vec<(&'static str, String)>| {
        let mut r = w
            .app
            .request(reqwest::Method::GET, &file, Some(&w.deputy_tokens[0]));
        for (k, v) in headers {
            r = r.header(k, v);
        }
        r.send()
    };

    let whole = get(vec![]).await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["etag"], etag.as_str());

    // The first ten bytes, then the rest, make the file.
    let first = get(vec![("Range", "bytes=0-9".into())]).await.unwrap();
    assert_eq!(first.status(), 206);
    assert_eq!(
        first.headers()["content-range"],
        format!("bytes 0-9/{len}").as_str()
    );
    let mut bytes = first.bytes().await.unwrap().to_vec();
    let rest = get(vec![
        ("Range", "bytes=10-".into()),
        ("If-Range", etag.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(rest.status(), 206);
    bytes.extend_from_slice(&rest.bytes().await.unwrap());
    assert_eq!(bytes, pdf());
    // The last five bytes.
    let tail = get(vec![("Range", "bytes=-5".into())]).await.unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap().to_vec(), pdf()[len - 5..]);

    // A part of another version is not mixed in: the whole file comes.
    let stale = get(vec![
        ("Range", "bytes=10-".into()),
        ("If-Range", "\"another\"".into()),
    ])
    .await
    .unwrap();
    assert_eq!(stale.status(), 200);
    assert_eq!(stale.bytes().await.unwrap().to_vec(), pdf());
    // Several ranges, or another unit, get the whole file too.
    let several = get(vec![("Range", "bytes=0-1,5-6".into())]).await.unwrap();
    assert_eq!(several.status(), 200);

    // Beyond the end: 416, with the length.
    let beyond = get(vec![("Range", format!("bytes={len}-"))]).await.unwrap();
    assert_eq!(beyond.status(), 416);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );
    let problem: serde_json::Value = beyond.json().await.unwrap();
    assert_eq!(problem["code"], "range_not_satisfiable");

    // Unchanged since the last download: 304 and no body.
    let again = get(vec![("If-None-Match", etag.clone())]).await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let changed = get(vec![("If-None-Match", "\"other\"".into())])
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    // Another deputy learns nothing, whatever the headers.
    let r = w
        .app
        .request(reqwest::Method::GET, &file, Some(&w.deputy_tokens[2]))
        .header("If-None-Match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_phone_photo_in_heic_is_accepted() {
    let w = world().await;
    let id = w.draft().await;
    // The start of an HEIC file: an ISO media `ftyp` box of brand heic.
    let mut heic = Vec::new();
    heic.extend_from_slice(&24u32.to_be_bytes());
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0u8; 64]);
    let a = w
        .upload(&w.deputy_tokens[0], &id, "material", "IMG_0001.HEIC", heic)
        .await;
    assert_eq!(a.ok(201)["content_type"], "image/heif", "{}", a.text);
}
