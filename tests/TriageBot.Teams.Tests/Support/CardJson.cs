using System.Text.Json.Nodes;

namespace TriageBot.Teams.Tests.Support;

/// <summary>Walks a card or an activity: every JSON object in it, depth first.</summary>
internal static class CardJson
{
    public static IEnumerable<JsonObject> All(JsonNode? node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.SelectMany(kv => All(kv.Value))),
        JsonArray a => a.SelectMany(All),
        _ => [],
    };
}
