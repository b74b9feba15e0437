//! The sender of notifications beyond the inbox: SMS through an HTTP
//! gateway, the work-chat robots (企业微信, 钉钉) and a push gateway, each
//! configured by URL, method, headers and a body template, so that a
//! government SMS platform or a cloud provider is set up without code.
//! Everything it knows is in the database: it fans notifications out into
//! deliveries, claims the due ones under a lease, sends, and records the
//! answer, retrying with backoff. It never holds up the change that wrote
//! the notification.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use renda_domain::delivery::{Channel, Template};
use renda_domain::integration::retry_delay;
use renda_persistence::Store;
use renda_persistence::delivery::{Attempt, DeliveryJob};

/// One configured channel.
#[derive(Debug, Clone)]
pub struct ChannelConfig {
    pub channel: Channel,
    pub url: reqwest::Url,
    pub method: reqwest::Method,
    pub headers: Vec<(String, String)>,
    pub body: Template,
    /// Whether the body is JSON (placeholders are escaped as JSON string
    /// content); else each value is percent-encoded (a form body), so
    /// that no value adds a field of its own.
    pub json: bool,
}

/// How the sender works.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// This process's name on its claims.
    pub worker: String,
    pub channels: Vec<ChannelConfig>,
    /// Where links in messages point: `<base>/suggestions/<id>`; none
    /// when unset.
    pub link_base: Option<String>,
    pub interval: Duration,
    pub batch: u64,
    pub lease: Duration,
    pub timeout: Duration,
    /// The wait after the first failure; it doubles with each further one,
    /// up to an hour.
    pub retry_base: Duration,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            worker: format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple()),
            channels: Vec::new(),
            link_base: None,
            interval: Duration::from_secs(2),
            batch: 32,
            // Longer than one delivery can take (a push to every phone an
            // account may keep, each within the timeout).
            lease: Duration::from_secs(300),
            timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(30),
        }
    }
}

impl DeliveryConfig {
    /// The channels this deployment offers.
    pub fn offered(&self) -> Vec<Channel> {
        self.channels.iter().map(|c| c.channel).collect()
    }

    fn channel(&self, c: Channel) -> Option<&ChannelConfig> {
        self.channels.iter().find(|x| x.channel == c)
    }
}

