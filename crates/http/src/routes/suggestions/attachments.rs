//! Files attached to a suggestion.

use super::*;
use renda_domain::Code;

/// The largest file accepted.
pub const ATTACHMENT_LIMIT: usize = 20 * 1024 * 1024;

/// File types accepted, as recognised from the content (not the name).
const ACCEPTED_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    // HEIC, as phones take photos.
    "image/heif",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
];

/// 建议的附件：代表的材料或主办单位的答复函文件。
///
/// A file attached to a suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea2", "kind": "reply_letter", "file_name": "答复函.pdf", "content_type": "application/pdf", "size": 183422, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "uploaded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct AttachmentView {
    /// 附件 ID。
    ///
    /// The attachment's id.
    pub id: Uuid,
    /// 附件类型：`material`（代表起草时的材料）或 `reply_letter`（主办单位的答复函）。
    ///
    /// `material` (the deputy's, added while drafting) or `reply_letter` (the
    /// lead unit's reply letter).
    pub kind: AttachmentKind,
    /// 上传时的文件名，已去掉路径和控制字符；未提供时为 `attachment`。
    ///
    /// The file name as uploaded, without its path or control characters;
    /// `attachment` when none was given.
    pub file_name: String,
    /// 文件的 MIME 类型，按文件内容识别，如 `application/pdf`。
    ///
    /// As recognised from the content.
    pub content_type: String,
    /// 文件大小，单位为字节。
    ///
    /// The size in bytes.
    pub size: i64,
    /// 文件内容的 SHA-256 摘要，小写十六进制。
    ///
    /// The SHA-256 digest of the content, in lowercase hex.
    pub sha256: String,
    /// 上传人的用户 ID。
    ///
    /// The user id of who uploaded it.
    pub uploaded_by: Uuid,
    /// 上传时间（UTC）。
    ///
    /// When it was uploaded (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<renda_persistence::suggestions::Attachment> for AttachmentView {
    fn from(a: renda_persistence::suggestions::Attachment) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by.into(),
            created_at: a.created_at,
        }
    }
}

/// What kind of file an upload is.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `material` (the lead deputy, while a draft) or `reply_letter` (the
    /// lead unit, while handling or after replying).
    #[validate(custom(function = "attachment_kind"))]
    #[param(value_type = AttachmentKind)]
    pub kind: String,
}

fn attachment_kind(k: &str) -> Result<(), validator::ValidationError> {
    if k == "material" || k == "reply_letter" {
        Ok(())
    } else {
        Err(crate::validation::invalid(
            "kind",
            "须为 material 或 reply_letter",
            "must be material or reply_letter",
        ))
    }
}

/// 上传附件的 multipart 表单。
///
/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// 要上传的文件：PDF、PNG、JPEG、GIF、WebP、HEIC 或 Word 文档，不超过 20 MiB。
    ///
    /// The file: PDF, PNG, JPEG, GIF, WebP, HEIC or Word, at most 20 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn safe_file_name(raw: Option<&str>) -> String {
    let base = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".into()
    } else {
        cleaned
    }
}

fn file_too_large() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        Code::FileTooLarge,
        Msg::new("附件不得超过 20 MiB", "An attachment may not exceed 20 MiB"),
    )
}

