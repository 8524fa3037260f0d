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
