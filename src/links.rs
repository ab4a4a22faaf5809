//! Links: the one check of a URL a caller gives, as an article's source or as a review's evidence.

/// The longest URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// Checks that `url` is an absolute http or https URL with a host.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_BYTES {
        return Err(format!("is {} bytes, more than {MAX_URL_BYTES}", url.len()));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("must be an absolute http:// or https:// URL")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("must name a host".into());
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
        assert!(check_url("ftp://example.org").is_err());
        assert!(check_url("www.example.org").is_err());
        assert!(check_url("https://").is_err());
        assert!(check_url("https:///path").is_err());
        assert!(check_url("https://exa mple.org").is_err());
    }
}
