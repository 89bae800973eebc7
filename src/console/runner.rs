//! The runner: turns commands into background tasks that talk to the server and report back as
//! messages. It owns the API client; the UI state never waits on the network.

use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;

use super::forms::{FormData, Purpose, Write};
use super::msg::*;
use super::write_gate::Approved;
use crate::client::{ApiClient, ClientError, unless_forbidden};
use crate::credentials::{CredentialStore, session_account};
use crate::model::*;

/// How many rows one page request asks for.
pub const PAGE_SIZE: i64 = 200;

pub struct Runner {
    client: ApiClient,
    page_size: i64,
    /// Where the last login of the profile is remembered (None: nowhere, as in the demo).
    data_dir: Option<std::path::PathBuf>,
    tx: UnboundedSender<Msg>,
    store: Arc<CredentialStore>,
    profile: String,
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
}

/// Counts a task as running until dropped.
struct Flight(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Flight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Runner {
    pub fn new(
        client: ApiClient,
        tx: UnboundedSender<Msg>,
        store: Arc<CredentialStore>,
        profile: String,
    ) -> Runner {
        Runner {
            client,
            page_size: PAGE_SIZE,
            data_dir: None,
            tx,
            store,
            profile,
            in_flight: Arc::default(),
        }
    }

    /// Rows per page request (tests use small pages to see paging).
    pub fn with_page_size(mut self, rows: i64) -> Runner {
        self.page_size = rows;
        self
    }

    /// Remember the profile's last login in this folder.
    pub fn remembering_logins_in(mut self, dir: std::path::PathBuf) -> Runner {
        self.data_dir = Some(dir);
        self
    }

    /// Tasks started and not yet reported (tests wait for zero).
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn spawn<F>(&self, generation: u64, work: F)
    where
        F: std::future::Future<Output = ReplyBody> + Send + 'static,
    {
        self.in_flight
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let flight = Flight(self.in_flight.clone());
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let body = work.await;
            let _ = tx.send(Msg::Reply(Box::new(Reply {
                generation,
                latency: started.elapsed(),
                body,
            })));
            drop(flight);
        });
    }

    fn spawn_timer(&self, after: std::time::Duration, msg: Msg) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = tx.send(msg);
        });
    }

    pub fn run(&mut self, cmd: Command) {
        let c = self.client.clone();
        match cmd {
            Command::LoadStoredToken { email } => {
                let store = self.store.clone();
                let account = session_account(&self.profile, &email);
                self.spawn(0, async move {
                    let found = tokio::task::spawn_blocking(move || store.get(&account)).await;
                    match found {
                        Ok(Ok(t)) => ReplyBody::StoredToken(t),
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "reading the stored session failed");
                            ReplyBody::StoredToken(None)
                        }
                        Err(_) => ReplyBody::StoredToken(None),
                    }
                });
            }
            Command::SignIn { email, password } => {
                self.spawn(0, async move {
                    ReplyBody::SignedIn(Box::new(c.login(&email, &password).await))
                });
            }
            Command::UseToken {
                email,
                token,
                persist,
            } => {
                self.client = match &token {
                    Some(t) => self.client.with_token(t.clone()),
                    None => self.client.without_token(),
                };
                if persist && let Some(dir) = &self.data_dir {
                    let email = token.as_ref().map(|_| email.as_str());
                    if let Err(e) = crate::credentials::remember_login(dir, &self.profile, email) {
                        tracing::warn!(error = %e, "cannot remember the last login");
                    }
                }
                if persist {
                    let store = self.store.clone();
                    let account = session_account(&self.profile, &email);
                    tokio::task::spawn_blocking(move || {
                        let r = match token {
                            Some(t) => store.set(&account, &t),
                            None => store.delete(&account),
                        };
                        if let Err(e) = r {
                            tracing::warn!(error = %e, "the credential store failed");
                        }
                    });
                }
            }
            Command::LoadMe { generation } => {
                self.spawn(
                    generation,
                    async move { ReplyBody::Me(Box::new(c.me().await)) },
                )
            }
            Command::LoadTree { under, generation } => self.spawn(generation, async move {
                let result = c.tree(under.as_deref(), 1).await;
                ReplyBody::Tree { under, result }
            }),
            Command::LoadDetails { id, generation } => self.spawn(generation, async move {
                let details = async {
                    let d = c.get_dealer(&id).await?;
                    let cap = unless_forbidden(c.capacity(&id).await)?;
                    Ok((d, cap))
                };
                ReplyBody::Details(details.await)
            }),
            Command::LoadPage {
                list,
                cursor,
                generation,
            } => {
                let append = cursor.is_some();
                let page = PageParams {
                    limit: Some(self.page_size),
                    cursor,
                    q: None,
                };
                self.spawn(generation, async move {
                    match list {
                        ListKind::Tenants => ReplyBody::Tenants {
                            append,
                            result: c.list_tenants(&TenantFilter::default(), &page).await,
                        },
                        ListKind::Users => ReplyBody::Users {
                            append,
                            result: c.list_users(&UserFilter::default(), &page).await,
                        },
                        ListKind::Groups => ReplyBody::Groups {
                            append,
                            result: c.list_groups(&GroupFilter::default(), &page).await,
                        },
                        ListKind::Audit => ReplyBody::Audit {
                            append,
                            result: c.audit(&AuditFilter::default(), &page).await,
                        },
                        ListKind::Packages => ReplyBody::Packages {
                            append,
                            result: packages(&c, &page).await,
                        },
                        ListKind::RateCards => ReplyBody::RateCards {
                            append,
                            result: c.list_rate_cards(&RateCardFilter::default(), &page).await,
                        },
                    }
                });
            }
            Command::LoadRates {
                card_id,
                prefix,
                cursor,
                generation,
            } => {
                let append = cursor.is_some();
                let page = PageParams {
                    limit: Some(self.page_size),
                    cursor,
                    q: None,
                };
                let filter = RateFilter {
                    prefix: (!prefix.is_empty()).then_some(prefix),
                };
                self.spawn(generation, async move {
                    ReplyBody::Rates {
                        append,
                        result: c.list_rates(&card_id, &filter, &page).await,
                    }
                });
            }
            Command::PreviewMarkup {
                request,
                generation,
            } => self.spawn(generation, async move {
                ReplyBody::Preview(c.preview_markup(&request).await)
            }),
            Command::LoadPickerTree { under, generation } => self.spawn(generation, async move {
                let result = c.tree(under.as_deref(), 1).await;
                ReplyBody::PickerTree { under, result }
            }),
            Command::LoadMoveCards {
                dealer_id,
                generation,
            } => self.spawn(generation, async move {
                let filter = RateCardFilter {
                    dealer_id: Some(dealer_id),
                    kind: None,
                };
                let result = c.list_rate_cards(&filter, &all()).await.map(|p| p.items);
                ReplyBody::MoveCards(result)
            }),
            Command::PlanMove {
                tenant_id,
                request,
                generation,
            } => self.spawn(generation, async move {
                ReplyBody::MovePlan(c.move_tenant(&tenant_id, &request).await)
            }),
            Command::Prepare { purpose, reapply } => self.spawn(0, async move {
                let result = prepare(&c, &purpose).await;
                ReplyBody::Prepared {
                    purpose,
                    reapply,
                    result,
                }
            }),
            Command::Write(write) => self.spawn(0, async move {
                let result = send(&c, &write).await;
                let write = write.into_write();
                ReplyBody::Written { write, result }
            }),
            Command::StartViewAs { email } => self.spawn(0, async move {
                let result = async {
                    let user = find_user(&c, &email).await?;
                    Ok(c.impersonate(&user.id).await?.token)
                }
                .await;
                ReplyBody::ViewAs { email, result }
            }),
            Command::EndViewAs { token } => {
                let view = c.with_token(token);
                tokio::spawn(async move {
                    let _ = view.logout().await;
                });
            }
            Command::LoadScopeReport { email } => self.spawn(0, async move {
                let result = async {
                    let user = find_user(&c, &email).await?;
                    let theirs = c.scope_report(&user.id).await?;
                    let me = c.me().await?;
                    let own = c.scope_report(&me.user.id).await.ok();
                    Ok((theirs, own))
                }
                .await;
                ReplyBody::ScopeReport(result)
            }),
            Command::SignOut => self.spawn(0, async move {
                let _ = c.logout().await;
                ReplyBody::SignedOut
            }),
            Command::ExpireFlash { id, after } => self.spawn_timer(after, Msg::FlashExpired(id)),
            Command::RetryAfter(after) => self.spawn_timer(after, Msg::Retry),
        }
    }
}

