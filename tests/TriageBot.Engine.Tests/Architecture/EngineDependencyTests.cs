using System.Reflection;
using TriageBot.Engine.Decisions;

namespace TriageBot.Engine.Tests.Architecture;

public class EngineDependencyTests
{
    private static readonly string[] Forbidden =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Microsoft.Extensions.Http",
        "Microsoft.Data.Sqlite",
        "Microsoft.Data.SqlClient",
        "System.Data.SQLite",
        "SQLitePCLRaw",
        "Npgsql",
        "Dapper",
        "Microsoft.IdentityModel",
        "System.IdentityModel",
        "TriageBot.Slack",
        "TriageBot.Teams",
        "TriageBot.Storage",
        "TriageBot.Host",
        "TriageBot.Reporting",
        "TriageBot.Cli",
        "TriageBot.Api",
        "Polly",
        "Serilog",
        // Models and LLM clients live behind ports in their own projects.
        "TriageBot.Embeddings",
        "TriageBot.Llm",
        "Microsoft.ML",
        "SentenceTransformers",
        "Microsoft.Extensions.AI",
        "OpenAI",
        "OllamaSharp",
    ];

    private static readonly Assembly EngineAssembly = typeof(TriageEngine).Assembly;

    [Fact]
    public void EngineAssembly_ReferencesNoWebHttpDatabaseIdentityOrChatAssembly()
    {
        var references = EngineAssembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        var offending = references.Where(r => Forbidden.Any(f => r.StartsWith(f, StringComparison.OrdinalIgnoreCase))).ToList();

        Assert.True(offending.Count == 0, "The engine must stay BCL-only (plus YamlDotNet) but references: " + string.Join(", ", offending));
    }

    [Fact]
    public void EngineAssembly_ReferencesOnlyTheBclAndYamlDotNet()
    {
        var references = EngineAssembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty);

        var unexpected = references
            .Where(r => !(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib" or "YamlDotNet"
                || r.StartsWith("Microsoft.Win32", StringComparison.Ordinal)))
            .ToList();

        Assert.True(unexpected.Count == 0, "Unexpected engine references: " + string.Join(", ", unexpected));
    }

    [Fact]
    public void ForbiddenList_CatchesAnAspNetCoreReference()
    {
        // Guards the guard: the check itself must flag a forbidden name.
        var fake = new AssemblyName("Microsoft.AspNetCore.Http.Abstractions");
        Assert.Contains(Forbidden, f => fake.Name!.StartsWith(f, StringComparison.OrdinalIgnoreCase));
    }
}
