namespace TriageBot.Engine.Org;

/// <summary>Gives the current org directory (loaded from the org file) and the problems found in it.</summary>
public interface IOrgProvider
{
    /// <summary>The current directory (empty when the file is invalid).</summary>
    OrgDirectory Directory { get; }

    /// <summary>Problems found in the org file, with line numbers.</summary>
    IReadOnlyList<OrgProblem> Problems { get; }

    /// <summary>Where the org came from (file path).</summary>
    string Source { get; }
}

/// <summary>An org provider over a fixed directory (tests, CLI).</summary>
/// <param name="directory">The directory.</param>
/// <param name="source">Where it came from.</param>
public sealed class StaticOrgProvider(OrgDirectory directory, string source = "(in memory)") : IOrgProvider
{
    /// <inheritdoc />
    public OrgDirectory Directory { get; } = directory;

    /// <inheritdoc />
    public IReadOnlyList<OrgProblem> Problems { get; } = [];

    /// <inheritdoc />
    public string Source { get; } = source;
}
