"""The "who has looked at my record" report as a PDF for the person."""

from django.utils import timezone

from ips.pdf import render_pdf


def participant_access_report_pdf(*, participant, events) -> bytes:
    return render_pdf(
        template="audit/participant_report_pdf.html",
        context={"participant": participant, "events": events, "generated": timezone.localtime()},
    )
