using CsCheck;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;

namespace TriageBot.Engine.Tests.Ledger;

public sealed class HelpDurationTests
{
    [Theory]
    [InlineData("30m", 30)]
    [InlineData("45min", 45)]
    [InlineData("45 mins", 45)]
    [InlineData("90", 90)]
    [InlineData("1h", 60)]
    [InlineData("2h", 120)]
    [InlineData("1h15m", 75)]
    [InlineData("1h15", 75)]
    [InlineData("1.5h", 90)]
    [InlineData("1,5h", 90)]
    [InlineData(".5h", 30)]
    [InlineData("1 h 30 min", 90)]
    [InlineData("1 hour and 30 minutes", 90)]
    [InlineData("2 hours", 120)]
    [InlineData("  1H15M  ", 75)]
    [InlineData("1:30", 90)]
    [InlineData("24h", 1440)]
    [InlineData("0.1h", 6)]
    [InlineData("1m", 1)]
    public void Parse_ValidText_ReturnsMinutes(string text, int expected)
    {
        Assert.Equal(expected, HelpDuration.Parse(text));
    }

    [Theory]
    [InlineData("0", "at least one minute")]
    [InlineData("0m", "at least one minute")]
    [InlineData("0.001h", "at least one minute")]
    [InlineData("-30m", "negative")]
    [InlineData("25h", "more than 24 hours")]
    [InlineData("24h1m", "more than 24 hours")]
    [InlineData("abc", "couldn't read")]
    [InlineData("30x", "couldn't read")]
    [InlineData("30m 1h", "couldn't read")]
    [InlineData("1h 2h", "couldn't read")]
    [InlineData("1:75", "couldn't read")]
    [InlineData("h", "couldn't read")]
    [InlineData("", "how long")]
    [InlineData("   ", "how long")]
    [InlineData("1h15m and then some more text that goes on", "couldn't read")]
    public void Parse_BadText_ThrowsFriendlyErrorNamingFormats(string text, string expectedFragment)
    {
        var ex = Assert.Throws<TriageUserException>(() => HelpDuration.Parse(text));
        Assert.Contains(expectedFragment, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("1h15m", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsTriageUserException()
    {
        Assert.Throws<TriageUserException>(() => HelpDuration.Parse(null));
    }

    [Theory]
    [InlineData(1, "1m")]
    [InlineData(45, "45m")]
    [InlineData(60, "1h")]
    [InlineData(75, "1h15m")]
    [InlineData(120, "2h")]
    [InlineData(1440, "24h")]
    [InlineData(0, "0m")]
    public void Format_Minutes_Compact(int minutes, string expected)
    {
        Assert.Equal(expected, HelpDuration.Format(minutes));
    }

    [Fact]
    public void Parse_ArbitraryText_NeverThrowsAnythingButTriageUserException()
    {
        Gen.String.Sample(text =>
        {
            try
            {
                var minutes = HelpDuration.Parse(text);
                Assert.InRange(minutes, 1, HelpDuration.MaxMinutes);
            }
            catch (TriageUserException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Parse_DurationLikeText_NeverThrowsAnythingButTriageUserException()
    {
        var piece = Gen.OneOfConst("1", "15", "0", "2.5", ",", ".", "h", "m", "min", "hours", " ", "and", ":", "30", "-", "x", "99999999");
        piece.Array[1, 8].Select(parts => string.Concat(parts)).Sample(text =>
        {
            try
            {
                Assert.InRange(HelpDuration.Parse(text), 1, HelpDuration.MaxMinutes);
            }
            catch (TriageUserException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void FormatThenParse_AnyValidMinutes_RoundTrips()
    {
        Gen.Int[1, HelpDuration.MaxMinutes].Sample(minutes => HelpDuration.Parse(HelpDuration.Format(minutes)) == minutes);
    }

    [Fact]
    public void FormatHours_OneDecimal()
    {
        Assert.Equal("4.5 h", HelpDuration.FormatHours(4.5));
        Assert.Equal("6 h", HelpDuration.FormatHours(6));
        Assert.Equal("1.3 h", HelpDuration.FormatHours(1.25));
    }
}