/// The default body of each channel: the gateways' common JSON shapes.
fn default_body(c: Channel) -> Option<&'static str> {
    match c {
        Channel::Sms => None,
        Channel::Wecom => Some(r#"{"msgtype":"text","text":{"content":"{{text}} {{link}}"}}"#),
        Channel::Dingtalk => Some(r#"{"msgtype":"text","text":{"content":"{{text}} {{link}}"}}"#),
        Channel::Push => Some(
            r#"{"token":"{{token}}","platform":"{{platform}}","title":"{{title}}","body":"{{text}}","link":"{{link}}"}"#,
        ),
    }
}

/// Reads the channels from `RENDA_<CHANNEL>_URL`, `_METHOD` (default
/// POST), `_HEADERS` (a JSON object of header names and values) and
/// `_BODY` (a template; SMS has no default). A channel without a URL is
/// not offered; anything else wrong is an error naming the variable.
pub fn channels_from(env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Vec<ChannelConfig>> {
    let mut out = Vec::new();
    for channel in Channel::ALL.iter().copied() {
        let prefix = format!("RENDA_{}", channel.as_str().to_uppercase());
        let var = |suffix: &str| format!("{prefix}_{suffix}");
        let Some(url) = env(&var("URL")) else {
            continue;
        };
        let url = reqwest::Url::parse(&url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| anyhow!("{} must be an http or https URL", var("URL")))?;
        let method = match env(&var("METHOD")) {
            None => reqwest::Method::POST,
            Some(m) => match m.to_uppercase().as_str() {
                "POST" => reqwest::Method::POST,
                "PUT" => reqwest::Method::PUT,
                "GET" => reqwest::Method::GET,
                _ => bail!("{} must be POST, PUT or GET", var("METHOD")),
            },
        };
        let headers = match env(&var("HEADERS")) {
            None => Vec::new(),
            Some(h) => serde_json::from_str::<BTreeMap<String, String>>(&h)
                .with_context(|| format!("{} must be a JSON object of strings", var("HEADERS")))?
                .into_iter()
                .map(|(k, v)| {
                    reqwest::header::HeaderName::from_bytes(k.as_bytes())
                        .ok()
                        .filter(|_| reqwest::header::HeaderValue::from_str(&v).is_ok())
                        .map(|_| (k.clone(), v))
                        .ok_or_else(|| anyhow!("{}: `{k}` is not a valid header", var("HEADERS")))
                })
                .collect::<anyhow::Result<_>>()?,
        };
        let body = env(&var("BODY"))
            .or_else(|| default_body(channel).map(str::to_owned))
            .ok_or_else(|| anyhow!("{} is required with {}", var("BODY"), var("URL")))?;
        let json = body.trim_start().starts_with(['{', '[']);
        let body = Template::parse(&body, channel).map_err(|e| anyhow!("{}: {e}", var("BODY")))?;
        out.push(ChannelConfig {
            channel,
            url,
            method,
            headers,
            body,
            json,
        });
    }
    Ok(out)
}

fn http_client(cfg: &DeliveryConfig) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout)
        .user_agent(concat!("renda-notify/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// A template's values as the body needs them: as they are for JSON
/// (the template escapes), percent-encoded otherwise.
fn encode<'a>(c: &ChannelConfig, values: &[(&'a str, &'a str)]) -> Vec<(&'a str, String)> {
    values
        .iter()
        .map(|(k, v)| {
            let v = if c.json {
                (*v).to_owned()
            } else {
                form_urlencoded::byte_serialize(v.as_bytes()).collect()
            };
            (*k, v)
        })
        .collect()
}

/// The body of `values` by `c`'s template.
fn render(c: &ChannelConfig, values: &[(&str, &str)]) -> String {
    let encoded = encode(c, values);
    let pairs: Vec<(&str, &str)> = encoded.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.body.render(&pairs, c.json)
}

/// Sends one rendered body; `Ok` on a 2xx answer (for the chat robots,
/// one whose `errcode` is 0: they answer 200 to a refused key, a failed
/// keyword check or their rate limit).
async fn post(client: &reqwest::Client, c: &ChannelConfig, body: String) -> Result<(), String> {
    let mut req = client.request(c.method.clone(), c.url.clone());
    if c.json {
        req = req.header(reqwest::header::CONTENT_TYPE, "application/json");
    }
    for (k, v) in &c.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    match req.body(body).send().await {
        Ok(r) if r.status().is_success() && c.channel.is_group() => {
            let answer: serde_json::Value = r.json().await.unwrap_or_default();
            match answer.get("errcode").and_then(serde_json::Value::as_i64) {
                None | Some(0) => Ok(()),
                Some(code) => Err(format!("the robot refused it (errcode {code})")),
            }
        }
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("the gateway answered {}", r.status().as_u16())),
        Err(e) if e.is_timeout() => Err("timed out".into()),
        Err(e) if e.is_connect() => Err("connection failed".into()),
        Err(_) => Err("request failed".into()),
    }
}

/// Sends one delivery; how the attempt ended.
async fn send(client: &reqwest::Client, cfg: &DeliveryConfig, job: &DeliveryJob) -> Attempt {
    let Some(c) = cfg.channel(job.channel) else {
        return Attempt::Unreachable("the channel is no longer configured".into());
    };
    let area = job.subject_kind.collection();
    let link = cfg
        .link_base
        .as_deref()
        .map(|b| format!("{}/{area}/{}", b.trim_end_matches('/'), job.subject_id))
        .unwrap_or_default();
    let text = job.text.as_str();
    // The phones a push reached, when it reached some and not all.
    let mut reached = Vec::new();
    let result = match job.channel {
        Channel::Sms => {
            let Some(phone) = job.phone.as_deref() else {
                return Attempt::Unreachable("no phone on record".into());
            };
            let body = c
                .body
                .render(&[("phone", phone), ("text", text), ("link", &link)], c.json);
            post(client, c, body).await
        }
        Channel::Wecom | Channel::Dingtalk => {
            let body = render(c, &[("text", text), ("link", &link)]);
            post(client, c, body).await
        }
        Channel::Push => {
            if job.devices.is_empty() {
                // Those left were removed: the ones reached are all there is.
                if job.partly_sent {
                    return Attempt::Sent;
                }
                return Attempt::Unreachable("no device registered".into());
            }
            let mut result = Ok(());
            for (id, platform, token) in &job.devices {
                let values = [
                    ("token", token.as_str()),
                    ("platform", platform.as_str()),
                    ("title", "人大履职"),
                    ("text", text),
                    ("link", link.as_str()),
                ];
                match post(client, c, render(c, &values)).await {
                    Ok(()) => reached.push(*id),
                    Err(e) => result = Err(e),
                }
            }
            result
        }
    };
    match result {
        Ok(()) => Attempt::Sent,
        Err(error) => {
            let attempt = u32::try_from(job.attempts).unwrap_or(0).saturating_add(1);
            let wait = retry_delay(attempt, cfg.retry_base);
            let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
            Attempt::Failed {
                error,
                retry_at: renda_domain::time::now() + wait,
                reached,
            }
        }
    }
}

/// One round: fans new notifications out, then sends the due deliveries
/// one claim at a time (so that no claim runs out while others are
/// sent); returns how many were attempted.
pub async fn deliver_once(
    store: &Store,
    client: &reqwest::Client,
    cfg: &DeliveryConfig,
) -> anyhow::Result<usize> {
    let offered = cfg.offered();
    let chunk = cfg.batch.saturating_mul(4);
    while store.fan_out_notifications(&offered, chunk).await? == chunk {}
    let lease = chrono::Duration::from_std(cfg.lease).unwrap_or(chrono::Duration::minutes(5));
    let mut attempted = 0;
    while attempted < usize::try_from(cfg.batch).unwrap_or(usize::MAX) {
        let jobs = store
            .claim_notification_deliveries(&cfg.worker, &offered, 1, lease)
            .await?;
        let Some(job) = jobs.into_iter().next() else {
            break;
        };
        let attempt = send(client, cfg, &job).await;
        if let Attempt::Failed { error, .. } | Attempt::Unreachable(error) = &attempt {
            tracing::warn!(channel = %job.channel, delivery = %job.id, error = %error, "notification delivery failed");
        }
        store
            .finish_notification_delivery(&cfg.worker, job.id, attempt)
            .await?;
        attempted += 1;
    }
    Ok(attempted)
}

/// A client for [`deliver_once`].
pub fn client(cfg: &DeliveryConfig) -> anyhow::Result<reqwest::Client> {
    http_client(cfg)
}

/// Runs the sender until aborted; a round with work is followed at once
/// by the next.
pub fn spawn_deliveries(store: Store, cfg: DeliveryConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Without channels there is nothing to send, and nothing to fan
        // out: an instance configured with none leaves the notifications
        // to those that have them.
        if cfg.channels.is_empty() {
            return;
        }
        let client = match http_client(&cfg) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "the notification sender could not start");
                return;
            }
        };
        loop {
            match deliver_once(&store, &client, &cfg).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "notification delivery round failed"),
            }
            tokio::time::sleep(cfg.interval).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn error_of(vars: &[(&str, &str)]) -> String {
        match channels_from(env_of(vars)) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn channels_come_from_the_environment_and_bad_ones_are_refused_at_start() {
        let none = channels_from(env_of(&[])).map(|c| c.len()).ok();
        assert_eq!(none, Some(0));
        let ok = channels_from(env_of(&[
            ("RENDA_SMS_URL", "https://sms.example.gov.cn/send"),
            ("RENDA_SMS_HEADERS", r#"{"X-Api-Key": "k"}"#),
            ("RENDA_SMS_BODY", r#"{"to":"{{phone}}","msg":"{{text}}"}"#),
            (
                "RENDA_WECOM_URL",
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
            ),
        ]))
        .unwrap_or_default();
        let offered: Vec<Channel> = ok.iter().map(|c| c.channel).collect();
        assert_eq!(offered, [Channel::Sms, Channel::Wecom]);
        assert!(ok.iter().all(|c| c.json));
        assert!(error_of(&[("RENDA_SMS_URL", "ftp://x")]).contains("RENDA_SMS_URL"));
        assert!(error_of(&[("RENDA_SMS_URL", "https://x")]).contains("RENDA_SMS_BODY is required"));
        let bad_field = error_of(&[
            ("RENDA_WECOM_URL", "https://x"),
            ("RENDA_WECOM_BODY", "{{phone}}"),
        ]);
        assert!(
            bad_field.contains("RENDA_WECOM_BODY") && bad_field.contains("phone"),
            "{bad_field}"
        );
        assert!(
            error_of(&[
                ("RENDA_PUSH_URL", "https://x"),
                ("RENDA_PUSH_HEADERS", "[1]"),
            ])
            .contains("RENDA_PUSH_HEADERS")
        );
        assert!(
            error_of(&[
                ("RENDA_PUSH_URL", "https://x"),
                ("RENDA_PUSH_METHOD", "DELETE"),
            ])
            .contains("RENDA_PUSH_METHOD")
        );
        assert!(
            error_of(&[
                ("RENDA_PUSH_URL", "https://x"),
                ("RENDA_PUSH_HEADERS", r#"{"bad header": "v"}"#),
            ])
            .contains("not a valid header")
        );
    }

    #[test]
    fn a_form_body_encodes_each_value_so_that_none_adds_a_field() {
        let sms = channels_from(env_of(&[
            ("RENDA_SMS_URL", "https://sms.example.gov.cn/send"),
            ("RENDA_SMS_BODY", "mobile={{phone}}&content={{text}}"),
        ]))
        .unwrap_or_default();
        let c = &sms[0];
        assert!(!c.json);
        let body = render(
            c,
            &[
                ("phone", "13800001234"),
                ("text", "建议《x&mobile=13900000000》"),
            ],
        );
        let fields: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(fields.len(), 2, "{body}");
        assert_eq!(fields[0], ("mobile".into(), "13800001234".into()));
        assert_eq!(fields[1].1, "建议《x&mobile=13900000000》");
    }
}
