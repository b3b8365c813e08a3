from django.urls import path

from plans import plan_views, views

urlpatterns = [
    path("cases/<uuid:public_id>/assessment/", views.assessment_detail, name="case-assessment"),
    path(
        "cases/<uuid:public_id>/assessment/entries/",
        views.assessment_entries,
        name="assessment-entries",
    ),
    path(
        "cases/<uuid:public_id>/assessment/summary/",
        views.assessment_summary,
        name="assessment-summary",
    ),
    path(
        "cases/<uuid:public_id>/assessment/status/<slug:action>/",
        views.assessment_move,
        name="assessment-move",
    ),
    path("cases/<uuid:public_id>/plan/", plan_views.plan_detail, name="case-plan"),
    path("cases/<uuid:public_id>/plan/start/", plan_views.plan_start_view, name="plan-start"),
    path("cases/<uuid:public_id>/plan/goals/", plan_views.plan_goal_add_view, name="plan-goal-add"),
    path(
        "cases/<uuid:public_id>/plan/goals/<int:goal_pk>/remove/",
        plan_views.plan_goal_remove_view,
        name="plan-goal-remove",
    ),
    path(
        "cases/<uuid:public_id>/plan/actions/",
        plan_views.plan_action_add_view,
        name="plan-action-add",
    ),
    path(
        "cases/<uuid:public_id>/plan/actions/<uuid:action_id>/<slug:move>/",
        plan_views.plan_action_move,
        name="plan-action-move",
    ),
    path("cases/<uuid:public_id>/plan/versions/", plan_views.plan_versions, name="plan-versions"),
    path(
        "cases/<uuid:public_id>/plan/versions/new/",
        plan_views.plan_version_new,
        name="plan-version-new",
    ),
    path(
        "cases/<uuid:public_id>/plan/versions/<int:number>/",
        plan_views.plan_version_detail,
        name="plan-version",
    ),
    path(
        "cases/<uuid:public_id>/plan/versions/<int:number>/sign-off/",
        plan_views.plan_sign_off_view,
        name="plan-sign-off",
    ),
    path("cases/<uuid:public_id>/outcomes/new/", plan_views.outcome_new, name="outcome-new"),
    path("cases/<uuid:public_id>/follow-ups/new/", plan_views.follow_up_new, name="follow-up-new"),
]
