import datetime

import pytest

from safeguarding import dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2009-10", datetime.date(2009, 10, 1)),
        ("Oct 2009", datetime.date(2009, 10, 1)),
        ("October 2009", datetime.date(2009, 10, 1)),
        ("Oct-09", datetime.date(2009, 10, 1)),
        ("sep 2009", datetime.date(2009, 9, 1)),
        ("2009-13", None),
        ("Octember 2009", None),
        ("", None),
        ("yesterday", None),
    ],
)
def test_parse_month(text, expected):
    assert dates.parse_month(text) == expected


def test_today_can_be_pinned(settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    assert dates.today() == datetime.date(2009, 11, 4)
    assert dates.current_month() == datetime.date(2009, 11, 1)
    assert dates.month_label(dates.current_month()) == "Nov 2009"
