from xml.etree import ElementTree

from indicators.charts import Line, line_chart_svg

NS = "{http://www.w3.org/2000/svg}"


def test_chart_is_valid_svg_with_values_target_and_benchmarks():
    svg = line_chart_svg(
        [("Aug 2009", 25), ("Sep 2009", 40), ("Oct 2009", None), ("Nov 2009", 10)],
        title="NI 64 <Child Protection Plans>",
        target=Line("Target 2009/10", 5),
        benchmarks=[Line("England 2008/09", 6), Line("London 2008/09", 8)],
        percentage=True,
    )
    root = ElementTree.fromstring(svg)
    assert root.find(f"{NS}title").text == "NI 64 <Child Protection Plans>"  # escaped in the markup
    assert "Oct 2009: no data" in root.find(f"{NS}desc").text
    assert len(root.findall(f"{NS}circle")) == 3  # no point for the no-data month
    assert len(root.findall(f"{NS}polyline")) == 1  # the line breaks at the gap; Nov stands alone
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert "Target 2009/10 5%" in labels and "England 2008/09 6%" in labels
    assert "&lt;Child" in svg and "<Child" not in svg


def test_chart_without_figures_says_so():
    root = ElementTree.fromstring(line_chart_svg([("Aug 2009", None)], title="NI 51"))
    assert "No data yet" in [t.text for t in root.iter(f"{NS}text")]


def test_higher_values_are_drawn_higher():
    root = ElementTree.fromstring(line_chart_svg([("a", 10), ("b", 90)], title="t"))
    first, second = root.findall(f"{NS}circle")
    assert float(second.get("cy")) < float(first.get("cy"))
