//! What a form needs from the server before it opens; a missing permission for a side detail
//! (capacity, the dealers to pick from) is no failure, the form offers less.

use crate::client::{ApiClient, ClientError, unless_forbidden};
use crate::console::writes::{FormData, Purpose};
use crate::model::*;

/// One page as large as the server gives (for the choices of a form).
fn all() -> PageParams {
    PageParams {
        limit: Some(1000),
        ..PageParams::default()
    }
}

/// A list the caller may lack the permission for: empty then, and the form offers less.
fn or_none<T>(r: Result<Page<T>, ClientError>) -> Result<Vec<T>, ClientError> {
    Ok(unless_forbidden(r)?.map(|p| p.items).unwrap_or_default())
}

/// Fetches what a form needs; a missing permission for a side detail (capacity) is no failure.
pub async fn prepare(c: &ApiClient, purpose: &Purpose) -> Result<FormData, ClientError> {
    let mut d = FormData::default();
    let capacity = |id: String| async move { unless_forbidden(c.capacity(&id).await) };
    let groups_for = |dealer_id: DealerId| async move {
        let filter = GroupFilter {
            dealer_id: Some(dealer_id),
        };
        Ok::<_, ClientError>(
            c.list_groups(
                &filter,
                &PageParams {
                    limit: Some(1000),
                    ..PageParams::default()
                },
            )
            .await?
            .items,
        )
    };
    match purpose {
        Purpose::NewDealer { parent_id: id } | Purpose::NewTenant { dealer_id: id } => {
            d.dealer = Some(c.get_dealer(id).await?);
            d.capacity = capacity(id.to_string()).await?;
        }
        Purpose::EditDealer { id } => d.dealer = Some(c.get_dealer(id).await?),
        Purpose::EditPackage { id } => {
            d.dealer = Some(c.get_dealer(id).await?);
            d.capacity = capacity(id.to_string()).await?;
        }
        Purpose::EditTenant { id } => d.tenant = Some(c.get_tenant(id).await?),
        Purpose::InviteUser { dealer_id } => {
            d.dealer = Some(c.get_dealer(dealer_id).await?);
            d.groups = groups_for(dealer_id.clone()).await?;
        }
        Purpose::EditUser { id } => {
            let u = c.get_user(id).await?;
            d.groups = groups_for(u.dealer_id.clone()).await?;
            d.user = Some(u);
        }
        Purpose::NewGroup { dealer_id } => {
            d.dealer = Some(c.get_dealer(dealer_id).await?);
            d.templates = c.group_templates().await?;
        }
        Purpose::EditGroup { id } => d.group = Some(c.get_group(id).await?),
        Purpose::DeriveRateCard { .. } => {
            d.dealer = Some(c.me().await?.dealer);
            d.rate_cards = c
                .list_rate_cards(&RateCardFilter::default(), &all())
                .await?
                .items;
            d.dealers = or_none(c.list_dealers(&DealerFilter::default(), &all()).await)?;
        }
        Purpose::EditRateCard { id } => d.rate_card = Some(c.get_rate_card(id).await?),
        Purpose::ImportRates { .. } | Purpose::NewApiKey => {}
        Purpose::AssignRateCard { id } => {
            d.dealer = Some(c.me().await?.dealer);
            d.rate_card = Some(c.get_rate_card(id).await?);
            d.dealers = or_none(c.list_dealers(&DealerFilter::default(), &all()).await)?;
            d.tenants = or_none(c.list_tenants(&TenantFilter::default(), &all()).await)?;
        }
    }
    Ok(d)
}
