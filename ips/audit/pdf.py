"""The "who has looked at my record" report as a PDF for the person (WeasyPrint).

The PDF lists grouped lines, so its size follows the number of lines, not of events: per day,
person, role, organisation and kind of access when that fits `PDF_LINES` lines, else per month,
else one line per person and kind of access for the whole period (first and last time, on how
many days, how many times), which stays short however many events there are. WeasyPrint's time
grows faster than the rows (measured: 400 lines 2.6 s, 800 lines 7.3 s, 10,951 lines 641 s), so
fewer rows is what bounds it (`bench/access_report.py`: 100,000 events). Beyond `INLINE_LINES`
lines (only when even the period has that many) a Celery task makes it (`ips.audit.tasks`)
and a page shows progress until it is ready.
"""

from django.utils import timezone, translation

from ips.audit.selectors import DAY
from ips.pdf import render_pdf

PDF_LINES = 300
INLINE_LINES = 400


def participant_access_report_pdf(
    *, participant, groups, language: str | None = None, level: str = DAY
) -> bytes:
    with translation.override(language or translation.get_language()):
        return render_pdf(
            template="audit/participant_report_pdf.html",
            context={
                "participant": participant,
                "groups": groups,
                "level": level,
                "events": sum(group.count for group in groups),
                "generated": timezone.localtime(),
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
