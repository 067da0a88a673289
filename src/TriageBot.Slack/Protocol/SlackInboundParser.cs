using System.Text;
using System.Text.Json;

namespace TriageBot.Slack.Protocol;

/// <summary>
/// Turns a verified raw body into a <see cref="SlackInbound"/>. The only exception it lets out is <see cref="SlackPayloadException"/>.
/// </summary>
public static class SlackInboundParser
{
    /// <summary>Parses an HTTP body by its content type (sniffing when the type is missing).</summary>
    public static SlackInbound Parse(string? contentType, ReadOnlySpan<byte> body)
    {
        try
        {
            var isJson = contentType is not null
                ? contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                : FirstNonSpace(body) == (byte)'{';
            return isJson ? ParseEventsJson(body) : ParseForm(body);
        }
        catch (SlackPayloadException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException or DecoderFallbackException)
        {
            throw new SlackPayloadException("The payload is not valid: " + ex.GetType().Name, ex);
        }
    }

    /// <summary>Parses an Events API JSON body.</summary>
    public static SlackInbound ParseEventsJson(ReadOnlySpan<byte> body)
    {
        var envelope = Deserialize(body, SlackJsonContext.Default.EventEnvelope) ?? throw new SlackPayloadException("The JSON body is empty.");
        // JSON allows null items ("authorizations":[null]); they carry nothing, so they are dropped here once.
        envelope.Authorizations?.RemoveAll(static a => a is null);
        switch (envelope.Type)
        {
            case "url_verification":
                return string.IsNullOrEmpty(envelope.Challenge)
                    ? throw new SlackPayloadException("url_verification without a challenge.")
                    : new UrlVerificationInbound(envelope.Challenge);
            case "event_callback":
                if (string.IsNullOrEmpty(envelope.EventId) || envelope.Event is not { ValueKind: JsonValueKind.Object })
                {
                    throw new SlackPayloadException("event_callback without event_id or event.");
                }

                if (string.IsNullOrEmpty(envelope.TeamId) && string.IsNullOrEmpty(envelope.EnterpriseId))
                {
                    throw new SlackPayloadException("event_callback without team_id.");
                }

                return new EventCallbackInbound(envelope);
            case null or "":
                throw new SlackPayloadException("The JSON body has no type.");
            default:
                return new UnknownInbound(envelope.Type);
        }
    }

    /// <summary>Parses a form body: <c>ssl_check</c>, interactivity (<c>payload</c>) or a slash command.</summary>
    public static SlackInbound ParseForm(ReadOnlySpan<byte> body)
    {
        var form = SlackFormParser.Parse(body);
        if (form.TryGetValue("ssl_check", out var ssl) && ssl == "1")
        {
            return new SslCheckInbound();
        }

        if (form.TryGetValue("payload", out var payloadJson))
        {
            return new InteractionInbound(ParseInteraction(Encoding.UTF8.GetBytes(payloadJson)));
        }

        if (form.TryGetValue("command", out var command))
        {
            var userId = Required(form, "user_id");
            var teamId = form.GetValueOrDefault("team_id") ?? string.Empty;
            var enterpriseId = NullIfEmpty(form.GetValueOrDefault("enterprise_id"));
            if (teamId.Length == 0 && enterpriseId is null)
            {
                throw new SlackPayloadException("The slash command has no team_id.");
            }

            return new SlashCommandInbound(new SlashCommand(
                teamId,
                enterpriseId,
                string.Equals(form.GetValueOrDefault("is_enterprise_install"), "true", StringComparison.OrdinalIgnoreCase),
                NullIfEmpty(form.GetValueOrDefault("channel_id")),
                userId,
                NullIfEmpty(form.GetValueOrDefault("user_name")),
                command,
                form.GetValueOrDefault("text") ?? string.Empty,
                NullIfEmpty(form.GetValueOrDefault("response_url")),
                NullIfEmpty(form.GetValueOrDefault("trigger_id")),
                NullIfEmpty(form.GetValueOrDefault("api_app_id"))));
        }

        throw new SlackPayloadException("The form body is neither a slash command nor an interaction.");
    }

