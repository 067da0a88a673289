using System.Text.Json;
using System.Text.Json.Nodes;

namespace TriageBot.Slack.SocketMode;

/// <summary>Any message Slack sends over a Socket Mode connection (hello, disconnect, envelopes).</summary>
public sealed class SocketMessage
{
    public string? Type { get; set; }
    public string? EnvelopeId { get; set; }
    public JsonElement? Payload { get; set; }
    public bool AcceptsResponsePayload { get; set; }
    public int? RetryAttempt { get; set; }
    public string? RetryReason { get; set; }
    public string? Reason { get; set; }
    public int? NumConnections { get; set; }
}

/// <summary>The ack sent back on the same connection.</summary>
public sealed class SocketAck
{
    public required string EnvelopeId { get; set; }
    public JsonNode? Payload { get; set; }
}
