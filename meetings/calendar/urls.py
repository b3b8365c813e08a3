from django.urls import path

from meetings.calendar import views as calendar_views
from meetings.gatherings import views as gathering_views

urlpatterns = [
    path("calendar/", calendar_views.calendar_week, name="calendar"),
    path("calendar/month/", calendar_views.calendar_month, name="calendar-month"),
    path("calendar/list/", calendar_views.calendar_list, name="calendar-list"),
    path("calendar/feed/", calendar_views.calendar_feed, name="calendar-feed"),
    path("calendar/feed/new/", calendar_views.calendar_feed_create, name="calendar-feed-create"),
    path("calendar/feed/revoke/", calendar_views.calendar_feed_revoke, name="calendar-feed-revoke"),
    # The token is URL-safe base64 (letters, digits, - and _), which the slug converter takes.
    path(
        "calendar/feed/<slug:token>.ics",
        calendar_views.calendar_feed_ics,
        name="calendar-feed-ics",
    ),
    path("gatherings/", gathering_views.gathering_list, name="gathering-list"),
    path("gatherings/new/", gathering_views.gathering_new, name="gathering-new"),
    path("gatherings/<uuid:public_id>/", gathering_views.gathering_detail, name="gathering-detail"),
    path(
        "gatherings/<uuid:public_id>/edit/",
        gathering_views.gathering_edit,
        name="gathering-edit",
    ),
    path(
        "gatherings/<uuid:public_id>/cancel/",
        gathering_views.gathering_cancel_view,
        name="gathering-cancel",
    ),
    path(
        "gatherings/<uuid:public_id>/register/",
        gathering_views.gathering_register,
        name="gathering-register",
    ),
    path(
        "gatherings/<uuid:public_id>/unregister/",
        gathering_views.gathering_unregister,
        name="gathering-unregister",
    ),
    path(
        "gatherings/<uuid:public_id>/gathering.ics",
        gathering_views.gathering_calendar,
        name="gathering-ics",
    ),
]
