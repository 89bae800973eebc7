//! A large generated channel under the provider of a bootstrapped store, for benchmarks and for
//! testing copies: distributors, sub-distributors, resellers and tenants spread evenly, each
//! dealer with a package that exactly covers what is below it, a group and a login per dealer
//! above the resellers. Rows go in directly, in bulk, in one write transaction; the packages are
//! built so that every capacity rule holds.

use super::rows::{new_id, now_micros};
use super::sql::{Arg, Sql, insert_rows};
use super::{SqlStore, StoreError, StoreResult};
use crate::domain::permissions::template;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub distributors: usize,
    pub sub_distributors: usize,
    pub resellers: usize,
    pub tenants: usize,
}

struct Node {
    id: String,
    path: String,
    /// Its package, filled once the dealers below it are known.
    tenants: i64,
    extensions: i64,
    calls: i64,
    recording: i64,
}

/// The tenant `i`'s allocations: 2–8 extensions, 1–4 calls, and every fifth with 600 recording
/// minutes (100 beyond the free 500).
fn tenant_shape(i: usize) -> (i64, i64, i64) {
    (
        2 + (i % 7) as i64,
        1 + (i % 4) as i64,
        if i % 5 == 0 { 600 } else { 0 },
    )
}

impl SqlStore {
    /// Adds a generated channel under the provider. Returns how many dealers and tenants it made.
    pub async fn generate(&self, shape: Shape) -> StoreResult<(usize, usize)> {
        let free = self.policy.free_recording_minutes_per_tenant;
        let provider = Sql::new("SELECT id, path FROM dealers WHERE parent_id IS NULL")
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the store has no provider yet".into()))?;
        use super::rows::RowExt;
        let (provider_id, provider_path) = (provider.text("id")?, provider.text("path")?);
        let make = |parent: &Node| {
            let id = new_id("dlr");
            Node {
                path: format!("{}{id}/", parent.path),
                id,
                tenants: 0,
                extensions: 0,
                calls: 0,
                recording: 0,
            }
        };
        let root = Node {
            id: provider_id.clone(),
            path: provider_path,
            tenants: 0,
            extensions: 0,
            calls: 0,
            recording: 0,
        };
        let distributors: Vec<Node> = (0..shape.distributors).map(|_| make(&root)).collect();
        let subs: Vec<(usize, Node)> = (0..shape.sub_distributors)
            .map(|i| {
                (
                    i % distributors.len().max(1),
                    make(&distributors[i % distributors.len().max(1)]),
                )
            })
            .collect();
        let mut resellers: Vec<(usize, Node)> = (0..shape.resellers)
            .map(|i| (i % subs.len().max(1), make(&subs[i % subs.len().max(1)].1)))
            .collect();
        let now = now_micros();
        let mut tenant_rows = Vec::with_capacity(shape.tenants);
        for i in 0..shape.tenants {
            let r = i % resellers.len().max(1);
            let (ext, calls, rec) = tenant_shape(i);
            let reseller = &mut resellers[r].1;
            reseller.tenants += 1;
            reseller.extensions += ext;
            reseller.calls += calls;
            reseller.recording += (rec - free).max(0);
            let id = new_id("tnt");
            tenant_rows.push(vec![
                Arg::from(id.as_str()),
                reseller.id.as_str().into(),
                format!("Tenant {i}").into(),
                format!("t{i}.generated.example").into(),
                ext.into(),
                calls.into(),
                rec.into(),
                0i64.into(),
                1i64.into(),
                now.into(),
                now.into(),
                1i64.into(),
            ]);
        }
        // Packages cover exactly what is below (plus a little room), bottom up.
        let mut sub_sums = vec![(0i64, 0i64, 0i64, 0i64); subs.len()];
        for (s, r) in &resellers {
            let e = &mut sub_sums[*s];
            *e = (
                e.0 + r.tenants + 10,
                e.1 + r.extensions + 50,
                e.2 + r.calls + 20,
                e.3 + r.recording + 1000,
            );
        }
        let mut dist_sums = vec![(0i64, 0i64, 0i64, 0i64); distributors.len()];
        for (i, (d, _)) in subs.iter().enumerate() {
            let e = &mut dist_sums[*d];
            let s = sub_sums[i];
            *e = (e.0 + s.0, e.1 + s.1, e.2 + s.2, e.3 + s.3);
        }
        let mut dealer_rows = Vec::new();
        let mut tree_rows = Vec::new();
        let mut group_rows = Vec::new();
        let mut user_rows = Vec::new();
        let mut member_rows = Vec::new();
        let admin = template("dealer_admin")
            .ok_or_else(|| StoreError::Corrupt("no dealer_admin template".into()))?;
        let admin_permissions = super::groups::stored_permissions(&admin.permissions);
        let mut add = |node: &Node,
                       parent: &str,
                       level: &str,
                       name: String,
                       pkg: (i64, i64, i64, i64),
                       staff: bool| {
            dealer_rows.push(vec![
                Arg::from(node.id.as_str()),
                parent.into(),
                node.path.as_str().into(),
                level.into(),
                name.as_str().into(),
                name.as_str().into(),
                pkg.0.into(),
                pkg.1.into(),
                pkg.2.into(),
                pkg.3.into(),
                now.into(),
                now.into(),
            ]);
            let ancestors: Vec<&str> = node.path.trim_matches('/').split('/').collect();
            for (i, a) in ancestors.iter().enumerate() {
                tree_rows.push(vec![
                    Arg::from(*a),
                    node.id.as_str().into(),
                    ((ancestors.len() - 1 - i) as i64).into(),
                ]);
            }
            if staff {
                let group = new_id("grp");
                group_rows.push(vec![
                    Arg::from(group.as_str()),
                    node.id.as_str().into(),
                    "Administrators".into(),
                    admin_permissions.as_str().into(),
                    now.into(),
                    now.into(),
                ]);
                let user = new_id("usr");
                user_rows.push(vec![
                    Arg::from(user.as_str()),
                    node.id.as_str().into(),
                    format!("admin@{}.generated.example", node.id.to_lowercase()).into(),
                    format!("{name} administrator").into(),
                    now.into(),
                    now.into(),
                ]);
                member_rows.push(vec![Arg::from(user.as_str()), group.as_str().into()]);
            }
        };
        for (i, d) in distributors.iter().enumerate() {
            add(
                d,
                &provider_id,
                "distributor",
                format!("Distributor {i}"),
                dist_sums[i],
                true,
            );
        }
        for (i, (p, s)) in subs.iter().enumerate() {
            add(
                s,
                &distributors[*p].id,
                "sub_distributor",
                format!("Sub-distributor {i}"),
                sub_sums[i],
                true,
            );
        }
        for (i, (p, r)) in resellers.iter().enumerate() {
            let pkg = (
                r.tenants + 10,
                r.extensions + 50,
                r.calls + 20,
                r.recording + 1000,
            );
            add(
                r,
                &subs[*p].1.id,
                "reseller",
                format!("Reseller {i}"),
                pkg,
                false,
            );
        }
        let made = (dealer_rows.len(), tenant_rows.len());
        let mut tx = self.begin_write().await?;
        insert_rows(
            &mut tx,
            "dealers",
            &[
                "id",
                "parent_id",
                "path",
                "level",
                "name",
                "display_name",
                "pkg_max_tenants",
                "pkg_extensions",
                "pkg_concurrent_calls",
                "pkg_recording_minutes",
                "created_at",
                "updated_at",
            ],
            dealer_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "dealer_tree",
            &["ancestor", "descendant", "depth"],
            tree_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "perm_groups",
            &[
                "id",
                "dealer_id",
                "name",
                "permissions",
                "created_at",
                "updated_at",
            ],
            group_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "users",
            &[
                "id",
                "dealer_id",
                "email",
                "display_name",
                "created_at",
                "updated_at",
            ],
            user_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "group_members",
            &["user_id", "group_id"],
            member_rows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "tenants",
            &[
                "id",
                "dealer_id",
                "name",
                "domain",
                "extensions",
                "concurrent_calls",
                "recording_minutes",
                "high_availability",
                "enabled",
                "created_at",
                "updated_at",
                "version",
            ],
            tenant_rows,
        )
        .await?;
        // A bulk load recounts every counter once rather than one tenant at a time.
        super::usage::rebuild(&mut tx, &self.policy).await?;
        tx.commit().await?;
        Ok(made)
    }
}
