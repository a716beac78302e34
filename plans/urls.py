from django.urls import path

from . import member_views, views

app_name = "plans"
urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="create"),
    path("plans/<int:pk>/about/", views.PlanAboutView.as_view(), name="about"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="edit"),
    path("plans/<int:plan_pk>/themes/new/", views.ThemeCreateView.as_view(), name="theme_create"),
    path("themes/<int:pk>/edit/", views.ThemeUpdateView.as_view(), name="theme_edit"),
    path("plans/<int:plan_pk>/actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/edit/", views.ActionUpdateView.as_view(), name="action_edit"),
    path("plans/<int:plan_pk>/versions/new/", views.PlanVersionCreateView.as_view(), name="version_create"),
    path("plans/<int:plan_pk>/approvals/new/", views.PlanApprovalCreateView.as_view(), name="approval_create"),
    path("plans/<int:plan_pk>/glossary/new/", views.GlossaryTermCreateView.as_view(), name="glossary_create"),
    path("glossary/<int:pk>/edit/", views.GlossaryTermUpdateView.as_view(), name="glossary_edit"),
    path("plans/<int:pk>/members/", member_views.PlanMembersView.as_view(), name="members"),
    path("plans/<int:pk>/members/invite/", member_views.MemberInviteView.as_view(), name="member_invite"),
    path("memberships/<int:pk>/remove/", member_views.MemberRemoveView.as_view(), name="member_remove"),
    path("invitations/<int:pk>/resend/", member_views.InvitationResendView.as_view(), name="invitation_resend"),
    path("invitations/accept/<str:token>/", member_views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_edit"),
]
