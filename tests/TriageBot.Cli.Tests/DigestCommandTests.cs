using System.Text.Json;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Cli.Tests;

public sealed class DigestCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Three requests to ana this week: one taken with 1h30m teaching logged, one redirected, one clarified.</summary>
    private async Task SeedAsync(string tenant = "local")
    {
        var (storage, useCases) = await _cli.OpenAsync();
        await using (storage)
        {
            var taken = await useCases.TriageAsync(Request(tenant, "bea", "Beatriz Souza", "how do I set up a difference in differences analysis going forward?"));
            await useCases.TakeAsync(tenant, taken.Request.Id, "ana", "1h");
            await useCases.LogTimeAsync(tenant, "ana", "1h30m", taken.Request.Id, kind: HelpKind.Teach);

            var redirected = await useCases.TriageAsync(Request(tenant, "caio", "Caio, \"the intern\"", "can you restart the model endpoint for churn today?"));
            await useCases.RedirectAsync(tenant, redirected.Request.Id, "ana");

            var vague = await useCases.TriageAsync(Request(tenant, "bea", "Beatriz Souza", "hey, got a minute?"));
            await useCases.ClarifyAsync(tenant, vague.Request.Id, "ana");
        }
    }

    private static IncomingRequest Request(string tenant, string from, string name, string text) =>
        new(tenant, Platform.Local, "C1", null, null, from, name, "ana", text);

    [Fact]
    public async Task Digest_SeededDatabase_PrintsTextAndWritesPngAndCsv()
    {
        await SeedAsync();
        var png = _cli.PathOf("chart.png");
        var csv = _cli.PathOf("digest.csv");

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--png", png, "--csv", csv);

        Assert.Equal(0, run.Code);
        Assert.Equal(string.Empty, run.Err);
        Assert.Contains("Ana Lima", run.Out, StringComparison.Ordinal);
        Assert.Contains("2026-W48", run.Out, StringComparison.Ordinal);
        Assert.Contains($"Chart written to {png}", run.Out, StringComparison.Ordinal);
        Assert.Contains($"CSV written to {csv}", run.Out, StringComparison.Ordinal);

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.True(bytes.Length > 5_000);

        var text = await File.ReadAllTextAsync(csv);
        Assert.StartsWith("section,key,name,metric,value\r\n", text, StringComparison.Ordinal);
        Assert.Contains("summary,,,hours_spent,1.5\r\n", text, StringComparison.Ordinal);
        Assert.Contains("summary,,,received,3\r\n", text, StringComparison.Ordinal);
        Assert.Contains("kind,teach,Teach,hours,1.5\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_Json_CountsWhatWasSeeded()
    {
        await SeedAsync();

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--json", "--week", "2026-W48");

        Assert.Equal(0, run.Code);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.Equal("ana", root.GetProperty("leadId").GetString());
        Assert.Equal("2026-W48", root.GetProperty("isoWeek").GetString());
        Assert.Equal(1.5, root.GetProperty("hoursSpent").GetDouble());
        Assert.Equal(3, root.GetProperty("received").GetInt32());
        Assert.Equal(1, root.GetProperty("taken").GetInt32());
        Assert.Equal(1, root.GetProperty("redirected").GetInt32());
        Assert.Equal(1, root.GetProperty("clarified").GetInt32());
        Assert.Equal(7, root.GetProperty("daily").GetArrayLength());
        Assert.Equal("2026-11-23", root.GetProperty("weekStart").GetString());
    }

    [Fact]
    public async Task Digest_OtherWeek_IsEmpty()
    {
        await SeedAsync();

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--json", "--week", "2026-W40");

        Assert.Equal(0, run.Code);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("hoursSpent").GetDouble());
        Assert.Equal(0, doc.RootElement.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Digest_OtherTenant_SeesNothingOfLocal()
    {
        await SeedAsync();

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--json", "--tenant", "slack:T0OTHER");

        Assert.Equal(0, run.Code);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Digest_FreshDatabase_CreatesItAndRendersZeroWeek()
    {
        var png = _cli.PathOf("zero.png");

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--png", png);

        Assert.Equal(0, run.Code);
        Assert.True(File.Exists(_cli.DatabaseFile));
        Assert.True(new FileInfo(png).Length > 0);
    }

    [Fact]
    public async Task Digest_NoTenantGiven_UsesTheOnlyTenantWithDataForTheLead()
    {
        // As after "/triage log" through Slack: everything is under the workspace's tenant, nothing under "local".
        await SeedAsync("slack:T0001");

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--json", "--week", "2026-W48");

        Assert.Equal(0, run.Code);
        Assert.Equal(string.Empty, run.Err);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(1.5, doc.RootElement.GetProperty("hoursSpent").GetDouble());
        Assert.Equal(3, doc.RootElement.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Digest_NoTenantGivenAndSeveralWithData_Exit2ListingThem()
    {
        await SeedAsync("slack:T0001");
        await SeedAsync("local");

        var run = await _cli.RunAsync("digest", "--lead", "ana");

        Assert.Equal(2, run.Code);
        var line = Assert.Single(run.ErrLines);
        Assert.Contains("local, slack:T0001", line, StringComparison.Ordinal);
        Assert.Contains("--tenant", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Digest_TenantGivenWhenSeveralHaveData_UsesIt()
    {
        await SeedAsync("slack:T0001");
        await SeedAsync("local");

        var run = await _cli.RunAsync("digest", "--lead", "ana", "--json", "--tenant", "slack:T0001");

        Assert.Equal(0, run.Code);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Digest_NoTenantGivenAndNoData_SaysSoAndShowsLocal()
    {
        var run = await _cli.RunAsync("digest", "--lead", "ana", "--json");

        Assert.Equal(0, run.Code);
        var note = Assert.Single(run.ErrLines);
        Assert.Contains("no tenant has requests or time for ana", note, StringComparison.Ordinal);
        Assert.Contains("local", note, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Digest_NonLead_RefusedWithTheUseCaseWording()
    {
        var run = await _cli.RunAsync("digest", "--lead", "bea");

        Assert.Equal(2, run.Code);
        Assert.Equal($"error: {CliHarness.RefusalFor("bea")}", Assert.Single(run.ErrLines).TrimEnd());
        Assert.False(File.Exists(_cli.DatabaseFile), "refused before the database is opened");
    }
}
