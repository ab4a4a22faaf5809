//! Links: the one check of a URL a caller gives, as an article's source or as a review's evidence.

use url::Url;

/// The longest URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// Checks that `url` is an absolute http or https URL with a host, as the
/// WHATWG URL parser (the `url` crate) reads it, written as RFC 3986 allows:
/// no user name or password (a link to evidence has no business carrying
/// credentials, and `https://trusted.org@evil.example/` misleads the reader),
/// and none of the characters a URL must escape (space, control characters,
/// `"<>\^`{|}`), which browsers would escape silently but a reviewer's page
/// or a terminal may not. Characters beyond ASCII (an IRI) are allowed.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_BYTES {
        return Err(format!("is {} bytes, more than {MAX_URL_BYTES}", url.len()));
    }
    let lower = url.to_ascii_lowercase();
    let Some(authority) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Err("must be an absolute http:// or https:// URL".into());
    };
    // The WHATWG parser forgives `https:///path` (host `path`); a link
    // written so is a mistake, not a host.
    if authority.starts_with(['/', '\\', '?', '#']) || authority.is_empty() {
        return Err("must name a host".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    if let Some(bad) = url.chars().find(|c| "\"<>\\^`{|}".contains(*c)) {
        return Err(format!(
            "must escape {bad:?} (percent-encoding, as RFC 3986 asks)"
        ));
    }
    let parsed = Url::parse(url).map_err(|err| format!("is not a valid URL: {err}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("must be an absolute http:// or https:// URL".into());
    }
    match parsed.host_str() {
        None | Some("") => return Err("must name a host".into()),
        Some(_) => {}
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(check_url("https://www.reuters.com/world/x").is_ok());
        assert!(check_url("HTTP://example.org").is_ok());
        assert!(check_url("https://example.org:8443/a?b=c#d").is_ok());
        assert!(check_url("https://de.wikipedia.org/wiki/Mün%20chen").is_ok());
        assert!(check_url("https://[2001:db8::1]/report").is_ok());
        assert!(check_url("ftp://example.org").is_err());
        assert!(check_url("www.example.org").is_err());
        assert!(check_url("https://").is_err());
        assert!(check_url("https:///path").is_err());
        assert!(check_url("https://exa mple.org").is_err());
    }

    // See: #14 (defect 7).
    #[test]
    fn malformed_hosts_markup_and_credentials_are_refused() {
        for bad in [
            "https://[::1",
            "https://%00/",
            "https://example.org/<script>",
            "https://example.org/a\"b",
            "https://user:pass@example.org/",
            "https://trusted.org@evil.example/",
            "https://:443/",
            "javascript:alert(1)",
            "https://exa\u{1b}mple.org",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
