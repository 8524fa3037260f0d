"""The small demo (`make run`) starts with the alerts of one deadline scan."""

import datetime as dt

from deadlines.engine import scan
from deadlines.models import Alert
from ips.dates import oslo_today
from ips.demo import small
from referrals.models import Referral
from tests.fidelity.factories import ensure_scales


def test_demo_data_comes_with_open_alerts_and_a_rescan_changes_nothing(db):
    ensure_scales()
    assert small.seed()
    # The demo's referral received 9 days ago, never met, is overdue from the start.
    late = Referral.objects.get(
        team__name="IPS Lovisenberg DPS", date_received=oslo_today() - dt.timedelta(days=9)
    )
    open_alerts = set(Alert.objects.filter(state="open").values_list("rule", "subject_id"))
    assert ("first_meeting_overdue", late.pk) in open_alerts

    results = scan()

    assert sum(r.opened + r.resolved + r.updated for r in results) == 0
    assert set(Alert.objects.filter(state="open").values_list("rule", "subject_id")) == open_alerts