/// The user with this e-mail in the caller's scope.
async fn find_user(c: &ApiClient, email: &str) -> Result<User, ClientError> {
    let page = PageParams {
        q: Some(email.to_string()),
        limit: Some(50),
        ..PageParams::default()
    };
    c.list_users(&UserFilter::default(), &page)
        .await?
        .items
        .into_iter()
        .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
        .ok_or_else(|| ClientError::Api {
            status: 404,
            body: ErrorBody {
                error: ErrorDetail {
                    code: "not_found".into(),
                    message: format!("no login {email} in your scope"),
                    field: None,
                    details: serde_json::json!({}),
                },
            },
        })
}

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
async fn prepare(c: &ApiClient, purpose: &Purpose) -> Result<FormData, ClientError> {
    let mut d = FormData::default();
    let capacity = |id: String| async move { unless_forbidden(c.capacity(&id).await) };
    let groups_for = |dealer_id: String| async move {
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
            d.capacity = capacity(id.clone()).await?;
        }
        Purpose::EditDealer { id } => d.dealer = Some(c.get_dealer(id).await?),
        Purpose::EditPackage { id } => {
            d.dealer = Some(c.get_dealer(id).await?);
            d.capacity = capacity(id.clone()).await?;
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
        Purpose::ImportRates { .. } => {}
        Purpose::AssignRateCard { id } => {
            d.dealer = Some(c.me().await?.dealer);
            d.rate_card = Some(c.get_rate_card(id).await?);
            d.dealers = or_none(c.list_dealers(&DealerFilter::default(), &all()).await)?;
            d.tenants = or_none(c.list_tenants(&TenantFilter::default(), &all()).await)?;
        }
    }
    Ok(d)
}

