"""Milestone permissions (django-rules), asked of a milestone: `user.has_perm("milestones.update_milestone", m)`."""

import rules


@rules.predicate
def may_update(user, milestone):
    return milestone is not None and milestone.can_be_updated_by(user)


@rules.predicate
def may_review(user, milestone):
    return milestone is not None and milestone.can_review_updates(user)


rules.add_perm("milestones.update_milestone", may_update)
rules.add_perm("milestones.review_updates", may_review)
