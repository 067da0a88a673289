using System.Globalization;

namespace TriageBot.Host.Configuration;

/// <summary>Where the org file is (<c>TriageBot:Org</c>).</summary>
public sealed class OrgOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TriageBot:Org";

    /// <summary>Path of the org YAML file; relative paths are looked up in the content root, the current directory, then the app folder.</summary>
    public string Path { get; set; } = "deploy/sample/org.yaml";

    /// <summary>Reload the org when the file changes.</summary>
    public bool Watch { get; set; } = true;
}

/// <summary>Default digest schedule (<c>TriageBot:Digest</c>).</summary>
public sealed class DigestScheduleOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TriageBot:Digest";

    /// <summary>Day name, e.g. "Friday".</summary>
    public string DefaultDay { get; set; } = "Friday";

    /// <summary>Local time "HH:mm".</summary>
    public string DefaultTime { get; set; } = "16:00";

    /// <summary>The parsed day (call after validation).</summary>
    public DayOfWeek ParsedDay => Enum.Parse<DayOfWeek>(DefaultDay.Trim(), ignoreCase: true);

    /// <summary>The parsed time (call after validation).</summary>
    public TimeOnly ParsedTime => TimeOnly.ParseExact(DefaultTime.Trim(), ["H:mm", "HH:mm"], CultureInfo.InvariantCulture);
}

/// <summary>The local playground page (<c>TriageBot:Playground</c>).</summary>
public sealed class PlaygroundOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TriageBot:Playground";

    /// <summary>True/false; unset means on when no Slack or Teams credentials are configured.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>Background workers (<c>TriageBot:Workers</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TriageBot:Workers";

    /// <summary>Run the queue worker and the digest scheduler in this process (turn off for a web-only replica or in tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the queue is polled when nothing woke the worker.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claimed queue item stays leased without a heartbeat: how soon another worker takes over the items of a
    /// worker that died. Default 15 s.
    /// </summary>
    public TimeSpan QueueLease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a live worker renews the leases of the items it is running (at most half of <see cref="QueueLease"/>). Default 5 s.</summary>
    public TimeSpan QueueHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Queue items handled at the same time by this process. Default 64: an item mostly waits for the platform's answer
    /// (~100 ms from Slack), so 64 in flight allow ~600 replies/s; the adapters' clients keep the platforms' rate limits.
    /// </summary>
    public int QueueConcurrency { get; set; } = 64;

    /// <summary>
    /// Platform requests per second (Slack and Teams, counted over the last second) from which the queue worker yields
    /// the cores to acknowledgements: it then claims one item per <see cref="BusyClaimInterval"/> instead of filling every
    /// slot, so a burst is acknowledged at full speed and the replies follow once it is over. 0: never yield. Default
    /// 1,000: far above a workspace's normal traffic (and above the 100–200 events/s of the crash and PostgreSQL load
    /// scripts); a flood such as a redelivered backlog reaches it.
    /// </summary>
    public int YieldAbovePerSecond { get; set; } = 1_000;

    /// <summary>While yielding (see <see cref="YieldAbovePerSecond"/>), the pause between two claims of one item. Default 100 ms.</summary>
    public TimeSpan BusyClaimInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// This worker's identity for queue leases; it must survive restarts and differ between processes that run at the same
    /// time. Empty (default): the host name plus an id kept in the data directory (<c>worker-id</c>). On start a worker
    /// releases the leases its identity still holds, so what it was running when it died is retried at once.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>How often the digest scheduler looks for due digests.</summary>
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often queue depth and age are sampled for metrics.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often old bookkeeping rows are deleted (see the three retention settings).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long processed event ids are kept for deduplication (Slack and Teams retry within minutes).</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long completed queue items are kept (their dedup keys stay taken meanwhile).</summary>
    public TimeSpan CompletedWorkRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long dead queue items (attempts exhausted) are kept for inspection.</summary>
    public TimeSpan DeadWorkRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Top-level host settings directly under <c>TriageBot</c>.</summary>
public sealed class TriageBotHostOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TriageBot";

    /// <summary>Folder for the SQLite file and the Data Protection keys; relative to the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where Data Protection keys are kept: "file" (under the data directory, default with SQLite) or "database" (default with PostgreSQL, shared by replicas).</summary>
    public string? DataProtectionKeys { get; set; }

    /// <summary>
    /// True behind a TLS-terminating reverse proxy or ingress: the request's scheme and host are taken from
    /// <c>X-Forwarded-Proto</c> / <c>X-Forwarded-Host</c>, so links the bot builds (the Slack OAuth redirect URI, secure
    /// cookies) say https and the public host. <c>X-Forwarded-For</c> is never used: the loopback-only features (the
    /// playground, Teams without an app id) keep judging the real peer address.
    /// </summary>
    public bool BehindProxy { get; set; }
}
