from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.notification_list_view, name="notification-list"),
    path(
        "notifications/<uuid:public_id>/open/",
        views.notification_open,
        name="notification-open",
    ),
    path("notifications/read/", views.notifications_read_all_view, name="notifications-read-all"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
]
