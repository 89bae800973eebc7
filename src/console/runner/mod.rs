//! The runner: turns commands into background tasks that talk to the server and report back as
//! messages. It owns the API client; the UI state never waits on the network.

use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;

mod pages;
mod prepare;
pub mod profile;
mod send;

use super::{dealers, describe, export, goto, rate_cards, tenants, view_as};
use crate::client::ApiClient;
use crate::console::msg::*;
use crate::credentials::{CredentialStore, session_account};
use crate::model::PageParams;

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
    /// The profiles `:profile` may switch to, and whether plain HTTP to another machine is
    /// allowed (`--insecure`).
    profiles: std::collections::BTreeMap<String, crate::config::Profile>,
    insecure: bool,
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
            profiles: Default::default(),
            insecure: false,
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

    /// The profiles `:profile` may switch to (`insecure`: plain HTTP to another machine allowed).
    pub fn with_profiles(
        mut self,
        profiles: std::collections::BTreeMap<String, crate::config::Profile>,
        insecure: bool,
    ) -> Runner {
        self.profiles = profiles;
        self.insecure = insecure;
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

    /// One page of this runner's size, after `cursor` (the first page without one).
    fn page(&self, cursor: Option<String>) -> PageParams {
        PageParams {
            limit: Some(self.page_size),
            cursor,
            q: None,
        }
    }

    /// Starts what a command asks for; the feature that owns the request does the talking.
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
            Command::LoadTree {
                under,
                show,
                generation,
            } => self.spawn(generation, dealers::requests::tree(c, under, show)),
            Command::LoadDetails { id, generation } => {
                self.spawn(generation, dealers::requests::details(c, id))
            }
            Command::LoadDetailsAhead { id, generation } => {
                self.spawn(generation, dealers::requests::details_ahead(c, id))
            }
            Command::LoadPage {
                list,
                cursor,
                generation,
                query,
            } => {
                let page = PageParams {
                    q: query.q.clone(),
                    ..self.page(cursor)
                };
                self.spawn(generation, pages::load(c, list, page, query))
            }
            Command::LoadRates {
                card_id,
                prefix,
                cursor,
                generation,
            } => {
                let page = self.page(cursor);
                self.spawn(
                    generation,
                    rate_cards::requests::rates(c, card_id.to_string(), prefix, page),
                )
            }
            Command::PreviewMarkup {
                request,
                generation,
            } => self.spawn(generation, rate_cards::requests::preview(c, request)),
            Command::LoadPickerTree { under, generation } => {
                self.spawn(generation, tenants::move_requests::picker_tree(c, under))
            }
            Command::LoadMoveCards {
                dealer_id,
                generation,
            } => self.spawn(generation, tenants::move_requests::cards(c, dealer_id)),
            Command::PlanMove {
                tenant_id,
                request,
                generation,
            } => self.spawn(
                generation,
                tenants::move_requests::plan(c, tenant_id, request),
            ),
            Command::Prepare { purpose, reapply } => self.spawn(0, async move {
                let result = prepare::prepare(&c, &purpose).await;
                ReplyBody::Prepared {
                    purpose,
                    reapply,
                    result,
                }
            }),
            Command::DryRun(write) => self.spawn(0, async move {
                let result = send::impact(&c, &write).await;
                let write = write.into_write();
                ReplyBody::Impact { write, result }
            }),
            Command::Write(write) => self.spawn(0, async move {
                if let Some(result) = send::create_api_key(&c, &write).await {
                    let write = write.into_write();
                    return ReplyBody::ApiKeyCreated { write, result };
                }
                let result = send::send(&c, &write).await;
                let write = write.into_write();
                ReplyBody::Written { write, result }
            }),
            Command::StartViewAs { email } => self.spawn(0, view_as::requests::start(c, email)),
            Command::EndViewAs { token } => {
                let view = c.with_token(token);
                tokio::spawn(async move {
                    let _ = view.logout().await;
                });
            }
            Command::Search {
                q,
                limit,
                purpose,
                generation,
            } => self.spawn(generation, goto::requests::search(c, q, limit, purpose)),
            Command::Export {
                id,
                list,
                query,
                format,
                path,
            } => {
                let progress = (id, self.tx.clone());
                self.spawn(
                    0,
                    export::requests::export(c, list, query, format, path, progress),
                )
            }
            Command::SwitchProfile { name } => {
                let result = self.switch_profile(&name);
                self.spawn(0, async move { ReplyBody::ProfileSwitched(result) });
            }
            Command::Describe {
                kind,
                id,
                generation,
            } => self.spawn(generation, describe::requests::describe(c, kind, id)),
            Command::LoadScopeReport { email } => {
                self.spawn(0, view_as::requests::scope_report(c, email))
            }
            Command::LoadApiKeys => {
                self.spawn(
                    0,
                    async move { ReplyBody::ApiKeys(c.list_api_keys().await) },
                )
            }
            Command::SignOut => self.spawn(0, async move {
                let _ = c.logout().await;
                ReplyBody::SignedOut
            }),
            Command::ExpireFlash { id, after } => self.spawn_timer(after, Msg::FlashExpired(id)),
            Command::RetryAfter(after) => self.spawn_timer(after, Msg::Retry),
            Command::FollowAfter { id, after } => self.spawn_timer(after, Msg::FollowTick(id)),
            Command::SettleFilter { id, after } => self.spawn_timer(after, Msg::FilterSettled(id)),
        }
    }
}
