import io
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from ips.pdf import PdfResourceError, html_to_pdf


def _fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]  # a PDF dictionary; pypdf types it loosely
        for font in resources["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_the_shared_stylesheet_is_read_from_the_static_files_without_a_request():
    with_sheet = html_to_pdf('<link rel="stylesheet" href="/static/css/pdf.css"><p>Blåbær</p>')
    without = html_to_pdf("<p>Blåbær</p>")
    assert any(name.endswith("+DejaVu-Sans") for name in _fonts(with_sheet))
    assert not any(name.endswith("+DejaVu-Sans") for name in _fonts(without))


def test_a_missing_static_file_stops_the_pdf():
    with pytest.raises(PdfResourceError, match="css/missing.css"):
        html_to_pdf('<link rel="stylesheet" href="/static/css/missing.css"><p>x</p>')


def test_nothing_is_fetched_from_another_host():
    with pytest.raises(PdfResourceError, match="not a static file"):
        html_to_pdf('<img src="http://127.0.0.1:9/logo.png" alt="">')


def test_data_uris_are_used_as_they_are():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
        "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    assert html_to_pdf(f'<img src="{pixel}" alt="">').startswith(b"%PDF")


def test_every_pdf_template_takes_its_font_from_the_shared_stylesheet():
    templates = sorted((settings.BASE_DIR / "templates").glob("*/*_pdf.html"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert "{% static 'css/pdf.css' %}" in text, path
        assert "font-family" not in text, path
