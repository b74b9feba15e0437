//! Where webhooks may be delivered: a check of a destination URL against
//! server-side request forgery, used when a subscription is saved and
//! again, address by address, when each delivery is made (a name may
//! resolve elsewhere by then).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use renda_domain::integration::{AddressRefusal, Network, check_destination};

/// Why a destination is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// Not an absolute `http`/`https` URL with a host, or one carrying a
    /// user name or password.
    BadUrl(&'static str),
    /// The host resolves to an address deliveries may not reach.
    Refused(AddressRefusal, IpAddr),
    /// The host name does not resolve.
    Unresolvable,
}

/// Parses a destination URL: `http` or `https`, a host, no credentials.
pub fn parse_url(raw: &str) -> Result<url::Url, TargetError> {
    let u = url::Url::parse(raw).map_err(|_| TargetError::BadUrl("not an absolute URL"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(TargetError::BadUrl("the scheme must be http or https"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(TargetError::BadUrl("credentials do not belong in the URL"));
    }
    if u.host().is_none() {
        return Err(TargetError::BadUrl("the URL has no host"));
    }
    Ok(u)
}

/// The addresses of `host`, each allowed, or why not.
pub async fn resolve_checked(
    host: &str,
    port: u16,
    allowed: &[Network],
) -> Result<Vec<SocketAddr>, TargetError> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = if let Ok(ip) = host.parse::<IpAddr>() {
        vec![SocketAddr::new(ip, port)]
    } else {
        match tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::lookup_host((host, port)),
        )
        .await
        {
            Ok(Ok(a)) => a.collect(),
            _ => return Err(TargetError::Unresolvable),
        }
    };
    if addrs.is_empty() {
        return Err(TargetError::Unresolvable);
    }
    // One refused address refuses the name: a delivery must not depend
    // on which address happens to come first.
    for a in &addrs {
        check_destination(a.ip(), allowed).map_err(|r| TargetError::Refused(r, a.ip()))?;
    }
    Ok(addrs)
}

/// Checks a destination URL and every address its host resolves to.
pub async fn check_url(raw: &str, allowed: &[Network]) -> Result<url::Url, TargetError> {
    let u = parse_url(raw)?;
    let host = u.host_str().unwrap_or_default().to_owned();
    let port = u.port_or_known_default().unwrap_or(80);
    resolve_checked(&host, port, allowed).await?;
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_are_checked() {
        assert!(matches!(
            check_url("ftp://example.org/x", &[]).await,
            Err(TargetError::BadUrl(_))
        ));
        assert!(matches!(
            check_url("https://user:pw@203.0.114.1/x", &[]).await,
            Err(TargetError::BadUrl(_))
        ));
        assert!(matches!(
            check_url("http://127.0.0.1:9/hook", &[]).await,
            Err(TargetError::Refused(AddressRefusal::Loopback, _))
        ));
        assert!(matches!(
            check_url("http://[::1]/hook", &[]).await,
            Err(TargetError::Refused(AddressRefusal::Loopback, _))
        ));
        assert!(matches!(
            check_url("http://169.254.169.254/latest/meta-data", &[]).await,
            Err(TargetError::Refused(AddressRefusal::Metadata, _))
        ));
        assert!(matches!(
            check_url("http://localhost:8080/hook", &[]).await,
            Err(TargetError::Refused(AddressRefusal::Loopback, _))
        ));
        assert!(check_url("https://202.96.134.133/hook", &[]).await.is_ok());
    }
}
