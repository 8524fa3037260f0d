"""The "who has looked at my record" report as a PDF for the person (WeasyPrint).

The PDF lists the grouped lines (per day, person, role, organisation and kind of access), so its
size follows the number of lines, not of events. Up to `INLINE_LINES` lines it is made while
the leader waits; beyond that a Celery task makes it (`ips.audit.tasks`) and a page shows
progress until it is ready.
"""

from django.utils import timezone, translation

from ips.pdf import render_pdf

INLINE_LINES = 400


def participant_access_report_pdf(*, participant, groups, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language()):
        return render_pdf(
            template="audit/participant_report_pdf.html",
            context={
                "participant": participant,
                "groups": groups,
                "generated": timezone.localtime(),
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
