"""The menu's search: participants and referrals of the user's own teams, by name, national ID
(all 11 digits) or phone number. Each app's own scoped selector does its half."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from participants.selectors import SEARCH_LIMIT, SearchTerms, participant_search, search_terms
from referrals.selectors import referral_search

# Stored in the access log's detail (Norwegian, translated for display like the other details).
KIND_LABELS = {
    "national_id": gettext_noop("fødselsnummer"),
    "phone": gettext_noop("telefon"),
    "name": gettext_noop("navn"),
}


@dataclass
class SearchResults:
    terms: SearchTerms
    participants: list[Any] = field(default_factory=list)
    referrals: list[Any] = field(default_factory=list)
    more_participants: bool = False
    more_referrals: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.terms.kind, "")

    @property
    def is_empty(self) -> bool:
        return not (self.participants or self.referrals)


def search(*, user: Any, text: str, limit: int = SEARCH_LIMIT) -> SearchResults:
    """At most `limit` of each, and whether there were more (then the person types more)."""
    terms = search_terms(text)
    people = participant_search(user=user, terms=terms, limit=limit)
    referrals = referral_search(user=user, terms=terms, limit=limit)
    return SearchResults(
        terms=terms,
        participants=people[:limit],
        referrals=referrals[:limit],
        more_participants=len(people) > limit,
        more_referrals=len(referrals) > limit,
    )
