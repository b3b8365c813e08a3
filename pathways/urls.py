from django.urls import path

from pathways import views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.release_new, name="release-new"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case-detail"),
]
