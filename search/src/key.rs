//! The API key the application talks to Meilisearch with: limited to this deployment's indexes
//! (`{prefix}_*`) and to the actions the adapter performs, so a leaked application key can neither
//! read another tenant's indexes nor manage keys. The master key only sets this key up.
//!
//! The key's uid is derived from the index prefix, and Meilisearch derives a key's secret from its
//! uid and the master key: every replica and every restart finds (or recreates) the same key with
//! the same secret, so setting it up is idempotent and needs no coordination.

use crate::engine::Client;
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode};
use meilisearch_sdk::key::{Action, Key, KeyBuilder};

use crate::SearchError;
use crate::products::request;

/// What the adapter does and nothing more: search; add, read (for `verify`) and delete documents;
/// create, read, delete and swap indexes (`rebuild` builds a fresh index and swaps it in); read and
/// apply settings; and read tasks to wait for them. No `keys.*`, no `*`, no dumps or snapshots.
pub fn scoped_actions() -> Vec<Action> {
    vec![
        Action::Search,
        Action::DocumentsAdd,
        Action::DocumentsGet,
        Action::DocumentsDelete,
        Action::IndexesCreate,
        Action::IndexesGet,
        Action::IndexesDelete,
        // The SDK has no variant for it; serialized as the plain string.
        Action::Unknown("indexes.swap".to_owned()),
        Action::SettingsGet,
        Action::SettingsUpdate,
        Action::TasksGet,
    ]
}

/// The indexes the key may touch: every index of this prefix (`xyd_products`, `xyd_products_build_…`).
pub fn index_pattern(prefix: &str) -> String {
    format!("{prefix}_*")
}

/// The uid of the application key for `prefix`: a UUID (version 4 layout, as Meilisearch asks)
/// whose bits are a fixed hash of the prefix.
pub fn key_uid(prefix: &str) -> uuid::Uuid {
    // FNV-1a over 128 bits: stable across Rust and crate versions, unlike `DefaultHasher`. The uid is
    // not a secret (the secret is derived from it with the master key), so no cryptographic hash is needed.
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    for byte in "xinyidai-search-key:".bytes().chain(prefix.bytes()) {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    uuid::Builder::from_random_bytes(hash.to_be_bytes()).into_uuid()
}

/// Finds or creates the scoped key for `prefix` with `admin` (a client holding the master key) and
/// returns its secret.
pub(crate) async fn ensure_scoped_key(admin: &Client, prefix: &str) -> Result<String, SearchError> {
    let uid = key_uid(prefix).to_string();
    let actions = scoped_actions();
    let indexes = vec![index_pattern(prefix)];
    if let Some(existing) = find(admin, &uid).await? {
        if same_actions(&existing.actions, &actions) && existing.indexes == indexes && existing.expires_at.is_none() {
            return Ok(existing.key);
        }
        // A key's actions and indexes cannot be changed; recreated under the same uid it keeps its secret,
        // so replicas already using it keep working once it is back.
        tracing::info!(uid = %uid, "the search API key has other permissions than this version needs: recreating it");
        request(admin.delete_key(&uid)).await?;
    }
    let mut builder = KeyBuilder::new();
    builder
        .with_uid(&uid)
        .with_name(format!("xinyidai {prefix}"))
        .with_description(format!("xinyidai application key for the indexes {}", index_pattern(prefix)))
        .with_actions(actions)
        .with_indexes(indexes);
    match request(admin.create_key(&builder)).await {
        Ok(key) => Ok(key.key),
        Err(err) if err.is_unavailable() => Err(err),
        // Another replica created it in between.
        Err(err) => find(admin, &uid).await?.map(|key| key.key).ok_or(err),
    }
}

async fn find(admin: &Client, uid: &str) -> Result<Option<Key>, SearchError> {
    match request(admin.get_key(uid)).await {
        Ok(key) => Ok(Some(key)),
        Err(SearchError::Meili(MeiliError::Meilisearch(e))) if e.error_code == ErrorCode::ApiKeyNotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Whether two action lists hold the same actions, in any order.
fn same_actions(a: &[Action], b: &[Action]) -> bool {
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uid_is_stable_per_prefix() {
        assert_eq!(key_uid("xyd"), key_uid("xyd"));
        assert_ne!(key_uid("xyd"), key_uid("xyd2"));
        assert_eq!(key_uid("xyd").get_version(), Some(uuid::Version::Random));
    }

    #[test]
    fn the_key_cannot_manage_keys_or_reach_other_prefixes() {
        let json = serde_json::to_value(scoped_actions()).unwrap();
        let actions: Vec<&str> = json.as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        assert!(actions.contains(&"indexes.swap"), "{actions:?}");
        assert!(actions.iter().all(|a| *a != "*" && !a.starts_with("keys.")), "{actions:?}");
        assert_eq!(index_pattern("xyd"), "xyd_*");
        assert!(same_actions(&scoped_actions(), &scoped_actions().into_iter().rev().collect::<Vec<_>>()));
    }
}
