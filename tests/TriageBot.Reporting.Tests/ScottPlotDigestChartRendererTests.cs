using System.Buffers.Binary;
using ScottPlot;
using ScottPlot.Plottables;
using SkiaSharp;

namespace TriageBot.Reporting.Tests;

public class ScottPlotDigestChartRendererTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static (int Width, int Height) PngSize(byte[] png)
    {
        // IHDR is always the first chunk: 8-byte signature, 4-byte length, "IHDR", then width and height big-endian.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    private static int CountPixels(byte[] png, Color color, int tolerance = 2)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var count = 0;
        foreach (var p in bitmap.Pixels)
        {
            if (Math.Abs(p.Red - color.R) <= tolerance && Math.Abs(p.Green - color.G) <= tolerance && Math.Abs(p.Blue - color.B) <= tolerance)
            {
                count++;
            }
        }

        return count;
    }

    [Fact]
    public void RenderPng_CraftedDigest_IsPngOf800By450()
    {
        var png = new ScottPlotDigestChartRenderer().RenderPng(DigestSamples.Busy());

        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal((800, 450), PngSize(png));
    }

    [Fact]
    public async Task RenderPng_SharedRendererFromManyThreads_AllValid()
    {
        // The host registers one renderer as a singleton for the digest dispatcher, Slack, Teams and the playground.
        var renderer = new ScottPlotDigestChartRenderer();
        var digests = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? DigestSamples.Busy(budget: i) : DigestSamples.Empty()).ToList();

        var images = await Task.WhenAll(digests.Select(d => Task.Run(() => renderer.RenderPng(d))));

        Assert.All(images, png => Assert.Equal((800, 450), PngSize(png)));
    }

    [Fact]
    public void RenderPng_CustomSize_UsesIt()
    {
        var png = new ScottPlotDigestChartRenderer(1000, 600).RenderPng(DigestSamples.Busy());

        Assert.Equal((1000, 600), PngSize(png));
    }

    [Fact]
    public void RenderPng_CraftedDigest_PaintsEveryHelpKindAsBars()
    {
        var busy = new ScottPlotDigestChartRenderer().RenderPng(DigestSamples.Busy());
        var empty = new ScottPlotDigestChartRenderer().RenderPng(DigestSamples.Empty());

        // The legend swatch shows each colour in both images; only real bars add thousands of pixels.
        foreach (var color in new[] { ScottPlotDigestChartRenderer.TeachColor, ScottPlotDigestChartRenderer.DoColor, ScottPlotDigestChartRenderer.ReviewColor })
        {
            Assert.True(CountPixels(busy, color) > CountPixels(empty, color) + 1000, $"bars of {color} not drawn");
        }
    }

    [Fact]
    public void RenderPng_WithBudget_DrawsBudgetLine()
    {
        var withBudget = new ScottPlotDigestChartRenderer().RenderPng(DigestSamples.Busy(budget: 6));
        var withoutBudget = new ScottPlotDigestChartRenderer().RenderPng(DigestSamples.Busy(budget: 0));

        // Anti-aliased dashes over ~500 px: a few hundred near-exact pixels; nothing of that colour without a budget.
        Assert.True(CountPixels(withBudget, ScottPlotDigestChartRenderer.BudgetColor, tolerance: 30) > 300);
        Assert.Equal(0, CountPixels(withoutBudget, ScottPlotDigestChartRenderer.BudgetColor, tolerance: 30));
    }

    [Fact]
    public void RenderPng_ZeroHoursWeek_RendersValidImage()
    {
        var png = new ScottPlotDigestChartRenderer().RenderPng(DigestSamples.Empty());

        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal((800, 450), PngSize(png));
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(800, bitmap.Width);
    }

    [Fact]
    public void RenderPng_NoDailyRowsAndNoBudget_StillRenders()
    {
        var digest = DigestSamples.Empty() with { Daily = [], BudgetHours = 0 };

        var png = new ScottPlotDigestChartRenderer().RenderPng(digest);

        Assert.Equal((800, 450), PngSize(png));
        Assert.Equal(0, CountPixels(png, ScottPlotDigestChartRenderer.BudgetColor));
    }

    [Fact]
    public void Build_CraftedDigest_StacksKindsPerDay()
    {
        using var plot = ScottPlotDigestChartRenderer.Build(DigestSamples.Busy());

        var bars = plot.GetPlottables().OfType<BarPlot>().SelectMany(b => b.Bars).ToList();
        // Wednesday (position 2): teach 0..2, review 2..2.75, no empty do segment.
        var wednesday = bars.Where(b => b.Position == 2).OrderBy(b => b.ValueBase).ToList();
        Assert.Equal(2, wednesday.Count);
        Assert.Equal((0, 2), (wednesday[0].ValueBase, wednesday[0].Value));
        Assert.Equal((2, 2.75), (wednesday[1].ValueBase, wednesday[1].Value));
        Assert.Equal(ScottPlotDigestChartRenderer.TeachColor, wednesday[0].FillColor);
        Assert.Equal(ScottPlotDigestChartRenderer.ReviewColor, wednesday[1].FillColor);
        Assert.Equal(9, bars.Sum(b => b.Value - b.ValueBase), 6);
    }

    [Fact]
    public void Build_Budget6_DrawsLineAtBudgetPerWeekdayOverMondayToFriday()
    {
        using var plot = ScottPlotDigestChartRenderer.Build(DigestSamples.Busy(budget: 6));

        var line = Assert.Single(plot.GetPlottables().OfType<LinePlot>());
        Assert.Equal(1.2, line.Start.Y, 6);
        Assert.Equal(1.2, line.End.Y, 6);
        Assert.True(line.Start.X < 0 && line.End.X is > 4 and < 5);
        Assert.Contains(plot.Legend.ManualItems, i => i.LabelText == "Budget per weekday (1.2 h)");
    }

    [Fact]
    public void Build_ZeroHoursWeek_NoBarsAndSaysSo()
    {
        using var plot = ScottPlotDigestChartRenderer.Build(DigestSamples.Empty());

        Assert.Empty(plot.GetPlottables().OfType<BarPlot>());
        Assert.Contains(plot.GetPlottables().OfType<Text>(), t => t.LabelText.Contains("No help time", StringComparison.Ordinal));
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Top > limits.Bottom);
    }

    [Fact]
    public void Build_Always_LabelsDaysMondayFirstAndLegendHasThreeKinds()
    {
        using var plot = ScottPlotDigestChartRenderer.Build(DigestSamples.Empty());
        using var image = plot.GetImage(800, 450); // ticks are generated at render time

        var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label).ToList();
        Assert.Equal(["Mon 23 Nov", "Tue 24 Nov", "Wed 25 Nov", "Thu 26 Nov", "Fri 27 Nov", "Sat 28 Nov", "Sun 29 Nov"], ticks);
        Assert.Equal(["Teach", "Do", "Review"], plot.Legend.ManualItems.Take(3).Select(i => i.LabelText));
    }

    [Fact]
    public void Title_OverBudget_NamesLeadWeekAndShare()
    {
        Assert.Equal("Ana Lima — help time 2026-W48 · 9 h of 6 h budget (150%)", ScottPlotDigestChartRenderer.Title(DigestSamples.Busy()));
        Assert.Equal("Ana Lima — help time 2026-W48 · 0 h (no budget set)", ScottPlotDigestChartRenderer.Title(DigestSamples.Empty() with { BudgetHours = 0 }));
    }

    [Fact]
    public void Title_VeryLongName_TruncatedSoFiguresStayVisible()
    {
        var title = ScottPlotDigestChartRenderer.Title(DigestSamples.Busy() with { LeadName = new string('x', 120) });

        Assert.StartsWith(new string('x', 39) + "…", title, StringComparison.Ordinal);
        Assert.EndsWith("9 h of 6 h budget (150%)", title, StringComparison.Ordinal);
    }

    [Fact]
    public void SevenDays_MissingDays_FilledWithZeroMondayFirst()
    {
        var digest = DigestSamples.Empty() with { Daily = [new(DigestSamples.Monday.AddDays(3), 1, 0, 0)] };

        var days = ScottPlotDigestChartRenderer.SevenDays(digest);

        Assert.Equal(7, days.Count);
        Assert.Equal(DayOfWeek.Monday, days[0].Day.DayOfWeek);
        Assert.Equal(1, days[3].Teach);
        Assert.Equal(1, days.Sum(d => d.Total));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1.2, 1.5)]
    [InlineData(2.75, 4)]
    [InlineData(9, 12)]
    [InlineData(14, 20)]
    public void NiceTop_Max_LeavesHeadroomOnRoundNumber(double max, double expected)
    {
        Assert.Equal(expected, ScottPlotDigestChartRenderer.NiceTop(max));
    }

    [Fact]
    public void ChartFonts_OnDebian_RegisteredExactlyWhenDejaVuInstalled()
    {
        // CI installs fonts-dejavu-core; without it the chart still renders but with Skia's fallback face.
        var installed = File.Exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(installed, ChartFonts.Available);
        }
    }
}
