//! SHA-256, the one digest claimdb uses: the identity of an article body, the form in which an
//! API token is kept, and the identity of the embedder's weights files (`claimdb train embedder`).

use sha2::{Digest, Sha256};

/// SHA-256 of a text's UTF-8 bytes.
pub fn sha256(text: &str) -> [u8; 32] {
    sha256_bytes(text.as_bytes())
}

/// SHA-256 of bytes (a weights file).
pub fn sha256_bytes(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_the_utf8_bytes() {
        assert_eq!(
            hex::encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
