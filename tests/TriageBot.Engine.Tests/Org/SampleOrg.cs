using TriageBot.Engine.Org;

namespace TriageBot.Engine.Tests.Org;

/// <summary>The shipped sample org (deploy/sample/org.yaml), found by walking up from the test binaries.</summary>
public static class SampleOrg
{
    /// <summary>Full path of the sample org file.</summary>
    public static string Path { get; } = Find();

    private static readonly Lazy<OrgDirectory> Loaded = new(() =>
    {
        var result = OrgParser.LoadFile(Path);
        if (!result.IsValid)
        {
            throw new InvalidOperationException("Sample org is invalid: " + string.Join("; ", result.Problems));
        }

        return result.Directory!;
    });

    /// <summary>The parsed sample org.</summary>
    public static OrgDirectory Directory => Loaded.Value;

    private static string Find([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        // This source file sits in the repository; the test binaries may not (--artifacts-path).
        var fromSource = System.IO.Path.GetDirectoryName(thisFile) is { Length: > 0 } sourceDir ? WalkUp(sourceDir) : null;
        return fromSource ?? WalkUp(AppContext.BaseDirectory) ?? WalkUp(Environment.CurrentDirectory)
            ?? throw new FileNotFoundException("deploy/sample/org.yaml not found above " + thisFile + " or " + AppContext.BaseDirectory);
    }

    private static string? WalkUp(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "deploy", "sample", "org.yaml");
            if (File.Exists(candidate))
            {
                return candidate;
            }

            dir = dir.Parent;
        }

        return null;
    }
}
