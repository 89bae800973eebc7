//! Exponential back-off for failed sign-ins and activation links: a few free failures, then each
//! further failure doubles the wait before the next try, up to a ceiling.

/// How a counter backs off: the failures allowed freely, the first wait, and the longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: i64,
    /// Microseconds.
    pub first_wait: i64,
    /// Microseconds.
    pub max_wait: i64,
}

impl Backoff {
    /// When the next try is allowed (microseconds), after `failures` failures within the
    /// window, the latest at `last_at`; `None` while the free failures are not used up.
    pub fn next_try_at(&self, failures: i64, last_at: i64) -> Option<i64> {
        let free = self.free.max(1);
        if failures < free {
            return None;
        }
        let doublings = (failures - free).clamp(0, 40) as u32;
        let first = self.first_wait.max(1);
        let wait = first
            .saturating_mul(1i64 << doublings)
            .min(self.max_wait.max(first));
        Some(last_at.saturating_add(wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000;

    #[test]
    fn free_failures_then_doubling_waits_up_to_the_ceiling() {
        let b = Backoff {
            free: 5,
            first_wait: 30 * SECOND,
            max_wait: 900 * SECOND,
        };
        assert_eq!(b.next_try_at(4, 0), None);
        assert_eq!(b.next_try_at(5, 0), Some(30 * SECOND));
        assert_eq!(b.next_try_at(6, 0), Some(60 * SECOND));
        assert_eq!(b.next_try_at(8, 10), Some(10 + 240 * SECOND));
        assert_eq!(b.next_try_at(500, 0), Some(900 * SECOND));
    }
}
