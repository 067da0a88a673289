namespace TriageBot.Engine.Understanding;

/// <summary>
/// Turns sentences into vectors whose cosine similarity reflects closeness in meaning (a local sentence-embedding
/// model). Implementations live outside the engine (the engine stays free of model runtimes), must be thread-safe,
/// and return L2-normalised vectors of <see cref="Dimensions"/> floats, one per input text, in order.
/// </summary>
public interface ITextEmbedder
{
    /// <summary>Identifies the model (stored next to saved vectors, so vectors of another model are recomputed).</summary>
    string ModelId { get; }

    /// <summary>Length of every vector.</summary>
    int Dimensions { get; }

    /// <summary>Embeds texts (already truncated by the caller to a reasonable length).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>One normalised vector per text.</returns>
    IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken ct = default);
}

/// <summary>How a labelled example was learned.</summary>
public enum ExampleSource
{
    /// <summary>The Lead corrected the topic on the card.</summary>
    Correction,
    /// <summary>The Lead took the request (the topic was right).</summary>
    Take,
    /// <summary>The Lead redirected the request (the topic was right).</summary>
    Redirect,
    /// <summary>The Lead picked one of the guesses offered with "clarify".</summary>
    ClarifyPick,
    /// <summary>
    /// The Lead asked the requester what a request the bot found no topic in is about: the Lead agrees it names none
    /// (labelled <see cref="LearnedExample.NoTopic"/>).
    /// </summary>
    Clarify,
}

/// <summary>A request text labelled with its topic by a Lead's action, for one tenant.</summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="RequestId">The request it came from (examples are removed with their request).</param>
/// <param name="LeadId">The Lead who acted.</param>
/// <param name="TopicId">The topic the Lead confirmed or chose, or <see cref="NoTopic"/>.</param>
/// <param name="Text">The request text (truncated to <see cref="LearnedExamples.MaxTextLength"/>).</param>
/// <param name="Source">What the Lead did.</param>
/// <param name="At">When.</param>
/// <param name="Vector">Its embedding, when an embedder was configured.</param>
/// <param name="VectorModel">The embedder's <see cref="ITextEmbedder.ModelId"/> for <paramref name="Vector"/>.</param>
public sealed record LearnedExample(
    string Tenant,
    Guid RequestId,
    string LeadId,
    string TopicId,
    string Text,
    ExampleSource Source,
    DateTimeOffset At,
    float[]? Vector = null,
    string? VectorModel = null)
{
    /// <summary>
    /// The label of a request that names no topic (a follow-up, a hello, "can we sync?"), as a Lead said by picking
    /// "no topic" or by asking the requester what a topicless request is about. Never a valid org topic id.
    /// </summary>
    public const string NoTopic = "(none)";
}

/// <summary>Stores the examples the Leads taught, per tenant, bounded (the newest win).</summary>
public interface ILearnedExampleStore
{
    /// <summary>
    /// Stores an example, replacing the one of the same request (a later correction wins), and keeps at most
    /// <paramref name="maxPerTenant"/> examples for the tenant, dropping the oldest.
    /// </summary>
    Task UpsertAsync(LearnedExample example, int maxPerTenant, CancellationToken ct = default);

    /// <summary>The tenant's examples, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LearnedExample>> ListAsync(string tenant, int limit, CancellationToken ct = default);

    /// <summary>A change counter for the tenant's examples (cheap to read), so replicas notice another replica's additions.</summary>
    Task<long> VersionAsync(string tenant, CancellationToken ct = default);

    /// <summary>Removes the example learned from a request (when the request is deleted). Returns true when one existed.</summary>
    Task<bool> RemoveForRequestAsync(string tenant, Guid requestId, CancellationToken ct = default);
}

/// <summary>
/// An optional second reader of a request: a language model asked for strict JSON (main topic id, kind of ask,
/// horizon, quoted evidence). Off by default; no request text leaves the machine unless an operator configures one.
/// Implementations must never throw for a bad answer: they return null, and the lexical and embedding reading stands.
/// </summary>
public interface IRequestReader
{
    /// <summary>Reads a request against the org's topics; null on timeout, failure or an answer that does not validate.</summary>
    /// <param name="text">The request text (already truncated by the caller).</param>
    /// <param name="topics">The org's topics the answer must choose from (id, name, description).</param>
    /// <param name="ct">Cancellation; implementations also apply their own timeout.</param>
    Task<LlmReading?> ReadAsync(string text, IReadOnlyList<Org.Topic> topics, CancellationToken ct = default);
}

/// <summary>What the language model read, validated against the org (the topic exists, every quote is in the text).</summary>
/// <param name="TopicId">The main topic's id, or null when the model could not tell.</param>
/// <param name="Kind">The kind of ask, when the model said.</param>
/// <param name="Horizon">The horizon, when the model said.</param>
/// <param name="Quotes">Words quoted from the request as evidence.</param>
public sealed record LlmReading(string? TopicId, Analysis.AskKind? Kind, Analysis.Horizon? Horizon, IReadOnlyList<string> Quotes);
