//! A stored subtree as a channel document, and its fingerprint: the version a plan is made
//! against.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::*;
use crate::server::store::{Scope, StoreError, StoreResult, WriteTx, markup_rule};

/// The kinds a document holds besides dealers, each only when the reader may read it.
#[derive(Debug, Clone, Copy)]
pub struct Kinds {
    pub tenants: bool,
    pub groups: bool,
    pub users: bool,
    pub rate_cards: bool,
}

impl Kinds {
    /// Every kind: what the fingerprint covers.
    pub const ALL: Kinds = Kinds {
        tenants: true,
        groups: true,
        users: true,
        rate_cards: true,
    };
}

/// How a document names each dealer of a subtree: by its name, or `parent/name` where the name
/// alone is not unique in the subtree.
pub struct DealerNames {
    by_id: HashMap<String, (Option<String>, String)>,
}

impl DealerNames {
    /// The names of `dealers` (id, parent id, name).
    pub fn new(dealers: impl IntoIterator<Item = (String, Option<String>, String)>) -> DealerNames {
        DealerNames {
            by_id: dealers
                .into_iter()
                .map(|(id, parent, name)| (id, (parent, name)))
                .collect(),
        }
    }

    /// The name a document refers to the dealer `id` by.
    pub fn reference(&self, id: &str) -> String {
        let Some((parent, name)) = self.by_id.get(id) else {
            return id.to_string();
        };
        let same = self
            .by_id
            .values()
            .filter(|(_, n)| n.eq_ignore_ascii_case(name))
            .count();
        match parent.as_deref().and_then(|p| self.by_id.get(p)) {
            Some((_, parent_name)) if same > 1 => format!("{parent_name}/{name}"),
            _ => name.clone(),
        }
    }
}

/// The subtree under `under_id` as a document: sorted, so that the same subtree always reads
/// the same, and without secrets (no password, hash or token is read).
pub async fn read(
    tx: &mut WriteTx,
    scope: &Scope,
    under_id: &str,
    kinds: Kinds,
) -> StoreResult<ChannelDocument> {
    let ids = tx.subtree_ids(scope, under_id).await?;
    let mut dealers = Vec::with_capacity(ids.dealers.len());
    for id in &ids.dealers {
        dealers.push(tx.dealer_row(id).await?);
    }
    let names = DealerNames::new(dealers.iter().map(|d| {
        (
            d.id.to_string(),
            d.parent_id.as_ref().map(|p| p.to_string()),
            d.name.clone(),
        )
    }));
    let root = dealers
        .first()
        .ok_or_else(|| StoreError::Corrupt("a subtree without its root".into()))?;
    let under = if tx.dealers_named(scope, &root.name).await?.len() > 1 {
        // The name alone would not find it again.
        root.id.to_string()
    } else {
        root.name.clone()
    };
    let mut doc = ChannelDocument {
        under,
        ..ChannelDocument::default()
    };
    for d in &dealers {
        let is_root = d.id.as_str() == under_id;
        doc.dealers.push(DocDealer {
            name: d.name.clone(),
            parent: match (&d.parent_id, is_root) {
                (Some(p), false) => Some(names.reference(p.as_str())),
                _ => None,
            },
            level: Some(d.level),
            display_name: Some(d.display_name.clone()),
            email: Some(d.email.clone()),
            phone: Some(d.phone.clone()),
            address: Some(d.address.clone()),
            notes: Some(d.notes.clone()),
            package: Some(d.package.into()),
            enabled: Some(d.enabled),
        });
    }
    if kinds.rate_cards {
        for id in &ids.cards {
            let Some(c) = tx.card(scope, id).await? else {
                continue;
            };
            doc.rate_cards.push(DocRateCard {
                name: c.card.name.clone(),
                dealer: names.reference(&c.owner_id),
                parent: c.card.parent_card_name.clone().unwrap_or_default(),
                markup: c.markup.map(markup_rule),
                allow_below_cost: Some(c.card.allow_below_cost),
            });
        }
    }
    if kinds.groups {
        for id in &ids.groups {
            let g = tx.group(scope, id).await?;
            let mut permissions = g.permissions.clone();
            permissions.sort();
            doc.groups.push(DocGroup {
                name: g.name.clone(),
                dealer: names.reference(g.dealer_id.as_str()),
                description: Some(g.description.clone()),
                permissions: Some(permissions),
            });
        }
    }
    if kinds.tenants {
        for id in &ids.tenants {
            let t = tx.tenant(scope, id).await?;
            doc.tenants.push(DocTenant {
                name: t.name.clone(),
                dealer: names.reference(t.dealer_id.as_str()),
                domain: t.domain.clone(),
                extensions: Some(t.extensions),
                concurrent_calls: Some(t.concurrent_calls),
                recording_minutes: Some(t.recording_minutes),
                high_availability: Some(t.high_availability),
                rate_card: Some(t.rate_card_name.clone().unwrap_or_default()),
                enabled: Some(t.enabled),
            });
        }
    }
    if kinds.users {
        for id in &ids.users {
            let u = tx.user(scope, id).await?;
            let mut groups = tx.group_names(&u.group_ids).await?;
            groups.sort_by_key(|g| g.to_lowercase());
            doc.users.push(DocUser {
                email: u.email.clone(),
                dealer: names.reference(u.dealer_id.as_str()),
                display_name: Some(u.display_name.clone()),
                groups: Some(groups),
                enabled: Some(u.enabled),
            });
        }
    }
    Ok(doc)
}

/// The fingerprint of a subtree: the SHA-256 of its whole document, every kind included.
pub async fn fingerprint(tx: &mut WriteTx, scope: &Scope, under_id: &str) -> StoreResult<String> {
    let doc = read(tx, scope, under_id, Kinds::ALL).await?;
    let text = serde_json::to_string(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_found_twice_in_the_subtree_is_written_with_its_parent() {
        let names = DealerNames::new([
            ("d0".to_string(), None, "Top".to_string()),
            (
                "d1".to_string(),
                Some("d0".to_string()),
                "North".to_string(),
            ),
            (
                "d2".to_string(),
                Some("d0".to_string()),
                "South".to_string(),
            ),
            ("d3".to_string(), Some("d1".to_string()), "Shop".to_string()),
            ("d4".to_string(), Some("d2".to_string()), "shop".to_string()),
        ]);
        assert_eq!(names.reference("d1"), "North");
        assert_eq!(names.reference("d3"), "North/Shop");
        assert_eq!(names.reference("d4"), "South/shop");
        assert_eq!(names.reference("d0"), "Top");
    }
}
