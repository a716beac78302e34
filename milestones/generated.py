"""A generated plan of any size, for query-count tests and load tests."""

import datetime

from django.db import transaction

from plans.models import Action, Organisation, Person, Plan, Theme, ref_sort_key

from .models import Milestone, ProgressUpdate
from .status import Status

STATUS_CYCLE = [Status.ACHIEVED, Status.ON_TRACK, Status.NOT_ON_TRACK, None]


@transaction.atomic
def generated_plan_create(*, milestones=2000, per_action=5, themes=5, name="Generated plan", lead_users=(), owner=None):
    """Create a plan with `milestones` milestones, `per_action` per action, spread over themes.

    About three in four milestones get a progress update. `lead_users` are linked
    to the first people so their "My milestones" page is large too.
    """
    # Owned by the given organisation, else the first one there is (a new one on an empty database).
    owner = owner or Organisation.objects.order_by("pk").first() or Organisation.objects.create(name="Generated")
    plan = Plan.objects.create(name=name, organisation="Generated", owner=owner)
    theme_rows = Theme.objects.bulk_create(Theme(plan=plan, name=f"Theme {i + 1}", order=i) for i in range(themes))
    people = Person.objects.bulk_create(Person(name=f"{name} lead {i + 1}", owner=owner) for i in range(20))
    for person, user in zip(people, lead_users, strict=False):
        person.user = user
        person.save(update_fields=["user"])
    action_count = -(-milestones // per_action)
    actions = []
    for i in range(action_count):
        ref = f"{i % themes + 1}.{i // themes + 1:02d}"
        actions.append(
            Action(
                plan=plan,
                ref=ref,
                ref_sort_key=ref_sort_key(ref),
                title=f"Action {ref}",
                theme=theme_rows[i % themes],
                action_lead=people[i % len(people)],
            )
        )
    actions = Action.objects.bulk_create(actions)
    start = datetime.date(2009, 7, 1)
    milestone_rows = Milestone.objects.bulk_create(
        Milestone(
            action=actions[i // per_action],
            description=f"Milestone {i + 1}",
            planned_start=start,
            due_date=start + datetime.timedelta(days=30 * (i % 24)),
            lead=people[(i * 7) % len(people)],
            order=i % per_action,
        )
        for i in range(milestones)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            milestone=milestone,
            reporting_month=datetime.date(2009, 10, 1),
            status=STATUS_CYCLE[i % 4],
            note=f"Oct 2009 - update {i}",
        )
        for i, milestone in enumerate(milestone_rows)
        if STATUS_CYCLE[i % 4]
    )
    Milestone.objects.filter(action__plan=plan).refresh_reported()  # bulk_create skips ProgressUpdate.save()
    return plan
