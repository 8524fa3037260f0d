"""Pages composed from several domains."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ips.access import can_search_participants, require
from ips.audit.models import AccessEvent
from ips.audit.services import access_events_record_many
from participants.selectors import SEARCH_LIMIT
from reports.forms import SearchForm
from reports.search import search


@login_required
@require_http_methods(["GET", "POST"])
def search_page(request: HttpRequest) -> HttpResponse:
    """Sent by POST, so a national ID or phone number never stands in an address (browser
    history, proxy and server logs). Every person and referral found is written to the access
    log, one row each. Partners and auditors have no search (403)."""
    require(can_search_participants(request.user))
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search(user=request.user, text=form.cleaned_data["q"])
        if not results.is_empty:
            access_events_record_many(
                request=request,
                what=AccessEvent.What.SEARCH,
                detail=results.kind_label,
                participants=results.participants,
                referrals=results.referrals,
            )
    return render(
        request, "reports/search.html", {"form": form, "results": results, "limit": SEARCH_LIMIT}
    )
