using System.Globalization;
using ScottPlot;
using TriageBot.Engine.Digest;

namespace TriageBot.Reporting;

/// <summary>
/// Renders the weekly digest chart with ScottPlot: hours per local day (Monday first) stacked by help kind,
/// with the budget spread over the working week as a dashed line.
/// </summary>
/// <remarks>
/// Why a per-weekday budget line rather than a cumulative one: the bars are per day, so a line on the same
/// scale (weekly budget ÷ 5, drawn over Monday–Friday only) can be read against every bar at a glance, while a
/// cumulative line would soon tower over the daily bars and squash them. The week's total against the whole
/// budget is stated in the title instead.
/// </remarks>
public sealed class ScottPlotDigestChartRenderer : IDigestChartRenderer
{
    // Okabe–Ito palette: distinguishable with the common colour-vision deficiencies and in greyscale.
    internal static readonly Color TeachColor = Color.FromHex("#0072B2"); // blue
    internal static readonly Color DoColor = Color.FromHex("#E69F00"); // orange
    internal static readonly Color ReviewColor = Color.FromHex("#009E73"); // bluish green
    internal static readonly Color BudgetColor = Color.FromHex("#CC3311"); // vermillion, dashed

    private const int WorkingDays = 5;

    /// <summary>Creates a renderer producing images of the given size.</summary>
    /// <param name="width">Width in pixels (default 800).</param>
    /// <param name="height">Height in pixels (default 450).</param>
    public ScottPlotDigestChartRenderer(int width = 800, int height = 450)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        Width = width;
        Height = height;
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <inheritdoc />
    public byte[] RenderPng(WeeklyDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        using var plot = Build(digest);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Builds the plot (exposed to tests so they can inspect its content).</summary>
    internal static Plot Build(WeeklyDigest digest)
    {
        _ = ChartFonts.Available; // registers the TTF files once
        var days = SevenDays(digest);
        var plot = new Plot();

        var bars = new List<Bar>();
        double maxTotal = 0;
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            double bottom = 0;
            foreach (var (hours, color) in new[] { (day.Teach, TeachColor), (day.Do, DoColor), (day.Review, ReviewColor) })
            {
                if (hours <= 0)
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = i,
                    ValueBase = bottom,
                    Value = bottom + hours,
                    FillColor = color,
                    LineWidth = 0,
                    Size = 0.7,
                });
                bottom += hours;
            }

            maxTotal = Math.Max(maxTotal, bottom);
        }

        if (bars.Count > 0)
        {
            plot.Add.Bars(bars);
        }

        var perWeekday = digest.BudgetHours > 0 ? digest.BudgetHours / WorkingDays : 0;
        var top = NiceTop(Math.Max(maxTotal, perWeekday));

        // The budget line goes before the value labels so a label sitting on it stays readable (labels have a white backing).
        if (perWeekday > 0)
        {
            var line = plot.Add.Line(-0.45, perWeekday, WorkingDays - 1 + 0.45, perWeekday);
            line.LineColor = BudgetColor;
            line.LineWidth = 2.5f;
            line.LinePattern = LinePattern.Dashed;
            line.MarkerSize = 0;
        }

        // Total above each bar, so exact figures need no gridline reading.
        for (var i = 0; i < days.Count; i++)
        {
            var total = days[i].Total;
            if (total <= 0)
            {
                continue;
            }

            var label = plot.Add.Text(FormatHours(total), i, total);
            label.LabelAlignment = Alignment.LowerCenter;
            label.LabelFontSize = 13;
            label.LabelBold = true;
            label.LabelFontColor = Colors.Black.WithAlpha(0.85);
            label.LabelFontName = ChartFonts.Family;
            label.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
            label.LabelPadding = 2;
            label.OffsetY = -3;
        }

        if (maxTotal <= 0)
        {
            var empty = plot.Add.Text("No help time logged this week", (days.Count - 1) / 2.0, top / 2);
            empty.LabelAlignment = Alignment.MiddleCenter;
            empty.LabelFontSize = 16;
            empty.LabelFontColor = Colors.Gray;
            empty.LabelFontName = ChartFonts.Family;
        }

        // Legend: always all three kinds (a colour key that changes week to week would mislead), plus the budget line.
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Teach", FillColor = TeachColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Do", FillColor = DoColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Review", FillColor = ReviewColor });
        if (perWeekday > 0)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = string.Create(CultureInfo.InvariantCulture, $"Budget per weekday ({FormatHours(perWeekday)})"),
                LineColor = BudgetColor,
                LineWidth = 2.5f,
                LinePattern = LinePattern.Dashed,
            });
        }

        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.TightHorizontalWrapping = true;
        plot.Legend.FontSize = 13;
        plot.Legend.FontName = ChartFonts.Family;
        plot.Legend.SetBestFontOnEachRender = false; // otherwise the legend re-detects a font per render and may pick a serif face

        var positions = Enumerable.Range(0, days.Count).Select(i => (double)i).ToArray();
        var labels = days.Select(d => d.Day.ToString("ddd d MMM", CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.SetTicks(positions, labels);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.SetLimits(-0.6, days.Count - 0.4, 0, top);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Color = Colors.Black.WithAlpha(0.12);

        plot.YLabel("Help hours", 14);
        plot.XLabel(string.Create(CultureInfo.InvariantCulture, $"Day ({digest.TimeZone})"), 13);
        plot.Title(Title(digest), 16);

        // Last, so every label above (title, legend, ticks) uses the family; the files were registered by ChartFonts.
        plot.Font.Set(ChartFonts.Family);
        return plot;
    }

    /// <summary>"Ana Lima — 2026-W48 · 7.5 h of 6 h budget (125%)".</summary>
    internal static string Title(WeeklyDigest digest)
    {
        var budget = digest.BudgetHours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{FormatHours(digest.HoursSpent)} of {FormatHours(digest.BudgetHours)} budget ({Math.Round(100 * digest.HoursSpent / digest.BudgetHours):0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{FormatHours(digest.HoursSpent)} (no budget set)");
        // A very long display name would push the figures out of an 800-px title.
        var name = digest.LeadName.Length > 40 ? digest.LeadName[..39].TrimEnd() + "…" : digest.LeadName;
        return string.Create(CultureInfo.InvariantCulture, $"{name} — help time {digest.IsoWeek} · {budget}");
    }

    internal static string FormatHours(double hours) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(hours, 2):0.##} h");

    /// <summary>The seven local days Monday..Sunday: the digest's own when it has them, zero days filled in otherwise.</summary>
    internal static IReadOnlyList<DailyHours> SevenDays(WeeklyDigest digest)
    {
        var byDay = new Dictionary<DateOnly, DailyHours>();
        foreach (var d in digest.Daily)
        {
            byDay[d.Day] = d;
        }

        return Enumerable.Range(0, 7)
            .Select(i => digest.WeekStart.AddDays(i))
            .Select(day => byDay.TryGetValue(day, out var hours) ? hours : new DailyHours(day, 0, 0, 0))
            .ToList();
    }

    /// <summary>An axis top with headroom for the value labels: a round number of hours above the highest bar or line.</summary>
    internal static double NiceTop(double max)
    {
        if (max <= 0)
        {
            return 2;
        }

        var withRoom = max * 1.2;
        var step = withRoom <= 2 ? 0.5 : withRoom <= 5 ? 1 : withRoom <= 12 ? 2 : 5;
        return Math.Ceiling(withRoom / step) * step;
    }
}
