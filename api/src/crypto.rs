//! Encryption of personal data at rest (AES-256-GCM, random 96-bit nonce per value), and keyed hashes
//! (HMAC-SHA256 under a key derived from the same data key) for values that are only ever compared.

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Encrypts and decrypts single field values; the stored form is base64(nonce ‖ ciphertext).
#[derive(Clone)]
pub struct FieldCipher {
    cipher: Aes256Gcm,
    /// HMAC key, derived from the data key so one secret serves both and neither reveals the other.
    mac_key: [u8; 32],
}

impl FieldCipher {
    /// A cipher over a 64-hex-digit key (the configuration's `crypto.data_key`, exposed only here).
    pub fn new(key_hex: &str) -> anyhow::Result<Self> {
        let bytes = hex::decode(key_hex).map_err(|_| anyhow::anyhow!("the data key must be hex"))?;
        if bytes.len() != 32 {
            anyhow::bail!("the data key must be 32 bytes (64 hex digits)");
        }
        let mac_key: [u8; 32] =
            Sha256::new().chain_update(b"xinyidai keyed hash v1").chain_update(&bytes).finalize().into();
        Ok(Self { cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)), mac_key })
    }

    /// HMAC-SHA256 (RFC 2104) of `value` as 64 hex digits: equal values give equal hashes, and without the
    /// data key nobody can test a guess against a stored hash.
    pub fn keyed_hash(&self, value: &str) -> String {
        const BLOCK: usize = 64;
        let mut key = [0u8; BLOCK];
        key[..32].copy_from_slice(&self.mac_key);
        let pad = |byte: u8| key.map(|k| k ^ byte);
        let inner = Sha256::new().chain_update(pad(0x36)).chain_update(value.as_bytes()).finalize();
        hex::encode(Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize())
    }

    pub fn encrypt(&self, plain: &str) -> AppResult<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed =
            self.cipher.encrypt(&nonce, plain.as_bytes()).map_err(|e| AppError::internal("encrypt field", e))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> AppResult<String> {
        let bytes = STANDARD.decode(stored).map_err(|e| AppError::internal("decode field", e))?;
        if bytes.len() < 12 {
            return Err(AppError::internal("decrypt field", "ciphertext too short"));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|e| AppError::internal("decrypt field", e))?;
        String::from_utf8(plain).map_err(|e| AppError::internal("decrypt field", e))
    }
}

/// A random code people read and type: `len` characters drawn uniformly from `alphabet` (the report's
/// verification code, a person's grant code).
pub fn random_code(alphabet: &[u8], len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_round_trips_and_never_repeats_its_ciphertext() {
        let c = FieldCipher::new(&"ab".repeat(32)).unwrap();
        let a = c.encrypt("11010519491231002X").unwrap();
        let b = c.encrypt("11010519491231002X").unwrap();
        assert_ne!(a, b);
        assert!(!a.contains("1949"));
        assert_eq!(c.decrypt(&a).unwrap(), "11010519491231002X");
    }

    #[test]
    fn keyed_hashes_are_stable_per_key_and_differ_across_keys() {
        let a = FieldCipher::new(&"11".repeat(32)).unwrap();
        let b = FieldCipher::new(&"22".repeat(32)).unwrap();
        assert_eq!(a.keyed_hash("11010519491231002X"), a.keyed_hash("11010519491231002X"));
        assert_ne!(a.keyed_hash("11010519491231002X"), a.keyed_hash("110105194912310038"));
        assert_ne!(a.keyed_hash("11010519491231002X"), b.keyed_hash("11010519491231002X"));
        assert_eq!(a.keyed_hash("x").len(), 64);
    }

    #[test]
    fn another_key_cannot_read_it() {
        let a = FieldCipher::new(&"ab".repeat(32)).unwrap();
        let b = FieldCipher::new(&"cd".repeat(32)).unwrap();
        assert!(b.decrypt(&a.encrypt("x").unwrap()).is_err());
    }
}
