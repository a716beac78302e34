from django.urls import path

from . import views

app_name = "recommendations"
urlpatterns = [
    path("plans/<int:pk>/recommendations/", views.RecommendationListView.as_view(), name="list"),
    path("plans/<int:plan_pk>/recommendations/new/", views.RecommendationCreateView.as_view(), name="create"),
    path("recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="detail"),
    path("recommendations/<int:pk>/edit/", views.RecommendationUpdateView.as_view(), name="edit"),
    path("plans/<int:plan_pk>/inspections/new/", views.SourceCreateView.as_view(), name="source_create"),
    path("inspections/<int:pk>/edit/", views.SourceUpdateView.as_view(), name="source_edit"),
]
