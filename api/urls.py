from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views, web

router = DefaultRouter()
router.APIRootView = views.ApiRoot
router.include_format_suffixes = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("actions", views.ActionViewSet, basename="action")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")
router.register("exceptions", views.ExceptionViewSet, basename="exception")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="indicator-value")
router.register("snapshots", views.SnapshotViewSet, basename="snapshot")


class SchemaView(views.ApiMixin, SpectacularAPIView):
    """The OpenAPI schema: reachable with a token (no session needed)."""


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI for signed-in people (a page: LoginRequiredMiddleware sends others to log in). The split
    view serves its start-up script from this same URL (?script), so no inline script: CSP script-src 'self'."""

    @classmethod
    def as_view(cls, **initkwargs):
        # REST framework's views opt out of LoginRequiredMiddleware; this page opts back in.
        return login_required(super().as_view(**initkwargs))


@csrf_exempt  # writes nothing: a token client's PUT to a wrong address gets the 404, not a CSRF page
@login_not_required
def not_found(request, rest=""):
    """Any other /api/v1/ address (an id that is not a number, a misspelt list): JSON 404 like the rest of
    the API, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    re_path(r"^v1/(?P<rest>.*)$", not_found),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", web.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", web.TokenRevokeView.as_view(), name="token_revoke"),
]
