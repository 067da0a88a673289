using System.Net;

namespace TriageBot.Teams.Connector;

/// <summary>A connector call that failed with an HTTP status (after retries).</summary>
public sealed class ConnectorException : Exception
{
    public ConnectorException(HttpStatusCode status, string? code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    public ConnectorException() : base("Connector call failed.") { }

    public ConnectorException(string message) : base(message) { }

    public ConnectorException(string message, Exception inner) : base(message, inner) { }

    /// <summary>HTTP status.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Error code from the body (e.g. <c>MessageWritesBlocked</c>, <c>MessageSizeTooBig</c>), if any.</summary>
    public string? Code { get; }

    /// <summary>
    /// <see cref="Code"/> of a send the bot held back itself, before calling the connector (status 429): the conversation's
    /// pacing would have delayed it longer than the caller allowed. Nothing was sent.
    /// </summary>
    public const string PacedCode = "TriageBotPacing";

    /// <summary>True when the bot held the send back itself for pacing (<see cref="PacedCode"/>): nothing was sent.</summary>
    public bool IsPaced => Status == HttpStatusCode.TooManyRequests && string.Equals(Code, PacedCode, StringComparison.Ordinal);

    /// <summary>For a send held back by pacing: how long until the conversation has room for it.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the user blocked or removed the bot (403): stop sending, keep the data.</summary>
    public bool IsBlocked => Status == HttpStatusCode.Forbidden;
}
