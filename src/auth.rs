//! API tokens: random secrets handed to callers once and kept only as SHA-256 hashes.
//!
//! A token carries 256 random bits, so a fast hash is enough to keep it safe
//! at rest: there is nothing to brute-force that a slow password hash would
//! protect better.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Every token starts with this, so that a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "cdb_";

/// Makes a new random token.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret)))
}

/// The hash under which a token is stored and looked up: [`crate::hash::sha256`].
pub use crate::hash::sha256 as token_sha256;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_prefixed() {
        let first = new_token().unwrap();
        let second = new_token().unwrap();
        assert_ne!(first, second);
        assert!(first.starts_with(TOKEN_PREFIX));
        assert_eq!(first.len(), TOKEN_PREFIX.len() + 43);
        assert_ne!(token_sha256(&first), token_sha256(&second));
    }
}
