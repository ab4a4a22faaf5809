//! Page sizes and page tokens (AIP-158). A page token is opaque to callers and tamper-evident: it
//! carries the last id served and an HMAC over that id and the request's other parameters.

use std::future::Future;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tonic::Status;

use super::error::invalid_field;
use crate::review::filter::SortValue;
use crate::store::StoreError;

/// The page size used when a request asks for none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The largest page a request may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;

const MAC_LEN: usize = 16;
const TOKEN_LEN: usize = 8 + MAC_LEN;

/// Checks a request's `page_size`, where 0 means the default.
pub fn page_size(requested: i32) -> Result<u32, Status> {
    match u32::try_from(requested) {
        Ok(0) => Ok(DEFAULT_PAGE_SIZE),
        Ok(size) if size <= MAX_PAGE_SIZE => Ok(size),
        _ => Err(invalid_field(
            "page_size",
            format!("must be between 0 and {MAX_PAGE_SIZE}, got {requested}"),
        )),
    }
}

/// Signs and checks page tokens with a key kept in the database.
#[derive(Clone)]
pub struct PageTokens {
    key: [u8; 32],
}

impl PageTokens {
    pub fn new(key: [u8; 32]) -> PageTokens {
        PageTokens { key }
    }

    fn mac(&self, scope: &str, last_id: i64) -> [u8; MAC_LEN] {
        self.mac_payload(scope, &last_id.to_be_bytes())
    }

    fn mac_payload(&self, scope: &str, payload: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(scope.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut short = [0u8; MAC_LEN];
        short.copy_from_slice(&full[..MAC_LEN]);
        short
    }

    /// A token to continue after `last_id`. `scope` names the listing and
    /// its parameters, so that a token only works for the request it came from.
    fn encode(&self, scope: &str, last_id: i64) -> String {
        let mut bytes = Vec::with_capacity(TOKEN_LEN);
        bytes.extend_from_slice(&last_id.to_be_bytes());
        bytes.extend_from_slice(&self.mac(scope, last_id));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// One page of a listing in id order, `limit` long (checked by
    /// [`page_size`]): reads where the page starts from `page_token`, asks
    /// `fetch` for the items after that id, one more than the page holds
    /// (which tells whether another page follows), and returns the page with
    /// the token for the next, empty on the last page. `scope` names the
    /// listing and its parameters.
    pub async fn page_by_id<T, Fut>(
        &self,
        scope: &str,
        page_token: &str,
        limit: u32,
        fetch: impl FnOnce(Option<i64>, u32) -> Fut,
        id: impl Fn(&T) -> i64,
    ) -> Result<(Vec<T>, String), Status>
    where
        Fut: Future<Output = Result<Vec<T>, StoreError>>,
    {
        let after = self.decode(scope, page_token)?;
        let mut items = fetch(after, limit + 1).await?;
        let next_page_token = self.finish_page(scope, &mut items, limit, id);
        Ok((items, next_page_token))
    }

    /// Cuts `items`, fetched with a limit of `limit + 1`, down to `limit` and
    /// returns the token for the page after them, empty when there is none.
    fn finish_page<T>(&self, scope: &str, items: &mut Vec<T>, limit: u32, id: impl Fn(&T) -> i64) -> String {
        last_of_full_page(items, limit)
            .map(|last| self.encode(scope, id(last)))
            .unwrap_or_default()
    }

    /// As [`PageTokens::finish_page`], for a listing in a keyset order:
    /// `position` gives the keyset position of an item.
    pub fn finish_page_at<T>(
        &self,
        scope: &str,
        items: &mut Vec<T>,
        limit: u32,
        position: impl Fn(&T) -> Vec<SortValue>,
    ) -> String {
        last_of_full_page(items, limit)
            .map(|last| self.encode_position(scope, &position(last)))
            .unwrap_or_default()
    }

    /// A token to continue after the keyset `position` (one value per key of
    /// the listing's order). `scope` binds it to the request's parameters.
    fn encode_position(&self, scope: &str, position: &[SortValue]) -> String {
        let mut payload = Vec::with_capacity(position.len() * 9);
        for value in position {
            match value {
                SortValue::Int(int) => {
                    payload.push(b'i');
                    payload.extend_from_slice(&int.to_be_bytes());
                }
                SortValue::Real(real) => {
                    payload.push(b'r');
                    payload.extend_from_slice(&real.to_bits().to_be_bytes());
                }
            }
        }
        let mac = self.mac_payload(scope, &payload);
        payload.extend_from_slice(&mac);
        URL_SAFE_NO_PAD.encode(payload)
    }

    /// The keyset position in `token`, which must hold `n_keys` values;
    /// `None` for an empty token (the first page).
    pub fn decode_position(
        &self,
        scope: &str,
        token: &str,
        n_keys: usize,
    ) -> Result<Option<Vec<SortValue>>, Status> {
        if token.is_empty() {
            return Ok(None);
        }
        let malformed = || invalid_field("page_token", "is malformed: pass a next_page_token unchanged");
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| malformed())?;
        if bytes.len() != n_keys * 9 + MAC_LEN {
            return Err(malformed());
        }
        let (payload, mac) = bytes.split_at(n_keys * 9);
        if self.mac_payload(scope, payload).as_slice() != mac {
            return Err(invalid_field(
                "page_token",
                "does not belong to this request: it was altered, or the other parameters changed",
            ));
        }
        payload
            .chunks_exact(9)
            .map(|chunk| {
                let raw = <[u8; 8]>::try_from(&chunk[1..]).map_err(|_| malformed())?;
                match chunk[0] {
                    b'i' => Ok(SortValue::Int(i64::from_be_bytes(raw))),
                    b'r' => Ok(SortValue::Real(f64::from_bits(u64::from_be_bytes(raw)))),
                    _ => Err(malformed()),
                }
            })
            .collect::<Result<Vec<_>, Status>>()
            .map(Some)
    }

    /// The last id served before `token`; `None` for an empty token (the first page).
    fn decode(&self, scope: &str, token: &str) -> Result<Option<i64>, Status> {
        if token.is_empty() {
            return Ok(None);
        }
        let malformed = || invalid_field("page_token", "is malformed: pass a next_page_token unchanged");
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| malformed())?;
        if bytes.len() != TOKEN_LEN {
            return Err(malformed());
        }
        let (id_bytes, mac) = bytes.split_at(8);
        let last_id = i64::from_be_bytes(id_bytes.try_into().map_err(|_| malformed())?);
        if self.mac(scope, last_id).as_slice() != mac {
            return Err(invalid_field(
                "page_token",
                "does not belong to this request: it was altered, or the other parameters changed",
            ));
        }
        Ok(Some(last_id))
    }
}

