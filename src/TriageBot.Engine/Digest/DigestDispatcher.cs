using System.Collections.Concurrent;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Digest;

/// <summary>The outcome of one digest delivery, for the host's logs and metrics.</summary>
/// <param name="tenant">Tenant key.</param>
/// <param name="leadId">Lead id.</param>
/// <param name="isoWeek">ISO week.</param>
/// <param name="status">Recorded status (Sent, Skipped, Failed).</param>
/// <param name="detail">Why (send result or error).</param>
/// <param name="error">The exception for failures.</param>
public sealed class DigestDeliveryEventArgs(string tenant, string leadId, string isoWeek, DigestDeliveryStatus status, string? detail, Exception? error) : EventArgs
{
    /// <summary>Tenant key.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>Lead id.</summary>
    public string LeadId { get; } = leadId;

    /// <summary>ISO week.</summary>
    public string IsoWeek { get; } = isoWeek;

    /// <summary>Recorded status.</summary>
    public DigestDeliveryStatus Status { get; } = status;

    /// <summary>Why (send result or error message).</summary>
    public string? Detail { get; } = detail;

    /// <summary>The exception for failures.</summary>
    public Exception? Error { get; } = error;
}

/// <summary>
/// Sends the weekly digests that are due. For each active tenant (from the delivery store and the installations; the
/// "local" playground tenant is skipped) and each Lead in the org: when their digest day and time has come in their
/// timezone (or was missed while the bot was down, see <see cref="DigestPlanner"/>), claims the (tenant, lead, week)
/// delivery — exactly one instance wins — builds the digest, renders text and chart, sends it through the tenant's
/// platform sender and records the outcome: Sent; Skipped when the Lead blocked the app or cannot be reached; Failed on
/// an error, so a later run claims and retries it.
/// </summary>
public sealed class DigestDispatcher
{
    private const int MaxDetailLength = 500;
    private const int MaxSettledKeys = 100_000;

    private readonly IOrgProvider _org;
    private readonly ITriageUseCases _useCases;
    private readonly IDigestDeliveryStore _deliveries;
    private readonly IInstallationStore? _installations;
    private readonly IReadOnlyList<IDigestSender> _senders;
    private readonly IDigestChartRenderer? _chart;
    private readonly TimeProvider _time;
    private readonly DigestDefaults _defaults;

    // (tenant, lead, week) deliveries known to be settled (sent or skipped): no need to ask the store again.
    private readonly ConcurrentDictionary<string, bool> _settled = new(StringComparer.Ordinal);

    /// <summary>Creates the dispatcher.</summary>
    public DigestDispatcher(
        IOrgProvider org,
        ITriageUseCases useCases,
        IDigestDeliveryStore deliveries,
        IInstallationStore? installations,
        IEnumerable<IDigestSender> senders,
        IDigestChartRenderer? chart,
        TimeProvider time,
        DigestDefaults? defaults = null)
    {
        _org = org ?? throw new ArgumentNullException(nameof(org));
        _useCases = useCases ?? throw new ArgumentNullException(nameof(useCases));
        _deliveries = deliveries ?? throw new ArgumentNullException(nameof(deliveries));
        _installations = installations;
        _senders = (senders ?? throw new ArgumentNullException(nameof(senders))).ToList();
        _chart = chart;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _defaults = defaults ?? DigestDefaults.Default;
    }

    /// <summary>How long a claim is held while building and sending; a crashed instance's claim is retried after it. Default 10 minutes.</summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How late a missed digest of the previous week is still sent. Default 3 days.</summary>
    public TimeSpan CatchUpWindow { get; init; } = DigestPlanner.DefaultCatchUpWindow;

    /// <summary>Raised after each delivery attempt this instance claimed.</summary>
    public event EventHandler<DigestDeliveryEventArgs>? DeliveryCompleted;

    /// <summary>The platform a tenant's digests go out on (<see cref="TenantKey"/>); null for "local", unknown schemes and malformed keys.</summary>
    public static Platform? PlatformOf(string tenant) =>
        TenantKey.TryParse(tenant, out var key) && key.Platform is Platform.Slack or Platform.Teams ? key.Platform : null;

