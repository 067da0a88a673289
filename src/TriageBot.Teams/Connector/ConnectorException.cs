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

    /// <summary>True when the user blocked or removed the bot (403): stop sending, keep the data.</summary>
    public bool IsBlocked => Status == HttpStatusCode.Forbidden;
}
