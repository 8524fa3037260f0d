from dashboards.charts import caseload_chart, employment_rate_chart


def test_employment_rate_chart_draws_the_three_benchmarks_without_script():
    svg = employment_rate_chart(title="Rate", labels=["K1 2025", "K2 2025"], rates=[40.0, None])
    assert svg.lstrip().startswith("<svg") and "<?xml" not in svg
    assert "<script" not in svg
    for benchmark in ("31 %", "41 %", "50 %"):
        assert benchmark in svg  # named in the legend, not only by colour
    assert "40 %" in svg  # the value printed on the point
    assert "stroke-dasharray" in svg


def test_caseload_chart_names_the_thresholds_and_bars_over_them():
    rows = [{"name": "Anne", "count": 22}, {"name": "Bo", "count": 27}, {"name": "Cy", "count": 4}]
    svg = caseload_chart(title="Portefølje", rows=rows, warning=20, limit=25)
    assert "<script" not in svg
    assert "20 varsel" in svg and "25 brudd" in svg
    assert "Anne (over varselgrensen)" in svg
    assert "Bo (over bruddgrensen)" in svg
    assert ">Cy<" in svg


def _texts(svg: str) -> list[str]:
    import re

    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_benchmark_lines_differ_from_gridlines_and_are_labelled_in_full():
    import re

    svg = employment_rate_chart(title="Rate", labels=["K1", "K2", "K3"], rates=[20.0, 40.0, 45.0])
    texts = _texts(svg)
    for label in ("Minimum (31 %)", "Gjennomsnitt (41 %)", "Svært godt (50 %)"):
        assert label in texts  # the whole legend entry, never cut
    for value in ("31 %", "41 %", "50 %"):
        assert value in texts  # labelled on the axis beside the line
    assert not any("…" in t for t in texts)
    # Gridlines are solid and light; benchmark lines are dashed.
    dashes = set(re.findall(r"stroke-dasharray:\s*([^;}\"]+)", svg))
    assert dashes == {"0", "2,4", "8,4", "14,4,2,4"}


def test_fully_suppressed_chart_says_why_in_text():
    from dashboards.charts import empty_reason
    from dashboards.display import Figure

    figures = [Figure("< 5", None, suppressed=True), Figure("< 5", None, suppressed=True)]
    reason = empty_reason(figures)
    assert reason == "Ingen tall å vise: alle verdier er under 5 og skjules."
    svg = employment_rate_chart(title="Rate", labels=["K1", "K2"], rates=[None, None], empty=reason)
    assert reason in " ".join(_texts(svg))
    assert "Minimum (31 %)" not in svg  # no reference lines around nothing
    assert empty_reason([Figure("–", None)]) == "Ingen tall å vise for denne perioden."
    assert empty_reason([Figure("40 %", 40.0)]) is None
