//! A bounded pool for password hashing.
//!
//! One argon2 hash holds 19 MiB for tens of milliseconds. Run on tokio's
//! blocking pool, any number of them could run at once (one per request),
//! and the allocator keeps what each thread used: a flood of sign-ins or
//! password changes took the server to gigabytes. Here a fixed set of
//! threads (one per core by default) does all hashing, a short queue holds
//! what waits, and a request that finds the queue full is answered 503
//! with `Retry-After` at once. Memory for hashing is therefore bounded by
//! the number of threads, whatever the number of requests, and given back
//! when there is nothing to hash: each thread waits on the queue with a
//! timeout of its own and gives its memory back after a second without
//! work. (With std's receiver behind a lock, the thread that had hashed
//! could wait for the lock behind one that kept timing out, and keep its
//! 19 MiB for as long as the server stayed idle.)

use flume::{Receiver, RecvTimeoutError, Sender, TrySendError};
use renda_domain::Code;

use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;

use crate::error::{ApiError, Msg};

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads and their queue; clones share them.
#[derive(Debug, Clone)]
pub struct HashPool {
    tx: Sender<Job>,
    workers: usize,
}

impl HashPool {
    /// `workers` threads (at least one) and room for `queue` waiting jobs.
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        let (tx, rx) = flume::bounded::<Job>(queue);
        let mut started = 0;
        for i in 0..workers {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("renda-hash-{i}"))
                .spawn(move || work(&rx));
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::error!(error = %e, "cannot start a password-hashing thread"),
            }
        }
        Self {
            tx,
            workers: started,
        }
    }

    /// One thread per core, and sixteen places to wait per thread: a
    /// morning's burst of sign-ins waits well under a second, a flood is
    /// turned away.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores, cores * 16)
    }

    /// Threads hashing.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Runs `f` on a hashing thread. A full queue answers 503 with
    /// `Retry-After: 1` without waiting.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        self.submit(f)?.await.map_err(|_| ApiError::internal())
    }

    /// Queues `f` and returns where its result will arrive, or refuses at
    /// once when the queue is full.
    fn submit<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<T>, ApiError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(f());
        });
        match self.tx.try_send(job) {
            Ok(()) => Ok(result),
            Err(TrySendError::Full(_)) => Err(busy()),
            Err(TrySendError::Disconnected(_)) => Err(ApiError::internal()),
        }
    }
}

/// How long a hashing thread keeps its hashes' memory with nothing to do.
const KEEP: std::time::Duration = std::time::Duration::from_secs(1);

fn work(rx: &Receiver<Job>) {
    loop {
        match rx.recv_timeout(KEEP) {
            Ok(job) => job(),
            Err(RecvTimeoutError::Timeout) => renda_auth::password::release_memory(),
            // The pool was dropped.
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// 503 `busy`: every hashing thread is taken and the queue is full.
pub fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        Code::Busy,
        Msg::new(
            "服务器正忙于处理其他登录和改密请求，请稍后重试",
            "The server is busy with other sign-ins and password changes; try again shortly",
        ),
    )
    .with_header(RETRY_AFTER, "1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[tokio::test]
    async fn runs_jobs_and_refuses_beyond_the_queue() {
        let pool = HashPool::new(1, 1);
        assert_eq!(pool.run(|| 2 + 2).await.ok(), Some(4));
        // Hold the only thread, fill the one place in the queue: the next
        // job is refused at once, and the held ones still finish.
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let (release, held) = std::sync::mpsc::channel::<()>();
        let first = pool.submit(move || {
            let _ = started_tx.send(());
            held.recv().is_ok()
        });
        assert!(started.recv().is_ok());
        let second = pool.submit(|| true);
        let third = pool.submit(|| true);
        assert!(third.is_err_and(|e| e.status_code() == StatusCode::SERVICE_UNAVAILABLE));
        let _ = release.send(());
        for queued in [first, second] {
            let answer = match queued {
                Ok(r) => r.await.ok(),
                Err(_) => None,
            };
            assert_eq!(answer, Some(true));
        }
    }
}
