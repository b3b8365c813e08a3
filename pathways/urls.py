from django.urls import path

from pathways.cases import list_views as case_list_views
from pathways.cases import views
from pathways.kela import views as kela_views
from pathways.stages import views as stage_views
from pathways.templates import views as template_views

urlpatterns = [
    path("cases/", case_list_views.case_list_view, name="case-list"),
    path("cases/new/", views.release_new, name="release-new"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case-detail"),
    path(
        "cases/<uuid:public_id>/stages/<int:stage_pk>/assign/",
        stage_views.case_stage_assign_view,
        name="case-stage-assign",
    ),
    path(
        "cases/<uuid:public_id>/stages/<int:stage_pk>/checklist/",
        stage_views.case_stage_tick,
        name="case-stage-tick",
    ),
    path(
        "cases/<uuid:public_id>/stages/<int:stage_pk>/<slug:action>/",
        stage_views.case_stage_action,
        name="case-stage-action",
    ),
    path(
        "cases/<uuid:public_id>/release-date/",
        stage_views.case_release_date,
        name="case-release-date",
    ),
    path(
        "cases/<uuid:public_id>/release/",
        stage_views.case_release_record,
        name="case-release-record",
    ),
    path("cases/<uuid:public_id>/outcome/", kela_views.case_outcome, name="case-outcome"),
    path("cases/<uuid:public_id>/close/", views.case_close_view, name="case-close"),
    path("cases/<uuid:public_id>/reopen/", views.case_reopen_view, name="case-reopen"),
    path(
        "clients/<uuid:public_id>/kela-guidance/",
        kela_views.kela_guidance_new,
        name="kela-guidance-start",
    ),
    path("pathways/", template_views.pathway_list, name="pathway-list"),
    path("pathways/import/", template_views.pathway_import, name="pathway-import"),
    path("pathways/<int:pk>/", template_views.pathway_detail, name="pathway-detail"),
    path("pathways/<int:pk>/edit/", template_views.pathway_edit, name="pathway-edit"),
    path(
        "pathways/<int:pk>/new-version/",
        template_views.pathway_new_version,
        name="pathway-new-version",
    ),
    path("pathways/<int:pk>/publish/", template_views.pathway_publish, name="pathway-publish"),
    path("pathways/<int:pk>/export/", template_views.pathway_export, name="pathway-export"),
    path("pathways/<int:pk>/stages/new/", template_views.stage_edit, name="stage-new"),
    path("pathways/<int:pk>/stages/<int:stage_pk>/", template_views.stage_edit, name="stage-edit"),
    path(
        "pathways/<int:pk>/stages/<int:stage_pk>/delete/",
        template_views.stage_remove,
        name="stage-delete",
    ),
]
