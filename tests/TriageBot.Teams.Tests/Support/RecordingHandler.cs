namespace TriageBot.Teams.Tests.Support;

/// <summary>Records the exact request URIs a client sends (WireMock logs them decoded).</summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private readonly List<string> _uris = [];

    public IReadOnlyList<string> Uris
    {
        get
        {
            lock (_uris)
            {
                return _uris.ToList();
            }
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_uris)
        {
            _uris.Add(request.RequestUri!.AbsoluteUri);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