    /// <summary>Parses an interactivity payload (the JSON inside the <c>payload</c> form field, or a Socket Mode payload).</summary>
    public static InteractionPayload ParseInteraction(ReadOnlySpan<byte> json)
    {
        try
        {
            var payload = Deserialize(json, SlackJsonContext.Default.InteractionPayload) ?? throw new SlackPayloadException("The interaction payload is empty.");
            payload.Actions?.RemoveAll(static a => a is null);
            payload.Message?.Attachments?.RemoveAll(static a => a is null);
            if (string.IsNullOrEmpty(payload.Type))
            {
                throw new SlackPayloadException("The interaction payload has no type.");
            }

            if (string.IsNullOrEmpty(payload.User?.Id))
            {
                throw new SlackPayloadException("The interaction payload has no user.");
            }

            if (string.IsNullOrEmpty(payload.Team?.Id) && string.IsNullOrEmpty(payload.Enterprise?.Id) && string.IsNullOrEmpty(payload.User?.TeamId))
            {
                throw new SlackPayloadException("The interaction payload has no team.");
            }

            return payload;
        }
        catch (SlackPayloadException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new SlackPayloadException("The interaction payload is not valid JSON for its type.", ex);
        }
    }

    /// <summary>Maps a Socket Mode envelope's payload to the same inbound shapes as HTTP.</summary>
    public static SlackInbound ParseSocketPayload(string envelopeType, JsonElement payload)
    {
        try
        {
            var raw = Encoding.UTF8.GetBytes(payload.GetRawText());
            return envelopeType switch
            {
                "events_api" => ParseEventsJson(raw),
                "interactive" => new InteractionInbound(ParseInteraction(raw)),
                "slash_commands" => ParseSocketSlashCommand(payload),
                _ => new UnknownInbound(envelopeType),
            };
        }
        catch (SlackPayloadException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw new SlackPayloadException("The Socket Mode payload is not valid.", ex);
        }
    }

    private static SlashCommandInbound ParseSocketSlashCommand(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new SlackPayloadException("The slash command payload is not an object.");
        }

        string? Get(string name) => payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var userId = Get("user_id") ?? throw new SlackPayloadException("The slash command has no user_id.");
        var command = Get("command") ?? throw new SlackPayloadException("The slash command has no command.");
        var teamId = Get("team_id") ?? string.Empty;
        var enterpriseId = NullIfEmpty(Get("enterprise_id"));
        if (teamId.Length == 0 && enterpriseId is null)
        {
            throw new SlackPayloadException("The slash command has no team_id.");
        }

        return new SlashCommandInbound(new SlashCommand(
            teamId, enterpriseId, string.Equals(Get("is_enterprise_install"), "true", StringComparison.OrdinalIgnoreCase),
            NullIfEmpty(Get("channel_id")), userId, Get("user_name"), command, Get("text") ?? string.Empty,
            Get("response_url"), Get("trigger_id"), Get("api_app_id")));
    }

    /// <summary>Maps the inner event of an envelope, or null when it is not an object.</summary>
    public static SlackEvent? ReadEvent(EventEnvelope envelope)
    {
        if (envelope.Event is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        try
        {
            var ev = element.Deserialize(SlackJsonContext.Default.SlackEvent);
            ev?.Attachments?.RemoveAll(static a => a is null);
            return ev;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new SlackPayloadException("The event is not valid for its type.", ex);
        }
    }

    private static T? Deserialize<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        if (FirstNonSpace(json) != (byte)'{')
        {
            throw new SlackPayloadException("The JSON body is not an object.");
        }

        return JsonSerializer.Deserialize(json, info);
    }

    private static byte FirstNonSpace(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return 0;
    }

    private static string Required(IReadOnlyDictionary<string, string> form, string key) =>
        form.TryGetValue(key, out var value) && value.Length > 0 ? value : throw new SlackPayloadException($"The form body has no {key}.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
