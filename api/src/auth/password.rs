//! Password hashing with Argon2id (OWASP parameters), off the async runtime, on a bounded pool of its own.

use std::cell::RefCell;
use std::sync::{Arc, LazyLock, Mutex, mpsc};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};

use tokio::sync::oneshot;
use xyd_domain::Password;

use crate::error::{AppError, AppResult};

/// The counter in `/metrics` of the Argon2 computations that anonymous callers can cause — login checks and
/// self-registrations: what a flood of them costs, and what the rate limits must bound.
pub const HASHES_METRIC: &str = "xyd_password_hashes_total";

/// 19 MiB, 2 passes, 1 lane: OWASP's recommended Argon2id minimum; 32-byte output.
fn params() -> AppResult<Params> {
    Params::new(19 * 1024, 2, 1, Some(32)).map_err(|e| AppError::internal("argon2 params", e))
}

/// Hash a password for storage (PHC string).
pub async fn hash(password: &Password) -> AppResult<String> {
    let plain = password.expose().to_owned();
    HASHER
        .run(move || {
            let salt = SaltString::generate(&mut OsRng);
            let mut salt_bytes = [0u8; 64];
            let raw_salt = salt.as_salt().decode_b64(&mut salt_bytes).map_err(|e| AppError::internal("salt", e))?;
            let params = params()?;
            let mut out = [0u8; 32];
            argon2id(&params, plain.as_bytes(), raw_salt, &mut out)?;
            let phc = PasswordHash {
                algorithm: ARGON2ID_IDENT,
                version: Some(Version::V0x13 as u32),
                params: ParamsString::try_from(&params).map_err(|e| AppError::internal("argon2 params", e))?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(|e| AppError::internal("argon2 output", e))?),
            };
            Ok(phc.to_string())
        })
        .await?
}

/// Check `plain` against a stored PHC hash. A malformed hash, or one of another algorithm, counts as a mismatch.
pub async fn verify(plain: &str, stored: &str) -> AppResult<bool> {
    let plain = plain.to_owned();
    let stored = stored.to_owned();
    HASHER
        .run(move || {
            let Ok(parsed) = PasswordHash::new(&stored) else { return Ok(false) };
            let (Some(expected), Some(salt), Ok(params)) = (parsed.hash, parsed.salt, Params::try_from(&parsed)) else {
                return Ok(false);
            };
            let mut salt_bytes = [0u8; 64];
            let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else { return Ok(false) };
            if parsed.algorithm != ARGON2ID_IDENT || params.block_count() > MAX_BLOCKS {
                return Ok(false);
            }
            let mut out = vec![0u8; expected.len()];
            argon2id(&params, plain.as_bytes(), raw_salt, &mut out)?;
            // `Output` compares in constant time.
            Ok(Output::new(&out).is_ok_and(|computed| computed == expected))
        })
        .await?
}

/// The most working memory a stored hash may ask for (64 MiB): ours ask for 19 MiB.
const MAX_BLOCKS: usize = 64 * 1024;

thread_local! {
    /// The hashing thread's Argon2 working memory, allocated once and reused by every hash on that thread.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2id of `password` and `salt` into `out`, in the calling thread's reusable working memory.
fn argon2id(params: &Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> AppResult<()> {
    let blocks = params.block_count();
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
            .map_err(|e| AppError::internal("argon2", e))
    })
}

type Job = Box<dyn FnOnce() + Send>;

/// Argon2 runs on a few threads of its own, one per core, fed through a queue: a burst of logins or
/// registrations waits its turn instead of filling the runtime's blocking pool, and each of these threads keeps
/// one 19 MiB working memory for every hash it computes. (Allocating it per hash left the allocator's arenas
/// holding ~190 MB after a burst of logins.) It is process-wide on purpose, like the cores it stands for.
static HASHER: LazyLock<HashingPool> = LazyLock::new(HashingPool::start);

struct HashingPool {
    jobs: mpsc::Sender<Job>,
}

impl HashingPool {
    fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..threads {
            let queue = queue.clone();
            let worker = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || {
                loop {
                    // The lock is held only while waiting for the next job, not while hashing.
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // A panicking job answers nobody (its caller sees an internal error); the thread lives on.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            });
            if let Err(e) = worker {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Self { jobs }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(work());
        });
        self.jobs.send(job).map_err(|_| AppError::internal("password hashing", "no hashing thread"))?;
        answered.await.map_err(|e| AppError::internal("password hashing", e))
    }
}

/// A hash of a random password, checked against when the account does not exist so that an unknown email
/// costs the same time as a wrong password.
pub async fn decoy_hash() -> AppResult<String> {
    let decoy = Password::parse(&format!("decoy{}", uuid::Uuid::now_v7().simple()))?;
    hash(&decoy).await
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[tokio::test]
    async fn hashes_are_standard_phc_strings_and_earlier_hashes_still_verify() {
        let password = Password::parse("Secret123").unwrap();
        let ours = hash(&password).await.unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        // The argon2 crate's own verifier accepts ours …
        assert!(Argon2::default().verify_password(b"Secret123", &PasswordHash::new(&ours).unwrap()).is_ok());
        // … and ours accepts the crate's (what accounts stored before this pool).
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params().unwrap())
            .hash_password(b"Secret123", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify("Secret123", &theirs).await.unwrap());
        assert!(verify("Secret123", &ours).await.unwrap());
        assert!(!verify("Secret124", &theirs).await.unwrap());
        assert!(!verify("Secret123", "not a hash").await.unwrap());
        let bcrypt_like = "$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";
        assert!(!verify("Secret123", bcrypt_like).await.unwrap());
    }
}
