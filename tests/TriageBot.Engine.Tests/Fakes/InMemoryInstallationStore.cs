using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A stateful in-memory <see cref="IInstallationStore"/>.</summary>
public sealed class InMemoryInstallationStore : IInstallationStore
{
    private readonly Dictionary<string, Installation> _items = new(StringComparer.Ordinal);

    public Task SaveAsync(Installation installation, CancellationToken ct = default)
    {
        lock (_items)
        {
            _items[installation.Tenant] = installation;
        }

        return Task.CompletedTask;
    }

    public Task<Installation?> GetAsync(string tenant, CancellationToken ct = default)
    {
        lock (_items)
        {
            return Task.FromResult(_items.GetValueOrDefault(tenant));
        }
    }

    public Task DeleteAsync(string tenant, CancellationToken ct = default)
    {
        lock (_items)
        {
            _items.Remove(tenant);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Installation>> ListAsync(CancellationToken ct = default)
    {
        lock (_items)
        {
            IReadOnlyList<Installation> result = _items.Values.ToList();
            return Task.FromResult(result);
        }
    }
}
