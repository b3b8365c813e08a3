from django.urls import path

from agencies import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/agencies/<uuid:public_id>/", views.agency_detail, name="agency-detail"),
    path("directory/contacts/new/", views.contact_person_edit, name="contact-person-new"),
    path(
        "directory/contacts/<uuid:public_id>/edit/",
        views.contact_person_edit,
        name="contact-person-edit",
    ),
    path(
        "directory/contacts/<uuid:public_id>/remove/",
        views.contact_person_remove,
        name="contact-person-remove",
    ),
    path("agencies/acting/", views.acting_agency_set, name="acting-agency-set"),
]
