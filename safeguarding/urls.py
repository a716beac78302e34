from django.contrib import admin
from django.urls import include, path

from milestones.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # Login, logout, password reset by email, optional single sign-on (accounts/urls.py).
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # The JSON API, its schema and docs, and the personal API tokens page (api/urls.py).
    path("api/", include("api.urls")),
    path("", include("plans.urls")),
    path("", include("milestones.urls")),
    path("", include("indicators.urls")),
    path("", include("recommendations.urls")),
    path("", include("reports.urls")),
]
