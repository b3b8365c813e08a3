from django.urls import path

from meetings import views

# Case network meetings. Gatherings and the calendar are in meetings/calendar/urls.py.
urlpatterns = [
    path("cases/<uuid:public_id>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<uuid:public_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<uuid:public_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<uuid:public_id>/cancel/", views.meeting_cancel_view, name="meeting-cancel"),
    path("meetings/<uuid:public_id>/answer/", views.meeting_rsvp, name="meeting-rsvp"),
    path("meetings/<uuid:public_id>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(
        "meetings/<uuid:public_id>/invitees/",
        views.meeting_invitees_view,
        name="meeting-invitees",
    ),
    path(
        "meetings/<uuid:public_id>/invitees/<uuid:invitee_id>/remove/",
        views.meeting_invitee_remove,
        name="meeting-invitee-remove",
    ),
    path("meetings/<uuid:public_id>/calendar.ics", views.meeting_ics, name="meeting-ics"),
]
