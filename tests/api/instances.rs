//! Several server instances over one PostgreSQL database, as behind a load balancer: any
//! instance serves any request, and every rule holds across them.

use crate::backend::{BACKEND, TestBackend};
use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;

async fn on_postgres<F: std::future::Future<Output = ()>>(test: F) {
    BACKEND.scope(TestBackend::Postgres, test).await
}

#[tokio::test]
#[cfg_attr(
    no_test_postgres,
    ignore = "PostgreSQL only: set DEALERCTL_TEST_POSTGRES to run it"
)]
async fn a_session_opened_on_one_instance_works_on_the_other() {
    on_postgres(async {
        let a = TestApp::start().await;
        let b = a.second_instance().await;
        let on_b = ApiClient::new(&b.url())
            .unwrap()
            .with_token(a.admin.token().unwrap());
        assert_eq!(on_b.me().await.unwrap().user.email, ADMIN_EMAIL);
        // A sign-out on B ends the session on A too.
        on_b.logout().await.unwrap();
        expect_err(a.admin.me().await, 401, "unauthenticated");
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    no_test_postgres,
    ignore = "PostgreSQL only: set DEALERCTL_TEST_POSTGRES to run it"
)]
async fn allocations_spread_over_two_instances_never_over_commit() {
    on_postgres(async {
        let a = TestApp::start().await;
        let b = a.second_instance().await;
        let on_b = ApiClient::new(&b.url())
            .unwrap()
            .with_token(a.admin.token().unwrap());
        let reseller = a.dealer(&a.provider_id, Level::Reseller, 50).await;
        let mut tasks = Vec::new();
        for i in 0..120 {
            let client = if i % 2 == 0 {
                a.admin.clone()
            } else {
                on_b.clone()
            };
            let dealer_id = reseller.id.clone();
            tasks.push(tokio::spawn(async move {
                client
                    .create_tenant(&NewTenant {
                        dealer_id,
                        name: format!("t{i}"),
                        domain: format!("t{i}.two.example"),
                        extensions: 1,
                        ..NewTenant::default()
                    })
                    .await
            }));
        }
        let mut accepted = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => accepted += 1,
                Err(e) => assert_eq!(e.code(), Some("capacity_exceeded"), "{e:?}"),
            }
        }
        assert_eq!(accepted, 50);
        let cap = on_b.capacity(&reseller.id).await.unwrap();
        assert_eq!((cap.extensions.used, cap.max_tenants.used), (50, 50));
        let listed = a
            .admin
            .list_tenants(
                &TenantFilter {
                    dealer_id: Some(reseller.id.clone()),
                    ..TenantFilter::default()
                },
                &page(),
            )
            .await
            .unwrap();
        assert_eq!(listed.total, 50);
    })
    .await
}

#[tokio::test]
#[cfg_attr(
    no_test_postgres,
    ignore = "PostgreSQL only: set DEALERCTL_TEST_POSTGRES to run it"
)]
async fn a_suspension_on_one_instance_revokes_tokens_on_both() {
    on_postgres(async {
        let a = TestApp::start().await;
        let b = a.second_instance().await;
        let reseller = a.dealer(&a.provider_id, Level::Reseller, 10).await;
        let (_, staff) = a.dealer_admin(&reseller.id).await;
        let staff_on_b = ApiClient::new(&b.url())
            .unwrap()
            .with_token(staff.token().unwrap());
        staff_on_b.me().await.unwrap();
        a.admin.suspend_dealer(&reseller.id).await.unwrap();
        expect_err(staff_on_b.me().await, 401, "unauthenticated");
        expect_err(staff.me().await, 401, "unauthenticated");
    })
    .await
}
