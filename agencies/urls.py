from django.urls import path

from agencies import views

urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/agencies/<uuid:public_id>/", views.agency_detail, name="agency-detail"),
    path("agencies/acting/", views.acting_agency_set, name="acting-agency-set"),
]
