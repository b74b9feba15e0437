//! Checking each row by the rules of the API's create operations.

use super::*;

pub(super) struct Problems {
    pub(super) lang: Lang,
    pub(super) list: Vec<ImportProblem>,
}

impl Problems {
    pub(super) fn push(&mut self, row: u32, column: &str, code: &str, msg: &Msg) {
        let message = match self.lang {
            Lang::Zh => msg.zh.to_string(),
            Lang::En => msg.en.to_string(),
        };
        self.list.push(ImportProblem {
            row,
            column: column.to_owned(),
            code: code.to_owned(),
            message,
        });
    }
}

/// Which column of the file holds each of `columns`; problems with the
/// header row go to `problems`.
fn map_headers(
    headers: &[String],
    columns: &[Column],
    problems: &mut Problems,
) -> Vec<Option<usize>> {
    let mut seen = std::collections::HashSet::new();
    for h in headers {
        if h.is_empty() {
            continue;
        }
        let known = columns.iter().any(|c| c.header == h || c.field == h);
        if !known {
            problems.push(
                1,
                h,
                "unknown_column",
                &Msg::new(format!("未知的列“{h}”"), format!("unknown column `{h}`")),
            );
        } else if !seen.insert(h.clone()) {
            problems.push(
                1,
                h,
                "duplicate_column",
                &Msg::new("该列出现多次", "the column appears more than once"),
            );
        }
    }
    columns
        .iter()
        .map(|c| {
            let at = headers.iter().position(|h| h == c.header || h == c.field);
            if at.is_none() && c.required {
                problems.push(
                    1,
                    c.header,
                    "missing_column",
                    &Msg::new(
                        format!("缺少必需的列“{}”", c.header),
                        format!("the required column `{}` is missing", c.header),
                    ),
                );
            }
            at
        })
        .collect()
}

/// The header of the column a field error names (`memberships[0].term` →
/// 届次).
fn header_of(columns: &[Column], field: &str) -> String {
    columns
        .iter()
        .find(|c| c.field == field)
        .map(|c| c.header.to_owned())
        .unwrap_or_else(|| field.to_owned())
}

/// One row as the JSON body of the create operation; values that need a
/// translation from their Chinese name are translated, and a value that
/// names nothing is a problem of its own.
fn row_json(
    columns: &[Column],
    at: &[Option<usize>],
    row: u32,
    cells: &[String],
    problems: &mut Problems,
) -> Value {
    use renda_domain::deputy::labels;
    let mut obj = Map::new();
    let mut membership = Map::new();
    for (c, idx) in columns.iter().zip(at) {
        let Some(v) = idx
            .and_then(|i| cells.get(i))
            .filter(|v| !renda_domain::text::is_blank(v))
        else {
            continue;
        };
        let translated = match c.field {
            "kind" => renda_domain::unit::parse_kind(v).map(|k| k.as_str().to_owned()),
            "gender" => labels::parse_gender(v).map(|g| g.as_str().to_owned()),
            "memberships[0].level" => labels::parse_level(v).map(|l| l.as_str().to_owned()),
            "memberships[0].status" => {
                labels::parse_membership_status(v).map(|s| s.as_str().to_owned())
            }
            _ => Some(v.clone()),
        };
        let Some(value) = translated else {
            problems.push(
                row,
                c.header,
                "invalid",
                &Msg::new(
                    format!("“{v}”不是可用的取值"),
                    format!("`{v}` is not one of the values this column takes"),
                ),
            );
            continue;
        };
        match c.field.strip_prefix("memberships[0].") {
            Some(f) => {
                membership.insert(f.to_owned(), Value::String(value));
            }
            None => {
                obj.insert(c.field.to_owned(), Value::String(value));
            }
        }
    }
    if !membership.is_empty() {
        obj.insert(
            "memberships".into(),
            Value::Array(vec![Value::Object(membership)]),
        );
    }
    Value::Object(obj)
}

/// Puts a placeholder in place of a bad field, or takes the field out;
/// returns whether the row changed.
fn set_aside(json: &mut Value, columns: &[Column], field: &str) -> bool {
    let placeholder = columns
        .iter()
        .find(|c| c.field == field)
        .and_then(|c| c.placeholder);
    let (target, key) = match field.strip_prefix("memberships[0].") {
        Some(k) => (
            json.get_mut("memberships")
                .and_then(|m| m.get_mut(0))
                .and_then(Value::as_object_mut),
            k,
        ),
        None => (json.as_object_mut(), field),
    };
    let Some(obj) = target else {
        return false;
    };
    match placeholder {
        Some(p) if obj.get(key) != Some(&Value::String(p.to_owned())) => {
            obj.insert(key.to_owned(), Value::String(p.to_owned()));
            true
        }
        Some(_) => false,
        None => obj.remove(key).is_some(),
    }
}

/// Checks every row against the create operation's rules and reports
/// every problem of every row: a field found bad is set aside and the row
/// checked again, so that one problem does not hide the next. Returns the
/// checked requests of the rows without problems.
pub(super) fn check_rows<T: serde::de::DeserializeOwned + Validate>(
    table: &Table,
    columns: &[Column],
    problems: &mut Problems,
) -> Vec<(u32, T)> {
    let at = map_headers(&table.headers, columns, problems);
    let mut out = Vec::new();
    for (row, cells) in &table.rows {
        let before = problems.list.len();
        let mut json = row_json(columns, &at, *row, cells, problems);
        // Untranslatable values were reported; check the rest without them.
        let reported: Vec<&'static str> = columns
            .iter()
            .filter(|c| problems.list[before..].iter().any(|p| p.column == c.header))
            .map(|c| c.field)
            .collect();
        for f in reported {
            set_aside(&mut json, columns, f);
        }
        for _ in 0..=columns.len() {
            match crate::extract::parse_json::<T>(json.to_string().as_bytes()) {
                Ok(v) => {
                    if problems.list.len() == before {
                        out.push((*row, v));
                    }
                    break;
                }
                Err(e) => {
                    let mut changed = false;
                    for FieldError {
                        field,
                        code,
                        message,
                    } in e.errors
                    {
                        let header = header_of(columns, &field);
                        if !problems.list[before..].iter().any(|p| p.column == header) {
                            problems.push(*row, &header, &code, &message);
                        }
                        changed |= set_aside(&mut json, columns, &field);
                    }
                    if !changed {
                        break;
                    }
                }
            }
        }
    }
    out
}

pub(super) fn finish(
    lang_problems: Problems,
    dry_run: bool,
    rows: usize,
    created: Vec<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut problems = lang_problems.list;
    problems.sort_by_key(|p| p.row);
    // A dry run answers as the real run would, writing nothing.
    if !problems.is_empty() {
        let errors = problems
            .iter()
            .map(|p| {
                FieldError::new(
                    format!("rows[{}].{}", p.row, p.column),
                    p.code.clone(),
                    Msg::new(p.message.clone(), p.message.clone()),
                )
            })
            .collect();
        return Err(ApiError::validation(errors));
    }
    Ok(HttpResponse::Ok().json(ImportReport {
        dry_run,
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
        created: u32::try_from(created.len()).unwrap_or(u32::MAX),
        created_ids: created,
    }))
}
