using System.Text.Json;
using System.Text.RegularExpressions;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Tests.Fakes;

namespace TriageBot.Engine.Tests.Conversation;

/// <summary>The command menus the platforms show come from the app manifests: they must list what the command table defines.</summary>
public sealed class ManifestTests
{
    private static readonly ChatCommands Commands = new ConversationService(new UseCaseHarness().UseCases).Commands;

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("TriageBot.sln not found above the test binaries.");
    }

    [Fact]
    public void SlackManifest_UsageHint_IsTheCommandTablesSynopses()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoRoot(), "deploy", "slack", "manifest.yaml"));

        var hint = Regex.Match(manifest, "usage_hint: \"(?<hint>[^\"]*)\"").Groups["hint"].Value;

        Assert.Equal(Commands.UsageHint, hint);
    }

    [Fact]
    public void TeamsManifest_CommandLists_AreTheCommandTable()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "deploy", "teams", "manifest.json")));
        var lists = manifest.RootElement.GetProperty("bots")[0].GetProperty("commandLists").EnumerateArray().ToList();

        static IEnumerable<(string, string)> Listed(JsonElement list) => list.GetProperty("commands").EnumerateArray()
            .Select(c => (c.GetProperty("title").GetString()!, c.GetProperty("description").GetString()!));
        static (string, string) Expected(CommandDefinition c) => (c.Verb, $"{c.Synopsis}: {c.Summary}");

        var menu = Commands.All.Where(c => c.HasVerb && c.InMenus).ToList();
        var personal = lists.Single(l => l.GetProperty("scopes").EnumerateArray().Any(s => s.GetString() == "personal"));
        var shared = lists.Single(l => l.GetProperty("scopes").EnumerateArray().Any(s => s.GetString() == "team"));
        Assert.Equal(menu.Select(Expected), Listed(personal));
        // In a team or a group chat only what anyone may use is offered.
        Assert.Equal(menu.Where(c => c.Audience == Audience.Anyone).Select(Expected), Listed(shared));
        Assert.All(Listed(personal), c => Assert.True(c.Item2.Length <= 128, "Teams limits command descriptions to 128 characters"));
        Assert.True(menu.Count <= 10, "Teams shows at most 10 commands per list");
    }
}