/// 上传附件 · Attach a file
///
/// 上传附件（multipart/form-data，字段 `file`）。文件类型按内容识别；接受 20 MiB 以内的 PDF、图片和
/// Word 文档。保存文件的 SHA-256。
///
/// Attaches a file (multipart/form-data, field `file`). The type is
/// recognised from the content; PDF, images and Word documents up to
/// 20 MiB are accepted. The SHA-256 is kept.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), UploadParams),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = AttachmentView, headers(("Location" = String))),
        (status = 403, description = "Neither the lead deputy (material) nor the lead unit (reply letter)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The suggestion's state does not take this kind of file now", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 20 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data, or a file type not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `file` field, another field, or a bad `kind`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/attachments")]
pub async fn upload_attachment(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    params: QueryParams<UploadParams>,
    req: HttpRequest,
    payload: actix_web::web::Payload,
) -> ApiResult<HttpResponse> {
    use futures_util::StreamExt;
    let kind = if params.0.kind == AttachmentKind::Material.as_str() {
        AttachmentKind::Material
    } else {
        AttachmentKind::ReplyLetter
    };
    let action = match kind {
        AttachmentKind::Material => SuggestionAction::EditDraft,
        AttachmentKind::ReplyLetter => SuggestionAction::HandleAsLeadUnit,
    };
    let before = load_for(&state, &caller, id.into_inner(), action).await?;
    // Refused before the file is read.
    rules::may_attach(&before, kind)?;
    let is_multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::UnsupportedMediaType,
            Msg::new(
                "上传须使用 multipart/form-data",
                "An upload must be multipart/form-data",
            ),
        ));
    }
    let malformed = || {
        ApiError::bad_request(
            Code::MalformedMultipart,
            Msg::new("multipart 请求体格式错误", "Malformed multipart body"),
        )
    };
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| malformed())?;
        // The form has one field, `file`, once (the document says so).
        if field.name() != Some("file") {
            return Err(ApiError::field(
                field.name().unwrap_or_default(),
                "unknown_field",
                Msg::new("表单只有 file 一个字段", "The form has one field, `file`"),
            ));
        }
        if file.is_some() {
            return Err(ApiError::field(
                "file",
                "duplicate",
                Msg::new("只能上传一个文件", "Upload one file at a time"),
            ));
        }
        let name = safe_file_name(field.content_disposition().and_then(|d| d.get_filename()));
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| malformed())?;
            if buf.len() + chunk.len() > ATTACHMENT_LIMIT {
                return Err(file_too_large());
            }
            buf.extend_from_slice(&chunk);
        }
        file = Some((name, buf));
    }
    let Some((file_name, bytes)) = file else {
        return Err(ApiError::field(
            "file",
            "required",
            Msg::new("缺少文件字段 file", "the `file` field is missing"),
        ));
    };
    let content_type = infer::get(&bytes)
        .map(|t| t.mime_type())
        .filter(|m| ACCEPTED_TYPES.contains(m));
    let Some(content_type) = content_type else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::UnsupportedFileType,
            Msg::new(
                "仅接受 PDF、图片（PNG/JPEG/GIF/WebP/HEIC）和 Word 文档",
                "Only PDF, images (PNG/JPEG/GIF/WebP/HEIC) and Word documents are accepted",
            ),
        ));
    };
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    let attachment = renda_persistence::suggestions::Attachment {
        id: Uuid::now_v7(),
        kind,
        file_name,
        content_type: content_type.into(),
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256,
        uploaded_by: caller.actor()?.user_id,
        created_at: renda_domain::time::now(),
    };
    let dir = state.data_dir.join("attachments");
    let path = dir.join(attachment.id.to_string());
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, &bytes).await
    }
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "could not store an attachment");
        return Err(ApiError::internal());
    }
    let saved = match rules::attach(&before, attachment.clone()) {
        Ok(change) => save_change(&state, &caller, &before, change).await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = saved {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    let location = format!(
        "/api/v1/suggestions/{}/attachments/{}",
        before.id, attachment.id
    );
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(AttachmentView::from(attachment)))
}

