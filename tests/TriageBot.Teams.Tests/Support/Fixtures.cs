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
    /// <remarks>Walks up from the test binaries, the working directory, then this source file (artifacts may live outside the repo).</remarks>
    public static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile) ?? string.Empty })
        {
            var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                dir = dir.Parent;
            }

            if (dir is not null)
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above the test binaries, the working directory or the test sources.");
    }
}
