using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Org;
using TriageBot.Host.Configuration;

namespace TriageBot.Host.Org;

/// <summary>
/// The org directory loaded from the org file, reloaded when the file changes. When a reload finds problems the last valid
/// directory stays in use (the bot keeps working) and the problems are logged and shown in the playground's Org tab.
/// </summary>
/// <remarks>
/// The watcher listens to the whole folder, not only to the file's name: a Kubernetes ConfigMap volume updates
/// <c>org.yaml</c> (a symlink to <c>..data/org.yaml</c>) by creating a new timestamped folder and atomically renaming a
/// new <c>..data</c> symlink over the old one, so no event ever names <c>org.yaml</c>. Any change in the folder re-reads the
/// file and reloads only when its content hash differs from the loaded one.
/// </remarks>
public sealed partial class FileOrgProvider : IOrgProvider, IDisposable
{
    private readonly ILogger<FileOrgProvider> _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Lock _gate = new();
    private Timer? _debounce;
    private volatile Snapshot _current;

    public FileOrgProvider(IOptions<OrgOptions> options, HostPaths paths, ILogger<FileOrgProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _logger = logger;
        var path = paths.Find(options.Value.Path)
            ?? throw new OptionsValidationException(OrgOptions.Section, typeof(OrgOptions), [NotFoundMessage(options.Value.Path, paths)]);
        Source = path;
        _current = Load(path, previous: null);

        if (options.Value.Watch)
        {
            try
            {
                _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!)
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.CreationTime,
                };
                _watcher.Changed += (_, _) => ScheduleReload();
                _watcher.Created += (_, _) => ScheduleReload();
                _watcher.Deleted += (_, _) => ScheduleReload();
                _watcher.Renamed += (_, _) => ScheduleReload();
                _watcher.EnableRaisingEvents = true;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
            {
                // Watching is a convenience (e.g. inotify limits); the org still loads.
                LogWatchUnavailable(_logger, path, ex.Message);
            }
        }
    }

    /// <inheritdoc />
    public OrgDirectory Directory => _current.Directory;

    /// <inheritdoc />
    public IReadOnlyList<OrgProblem> Problems => _current.Problems;

    /// <inheritdoc />
    public string Source { get; }

    /// <summary>How many times the file has been read (1 after start-up).</summary>
    public int Generation => _current.Generation;

    /// <summary>The message for a missing org file, naming the key.</summary>
    internal static string NotFoundMessage(string configured, HostPaths paths) =>
        $"TriageBot:Org:Path: the org file '{configured}' was not found (looked in: {string.Join(", ", paths.Candidates(configured))}). " +
        "Put the path of your org YAML file there, or remove the key to use the sample org deploy/sample/org.yaml.";

    /// <summary>Reads the file again now (also called by the watcher, debounced).</summary>
    public void Reload()
    {
        lock (_gate)
        {
            _current = Load(Source, _current);
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private void ScheduleReload()
    {
        // Editors write a file in several steps; wait for them to settle.
        lock (_gate)
        {
            _debounce?.Dispose();
            _debounce = new Timer(_ => SafeReload(), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        }
    }

    private void SafeReload()
    {
        try
        {
            ReloadIfChanged();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogReloadFailed(_logger, Source, ex.Message);
        }
    }

    /// <summary>Reads the file (through any symlinks) and reloads when its content differs from the loaded one.</summary>
    private void ReloadIfChanged()
    {
        lock (_gate)
        {
            var bytes = TryRead(Source);
            if (bytes is not null && string.Equals(Hash(bytes), _current.Hash, StringComparison.Ordinal))
            {
                return;
            }

            _current = Load(Source, _current, bytes);
        }
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private Snapshot Load(string path, Snapshot? previous, byte[]? bytes = null)
    {
        bytes ??= TryRead(path);
        OrgParseResult result;
        if (bytes is null)
        {
            // Missing or unreadable: the parser reports why.
            result = OrgParser.LoadFile(path);
        }
        else
        {
            using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            result = OrgParser.Parse(reader.ReadToEnd(), path);
        }

        var hash = bytes is null ? null : Hash(bytes);
        var generation = (previous?.Generation ?? 0) + 1;
        if (result.IsValid)
        {
            var d = result.Directory!;
            LogLoaded(_logger, path, d.Topics.Count, d.People.Count, d.Teams.Count);
            return new Snapshot(d, [], generation, hash);
        }

        foreach (var problem in result.Problems)
        {
            LogProblem(_logger, path, problem.Line, problem.Column, problem.Message);
        }

        if (previous is not null && previous.Directory.People.Count > 0)
        {
            LogKeptPrevious(_logger, path, result.Problems.Count);
            return new Snapshot(previous.Directory, result.Problems, generation, hash);
        }

        LogEmpty(_logger, path, result.Problems.Count);
        return new Snapshot(result.Directory ?? OrgDirectory.Empty, result.Problems, generation, hash);
    }

    private sealed record Snapshot(OrgDirectory Directory, IReadOnlyList<OrgProblem> Problems, int Generation, string? Hash);

    [LoggerMessage(1, LogLevel.Information, "Org loaded from {OrgPath}: {Topics} topics, {People} people, {Teams} teams")]
    private static partial void LogLoaded(ILogger logger, string orgPath, int topics, int people, int teams);

    [LoggerMessage(2, LogLevel.Error, "Org file {OrgPath} line {Line}, column {Column}: {Problem}")]
    private static partial void LogProblem(ILogger logger, string orgPath, int line, int column, string problem);

    [LoggerMessage(3, LogLevel.Warning, "Org file {OrgPath} has {Count} problem(s); the previous valid org stays in use until they are fixed")]
    private static partial void LogKeptPrevious(ILogger logger, string orgPath, int count);

    [LoggerMessage(4, LogLevel.Error, "Org file {OrgPath} has {Count} problem(s); the org is empty until they are fixed (see the playground's Org tab or run 'triagebot org validate')")]
    private static partial void LogEmpty(ILogger logger, string orgPath, int count);

    [LoggerMessage(5, LogLevel.Warning, "Cannot watch {OrgPath} for changes ({Reason}); restart to pick up edits")]
    private static partial void LogWatchUnavailable(ILogger logger, string orgPath, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Reloading {OrgPath} failed ({Reason}); the current org stays in use")]
    private static partial void LogReloadFailed(ILogger logger, string orgPath, string reason);
}
