using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Host.Observability;

/// <summary>Health check tags: "live" checks say the process runs, "ready" checks say it can serve (adapters add their own "ready" checks).</summary>
public static class HealthTags
{
    /// <summary>Liveness.</summary>
    public const string Live = "live";

    /// <summary>Readiness.</summary>
    public const string Ready = "ready";
}

/// <summary>Ready when the database is reachable and every migration is applied.</summary>
internal sealed class StorageReadinessCheck(IStorageMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await migrator.IsReadyAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("database reachable, migrations applied")
                : HealthCheckResult.Unhealthy("database reachable but migrations are pending (run 'triagebot db migrate' or restart one instance)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception text may name servers or files; keep it in the log, not in the public answer.
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}

/// <summary>
/// Not ready when the org file was broken from the start (no valid org at all: every triage would fail with "I don't
/// know a Lead called …", hiding the real cause). Degraded, still ready, when a reload has problems and the last valid
/// org is in use, or when the org is valid but empty (a fresh deployment's placeholder: Slack's URL check must still
/// reach the bot while the org is being written).
/// </summary>
internal sealed class OrgHealthCheck(IOrgProvider org) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var directory = org.Directory;
        var problems = org.Problems.Count;
        if (directory.People.Count == 0)
        {
            return Task.FromResult(problems > 0
                ? HealthCheckResult.Unhealthy($"no org loaded: the org file has {problems} problem(s); see the log or the playground's Org tab")
                : HealthCheckResult.Degraded("the org is empty: add people, teams and topics to the org file"));
        }

        return Task.FromResult(problems == 0
            ? HealthCheckResult.Healthy($"{directory.People.Count} people, {directory.Topics.Count} topics")
            : HealthCheckResult.Degraded($"the org file has {problems} problem(s), the last valid org is in use; see the log or the playground's Org tab"));
    }
}

/// <summary>Writes a short JSON health report without exception details.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
