//! The SQL of sign-in throttling, as primitives on a write transaction (`ops::sign_in` holds
//! the back-off rule that decides whether an attempt may go ahead).

use super::rows::{RowExt, new_id};
use super::sql::Sql;
use super::write_tx::WriteTx;
use super::{StoreResult, ThrottleKey};

impl WriteTx {
    /// Holds a lock on each throttle key (in a fixed order, so that no two requests deadlock)
    /// until commit.
    pub async fn lock_throttle_keys(&mut self, keys: &[ThrottleKey]) -> StoreResult<()> {
        let mut sorted: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
        sorted.sort();
        for key in sorted {
            self.store.lock_name(&mut self.tx, key).await?;
        }
        Ok(())
    }

    /// How many attempts count against a key since its window began, and when the last was.
    pub async fn failures(&mut self, key: &ThrottleKey) -> StoreResult<(i64, Option<i64>)> {
        let row = Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n, MAX(at) AS latest FROM login_failures WHERE key = ")
            .bind(key.key.as_str())
            .push(" AND at >= ")
            .bind(key.since)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok((row.int("n")?, row.opt_int("latest")?))
    }

    /// Counts an attempt against a key at `now`; returns its id (to release it on success).
    pub async fn add_attempt(&mut self, key: &ThrottleKey, now: i64) -> StoreResult<String> {
        let id = new_id("att");
        Sql::new("INSERT INTO login_failures (id, key, at) VALUES (")
            .bind(id.as_str())
            .push(", ")
            .bind(key.key.as_str())
            .push(", ")
            .bind(now)
            .push(")")
            .execute(&mut *self.tx)
            .await?;
        Ok(id)
    }

    /// Forgets attempts made before `before`.
    pub async fn forget_attempts(&mut self, before: i64) -> StoreResult<()> {
        Sql::new("DELETE FROM login_failures WHERE at < ")
            .bind(before)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
