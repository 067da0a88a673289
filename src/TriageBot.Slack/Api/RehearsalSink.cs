using System.Net;
using System.Text;
using TriageBot.Engine.Ports;

namespace TriageBot.Slack.Api;

/// <summary>
/// The innermost handler of the Web API client: inside a warm-up rehearsal (<see cref="IStorageRehearsal"/>), a call
/// is answered here — never sent — with a success that every method the bot calls can read, so the rehearsal runs the
/// whole client (pacing, resilience, serialisation, parsing) and nothing reaches Slack. Outside one it passes through.
/// </summary>
internal sealed class RehearsalSink(IStorageRehearsal? rehearsal) : DelegatingHandler
{
    // chat.postMessage/update (channel, ts), conversations.history/replies (messages), anything else (ok).
    private const string Answer = "{\"ok\":true,\"channel\":\"CWARMUP\",\"ts\":\"1000000000.000100\",\"messages\":[],\"has_more\":false}";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (rehearsal?.IsRehearsing != true)
        {
            return base.SendAsync(request, cancellationToken);
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StringContent(Answer, Encoding.UTF8, "application/json"),
        });
    }
}
