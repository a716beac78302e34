"""Prepare the load-test database: the 2,000-milestone plan with 20 lead logins, a reader and a manager."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from milestones.generated import generated_plan_create
from plans import roles
from plans.models import Plan

User = get_user_model()
PASSWORD = "load-test-password"  # nosec B105: loopback load test only


def make(username, role):
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


plan = Plan.objects.filter(name="Load test plan").first()
if plan is None:
    leads = [make(f"lead{n}", roles.MILESTONE_LEAD) for n in range(1, 21)]
    plan = generated_plan_create(milestones=2000, name="Load test plan", lead_users=leads)
make("reader", roles.SCRUTINY_MEMBER)
make("manager", roles.PROGRAMME_MANAGER)
print(plan.pk)