    /// <summary>Sends every digest due now. Returns how many were sent.</summary>
    public async Task<int> RunDueAsync(string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var tenants = new SortedSet<string>(await _deliveries.ListActiveTenantsAsync(ct), TenantKey.StringComparer);
        if (_installations is not null)
        {
            foreach (var installation in await _installations.ListAsync(ct))
            {
                tenants.Add(installation.Tenant);
            }
        }

        var leads = _org.Directory.Leads.ToList();
        var sent = 0;
        foreach (var tenant in tenants)
        {
            ct.ThrowIfCancellationRequested();
            if (PlatformOf(tenant) is not { } platform)
            {
                continue;
            }

            var sender = _senders.FirstOrDefault(s => s.Platform == platform);
            if (sender is null)
            {
                continue;
            }

            foreach (var lead in leads)
            {
                sent += await RunLeadAsync(tenant, lead, sender, owner, ct);
            }
        }

        if (_settled.Count > MaxSettledKeys)
        {
            _settled.Clear();
        }

        return sent;
    }

    private async Task<int> RunLeadAsync(string tenant, Person lead, IDigestSender sender, string owner, CancellationToken ct)
    {
        EffectiveLeadSettings settings;
        try
        {
            settings = await _useCases.GetSettingsAsync(tenant, lead.Id, ct);
        }
        catch (TriageUserException)
        {
            // The org changed under us; fall back to the org file and the defaults.
            settings = new EffectiveLeadSettings(lead.HelpBudgetHours ?? 0, lead.Digest?.Day ?? _defaults.Day, lead.Digest?.Time ?? _defaults.Time, lead.TimeZone);
        }

        var zone = TimeZones.FindOrUtc(settings.TimeZone);
        var now = _time.GetUtcNow();
        var sent = 0;
        foreach (var week in DigestPlanner.DueWeeks(now, settings.DigestDay, settings.DigestTime, zone, CatchUpWindow))
        {
            var weekId = week.ToString();
            var key = $"{tenant}\n{lead.Id}\n{weekId}";
            if (_settled.ContainsKey(key))
            {
                continue;
            }

            if (!await _deliveries.TryClaimAsync(tenant, lead.Id, weekId, owner, now, now + ClaimLease, ct))
            {
                if (await _deliveries.GetStatusAsync(tenant, lead.Id, weekId, ct) is DigestDeliveryStatus.Sent or DigestDeliveryStatus.Skipped)
                {
                    _settled.TryAdd(key, true);
                }

                continue;
            }

            var status = await DeliverAsync(tenant, lead, weekId, sender, ct);
            if (status is DigestDeliveryStatus.Sent or DigestDeliveryStatus.Skipped)
            {
                _settled.TryAdd(key, true);
            }

            if (status == DigestDeliveryStatus.Sent)
            {
                sent++;
            }
        }

        return sent;
    }

    private async Task<DigestDeliveryStatus> DeliverAsync(string tenant, Person lead, string week, IDigestSender sender, CancellationToken ct)
    {
        DigestDeliveryStatus status;
        string? detail;
        Exception? error = null;
        try
        {
            var digest = await _useCases.BuildDigestAsync(tenant, lead.Id, week, ct);
            var text = DigestTextRenderer.Render(digest);
            var png = DigestCharts.TryRenderPng(_chart, digest);

            var result = await sender.SendAsync(tenant, lead, new DigestMessage(digest, text, png), ct);
            status = result == DigestSendResult.Sent ? DigestDeliveryStatus.Sent : DigestDeliveryStatus.Skipped;
            detail = result.ToString();
        }
        catch (OperationCanceledException ex) when (ct.IsCancellationRequested)
        {
            await CompleteAsync(tenant, lead.Id, week, DigestDeliveryStatus.Failed, "cancelled (shutting down)", ex);
            throw;
        }
        catch (Exception ex)
        {
            status = DigestDeliveryStatus.Failed;
            detail = $"{ex.GetType().Name}: {ex.Message}";
            error = ex;
        }

        await CompleteAsync(tenant, lead.Id, week, status, detail, error);
        return status;
    }

    private async Task CompleteAsync(string tenant, string leadId, string week, DigestDeliveryStatus status, string? detail, Exception? error)
    {
        if (detail is { Length: > MaxDetailLength })
        {
            detail = detail[..MaxDetailLength];
        }

        // Recorded even when shutting down, so the claim does not wait for its lease to expire.
        await _deliveries.CompleteAsync(tenant, leadId, week, status, detail, _time.GetUtcNow(), CancellationToken.None);
        try
        {
            DeliveryCompleted?.Invoke(this, new DigestDeliveryEventArgs(tenant, leadId, week, status, detail, error));
        }
        catch (Exception)
        {
            // Observers never change the outcome.
        }
    }
}
