from django.urls import path

from . import period_views, views

app_name = "reports"
urlpatterns = [
    path("plans/import/", views.PlanImportView.as_view(), name="import"),
    path("imports/<str:token>/", views.PlanImportPreviewView.as_view(), name="import_preview"),
    path("plans/<int:pk>/export/", views.PlanExportView.as_view(), name="export"),
    path("plans/<int:pk>/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("actions/<int:pk>/timeline/", views.ActionTimelineView.as_view(), name="timeline"),
    path("plans/<int:pk>/reports/<slug:kind>/", views.ReportView.as_view(), name="report"),
    path("plans/<int:pk>/reports/<slug:kind>/pdf/", views.ReportPdfStartView.as_view(), name="report_pdf"),
    path("report-jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("report-jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job_download"),
    path("plans/<int:pk>/snapshots/", views.SnapshotListView.as_view(), name="snapshots"),
    path("plans/<int:pk>/snapshots/take/", views.SnapshotTakeView.as_view(), name="snapshot_take"),
    path("snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot"),
    path("plans/<int:pk>/month-end/", period_views.MonthEndView.as_view(), name="month_end"),
    path(
        "plans/<int:pk>/month-end/<int:year>/<int:month>/close/",
        period_views.PeriodCloseView.as_view(),
        name="period_close",
    ),
    path(
        "plans/<int:pk>/month-end/<int:year>/<int:month>/reopen/",
        period_views.PeriodReopenView.as_view(),
        name="period_reopen",
    ),
    path("plans/<int:pk>/packs/", views.PackListView.as_view(), name="packs"),
    path("plans/<int:plan_pk>/packs/new/", views.PackCreateView.as_view(), name="pack_create"),
    path("packs/<int:pk>/", views.PackDetailView.as_view(), name="pack"),
    path("packs/<int:pk>/edit/", views.PackUpdateView.as_view(), name="pack_edit"),
    path("packs/<int:pk>/document/", views.PackDocumentView.as_view(), name="pack_document"),
    path("packs/<int:pk>/pdf/", views.PackPdfStartView.as_view(), name="pack_pdf"),
    path("packs/<int:pk>/cover.docx", views.PackCoverDocxView.as_view(), name="pack_cover_docx"),
    path("packs/<int:pack_pk>/sections/new/", views.PackSectionCreateView.as_view(), name="section_create"),
    path("pack-sections/<int:pk>/edit/", views.PackSectionUpdateView.as_view(), name="section_edit"),
    path("packs/<int:pk>/publish/", views.PackPublishView.as_view(), name="pack_publish"),
    path("publications/<int:pk>/withdraw/", views.PublicationWithdrawView.as_view(), name="publication_withdraw"),
    # Public: a plan's published packs, and each at its stable URL (nothing else of a plan is public).
    path("public/plans/<int:pk>/", views.PublicPlanView.as_view(), name="public_plan"),
    path("public/packs/<slug:slug>.pdf", views.PublicPackView.as_view(), name="public_pack"),
]
