"""Writes for fidelity reviews: create, score, change status, reopen, draw the chart sample."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fidelity.indicators import Window, served_participants
from fidelity.models import (
    ChartCheck,
    ChartReviewAnswer,
    DataSource,
    Item,
    ItemScore,
    MentoringEntry,
    QualityAction,
    Review,
    ReviewerScore,
    ReviewerSubmission,
    ReviewEvent,
    ReviewNote,
    SampledRecord,
    Scale,
    Section,
    SectionReport,
)
from fidelity.selectors import all_submitted, is_independent
from ips import changes
from ips.access import review_team_ids_for, scope_for
from ips.accounts.models import Membership, Team, User
from ips.dates import oslo_today
from ips.history import acting_as
from ips.periods import period_dates, period_normalise

SAMPLE_SIZE = 10
SAMPLE_ACCESS_DAYS = 30

Status = Review.Status
# draft -> scoring -> final; a final review only moves on through review_reopen (with a reason).
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCORING},
    Status.SCORING: {Status.DRAFT, Status.FINAL},
    Status.FINAL: set(),
}


def review_reviewer_candidates(*, team_id: int) -> QuerySet[User]:
    """People who can sit on a review of the team: its auditors, leader and job specialists."""
    return User.objects.filter(
        memberships__team_id=team_id,
        memberships__ended_at__isnull=True,
        memberships__role__in=[
            Membership.Role.AUDITOR,
            Membership.Role.LEADER,
            Membership.Role.JOB_SPECIALIST,
        ],
    ).distinct()


def can_edit_review(user: User, review: Review) -> bool:
    """Reviewers score; for a self-assessment the team's leader may too."""
    if review.team_id not in review_team_ids_for(user):
        return False
    if review.kind == Review.Kind.SELF and review.team_id in scope_for(user).leader_team_ids:
        return True
    return review.reviewers.filter(pk=user.pk).exists()


def _require_editable(user: User, review: Review) -> None:
    if not can_edit_review(user, review):
        raise PermissionDenied


def _locked(review: Review) -> ValidationError:
    return ValidationError(_("Målingen er endelig og kan ikke endres. Gjenåpne den først."))


@transaction.atomic
def review_create(
    *,
    by: User,
    team: Team,
    period: str,
    kind: str,
    reviewers: Iterable[User],
    visit_start: dt.date | None = None,
    visit_end: dt.date | None = None,
    scale: Scale | None = None,
) -> Review:
    if team.pk not in review_team_ids_for(by):
        raise PermissionDenied
    period = period_normalise(period)
    dates = period_dates(period)
    if dates is None:
        raise ValidationError(
            {
                "period": _(
                    "Skriv perioden som år og halvår eller kvartal, f.eks. 2026-H1 eller 2026-Q3."
                )
            }
        )
    scale = scale or Scale.objects.filter(is_default=True).first()
    if scale is None:
        raise ValidationError(_("Ingen kvalitetsskala er lastet inn."))
    reviewers = list(reviewers)
    allowed = set(review_reviewer_candidates(team_id=team.pk).values_list("pk", flat=True))
    if not reviewers or any(r.pk not in allowed for r in reviewers):
        raise ValidationError({"reviewers": _("Velg målere som er knyttet til teamet.")})
    if visit_start and visit_end and visit_end < visit_start:
        raise ValidationError({"visit_end": _("Besøket kan ikke slutte før det begynner.")})
    if Review.objects.filter(team=team, period=period, kind=kind).exists():
        raise ValidationError(
            {"period": _("Teamet har allerede en måling av denne typen for perioden.")}
        )
    review = Review(
        team=team,
        scale=scale,
        period=period,
        period_start=dates[0],
        period_end=dates[1],
        kind=kind,
        visit_start=visit_start,
        visit_end=visit_end,
        created_by=by,
    )
    review.full_clean()
    with acting_as(by):
        review.save()
        review.reviewers.set(reviewers)
        ItemScore.objects.bulk_create(
            ItemScore(review=review, item=item) for item in scale.items.order_by("number")
        )
        ReviewEvent.objects.create(review=review, to_status=Status.DRAFT, by=by)
    return review


