using System.Text.Json.Nodes;

namespace TriageBot.Slack.App;

/// <summary>What to answer Slack: an HTTP status and body; over Socket Mode the JSON body becomes the ack payload.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Json">JSON body (response_action, ephemeral message…), or null.</param>
/// <param name="Text">Plain-text body, or null.</param>
public sealed record SlackAck(int Status, JsonNode? Json = null, string? Text = null)
{
    /// <summary>200, empty body.</summary>
    public static SlackAck Ok { get; } = new(200);

    /// <summary>200 with JSON.</summary>
    public static SlackAck WithJson(JsonNode json) => new(200, json);

    /// <summary>A 4xx with a short plain-text reason.</summary>
    public static SlackAck Client(int status, string reason) => new(status, Text: reason);
}

/// <summary>Enqueues the adapter's slow work in the durable queue.</summary>
public sealed class SlackOutbox
{
    private readonly Engine.Ports.IWorkQueue _queue;
    private readonly TimeProvider _time;

    /// <summary>Creates the outbox.</summary>
    public SlackOutbox(Engine.Ports.IWorkQueue queue, TimeProvider time)
    {
        _queue = queue;
        _time = time;
    }

    /// <summary>Enqueues a message post (or ephemeral when <see cref="PostMessageWork.User"/> is set).</summary>
    public Task<bool> PostAsync(string tenant, PostMessageWork work, string? dedupKey = null, CancellationToken ct = default) =>
        EnqueueAsync(tenant, work.User is null ? SlackWorkKinds.PostMessage : SlackWorkKinds.PostEphemeral,
            System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.PostMessageWork), dedupKey, ct);

    /// <summary>Enqueues a POST to an interaction's response_url.</summary>
    public Task<bool> RespondAsync(string tenant, RespondWork work, CancellationToken ct = default) => RespondAsync(tenant, work, null, ct);

    /// <summary>Enqueues a POST to a response_url, once per <paramref name="dedupKey"/> when one is given.</summary>
    public Task<bool> RespondAsync(string tenant, RespondWork work, string? dedupKey, CancellationToken ct) =>
        EnqueueAsync(tenant, SlackWorkKinds.Respond, System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.RespondWork), dedupKey, ct);

    /// <summary>Enqueues a message update.</summary>
    public Task<bool> UpdateAsync(string tenant, UpdateMessageWork work, CancellationToken ct = default) =>
        EnqueueAsync(tenant, SlackWorkKinds.UpdateMessage, System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.UpdateMessageWork), null, ct);

    /// <summary>Enqueues a modal update (views.update).</summary>
    public Task<bool> UpdateViewAsync(string tenant, UpdateViewWork work, CancellationToken ct = default) =>
        EnqueueAsync(tenant, SlackWorkKinds.UpdateView, System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.UpdateViewWork), null, ct);

    /// <summary>Enqueues an App Home refresh.</summary>
    public Task<bool> PublishHomeAsync(string tenant, string userId, string? dedupKey = null, CancellationToken ct = default) =>
        EnqueueAsync(tenant, SlackWorkKinds.PublishHome, System.Text.Json.JsonSerializer.Serialize(new PublishHomeWork { UserId = userId }, Protocol.SlackJsonContext.Default.PublishHomeWork), dedupKey, ct);

    /// <summary>
    /// Enqueues a <c>/triage</c> request to read after the ack. Slack does not redeliver slash commands, so every ack is
    /// its own item; the triage itself is idempotent on the trigger id.
    /// </summary>
    public Task<bool> SlashCommandAsync(string tenant, SlashCommandWork work, CancellationToken ct = default) =>
        EnqueueAsync(tenant, SlackCommandWorkHandler.Kind, System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.SlashCommandWork), null, ct);

    /// <summary>Enqueues a digest delivery.</summary>
    public Task<bool> SendDigestAsync(string tenant, SendDigestWork work, CancellationToken ct = default) =>
        EnqueueAsync(tenant, SlackWorkKinds.SendDigest, System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.SendDigestWork), null, ct);

    /// <summary>Enqueues the upload of a digest's chart (once per <paramref name="dedupKey"/>).</summary>
    public Task<bool> DigestChartAsync(string tenant, DigestChartWork work, string dedupKey, CancellationToken ct = default) =>
        EnqueueAsync(tenant, SlackWorkKinds.DigestChart, System.Text.Json.JsonSerializer.Serialize(work, Protocol.SlackJsonContext.Default.DigestChartWork), dedupKey, ct);

    private Task<bool> EnqueueAsync(string tenant, string kind, string payload, string? dedupKey, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        return _queue.EnqueueAsync(new Engine.Ports.WorkItem(Guid.CreateVersion7(now), tenant, kind, payload, 0, now, now, dedupKey), ct);
    }
}
