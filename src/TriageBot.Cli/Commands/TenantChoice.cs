using TriageBot.Engine.Ports;

namespace TriageBot.Cli.Commands;

/// <summary>
/// Which tenant a command reads when <c>--tenant</c> is not given: the only tenant that holds requests or time for the
/// Lead; when several do, the user is asked to choose (exit 2 with the list); when none does, <see cref="Fallback"/>.
/// </summary>
internal static class TenantChoice
{
    /// <summary>The tenant of the playground and the CLI, used when no tenant has data for the Lead.</summary>
    public const string Fallback = TenantKey.LocalValue;

    /// <summary>
    /// The tenant a <c>--tenant</c> value names, in its stored form (<see cref="TenantKey"/>: the scheme in lower case);
    /// null when none was given. A malformed key is a usage error.
    /// </summary>
    public static string? Given(string? given)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return null;
        }

        return TenantKey.TryParse(given, out var key, out var error) ? key.ToString() : throw new CliUsageException("--tenant: " + error);
    }

    /// <summary>The tenant to use, and whether it holds data for the Lead (false only for the fallback).</summary>
    public static async Task<(string Tenant, bool HasData)> ResolveAsync(string? given, string leadId, IRequestStore requests, ITimeLedger ledger, CancellationToken ct)
    {
        if (Given(given) is { } chosen)
        {
            return (chosen, true);
        }

        var tenants = (await requests.ListTenantsForLeadAsync(leadId, ct))
            .Union(await ledger.ListTenantsForLeadAsync(leadId, ct), TenantKey.StringComparer)
            .Order(TenantKey.StringComparer)
            .ToList();
        return tenants.Count switch
        {
            0 => (Fallback, false),
            1 => (tenants[0], true),
            _ => throw new CliUsageException(
                $"{leadId} has requests or time in {tenants.Count} tenants: {string.Join(", ", tenants)}; choose one with --tenant, e.g. --tenant {tenants[0]}"),
        };
    }
}
