using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Engine.Decisions;

namespace TriageBot.Storage.Internal;

/// <summary>
/// JSON for the stored decision graph (<see cref="Decision"/> with its <c>RequestAnalysis</c>, answers, owners) and
/// the override map. Enums are written by name so the rows stay readable and survive enum reordering; computed
/// read-only members (e.g. <c>RequestAnalysis.TopTopic</c>) are not written.
/// </summary>
internal static class DecisionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        // Doubles (topic scores) round-trip exactly with the default shortest round-trippable formatting.
        NumberHandling = JsonNumberHandling.Strict,
    };

    public static string Serialize(Decision decision) => JsonSerializer.Serialize(decision, Options);

    public static Decision Deserialize(string json) =>
        JsonSerializer.Deserialize<Decision>(json, Options) ?? throw new InvalidOperationException("Stored decision JSON is null.");

    public static string SerializeOverrides(IReadOnlyDictionary<Question, AnswerValue> overrides) =>
        JsonSerializer.Serialize(overrides.ToDictionary(kv => kv.Key, kv => kv.Value), Options);

    public static IReadOnlyDictionary<Question, AnswerValue> DeserializeOverrides(string json) =>
        JsonSerializer.Deserialize<Dictionary<Question, AnswerValue>>(json, Options) ?? [];
}
