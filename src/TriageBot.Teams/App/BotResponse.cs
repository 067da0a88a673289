using System.Text.Json.Nodes;

namespace TriageBot.Teams.App;

/// <summary>What <c>POST /api/messages</c> answers: a status and, for invokes, a JSON body.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Body">JSON body, if any.</param>
public sealed record BotResponse(int StatusCode, JsonNode? Body = null)
{
    public static BotResponse Ok { get; } = new(200);
    public static BotResponse Accepted { get; } = new(202);

    public static BotResponse Invoke(JsonNode body) => new(200, body);
}

/// <summary>Kinds of queued Teams work.</summary>
public static class TeamsWorkKinds
{
    /// <summary>Send or reply with a text and/or card: payload <see cref="SendWork"/>.</summary>
    public const string Send = "teams.send";

    /// <summary>Build and send a Lead's digest on request: payload <see cref="DigestWork"/>.</summary>
    public const string Digest = "teams.digest";
}

/// <summary>Payload of <see cref="TeamsWorkKinds.Send"/>.</summary>
public sealed class SendWork
{
    public string ServiceUrl { get; set; } = string.Empty;
    public string ConversationId { get; set; } = string.Empty;
    public string? ReplyToId { get; set; }
    public string? Text { get; set; }
    public JsonObject? Card { get; set; }
}

/// <summary>Payload of <see cref="TeamsWorkKinds.Digest"/>.</summary>
public sealed class DigestWork
{
    public string ServiceUrl { get; set; } = string.Empty;
    public string ConversationId { get; set; } = string.Empty;
    public string? ReplyToId { get; set; }
    public string LeadId { get; set; } = string.Empty;
    public string? IsoWeek { get; set; }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SendWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DigestWork))]
internal sealed partial class TeamsWorkJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
