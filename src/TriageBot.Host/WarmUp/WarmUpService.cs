using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Storage;

namespace TriageBot.Host.WarmUp;

/// <summary>Whether the warm-up after start has finished; <c>/readyz</c> is not ready until it has.</summary>
public sealed class WarmUpState
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the warm-up has run (whatever its steps' outcome).</summary>
    public bool IsComplete => _done.Task.IsCompleted;

    /// <summary>
    /// The longest the warm-up may keep <c>/readyz</c> not ready: past it the replica reports ready and the remaining
    /// steps finish in the background (on a starved machine a warm-up must not keep a replica out of service).
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>True when the deadline, not the last step, made the replica ready.</summary>
    public bool CutShort { get; private set; }

    /// <summary>How long it took, once complete.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Completes when the warm-up has run.</summary>
    public Task Completed => _done.Task;

    internal void Complete(TimeSpan elapsed, bool cutShort = false)
    {
        if (_done.Task.IsCompleted)
        {
            return;
        }

        Elapsed = elapsed;
        CutShort = cutShort;
        _done.TrySetResult();
    }
}

/// <summary>Not ready while the warm-up runs: a replica that answered its first acks cold took 1–3 s each.</summary>
internal sealed class WarmUpHealthCheck(WarmUpState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsComplete
            ? HealthCheckResult.Healthy($"warmed up in {state.Elapsed.TotalMilliseconds:F0} ms")
            : HealthCheckResult.Unhealthy("warming up: connections, statements and the triage path are being prepared"));
}

/// <summary>
/// Runs once the server listens: opens the database pool and prepares the hot statements (<see cref="IStorageWarmUp"/>),
/// runs dry-run triages (nothing stored) so the engine's and the stores' code is compiled, runs every adapter's
/// <see cref="IWarmUp"/> (the Slack acknowledgement path on synthetic, signed payloads) and sends this server a
/// request, then lets <c>/readyz</c> report ready. A step that fails is logged and skipped: the warm-up only makes the
/// first requests faster, it never keeps the bot from serving.
/// </summary>
internal sealed partial class WarmUpService(
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    WarmUpState state,
    TimeProvider time,
    ILogger<WarmUpService> logger) : BackgroundService
{
    /// <summary>Dry-run triages run at start (each compiles a little more of the path; later ones are fast).</summary>
    internal const int Triages = 3;

    private static readonly string[] Texts =
    [
        "warm-up: how should we set up the analysis for next quarter's launches?",
        "warm-up: can you grant me read access to the table today?",
        "warm-up: quick question about a query that fails",
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        try
        {
            await WhenStartedAsync(stoppingToken).ConfigureAwait(false);
            var steps = RunStepsAsync(stoppingToken);
            var deadline = Task.Delay(state.Deadline, time, stoppingToken);
            if (await Task.WhenAny(steps, deadline).ConfigureAwait(false) == deadline && !stoppingToken.IsCancellationRequested)
            {
                state.Complete(time.GetElapsedTime(started), cutShort: true);
                LogCutShort(logger, state.Deadline.TotalSeconds);
            }

            await steps.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (!state.IsComplete)
        {
            state.Complete(time.GetElapsedTime(started));
            LogDone(logger, state.Elapsed.TotalMilliseconds);
        }
    }

    private async Task RunStepsAsync(CancellationToken stoppingToken)
    {
        await StepAsync("storage", ct => services.GetService<IStorage>() is IStorageWarmUp storage ? storage.WarmUpAsync(ct) : Task.CompletedTask, stoppingToken).ConfigureAwait(false);
        await StepAsync("triage", TriageAsync, stoppingToken).ConfigureAwait(false);
        foreach (var warmUp in services.GetServices<IWarmUp>())
        {
            await StepAsync(warmUp.Name, warmUp.WarmUpAsync, stoppingToken).ConfigureAwait(false);
        }

        await StepAsync("http", HttpAsync, stoppingToken).ConfigureAwait(false);
    }

    private async Task WhenStartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task StepAsync(string name, Func<CancellationToken, Task> step, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            await step(ct).ConfigureAwait(false);
            LogStep(logger, name, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogStepFailed(logger, ex, name);
        }
    }

    // Dry runs (nothing stored) for a Lead of the org, under a tenant no platform uses.
    private async Task TriageAsync(CancellationToken ct)
    {
        var useCases = services.GetService<TriageUseCases>();
        var lead = services.GetService<IOrgProvider>()?.Directory.Leads.FirstOrDefault();
        if (useCases is null || lead is null)
        {
            return;
        }

        for (var i = 0; i < Triages; i++)
        {
            var request = new IncomingRequest("warmup:host", Platform.Slack, "warmup", null, null, "warmup", "Warm-up", lead.Id, Texts[i % Texts.Length]);
            _ = await useCases.EvaluateAsync(request, TriageEvaluationOptions.DryRun, ct).ConfigureAwait(false);
        }
    }

    // Requests through this server's own pipeline (Kestrel, routing, middleware), when it listens on an address: one
    // health check, then each adapter's own (signed Slack events the router ignores).
    private async Task HttpAsync(CancellationToken ct)
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("://+:", "://localhost:", StringComparison.Ordinal)
                .Replace("://*:", "://localhost:", StringComparison.Ordinal)
                .Replace("://[::]:", "://localhost:", StringComparison.Ordinal)
                .Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal), UriKind.Absolute, out var baseUri))
        {
            return;
        }

        using var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
        using (await client.GetAsync(new Uri("/healthz", UriKind.Relative), ct).ConfigureAwait(false))
        {
        }

        foreach (var warmUp in services.GetServices<IHttpWarmUp>())
        {
            await StepAsync(warmUp.Name + " (http)", c => SendAsync(client, warmUp.HttpRequests(), c), ct).ConfigureAwait(false);
        }
    }

    // One connection, in order, as a platform keeps one; anything but a success fails the step.
    private static async Task SendAsync(HttpClient client, IReadOnlyList<WarmUpRequest> requests, CancellationToken ct)
    {
        foreach (var r in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(r.Method), new Uri(r.Path, UriKind.Relative))
            {
                Content = new StringContent(r.Body, System.Text.Encoding.UTF8, r.ContentType),
            };
            foreach (var (name, value) in r.Headers)
            {
                request.Headers.Add(name, value);
            }

            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{r.Method} {r.Path} answered {(int)response.StatusCode} to the warm-up.");
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Warm-up done in {ElapsedMs:F0} ms: /readyz reports ready")]
    private static partial void LogDone(ILogger logger, double elapsedMs);

    [LoggerMessage(4, LogLevel.Warning, "Warm-up still running after {DeadlineSeconds:F0} s: /readyz reports ready; the remaining steps finish in the background")]
    private static partial void LogCutShort(ILogger logger, double deadlineSeconds);

    [LoggerMessage(2, LogLevel.Debug, "Warm-up step {Step} took {ElapsedMs:F0} ms")]
    private static partial void LogStep(ILogger logger, string step, double elapsedMs);

    [LoggerMessage(3, LogLevel.Warning, "Warm-up step {Step} failed; going on without it")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string step);
}