@transaction.atomic
def item_score_save(
    *,
    by: User,
    item_score: ItemScore,
    score: int | None,
    rationale: str = "",
    data_sources: str = "",
    recommendation: str = "",
    sources: Iterable[str] = (),
) -> ItemScore:
    """The item's score: with one reviewer their score, with two the consensus (only once both
    have handed in their own scores)."""
    review = Review.objects.select_for_update().get(pk=item_score.review_id)
    _require_editable(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    if is_independent(review) and not all_submitted(review):
        raise ValidationError(_("Konsensus settes når begge målerne har levert sine egne skårer."))
    sources = [s for s in DataSource.values if s in set(sources)]
    item_score.sources = sources
    item_score.score = score
    item_score.rationale = rationale.strip()
    item_score.data_sources = data_sources.strip()
    item_score.recommendation = recommendation.strip()
    item_score.full_clean(exclude=["review", "item"])
    try:
        with acting_as(by), transaction.atomic():
            item_score.save()
    except IntegrityError:
        raise ValidationError({"score": _("Skåren må være mellom 1 og 5.")}) from None
    return item_score


@transaction.atomic
def review_change_status(*, by: User, review: Review, to_status: str) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_editable(by, review)
    if to_status not in TRANSITIONS.get(review.status, set()):
        raise ValidationError(
            _("Målingen kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": review.get_status_display(), "to": Status(to_status).label}
        )
    if to_status == Status.FINAL:
        if is_independent(review) and not all_submitted(review):
            raise ValidationError(
                _("Begge målerne må levere sine egne skårer før målingen gjøres endelig.")
            )
        missing = review.scores.filter(score__isnull=True).count()
        if missing:
            raise ValidationError(
                _("Alle punkter må ha en skår før målingen gjøres endelig (%(n)s mangler).")
                % {"n": missing}
            )
        review.finalised_at = timezone.now()
    with acting_as(by):
        ReviewEvent.objects.create(
            review=review, from_status=review.status, to_status=to_status, by=by
        )
        review.status = to_status
        review.save(update_fields=["status", "finalised_at"])
    # A final review moves the team's next due date: the schedule alert follows at once.
    changes.announce(changes.Subject.TEAM, review.team_id)
    return review


@transaction.atomic
def review_reopen(*, by: User, review: Review, reason: str) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_editable(by, review)
    if review.status != Status.FINAL:
        raise ValidationError(_("Bare en endelig måling kan gjenåpnes."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor målingen gjenåpnes.")})
    with acting_as(by):
        ReviewEvent.objects.create(
            review=review, from_status=Status.FINAL, to_status=Status.SCORING, by=by, reason=reason
        )
        review.status = Status.SCORING
        review.finalised_at = None
        review.save(update_fields=["status", "finalised_at"])
    changes.announce(changes.Subject.TEAM, review.team_id)
    return review


@transaction.atomic
def sample_draw(
    *, by: User, review: Review, size: int = SAMPLE_SIZE, rng: random.Random | None = None
) -> list[SampledRecord]:
    """Draw the chart-review sample once: a random set of the team's participants who were
    active in the period. The reviewers may read exactly these records until
    `sample_access_until` (30 days after the visit, or after today when no visit is set)."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_editable(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    if review.sample.exists():
        raise ValidationError(_("Utvalget er allerede trukket for denne målingen."))
    window = Window(
        team_id=review.team_id, start=review.period_start, end=review.period_end, today=oslo_today()
    )
    ids = list(served_participants(window).order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("Teamet har ingen aktive deltakere i perioden å trekke fra."))
    chosen = (rng or random.SystemRandom()).sample(ids, min(size, len(ids)))
    base = max(review.visit_end or oslo_today(), oslo_today())
    review.sample_access_until = base + dt.timedelta(days=SAMPLE_ACCESS_DAYS)
    with acting_as(by):
        records = SampledRecord.objects.bulk_create(
            SampledRecord(review=review, participant_id=pk, drawn_by=by) for pk in sorted(chosen)
        )
        review.save(update_fields=["sample_access_until"])
    return records


# --- The leader's field-mentoring log ---------------------------------------------------------------


def mentoring_specialists(*, team_id: int) -> QuerySet[User]:
    """The job specialists a leader can log field mentoring with: the team's current ones."""
    return User.objects.filter(
        memberships__team_id=team_id,
        memberships__ended_at__isnull=True,
        memberships__role=Membership.Role.JOB_SPECIALIST,
    ).distinct()


@transaction.atomic
def mentoring_entry_create(
    *,
    by: User,
    team: Team,
    specialist: User,
    date: dt.date,
    activity: str,
    notes: str = "",
) -> MentoringEntry:
    """Log one field-mentoring occasion. Only the team's leader logs, for the team's own job
    specialists."""
    if team.pk not in scope_for(by).leader_team_ids:
        raise PermissionDenied
    if not mentoring_specialists(team_id=team.pk).filter(pk=specialist.pk).exists():
        raise ValidationError({"specialist": _("Velg en jobbspesialist i teamet.")})
    if date > oslo_today():
        raise ValidationError({"date": _("Datoen kan ikke være fram i tid.")})
    entry = MentoringEntry(
        team=team,
        specialist=specialist,
        date=date,
        activity=activity,
        notes=notes.strip(),
        created_by=by,
    )
    entry.full_clean()
    with acting_as(by):
        entry.save()
    return entry


# --- Independent scoring, then consensus ----------------------------------------------------------


def _require_reviewer(user: User, review: Review) -> None:
    if review.team_id not in review_team_ids_for(user):
        raise PermissionDenied
    if not review.reviewers.filter(pk=user.pk).exists():
        raise PermissionDenied


@transaction.atomic
def reviewer_score_save(
    *, by: User, review: Review, item: Item, score: int | None, rationale: str = ""
) -> ReviewerScore:
    """A reviewer's own score of one item. Locked once they have handed in, and when final."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    if item.scale_id != review.scale_id:
        raise ValidationError(_("Punktet hører ikke til målingens skala."))
    if ReviewerSubmission.objects.filter(review=review, reviewer=by).exists():
        raise ValidationError(_("Du har levert skårene dine; de kan ikke endres nå."))
    if score is not None and not 1 <= score <= 5:
        raise ValidationError({"score": _("Skåren må være mellom 1 og 5.")})
    with acting_as(by):
        own, _created = ReviewerScore.objects.update_or_create(
            review=review,
            item=item,
            reviewer=by,
            defaults={"score": score, "rationale": (rationale or "").strip()},
        )
    return own


@transaction.atomic
def reviewer_submit(*, by: User, review: Review) -> ReviewerSubmission:
    """Hand in one's own scores: every item must have one. Then they are locked."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    if ReviewerSubmission.objects.filter(review=review, reviewer=by).exists():
        raise ValidationError(_("Du har allerede levert skårene dine."))
    items = review.scale.items.count()
    scored = ReviewerScore.objects.filter(review=review, reviewer=by, score__isnull=False).count()
    if scored < items:
        raise ValidationError(
            _("Skår alle punktene før du leverer (%(n)s mangler).") % {"n": items - scored}
        )
    with acting_as(by):
        return ReviewerSubmission.objects.create(review=review, reviewer=by)


@transaction.atomic
def consensus_adopt_agreed(*, by: User, review: Review) -> int:
    """Where every reviewer gave an item the same score and no consensus is set yet, take that
    score as the consensus, with the reviewers' rationales. Returns how many items."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_editable(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    if not is_independent(review) or not all_submitted(review):
        raise ValidationError(_("Konsensus settes når begge målerne har levert sine egne skårer."))
    by_item: dict[int, list[ReviewerScore]] = {}
    for own in ReviewerScore.objects.filter(review=review).order_by("reviewer_id"):
        by_item.setdefault(own.item_id, []).append(own)
    reviewers = review.reviewers.count()
    changed = []
    for item_score in review.scores.filter(score__isnull=True):
        owns = by_item.get(item_score.item_id, [])
        values = {own.score for own in owns}
        if len(owns) == reviewers and len(values) == 1 and None not in values:
            item_score.score = owns[0].score
            rationales = [own.rationale for own in owns if own.rationale]
            item_score.rationale = "\n".join(dict.fromkeys(rationales))
            changed.append(item_score)
    with acting_as(by):
        for item_score in changed:
            item_score.save(update_fields=["score", "rationale", "updated_at"])
    return len(changed)


# --- Evidence: interview and observation notes -------------------------------------------------


@transaction.atomic
def review_note_create(
    *,
    by: User,
    review: Review,
    kind: str,
    held_on: dt.date,
    notes: str,
    items: Iterable[Item],
    interviewee: str = "",
) -> ReviewNote:
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    items = list(items)
    if any(item.scale_id != review.scale_id for item in items):
        raise ValidationError({"items": _("Velg punkter fra målingens skala.")})
    if kind == ReviewNote.Kind.INTERVIEW and not interviewee:
        raise ValidationError({"interviewee": _("Velg hvem som ble intervjuet.")})
    if kind == ReviewNote.Kind.OBSERVATION:
        interviewee = ""
    note = ReviewNote(
        review=review,
        kind=kind,
        interviewee=interviewee,
        held_on=held_on,
        notes=(notes or "").strip(),
        author=by,
    )
    note.full_clean(exclude=["review", "author"])
    with acting_as(by):
        note.save()
        note.items.set(items)
    return note


# --- The chart-review worksheet ------------------------------------------------------------------


@transaction.atomic
def chart_review_save(
    *,
    by: User,
    review: Review,
    answers: dict[tuple[int, str], str],
    computed: dict[tuple[int, str], str],
) -> int:
    """Store the reviewer's answers ((record id, check) -> yes/no/na) beside what the records
    said. Blank answers are skipped. Returns the number of answers stored."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_editable(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    record_ids = set(SampledRecord.objects.filter(review=review).values_list("pk", flat=True))
    valid = set(ChartReviewAnswer.Answer.values)
    rows = []
    for (record_id, check), answer in answers.items():
        if not answer:
            continue
        if record_id not in record_ids or check not in ChartCheck.values or answer not in valid:
            raise ValidationError(_("Ukjent svar i journalgjennomgangen."))
        rows.append(
            ChartReviewAnswer(
                record_id=record_id,
                check_code=check,
                answer=answer,
                computed=computed.get((record_id, check), ""),
                by=by,
            )
        )
    with acting_as(by):
        ChartReviewAnswer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["record", "check_code"],
            update_fields=["answer", "computed", "by", "updated_at"],
        )
    return len(rows)


# --- Report and quality plan ----------------------------------------------------------------------


@transaction.atomic
def section_reports_save(*, by: User, review: Review, strengths: dict[int, str]) -> None:
    """The report's strengths per section (section id -> text)."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _require_editable(by, review)
    if review.status == Status.FINAL:
        raise _locked(review)
    sections = {s.pk: s for s in Section.objects.filter(scale_id=review.scale_id)}
    with acting_as(by):
        for section_id, text in strengths.items():
            if section_id not in sections:
                raise ValidationError(_("Ukjent del av skalaen."))
            SectionReport.objects.update_or_create(
                review=review,
                section=sections[section_id],
                defaults={"strengths": (text or "").strip()},
            )


def _require_team_leader(user: User, team_id: int) -> None:
    if team_id not in scope_for(user).leader_team_ids:
        raise PermissionDenied


@transaction.atomic
def quality_action_create(
    *,
    by: User,
    recommendation: ItemScore,
    action: str,
    responsible: str,
    target_date: dt.date,
) -> QualityAction:
    """The leader turns a recommendation of a final review into an action of the team's plan."""
    review = Review.objects.get(pk=recommendation.review_id)
    _require_team_leader(by, review.team_id)
    if review.status != Status.FINAL:
        raise ValidationError(_("Kvalitetsplanen lages fra en endelig måling."))
    if not recommendation.recommendation:
        raise ValidationError(_("Punktet har ingen anbefaling."))
    quality_action = QualityAction(
        team_id=review.team_id,
        recommendation=recommendation,
        action=(action or "").strip(),
        responsible=(responsible or "").strip(),
        target_date=target_date,
        created_by=by,
    )
    quality_action.full_clean(exclude=["team", "recommendation", "created_by"])
    with acting_as(by):
        quality_action.save()
    return quality_action


@transaction.atomic
def quality_action_set_status(
    *, by: User, quality_action: QualityAction, status: str
) -> QualityAction:
    quality_action = QualityAction.objects.select_for_update().get(pk=quality_action.pk)
    _require_team_leader(by, quality_action.team_id)
    if status not in QualityAction.Status.values:
        raise ValidationError({"status": _("Ukjent status.")})
    quality_action.status = status
    with acting_as(by):
        quality_action.save(update_fields=["status", "updated_at"])
    return quality_action
