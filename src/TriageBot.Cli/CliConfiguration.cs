using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.UseCases;
using TriageBot.Storage;

namespace TriageBot.Cli;

/// <summary>
/// The same configuration the host reads: root <c>appsettings.json</c> (from the current directory, else the executable's
/// folder), then environment variables such as <c>TriageBot__Storage__ConnectionString</c>.
/// Relative paths are resolved like the host does: current directory first, then the executable's folder.
/// </summary>
internal sealed class CliConfiguration
{
    public const string OrgPathKey = "TriageBot:Org:Path";
    public const string DefaultOrgPath = "deploy/sample/org.yaml";
    public const string DataDirectoryKey = "TriageBot:DataDirectory";

    private readonly CliContext _context;

    private CliConfiguration(CliContext context, IConfiguration configuration, string? settingsFile)
    {
        _context = context;
        Configuration = configuration;
        SettingsFile = settingsFile;
    }

    public IConfiguration Configuration { get; }

    /// <summary>The appsettings.json that was read, if any.</summary>
    public string? SettingsFile { get; }

    public static CliConfiguration Load(CliContext context)
    {
        var builder = new ConfigurationBuilder();
        var settingsFile = new[] { context.CurrentDirectory, context.BaseDirectory }
            .Select(dir => Path.Combine(dir, "appsettings.json"))
            .FirstOrDefault(File.Exists);
        if (settingsFile is not null)
        {
            builder.AddJsonFile(settingsFile, optional: false, reloadOnChange: false);
        }

        // Same key mapping as the environment-variable provider ("__" separates sections), and, as in the host, an empty
        // value counts as not set (a key left empty in .env keeps the appsettings.json value).
        var variables = context.Environment
            ?? System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        builder.AddInMemoryCollection(variables
            .Where(kv => !string.IsNullOrEmpty(kv.Value))
            .Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)));

        IConfiguration configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new CliUsageException($"{settingsFile} is not valid JSON: {ex.Message}");
        }

        return new CliConfiguration(context, configuration, settingsFile);
    }

    /// <summary>
    /// The decision policy (<c>TriageBot:Policy</c>) bound and checked as the host does at start-up: a value that is not a
    /// number or out of range is a one-line error naming the key.
    /// </summary>
    public DecisionPolicy Policy()
    {
        var policy = new DecisionPolicy();
        try
        {
            Configuration.GetSection(DecisionPolicy.Section).Bind(policy);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key: "Failed to convert configuration value at 'TriageBot:Policy:…' to type …".
            throw new CliUsageException(ex.Message);
        }

        var problems = policy.Validate();
        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(" ", problems));
        }

        return policy;
    }

    /// <summary>The understanding weights and switches (<c>TriageBot:Understanding</c>), as the host binds them.</summary>
    public static Engine.Understanding.UnderstandingOptions Understanding(CliContext context)
    {
        var options = new Engine.Understanding.UnderstandingOptions();
        try
        {
            Load(context).Configuration.GetSection("TriageBot:Understanding").Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUsageException($"TriageBot:Understanding: {ex.Message}");
        }

        return options;
    }

    /// <summary>Finds a file given on the command line or in configuration: absolute, or relative to the current directory, then the executable's folder.</summary>
    public string? FindFile(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return File.Exists(path) ? path : null;
        }

        return new[] { _context.CurrentDirectory, _context.BaseDirectory }
            .Select(root => Path.GetFullPath(Path.Combine(root, path)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Output files are written relative to the current directory.</summary>
    public string OutputPath(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(_context.CurrentDirectory, path));

    /// <summary>Loads the org: <paramref name="explicitPath"/> (from <c>--org</c>) or <c>TriageBot:Org:Path</c>, default the sample org.</summary>
    public (OrgDirectory Directory, string Path) LoadOrg(string? explicitPath)
    {
        var configured = explicitPath ?? Configuration[OrgPathKey];
        var path = string.IsNullOrWhiteSpace(configured) ? DefaultOrgPath : configured.Trim();
        var found = FindFile(path)
            ?? throw new CliUsageException(explicitPath is null
                ? $"org file not found: {path} (set {OrgPathKey} or pass --org FILE)"
                : $"org file not found: {path}");
        var result = OrgParser.LoadFile(found);
        if (!result.IsValid || result.Directory is null)
        {
            var first = result.Problems.Count > 0 ? $"; first: {result.Problems[0]}" : string.Empty;
            throw new CliUsageException($"org file {path} has {result.Problems.Count} problem(s){first} (run: triagebot org validate {path})");
        }

        return (result.Directory, found);
    }

    /// <summary>Storage settings from <c>TriageBot:Storage</c>, with a relative SQLite data source made absolute from the current directory.</summary>
    public StorageOptions StorageOptions()
    {
        var options = new StorageOptions();
        Configuration.GetSection("TriageBot:Storage").Bind(options);
        if (IsSqlite(options))
        {
            // Like the host: without a connection string the database is triagebot.db in TriageBot:DataDirectory.
            var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(options.ConnectionString)
                ? $"Data Source={Path.Combine(DataDirectory(), "triagebot.db")}"
                : options.ConnectionString);
            if (!string.IsNullOrEmpty(builder.DataSource)
                && builder.DataSource != ":memory:"
                && builder.Mode != SqliteOpenMode.Memory
                && !Path.IsPathRooted(builder.DataSource))
            {
                // Microsoft.Data.Sqlite would resolve it against the process's directory; the CLI's is explicit.
                builder.DataSource = Path.GetFullPath(Path.Combine(_context.CurrentDirectory, builder.DataSource));
            }

            options.ConnectionString = builder.ToString();
        }

        return options;
    }

    /// <summary><c>TriageBot:DataDirectory</c> (default "data"), as configured (relative paths are resolved by the caller).</summary>
    private string DataDirectory() =>
        Configuration[DataDirectoryKey] is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured) ? configured.Trim() : "data";

    public static bool IsSqlite(StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.Provider) || options.Provider.Trim().Equals("sqlite", StringComparison.OrdinalIgnoreCase);

    public static bool IsPostgres(StorageOptions options) =>
        options.Provider?.Trim().ToLowerInvariant() is "postgres" or "postgresql" or "npgsql";

    /// <summary>The SQLite file of <paramref name="options"/>, or null when not SQLite (or in memory).</summary>
    public static string? SqliteFile(StorageOptions options)
    {
        if (!IsSqlite(options))
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" ? null : builder.DataSource;
    }

    /// <summary>Opens the configured storage (migrating it). Configuration mistakes become one-line errors naming the key.</summary>
    public async Task<IStorage> OpenStorageAsync(CancellationToken ct)
    {
        var options = StorageOptions();
        try
        {
            return await StorageFactory.OpenAsync(options, _context.Time, ct);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("TriageBot:Storage", StringComparison.Ordinal))
        {
            throw new CliUsageException(ex.Message);
        }
    }

    /// <summary>True when triage should read the store: PostgreSQL is configured, or the SQLite file already exists (a dry run never creates one).</summary>
    public bool StorageExists()
    {
        var options = StorageOptions();
        if (!IsSqlite(options))
        {
            return true;
        }

        var file = SqliteFile(options);
        return file is not null && File.Exists(file);
    }

    /// <summary><c>TriageBot:Digest:DefaultDay|DefaultTime</c>, like the host (Friday 16:00 when unset).</summary>
    public DigestDefaults ReadDigestDefaults()
    {
        var dayText = Configuration["TriageBot:Digest:DefaultDay"];
        var timeText = Configuration["TriageBot:Digest:DefaultTime"];
        var day = DigestDefaults.Default.Day;
        var time = DigestDefaults.Default.Time;
        if (!string.IsNullOrWhiteSpace(dayText) && !Enum.TryParse(dayText.Trim(), ignoreCase: true, out day))
        {
            throw new CliUsageException($"TriageBot:Digest:DefaultDay '{dayText}' is not a day name; use e.g. Friday");
        }

        if (!string.IsNullOrWhiteSpace(timeText)
            && !TimeOnly.TryParseExact(timeText.Trim(), ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
        {
            throw new CliUsageException($"TriageBot:Digest:DefaultTime '{timeText}' is not a time; use HH:mm, e.g. 16:00");
        }

        return new DigestDefaults(day, time);
    }
}
