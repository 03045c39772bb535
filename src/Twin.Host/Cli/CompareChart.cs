using System.Globalization;
using System.Security;
using System.Text;

namespace Twin.Host.Cli;

/// <summary>
/// Draws the comparison as SVG: one group per metric that any variant measured, one bar per
/// variant. Metrics have different units, so each group is scaled to its own largest value and
/// every bar carries its number.
/// </summary>
internal static class CompareChart
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    private const int BarWidth = 18;
    private const int GroupGap = 28;
    private const int PlotHeight = 220;
    private const int Top = 40;
    private const int Left = 20;

    /// <summary>The chart for <paramref name="report"/> as an SVG document.</summary>
    public static string Draw(CompareReport report)
    {
        var metrics = report.Metrics.Where(m => report.Variants.Any(v => v.Metrics[m.Key] is > 0)).ToList();
        var n = Math.Max(1, report.Variants.Count);
        // Wide enough for the metric's label under it, however few variants there are.
        var groupWidth = Math.Max(130, n * BarWidth + GroupGap);
        var width = Math.Max(480, Left * 2 + metrics.Count * groupWidth);
        var legendTop = Top + PlotHeight + 70;
        var height = legendTop + 20 * report.Variants.Count + 10;
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        sb.AppendLine(Inv($"<title>{Esc(report.Scenario)}: design variants over {Esc(report.Until)}</title>"));
        sb.AppendLine(Inv($"<text x=\"{Left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Esc(report.Scenario)}: design variants over {Esc(report.Until)}</text>"));
        sb.AppendLine(Inv($"<line x1=\"{Left}\" y1=\"{Top + PlotHeight}\" x2=\"{width - Left}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>"));
        for (var g = 0; g < metrics.Count; g++)
        {
            var m = metrics[g];
            var max = report.Variants.Max(v => v.Metrics[m.Key] ?? 0);
            var x0 = Left + g * groupWidth + (groupWidth - n * BarWidth) / 2;
            sb.AppendLine(Inv($"<g class=\"metric\" data-key=\"{Esc(m.Key)}\">"));
            for (var i = 0; i < report.Variants.Count; i++)
            {
                var value = report.Variants[i].Metrics[m.Key];
                var h = value is { } v && max > 0 ? Math.Max(1, v / max * PlotHeight) : 0;
                var x = x0 + i * BarWidth;
                var y = Top + PlotHeight - h;
                sb.AppendLine(Inv($"<rect class=\"bar\" data-variant=\"{Esc(report.Variants[i].Name)}\" x=\"{x}\" y=\"{y:0.##}\" width=\"{BarWidth - 2}\" height=\"{h:0.##}\" fill=\"{Palette[i % Palette.Length]}\"><title>{Esc(report.Variants[i].Name)}: {CompareReport.Format(value)} {Esc(m.Unit)}</title></rect>"));
                sb.AppendLine(Inv($"<text x=\"{x + (BarWidth - 2) / 2.0:0.#}\" y=\"{y - 3:0.##}\" text-anchor=\"middle\" font-size=\"9\">{(value is null ? "–" : CompareReport.Format(value))}</text>"));
            }
            var cx = x0 + n * BarWidth / 2.0;
            sb.AppendLine(Inv($"<text x=\"{cx:0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\">{Esc(m.Label)}</text>"));
            sb.AppendLine(Inv($"<text x=\"{cx:0.#}\" y=\"{Top + PlotHeight + 30}\" text-anchor=\"middle\" fill=\"#666\">({Esc(m.Unit)})</text>"));
            sb.AppendLine("</g>");
        }
        for (var i = 0; i < report.Variants.Count; i++)
        {
            var y = legendTop + i * 20;
            sb.AppendLine(Inv($"<rect x=\"{Left}\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{Palette[i % Palette.Length]}\"/>"));
            sb.AppendLine(Inv($"<text x=\"{Left + 18}\" y=\"{y}\">{Esc(report.Variants[i].Name)} — expectations {report.Variants[i].Expectations.Passed} passed, {report.Variants[i].Expectations.Failed} failed</text>"));
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Esc(string s) => SecurityElement.Escape(s);
}
