//! Encryption of personal data at rest (AES-256-GCM, random 96-bit nonce per value).

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::config::Secret;
use crate::error::{AppError, AppResult};

/// Encrypts and decrypts single field values; the stored form is base64(nonce ‖ ciphertext).
#[derive(Clone)]
pub struct FieldCipher {
    cipher: Aes256Gcm,
}

impl FieldCipher {
    /// A cipher over a 64-hex-digit key.
    pub fn new(key_hex: &Secret) -> anyhow::Result<Self> {
        let bytes = hex::decode(key_hex.expose()).map_err(|_| anyhow::anyhow!("the data key must be hex"))?;
        if bytes.len() != 32 {
            anyhow::bail!("the data key must be 32 bytes (64 hex digits)");
        }
        Ok(Self { cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)) })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_round_trips_and_never_repeats_its_ciphertext() {
        let c = FieldCipher::new(&Secret::new("ab".repeat(32))).unwrap();
        let a = c.encrypt("11010519491231002X").unwrap();
        let b = c.encrypt("11010519491231002X").unwrap();
        assert_ne!(a, b);
        assert!(!a.contains("1949"));
        assert_eq!(c.decrypt(&a).unwrap(), "11010519491231002X");
    }

    #[test]
    fn another_key_cannot_read_it() {
        let a = FieldCipher::new(&Secret::new("ab".repeat(32))).unwrap();
        let b = FieldCipher::new(&Secret::new("cd".repeat(32))).unwrap();
        assert!(b.decrypt(&a.encrypt("x").unwrap()).is_err());
    }
}