/// 查询附件 · List attachments
///
/// 列出建议的附件。
///
/// The files attached to a suggestion.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<AttachmentView>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/{id}/attachments")]
pub async fn list_attachments(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let s = load_for(
        &state,
        &caller,
        id.into_inner(),
        SuggestionAction::ReadRecords,
    )
    .await?;
    let items: Vec<AttachmentView> = state
        .store
        .suggestion_attachments(s.id)
        .await?
        .into_iter()
        .map(AttachmentView::from)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

fn content_disposition(name: &str) -> String {
    let encoded = crate::respond::percent_encode(name);
    format!("attachment; filename=\"attachment\"; filename*=UTF-8''{encoded}")
}

/// 下载附件 · Download an attachment
///
/// 下载建议的附件（能查看该建议的人均可）。支持 `Range`（单个区间，断点续传）与
/// `If-Range`；`If-None-Match` 与文件的 `ETag`（内容的 SHA-256）相同时答 304。
///
/// Downloads an attached file (whoever may see the suggestion). A single
/// `Range` (`bytes=0-1023`, `bytes=1024-`, `bytes=-500`) gets 206 with that
/// part, as long as `If-Range` still names the file's `ETag`; a range beyond
/// the file is a 416. `If-None-Match` with the `ETag` (the content's
/// SHA-256) gets 304.
#[utoipa::path(
    tag = "suggestions",
    params(
        ("id" = Uuid, Path), ("attachment_id" = Uuid, Path),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=0-1023`, `bytes=1024-` or `bytes=-500`"),
        ("If-Range" = Option<String>, Header, description = "The `ETag` the part must come from; another gets the whole file"),
        ("If-None-Match" = Option<String>, Header, description = "304 when the file still has this `ETag`"),
    ),
    responses(
        (status = 200, description = "The file, with the type recognised from its content when it was uploaded", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/gif"),
            (Vec<u8> = "image/webp"),
            (Vec<u8> = "image/heif"),
            (Vec<u8> = "application/msword"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/octet-stream"),
        ), headers(("Content-Disposition" = String), ("ETag" = String), ("Accept-Ranges" = String))),
        (status = 206, description = "The part asked for, of the file's own type", content(
            (Vec<u8> = "application/octet-stream"),
        ), headers(("Content-Range" = String, description = "`bytes 0-1023/183422`"), ("ETag" = String), ("Content-Disposition" = String), ("Accept-Ranges" = String))),
        (status = 304, description = "The file has not changed (`If-None-Match`)"),
        (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or file, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies beyond the file; `Content-Range: bytes */<length>`", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/{id}/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    use actix_web::http::header;
    let (id, attachment_id) = path.into_inner();
    let s = load_for(&state, &caller, id, SuggestionAction::ReadRecords).await?;
    let a = state
        .store
        .suggestion_attachment(s.id, attachment_id)
        .await?;
    let etag = format!("\"{}\"", a.sha256);
    let asked = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if asked(header::IF_NONE_MATCH).is_some_and(|v| {
        v == "*"
            || v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
    }) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    let file_path = state.data_dir.join("attachments").join(a.id.to_string());
    let missing = |e: std::io::Error| {
        tracing::error!(error = %e, attachment = %a.id, "an attachment's file is missing");
        ApiError::internal()
    };
    let len = tokio::fs::metadata(&file_path)
        .await
        .map_err(missing)?
        .len();
    // A part only of the file it came from: an `If-Range` naming another
    // version gets the whole file.
    let range = asked(header::RANGE)
        .filter(|_| asked(header::IF_RANGE).is_none_or(|v| v == etag))
        .map(|r| byte_range(r, len))
        .transpose()
        .map(Option::flatten);
    let disposition = content_disposition(&a.file_name);
    match range {
        Err(()) => Err(ApiError::new(
            actix_web::http::StatusCode::RANGE_NOT_SATISFIABLE,
            Code::RangeNotSatisfiable,
            crate::error::Msg::new(
                format!("请求的范围超出了文件（共 {len} 字节）"),
                format!("The range lies beyond the file ({len} bytes)"),
            ),
        )
        .with_header(header::CONTENT_RANGE, format!("bytes */{len}"))),
        Ok(Some((start, end))) => {
            use tokio::io::{AsyncReadExt, AsyncSeekExt};
            let mut file = tokio::fs::File::open(&file_path).await.map_err(missing)?;
            file.seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(missing)?;
            let size = usize::try_from(end - start + 1).map_err(|_| ApiError::internal())?;
            let mut part = vec![0u8; size];
            file.read_exact(&mut part).await.map_err(missing)?;
            Ok(HttpResponse::PartialContent()
                .content_type(a.content_type.as_str())
                .insert_header((header::CONTENT_DISPOSITION, disposition))
                .insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")))
                .insert_header((header::ACCEPT_RANGES, "bytes"))
                .insert_header((header::ETAG, etag))
                .body(part))
        }
        Ok(None) => {
            let bytes = tokio::fs::read(&file_path).await.map_err(missing)?;
            Ok(HttpResponse::Ok()
                .content_type(a.content_type.as_str())
                .insert_header((header::CONTENT_DISPOSITION, disposition))
                .insert_header((header::ACCEPT_RANGES, "bytes"))
                .insert_header((header::ETAG, etag))
                .body(bytes))
        }
    }
}

/// The first and last byte a `Range` header asks for of a file of `len`
/// bytes; `Ok(None)` for the whole file, `Err` when the range lies beyond
/// it. One range of bytes only: anything else (several ranges, another
/// unit, a malformed range) is answered whole, as RFC 9110 allows.
fn byte_range(header: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let header = header.trim();
    let Some(spec) = header
        .get(..6)
        .filter(|unit| unit.eq_ignore_ascii_case("bytes="))
        .map(|_| &header[6..])
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), number(first), number(last)) {
        // `-500`: the last 500 bytes.
        (true, _, Some(0)) => Err(()),
        (true, _, Some(_)) if len == 0 => Err(()),
        (true, _, Some(n)) => Ok(Some((len.saturating_sub(n), len - 1))),
        // A well-formed range (`a-`, or `a-b` with b ≥ a) starting beyond
        // the end.
        (false, Some(a), None) if last.is_empty() => {
            if a >= len {
                Err(())
            } else {
                Ok(Some((a, len - 1)))
            }
        }
        (false, Some(a), Some(b)) if b >= a => {
            if a >= len {
                Err(())
            } else {
                Ok(Some((a, b.min(len - 1))))
            }
        }
        _ => Ok(None),
    }
}

impl crate::pagination::Keyed for AttachmentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn ranges_read_as_rfc_9110_says() {
        assert_eq!(byte_range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(byte_range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(byte_range("bytes=90-500", 100), Ok(Some((90, 99))));
        assert_eq!(byte_range("bytes=-5", 100), Ok(Some((95, 99))));
        assert_eq!(byte_range("bytes=-500", 100), Ok(Some((0, 99))));
        assert_eq!(byte_range("bytes=100-", 100), Err(()));
        assert_eq!(byte_range("bytes=-0", 100), Err(()));
        assert_eq!(byte_range("bytes=0-", 0), Err(()));
        // Ignored: the whole file.
        assert_eq!(byte_range("Bytes=0-9", 100), Ok(Some((0, 9))));
        for whole in [
            "bytes=0-1,5-6",
            "items=0-9",
            "bytes=9-2",
            "bytes=150-40",
            "bytes=150-x",
            "bytes=x-y",
            "bytes=5",
        ] {
            assert_eq!(byte_range(whole, 100), Ok(None), "{whole}");
        }
    }
}
