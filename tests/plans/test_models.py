import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from plans.models import Action, Person, ref_sort_key

from ..factories import ActionFactory, PersonFactory, PlanFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_refs_sort_naturally_so_1_10_follows_1_09():
    plan = PlanFactory()
    theme = ThemeFactory(plan=plan)
    for ref in ["1.10", "2.1.1", "1.09", "2.11", "1.01", "2.10", "3.05", "2.1"]:
        ActionFactory(plan=plan, theme=theme, ref=ref)
    refs = list(Action.objects.for_plan(plan).values_list("ref", flat=True))
    assert refs == ["1.01", "1.09", "1.10", "2.1", "2.1.1", "2.10", "2.11", "3.05"]


def test_ref_sort_key_pads_numbers():
    assert ref_sort_key("1.09") < ref_sort_key("1.10") < ref_sort_key("1.100")


def test_ref_sort_key_follows_a_changed_ref_on_save():
    action = ActionFactory(ref="9.01")
    action.ref = "1.01"
    action.save(update_fields=["ref"])
    action.refresh_from_db()
    assert action.ref_sort_key == ref_sort_key("1.01")


def test_action_ref_is_unique_within_a_plan_but_not_across_plans():
    action = ActionFactory(ref="1.01")
    ActionFactory(ref="1.01")  # another plan: allowed
    with pytest.raises(IntegrityError):
        ActionFactory(plan=action.plan, theme=action.theme, ref="1.01")


def test_person_needs_a_name():
    person = Person(name="   ")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "Give the lead's name." in error.value.message_dict["name"]


def test_action_theme_must_belong_to_the_same_plan():
    action = ActionFactory()
    action.theme = ThemeFactory()  # another plan's theme
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "theme" in error.value.message_dict


def test_plan_group_label_is_a_setting():
    plan = PlanFactory(group_label="Priority objective")
    assert plan.group_label_plural == "Priority objectives"


def test_person_may_exist_without_a_login():
    assert PersonFactory(user=None).user is None
