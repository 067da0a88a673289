using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.UseCases;
using TriageBot.Storage;

namespace TriageBot.Cli.Tests;

/// <summary>Runs the CLI's entry point in-process against a temp folder, an explicit environment and a fake clock.</summary>
internal sealed class CliHarness : IDisposable
{
    /// <summary>Wednesday of ISO week 2026-W48 (also Wednesday in America/Sao_Paulo, the sample Lead's zone).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    public CliHarness(bool withDatabaseConfig = true)
    {
        Directory.CreateDirectory(Dir);
        Environment["TriageBot__Org__Path"] = SampleOrg;
        // Like the other test hosts: words only, no sentence model to load in every run.
        Environment["TriageBot__Understanding__Embeddings"] = "false";
        if (withDatabaseConfig)
        {
            Environment["TriageBot__Storage__Provider"] = "sqlite";
            Environment["TriageBot__Storage__ConnectionString"] = $"Data Source={DatabaseFile}";
        }
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "triagebot-cli-tests", Guid.NewGuid().ToString("N"));

    public string DatabaseFile => Path.Combine(Dir, "data", "triagebot.db");

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public FakeTimeProvider Time { get; } = new(Now);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SampleOrg => Path.Combine(RepoRoot, "deploy", "sample", "org.yaml");

    public string PathOf(string name) => Path.Combine(Dir, name);

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, new CliContext(Dir, Dir, Environment, Time));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Opens the same database the CLI is configured with, and the use cases over it, to seed data.</summary>
    public async Task<(IStorage Storage, TriageUseCases UseCases)> OpenAsync()
    {
        var options = new StorageOptions { Provider = "sqlite", ConnectionString = $"Data Source={DatabaseFile}" };
        var storage = await StorageFactory.OpenAsync(options, Time);
        var org = OrgParser.LoadFile(SampleOrg);
        Assert.True(org.IsValid, "sample org must be valid");
        var useCases = new TriageUseCases(new StaticOrgProvider(org.Directory!, SampleOrg), DecisionPolicy.Default, storage.Requests, storage.Ledger, storage.LeadSettings, Time);
        return (storage, useCases);
    }

    /// <summary>What the engine's use cases say when <paramref name="leadId"/> is unknown or not a Lead of the sample org.</summary>
    public static string RefusalFor(string leadId)
    {
        var org = OrgParser.LoadFile(SampleOrg).Directory!;
        return Assert.Throws<TriageUserException>(() => TriageUseCases.RequireLead(org, leadId)).Message;
    }

    /// <summary>Every request of every status sent to <paramref name="leadId"/> in a tenant, and the Lead's time entries.</summary>
    public async Task<(int Requests, int Entries)> CountAsync(string tenant, string leadId = "ana")
    {
        var (storage, _) = await OpenAsync();
        await using (storage)
        {
            var from = Now.AddYears(-1);
            var to = Now.AddYears(1);
            return ((await storage.Requests.ListForLeadAsync(tenant, leadId, from, to)).Count, (await storage.Ledger.ListForLeadAsync(tenant, leadId, from, to)).Count);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        // Built with --artifacts-path outside the checkout: walk up from the project folder recorded at build time.
        var projectDir = typeof(CliHarness).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        for (var dir = projectDir is null ? null : new DirectoryInfo(projectDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above " + AppContext.BaseDirectory);
    }
}

internal sealed record CliRun(int Code, string Out, string Err)
{
    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
