"""The "who has looked at my record" report as a PDF for the person (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone


def participant_access_report_pdf(*, participant, events, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "audit/participant_report_pdf.html",
        {"participant": participant, "events": events, "generated": timezone.localtime()},
    )
    return HTML(string=html, base_url=base_url).write_pdf()
