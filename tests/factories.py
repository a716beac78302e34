import datetime

import factory
from django.contrib.auth import get_user_model

from milestones.models import Milestone, ProgressUpdate
from milestones.status import Status
from plans.models import Action, Membership, Organisation, Person, Plan, Theme

# Factory plans, people and roles belong to one organisation unless a test names another,
# so a test that needs a second council says so.
DEFAULT_ORGANISATION = "Haringey Council"


def default_organisation():
    return Organisation.objects.get_or_create(name=DEFAULT_ORGANISATION)[0]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Council {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """role=... gives an organisation-wide membership of the default organisation
        (or of role__organisation / role__plan when given)."""
        if extracted:
            plan = kwargs.get("plan")
            organisation = kwargs.get("organisation") or (plan.owner if plan else default_organisation())
            Membership.objects.create(user=self, organisation=organisation, plan=plan, role=extracted)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Safeguarding Plan {n}")
    owner = factory.LazyFunction(default_organisation)
    organisation = "Haringey Council"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(int)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Lead {n}")
    agency = Person.Agency.COUNCIL
    owner = factory.LazyFunction(default_organisation)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    theme = factory.SubFactory(ThemeFactory, plan=factory.SelfAttribute("..plan"))
    ref = factory.Sequence(lambda n: f"1.{n:02d}")
    title = factory.Sequence(lambda n: f"Action {n}")
    action_lead = factory.SubFactory(PersonFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    description = factory.Sequence(lambda n: f"Milestone {n}")
    planned_start = datetime.date(2009, 7, 1)
    due_date = datetime.date(2009, 10, 31)
    lead = factory.SubFactory(PersonFactory)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    milestone = factory.SubFactory(MilestoneFactory)
    author = None
    source = factory.LazyAttribute(lambda update: "submitted" if update.author else "loaded")
    reporting_month = datetime.date(2009, 10, 1)
    status = Status.ON_TRACK
    note = "Oct 2009 - On track"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.Section"

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Section {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.Indicator"

    plan = factory.SubFactory(PlanFactory)
    section = factory.SubFactory(SectionFactory, plan=factory.SelfAttribute("..plan"))
    code = factory.Sequence(lambda n: f"NI {n}")
    title = factory.Sequence(lambda n: f"Indicator {n}")
    polarity = "higher"
    ytd_method = "ratio"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.IndicatorValue"

    indicator = factory.SubFactory(IndicatorFactory)
    period = datetime.date(2009, 9, 1)
    value = 50


class IndicatorYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.IndicatorYear"

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2009
    target = 60


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "recommendations.Source"

    plan = factory.SubFactory(PlanFactory)
    kind = "inspection"
    body = "Ofsted"
    title = factory.Sequence(lambda n: f"Joint Area Review {n}")
    date = datetime.date(2008, 12, 1)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "recommendations.Recommendation"
        skip_postgeneration_save = True

    source = factory.SubFactory(SourceFactory)
    ref = factory.Sequence(lambda n: f"{n + 1}")
    text = factory.Sequence(lambda n: f"Improve practice {n}")
    kind = "recommendation"

    @factory.post_generation
    def actions(self, create, extracted, **kwargs):
        if create and extracted:
            self.actions.set(extracted)
