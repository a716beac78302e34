from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("plans/<int:pk>/indicators/", views.IndicatorListView.as_view(), name="list"),
    path("plans/<int:plan_pk>/indicators/new/", views.IndicatorCreateView.as_view(), name="create"),
    path("plans/<int:plan_pk>/indicator-sections/new/", views.SectionCreateView.as_view(), name="section_create"),
    path("comparator-groups/new/", views.ComparatorGroupCreateView.as_view(), name="comparator_create"),
    path("indicators/<int:pk>/", views.IndicatorDetailView.as_view(), name="detail"),
    path("indicators/<int:pk>/edit/", views.IndicatorUpdateView.as_view(), name="edit"),
    path("indicators/<int:indicator_pk>/values/new/", views.ValueCreateView.as_view(), name="value_create"),
    path("indicator-values/<int:pk>/edit/", views.ValueUpdateView.as_view(), name="value_edit"),
    path("indicators/<int:indicator_pk>/years/new/", views.YearCreateView.as_view(), name="year_create"),
    path("indicator-years/<int:pk>/edit/", views.YearUpdateView.as_view(), name="year_edit"),
    path("indicators/<int:indicator_pk>/benchmarks/new/", views.BenchmarkCreateView.as_view(), name="benchmark_create"),
    path("benchmarks/<int:pk>/edit/", views.BenchmarkUpdateView.as_view(), name="benchmark_edit"),
    path(
        "indicators/<int:indicator_pk>/commentary/new/", views.CommentaryCreateView.as_view(), name="commentary_create"
    ),
    path("commentaries/<int:pk>/edit/", views.CommentaryUpdateView.as_view(), name="commentary_edit"),
]
