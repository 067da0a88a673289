namespace TriageBot.Teams.Tests.Support;

/// <summary>Loads the recorded activities under Fixtures/.</summary>
internal static class Fixtures
{
    public static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    /// <summary>A fixture with its serviceUrl pointed at <paramref name="serviceUrl"/> and placeholders replaced.</summary>
    public static string Load(string name, string serviceUrl, Guid? requestId = null)
    {
        var json = Load(name).Replace("https://smba.trafficmanager.net/amer/", serviceUrl, StringComparison.Ordinal);
        return requestId is { } id ? json.Replace("{{requestId}}", id.ToString(), StringComparison.Ordinal) : json;
    }

    /// <summary>The repository root (the folder holding TriageBot.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("TriageBot.sln not found above the test binaries.");
    }
}
