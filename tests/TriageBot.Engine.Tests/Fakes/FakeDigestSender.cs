using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>Records the digests it is asked to send; the result (or a failure) is scripted per call.</summary>
public sealed class FakeDigestSender(Platform platform) : IDigestSender
{
    private readonly object _gate = new();
    private readonly List<(string Tenant, Person Lead, DigestMessage Message)> _sent = [];

    public Platform Platform { get; } = platform;

    /// <summary>Decides each call's outcome; throwing simulates a transient failure. Default: sent.</summary>
    public Func<string, Person, DigestSendResult> Behaviour { get; set; } = (_, _) => DigestSendResult.Sent;

    public IReadOnlyList<(string Tenant, Person Lead, DigestMessage Message)> Sent
    {
        get
        {
            lock (_gate)
            {
                return _sent.ToList();
            }
        }
    }

    public Task<DigestSendResult> SendAsync(string tenant, Person lead, DigestMessage message, CancellationToken ct = default)
    {
        var result = Behaviour(tenant, lead);
        if (result == DigestSendResult.Sent)
        {
            lock (_gate)
            {
                _sent.Add((tenant, lead, message));
            }
        }

        return Task.FromResult(result);
    }
}
