using System.Globalization;
using System.Text;
using CsCheck;
using TriageBot.Engine.Digest;

namespace TriageBot.Reporting.Tests;

public class DigestCsvTests
{
    /// <summary>A strict RFC 4180 reader, written for the tests, so what we write is checked by parsing it back.</summary>
    internal static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var quoted = false;
        while (i < csv.Length)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"') { quoted = false; i++; continue; }
                field.Append(c); i++; continue;
            }

            if (c == '"')
            {
                Assert.True(field.Length == 0, $"quote inside an unquoted field at {i}");
                quoted = true; i++; continue;
            }

            if (c == ',') { row.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c == '\r')
            {
                Assert.True(i + 1 < csv.Length && csv[i + 1] == '\n', "bare CR outside quotes");
                row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; i += 2; continue;
            }

            Assert.True(c != '\n', "bare LF outside quotes");
            field.Append(c); i++;
        }

        Assert.False(quoted, "unterminated quoted field");
        Assert.True(row.Count == 0 && field.Length == 0, "last record not terminated by CRLF");
        return rows;
    }

    private static List<string> Row(List<List<string>> rows, string section, string key, string metric) =>
        Assert.Single(rows, r => r[0] == section && r[1] == key && r[3] == metric);

    [Fact]
    public void Write_CraftedDigest_HeaderAndFiveFieldsEveryRow()
    {
        var rows = Parse(DigestCsv.Write(DigestSamples.Busy()));

        Assert.Equal(["section", "key", "name", "metric", "value"], rows[0]);
        Assert.All(rows, r => Assert.Equal(5, r.Count));
        Assert.Equal("9", Row(rows, "summary", "", "hours_spent")[4]);
        Assert.Equal("6", Row(rows, "summary", "", "budget_hours")[4]);
        Assert.Equal("2026-W48", Row(rows, "summary", "", "iso_week")[4]);
        Assert.Equal("0.75", Row(rows, "daily", "2026-11-25", "review")[4]);
        Assert.Equal("2.75", Row(rows, "daily", "2026-11-25", "total")[4]);
        Assert.Equal("Wednesday", Row(rows, "daily", "2026-11-25", "total")[2]);
        Assert.Equal("2.25", Row(rows, "kind", "do", "hours")[4]);
        Assert.Equal("5", Row(rows, "topic", "causal-inference", "requests")[4]);
        Assert.Equal("2", Row(rows, "redirected_to", "platform-ml", "count")[4]);
        Assert.Equal("6", Row(rows, "trend", "2026-W47", "hours")[4]);
        Assert.Equal("Over budget by 3 h.", Row(rows, "highlight", "1", "text")[4]);
        Assert.Equal(28, rows.Count(r => r[0] == "daily"));
    }

    [Fact]
    public void Write_NamesWithCommasQuotesAndNewlines_QuotedAndRoundTrip()
    {
        var digest = DigestSamples.Busy() with
        {
            LeadName = "Lima, Ana \"the stats\"",
            TopRequesters = [new RequesterCount("u1", "Stone, Bob", 2, 1), new RequesterCount("u2", "Jo \"JJ\" Doe", 1, 0.5), new RequesterCount("u3", "Two\r\nLines\nHere", 1, 0)],
            HoursByTopic = [new TopicHours("ab", "A/B tests, \"quick\"", 1, 1)],
        };

        var csv = DigestCsv.Write(digest);
        var rows = Parse(csv);

        Assert.Contains("\"Lima, Ana \"\"the stats\"\"\"", csv, StringComparison.Ordinal);
        Assert.Equal("Lima, Ana \"the stats\"", Row(rows, "summary", "", "lead_name")[4]);
        Assert.Equal("Stone, Bob", Row(rows, "requester", "u1", "requests")[2]);
        Assert.Equal("Jo \"JJ\" Doe", Row(rows, "requester", "u2", "requests")[2]);
        Assert.Equal("Two\r\nLines\nHere", Row(rows, "requester", "u3", "requests")[2]);
        Assert.Equal("A/B tests, \"quick\"", Row(rows, "topic", "ab", "hours")[2]);
        Assert.All(rows, r => Assert.Equal(5, r.Count));
    }

    [Fact]
    public void Write_FormulaLikeName_PrefixedWithApostrophe()
    {
        var digest = DigestSamples.Busy() with { TopRequesters = [new RequesterCount("u1", "=HYPERLINK(\"http://x\")", 1, 0), new RequesterCount("u2", "@mallory", 1, 0)] };

        var rows = Parse(DigestCsv.Write(digest));

        Assert.Equal("'=HYPERLINK(\"http://x\")", Row(rows, "requester", "u1", "requests")[2]);
        Assert.Equal("'@mallory", Row(rows, "requester", "u2", "requests")[2]);
    }

    [Fact]
    public void Write_CommaDecimalCulture_UsesInvariantNumbers()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var rows = Parse(DigestCsv.Write(DigestSamples.Busy()));
            Assert.Equal("0.225", Row(rows, "summary", "", "share_of_week")[4]);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Write_ZeroHoursWeek_StillHasSummaryAndSevenDays()
    {
        var rows = Parse(DigestCsv.Write(DigestSamples.Empty()));

        Assert.Equal("0", Row(rows, "summary", "", "hours_spent")[4]);
        Assert.Equal("0", Row(rows, "summary", "", "leverage")[4]);
        Assert.Equal(7, rows.Count(r => r[0] == "daily" && r[3] == "total"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("", "")]
    public void Quote_Field_Rfc4180(string field, string expected)
    {
        Assert.Equal(expected, DigestCsv.Quote(field));
    }

    [Fact]
    public void Write_ArbitraryNames_AlwaysParseBack()
    {
        Gen.String[Gen.OneOf(Gen.Char[' ', '~'], Gen.Char["\n\r\",=@-"])]
            .Array[1, 4]
            .Sample(names =>
            {
                var digest = DigestSamples.Busy() with
                {
                    TopRequesters = names.Select((n, i) => new RequesterCount("u" + i, n, i, 0)).ToList(),
                };
                var rows = Parse(DigestCsv.Write(digest));
                for (var i = 0; i < names.Length; i++)
                {
                    var expected = names[i].Length > 0 && names[i][0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + names[i] : names[i];
                    Assert.Equal(expected, Row(rows, "requester", "u" + i, "requests")[2]);
                }
            }, iter: 300);
    }
}
