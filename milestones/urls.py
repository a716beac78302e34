from django.urls import path

from . import views

app_name = "milestones"
urlpatterns = [
    path("plans/<int:pk>/", views.PlanPageView.as_view(), name="plan"),
    path("my-milestones/", views.MyMilestonesView.as_view(), name="mine"),
    path("sign-off/", views.SignOffView.as_view(), name="sign_off"),
    path("progress-updates/<int:pk>/review/", views.UpdateReviewView.as_view(), name="review"),
    path("progress-updates/<int:pk>/evidence/", views.EvidenceView.as_view(), name="evidence"),
    path("evidence/<int:pk>/download/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("milestones/<int:pk>/", views.MilestoneDetailView.as_view(), name="detail"),
    path("milestones/<int:pk>/update/", views.ProgressUpdateCreateView.as_view(), name="update"),
    path("milestones/<int:pk>/exception/", views.SlippageRecordCreateView.as_view(), name="exception"),
    path("milestones/<int:pk>/edit/", views.MilestoneUpdateView.as_view(), name="edit"),
    path("actions/<int:action_pk>/milestones/new/", views.MilestoneCreateView.as_view(), name="create"),
]