/// Sends a write that passed the gate (`write_gate`): the only place the console writes.
async fn send(c: &ApiClient, w: &Approved) -> Result<(), ClientError> {
    match w.write() {
        Write::CreateDealer(n) => c.create_dealer(n).await.map(drop),
        Write::UpdateDealer { id, version, patch } => {
            c.update_dealer(id, Some(*version), patch).await.map(drop)
        }
        Write::SetPackage {
            id,
            version,
            package,
        } => c.set_package(id, Some(*version), package).await.map(drop),
        Write::DeleteDealer { id, .. } => c.delete_dealer(id, None).await,
        Write::SuspendDealer {
            id, resume: false, ..
        } => c.suspend_dealer(id).await.map(drop),
        Write::SuspendDealer {
            id, resume: true, ..
        } => c.resume_dealer(id).await.map(drop),
        Write::CreateTenant(n) => c.create_tenant(n).await.map(drop),
        Write::UpdateTenant { id, version, patch } => {
            c.update_tenant(id, Some(*version), patch).await.map(drop)
        }
        Write::DeleteTenant { id, .. } => c.delete_tenant(id, None).await,
        Write::SuspendTenant {
            id, resume: false, ..
        } => c.suspend_tenant(id).await.map(drop),
        Write::SuspendTenant {
            id, resume: true, ..
        } => c.resume_tenant(id).await.map(drop),
        Write::CreateUser(n) => c.create_user(n).await.map(drop),
        Write::UpdateUser { id, version, patch } => {
            c.update_user(id, Some(*version), patch).await.map(drop)
        }
        Write::DeleteUser { id, .. } => c.delete_user(id, None).await,
        Write::ResetPassword { id, .. } => c.reset_password(id).await,
        Write::CreateGroup(n) => c.create_group(n).await.map(drop),
        Write::UpdateGroup { id, version, patch } => {
            c.update_group(id, Some(*version), patch).await.map(drop)
        }
        Write::DeleteGroup { id, .. } => c.delete_group(id, None).await,
        Write::CreateRateCard(n) => c.create_rate_card(n).await.map(drop),
        Write::UpdateRateCard { id, version, patch } => c
            .update_rate_card(id, Some(*version), patch)
            .await
            .map(drop),
        Write::ImportRates { id, path, .. } => {
            let csv = read_csv(path).await?;
            c.import_rates(id, csv).await.map(drop)
        }
        Write::AssignRateCard { id, to, .. } => c.assign_rate_card(id, to).await.map(drop),
        Write::DeleteRateCard { id, .. } => c.delete_rate_card(id, None).await,
        Write::MoveTenant { request, plan, .. } => {
            c.move_tenant_as_planned(plan, request).await.map(drop)
        }
    }
}

/// The largest CSV file the console sends (a rate card of a few hundred thousand prefixes).
const MAX_CSV: u64 = 64 * 1024 * 1024;

/// Reads a CSV file to import; a file that cannot be read is refused at the form's path field,
/// as the server refuses a bad field, so the path typed stays for another try.
async fn read_csv(path: &str) -> Result<String, ClientError> {
    let refuse = |message: String| ClientError::Api {
        status: 422,
        body: ErrorBody {
            error: ErrorDetail {
                code: "invalid_field".into(),
                message,
                field: Some("path".into()),
                details: serde_json::json!({}),
            },
        },
    };
    let expanded = match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| std::path::PathBuf::from(h).join(rest))
            .unwrap_or_else(|| path.into()),
        None => path.into(),
    };
    let meta = tokio::fs::metadata(&expanded)
        .await
        .map_err(|e| refuse(format!("cannot read {path}: {e}")))?;
    if !meta.is_file() {
        return Err(refuse(format!("{path} is not a file")));
    }
    if meta.len() > MAX_CSV {
        return Err(refuse(format!(
            "{path} is larger than {} MB",
            MAX_CSV / 1024 / 1024
        )));
    }
    let bytes = tokio::fs::read(&expanded)
        .await
        .map_err(|e| refuse(format!("cannot read {path}: {e}")))?;
    String::from_utf8(bytes).map_err(|_| refuse(format!("{path} is not UTF-8 text")))
}

/// A page of dealers with each one's capacity, in one request.
async fn packages(
    c: &ApiClient,
    page: &PageParams,
) -> Result<Page<(Dealer, Option<Capacity>)>, ClientError> {
    let filter = DealerFilter {
        with_capacity: true,
        ..DealerFilter::default()
    };
    let dealers = c.list_dealers(&filter, page).await?;
    let items = dealers
        .items
        .into_iter()
        .map(|mut d| {
            let cap = d.capacity.take();
            (d, cap)
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: dealers.next_cursor,
        total: dealers.total,
    })
}