/// Cuts `items`, fetched with a limit of `limit + 1`, down to `limit`; the
/// last item kept when another page follows.
fn last_of_full_page<T>(items: &mut Vec<T>, limit: u32) -> Option<&T> {
    if items.len() <= limit as usize {
        return None;
    }
    items.truncate(limit as usize);
    items.last()
}

/// A page-token scope made of a listing's name and its parameters, each
/// length-prefixed so that no two different requests share a scope.
pub fn scope(listing: &str, parameters: &[&str]) -> String {
    let mut scope = listing.to_owned();
    for parameter in parameters {
        scope.push_str(&format!("|{}:{parameter}", parameter.len()));
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_are_checked() {
        assert_eq!(page_size(0).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(1).unwrap(), 1);
        assert_eq!(page_size(1000).unwrap(), 1000);
        assert!(page_size(1001).is_err());
        assert!(page_size(-1).is_err());
    }

    #[test]
    fn tokens_round_trip_within_their_scope_only() {
        let tokens = PageTokens::new([1; 32]);
        let token = tokens.encode("claims?article=3", 42);
        assert_eq!(tokens.decode("claims?article=3", &token).unwrap(), Some(42));
        assert!(tokens.decode("claims?article=4", &token).is_err());
        assert!(
            PageTokens::new([2; 32])
                .decode("claims?article=3", &token)
                .is_err()
        );
        assert_eq!(tokens.decode("claims", "").unwrap(), None);
    }

    #[test]
    fn positions_round_trip_and_bind_their_scope() {
        let tokens = PageTokens::new([1; 32]);
        let position = [SortValue::Real(0.75), SortValue::Int(-3), SortValue::Int(99)];
        let here = scope("claims", &["", "status = REVIEWED", "checkworthiness desc"]);
        let token = tokens.encode_position(&here, &position);
        assert_eq!(
            tokens.decode_position(&here, &token, 3).unwrap().unwrap(),
            position
        );
        let other_filter = scope("claims", &["", "status = UNREVIEWED", "checkworthiness desc"]);
        assert!(tokens.decode_position(&other_filter, &token, 3).is_err());
        assert!(tokens.decode_position(&here, &token, 2).is_err());
        // Moving text between parameters makes another scope.
        assert_ne!(scope("claims", &["ab", "c"]), scope("claims", &["a", "bc"]));
        let mut forged = URL_SAFE_NO_PAD.decode(&token).unwrap();
        forged[3] ^= 1;
        assert!(
            tokens
                .decode_position(&here, &URL_SAFE_NO_PAD.encode(forged), 3)
                .is_err()
        );
    }

    #[test]
    fn altered_tokens_are_refused() {
        let tokens = PageTokens::new([1; 32]);
        let token = tokens.encode("articles", 42);
        let mut forged = token.clone().into_bytes();
        forged[5] = if forged[5] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        for bad in ["!!!", "abc", forged.as_str(), &token[1..]] {
            assert_eq!(
                tokens.decode("articles", bad).unwrap_err().code(),
                tonic::Code::InvalidArgument,
                "{bad}"
            );
        }
    }
}
