using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A stateful in-memory <see cref="ILeadSettingsStore"/>.</summary>
public sealed class InMemoryLeadSettingsStore : ILeadSettingsStore
{
    private readonly Dictionary<(string, string), LeadSettings> _settings = [];

    public Task<LeadSettings?> GetAsync(string tenant, string leadId, CancellationToken ct = default)
    {
        lock (_settings)
        {
            return Task.FromResult(_settings.GetValueOrDefault((tenant, leadId)));
        }
    }

    public Task SaveAsync(LeadSettings settings, CancellationToken ct = default)
    {
        lock (_settings)
        {
            _settings[(settings.Tenant, settings.LeadId)] = settings;
        }

        return Task.CompletedTask;
    }
}
