//! A token bucket shared by every request of one API client.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Allows `burst` requests at once, then `per_minute` requests a minute. A 429 can also
/// push the next allowed request back ([`RateLimiter::pause_until`]), so concurrent tasks
/// do not all hit the limit again.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    inner: Arc<Mutex<Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    capacity: f64,
    tokens: f64,
    per_second: f64,
    last: Instant,
    paused_until: Option<Instant>,
}

impl RateLimiter {
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let capacity = f64::from(burst.max(1));
        RateLimiter {
            inner: Arc::new(Mutex::new(Bucket {
                capacity,
                tokens: capacity,
                per_second: f64::from(per_minute.max(1)) / 60.0,
                last: Instant::now(),
                paused_until: None,
            })),
        }
    }

    /// Waits until a request may be sent, and takes its token.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut b = self.inner.lock().await;
                let now = Instant::now();
                let elapsed = now.duration_since(b.last).as_secs_f64();
                b.tokens = (b.tokens + elapsed * b.per_second).min(b.capacity);
                b.last = now;
                match b.paused_until {
                    Some(t) if t > now => t - now,
                    _ => {
                        b.paused_until = None;
                        if b.tokens >= 1.0 {
                            b.tokens -= 1.0;
                            return;
                        }
                        Duration::from_secs_f64((1.0 - b.tokens) / b.per_second)
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// No request leaves before `until` (the server said the limit resets then).
    pub async fn pause_until(&self, until: Instant) {
        let mut b = self.inner.lock().await;
        if b.paused_until.is_none_or(|t| t < until) {
            b.paused_until = Some(until);
        }
        b.tokens = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn burst_then_rate() {
        let l = RateLimiter::new(600, 3); // 10 a second after a burst of 3
        let t = Instant::now();
        for _ in 0..3 {
            l.acquire().await;
        }
        assert!(t.elapsed() < Duration::from_millis(50));
        for _ in 0..3 {
            l.acquire().await;
        }
        let e = t.elapsed();
        assert!(e >= Duration::from_millis(280), "{e:?}");
        assert!(e < Duration::from_millis(800), "{e:?}");
    }
}
