"""The project's URLs plus a bare view, so the benchmark can compare pages with the cost of
the middleware alone (session, authentication, language, acting agency)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


EMPTY_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>Polku</h1>{% endblock %}'
)


@login_required
def bare_page(request: HttpRequest) -> HttpResponse:
    """The same layout (navigation, unread count, language switch) around nothing."""
    return HttpResponse(EMPTY_PAGE.render({}, request))


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/bare-page/", bare_page, name="bench-bare-page"),
    *project_urlpatterns,
]
