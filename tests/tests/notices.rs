//! Notifications people can act on: each event of an assignment's life reaches who must act,
//! under its own kind, with the assignment as its subject and its deadline; the secretary, who
//! controls execution (3.6.8), hears the extension decision; a person turns off the kinds they
//! do not want, but not a failed backup.

use infogroups_shared::pb::{self, NotificationKind as K, TransitionKind as T};
use infogroups_tests::fixtures::{ask_for_days, create_assignment, grant_extension, transition};
use infogroups_tests::{Authed, City, TestServer};

/// The newest notification `who` has about assignment `id`, read over the API.
async fn newest(who: &Authed, id: u64) -> Option<pb::Notification> {
    let all = who
        .notifications()
        .list_notifications(pb::ListNotificationsRequest::default())
        .await
        .expect("ListNotifications")
        .into_inner()
        .notifications;
    all.into_iter()
        .filter(|n| n.assignment_id == id)
        .max_by_key(|n| n.meta.map_or(0, |m| m.id))
}

async fn kind_of(who: &Authed, id: u64) -> Option<K> {
    newest(who, id).await.and_then(|n| K::try_from(n.kind).ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_of_an_assignment_reaches_who_must_act_under_its_own_kind() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let a = create_assignment(&city.secretary_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    let id = a.meta.map_or(0, |m| m.id);

    let n = newest(&city.executor, id)
        .await
        .expect("the executor is told");
    assert_eq!(n.kind, K::NewAssignment as i32);
    assert_eq!(
        n.subject,
        format!("Поручение {}", a.number),
        "by number only: an assignment's text may name a citizen"
    );
    assert_eq!(n.deadline, a.deadline.as_ref().and_then(|d| d.date));
    assert!(n.meta.is_some_and(|m| m.created_at_ms > 0), "it has a time");

    let a = ask_for_days(&city.executor, &a, 5).await.expect("asked");
    assert_eq!(
        kind_of(&city.leader_a, id).await,
        Some(K::ExtensionRequested),
        "the leader, who set the deadline, is asked"
    );
    let a = grant_extension(&city.leader_a, &a).await.expect("granted");
    for who in [&city.executor, &city.secretary_a] {
        let n = newest(who, id).await.expect("told of the decision");
        assert_eq!(n.kind, K::ExtensionDecided as i32, "{}", who.username);
        assert_eq!(
            n.deadline,
            a.deadline.as_ref().and_then(|d| d.date),
            "the new deadline"
        );
    }

    let a = transition(&city.executor, &a, T::SubmitReport)
        .await
        .expect("report");
    assert_eq!(
        kind_of(&city.secretary_a, id).await,
        Some(K::ReportSubmitted)
    );
    let a = transition(&city.secretary_a, &a, T::Return)
        .await
        .expect("returned by the secretary");
    assert_eq!(kind_of(&city.executor, id).await, Some(K::ReportReturned));
    assert_eq!(
        kind_of(&city.leader_a, id).await,
        Some(K::ReportReturned),
        "the issuer hears what the controller decided"
    );
    let a = transition(&city.executor, &a, T::Resume)
        .await
        .expect("resumed");
    assert_eq!(kind_of(&city.secretary_a, id).await, Some(K::WorkResumed));

    // The executor turns report acceptances off: the acceptance comes, the notice does not.
    city.executor
        .notifications()
        .set_mail_preferences(pb::MailPreferences {
            muted: vec![K::ReportAccepted as i32],
            ..Default::default()
        })
        .await
        .expect("muted");
    let a = transition(&city.executor, &a, T::SubmitReport)
        .await
        .expect("report again");
    transition(&city.secretary_a, &a, T::Accept)
        .await
        .expect("accepted");
    assert_eq!(
        kind_of(&city.executor, id).await,
        Some(K::ReportReturned),
        "no acceptance notice for one who turned it off"
    );
    assert_eq!(kind_of(&city.leader_a, id).await, Some(K::ReportAccepted));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_backup_cannot_be_turned_off() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let refused = city
        .admin
        .notifications()
        .set_mail_preferences(pb::MailPreferences {
            muted: vec![K::Reminder as i32, K::BackupFailed as i32],
            ..Default::default()
        })
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(refused.message().contains("muted[1]"), "{refused:?}");
    let kept = city
        .admin
        .notifications()
        .get_mail_preferences(pb::GetMailPreferencesRequest {})
        .await
        .expect("read")
        .into_inner();
    assert!(kept.muted.is_empty(), "nothing changed: {kept:?}");
}
