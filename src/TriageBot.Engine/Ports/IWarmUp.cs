namespace TriageBot.Engine.Ports;

/// <summary>
/// Work an adapter or a store runs once after start and before the instance reports ready: its hot code compiled,
/// connections opened, caches filled, so the first real requests are as fast as the rest. It must not change what the
/// bot has stored or send anything to a platform.
/// </summary>
public interface IWarmUp
{
    /// <summary>A short name for the log.</summary>
    string Name { get; }

    /// <summary>Warms up. A failure is logged and does not keep the instance from becoming ready.</summary>
    Task WarmUpAsync(CancellationToken ct);
}

/// <summary>
/// A warm-up that also sends requests to this instance's own HTTP endpoints, through Kestrel and the middleware, as the
/// platform will (after every <see cref="IWarmUp"/> has run, when the server listens on an address). Measured under
/// Slack load: rehearsing the handlers in-process was not enough; the first seconds stayed slow until the HTTP path had
/// served a few requests too.
/// </summary>
public interface IHttpWarmUp
{
    /// <summary>A short name for the log.</summary>
    string Name { get; }

    /// <summary>
    /// The requests to send to this instance, built when called (signatures carry the time), sent in order; each must
    /// be answered with a success. They must change nothing and make the bot send nothing to a platform.
    /// </summary>
    IReadOnlyList<WarmUpRequest> HttpRequests();
}

/// <summary>One request an <see cref="IHttpWarmUp"/> sends to this instance.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path on this instance, e.g. <c>/slack/events</c>.</param>
/// <param name="ContentType">Media type of the body.</param>
/// <param name="Body">The body.</param>
/// <param name="Headers">Further request headers.</param>
public sealed record WarmUpRequest(string Method, string Path, string ContentType, string Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Lets a warm-up run the real path against storage with nothing kept: inside a rehearsal, every read and write made by
/// its async flow goes to one connection in one transaction, rolled back at the end. A warm-up that
/// rehearses real acknowledgements this way (claims, stored requests, queued replies) leaves no trace, and the queue
/// never sees its replies (they are never committed).
/// </summary>
public interface IStorageRehearsal
{
    /// <summary>
    /// Runs <paramref name="work"/> in a rehearsal and rolls everything it wrote back; returns false without running it
    /// when the storage cannot roll its writes back (SQLite's single writer commits in batches).
    /// </summary>
    Task<bool> RehearseAsync(Func<CancellationToken, Task> work, CancellationToken ct);

    /// <summary>True inside a rehearsal's flow (metrics leave its requests out: they never happened).</summary>
    bool IsRehearsing { get; }
}
