using YamlDotNet.Core;

namespace TriageBot.Engine.Org;

/// <summary>The field helpers every part of the reader uses: known keys, required and optional values, lists, ids.</summary>
internal sealed partial class OrgReader
{
    private Dictionary<string, (YScalar Key, YNode Value)> Fields(YMap map, string[] allowed, string what)
    {
        var fields = new Dictionary<string, (YScalar, YNode)>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YScalar { Value: { } key } scalarKey)
            {
                problems.Add(keyNode.Start, $"{what}: keys must be plain names.");
                continue;
            }

            if (Array.IndexOf(allowed, key) < 0)
            {
                problems.Add(keyNode.Start, $"{what}: unknown key '{key}' (allowed: {string.Join(", ", allowed)}).");
                continue;
            }

            if (!fields.TryAdd(key, (scalarKey, valueNode)))
            {
                problems.Add(keyNode.Start, $"{what}: key '{key}' appears twice.");
            }
        }

        return fields;
    }

    private string? RequiredId(Dictionary<string, (YScalar Key, YNode Value)> f, YMap map, string kind, Dictionary<string, Mark> seen)
    {
        var node = RequiredScalar(f, map, "id", $"a {kind}");
        if (node is null)
        {
            return null;
        }

        var id = node.Value!.Trim();
        if (!IsValidId(id))
        {
            problems.Add(node.Start, $"{kind} id '{id}' is not valid: use lowercase letters, digits and '-'.");
            return null;
        }

        if (seen.TryGetValue(id, out var first))
        {
            problems.Add(node.Start, $"duplicate {kind} id '{id}' (first defined on line {(int)first.Line}).");
            return null;
        }

        seen.Add(id, node.Start);
        return id;
    }

    private string? RequiredString(Dictionary<string, (YScalar Key, YNode Value)> f, YMap map, string key, string who) =>
        RequiredScalar(f, map, key, who)?.Value!.Trim();

    private YScalar? RequiredScalar(Dictionary<string, (YScalar Key, YNode Value)> f, YMap map, string key, string who)
    {
        if (!f.TryGetValue(key, out var field))
        {
            problems.Add(map.Start, $"{who}: missing required '{key}'.");
            return null;
        }

        if (IsNull(field.Value) || field.Value is YScalar { Value: { } v } && string.IsNullOrWhiteSpace(v))
        {
            problems.Add(field.Key.Start, $"{who}: '{key}' has no value.");
            return null;
        }

        if (field.Value is not YScalar scalar)
        {
            problems.Add(field.Value.Start, $"{who}: '{key}' must be a single value, not a list or mapping.");
            return null;
        }

        return scalar;
    }

    private YScalar? OptionalScalar(Dictionary<string, (YScalar Key, YNode Value)> f, string key, string who)
    {
        if (!f.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (field.Value is not YScalar { Value: { } v } scalar || string.IsNullOrWhiteSpace(v))
        {
            problems.Add(field.Value.Start, $"{who}: '{key}' must be a single value.");
            return null;
        }

        return scalar;
    }

    private IEnumerable<(string Value, Mark Mark)> StringList(YNode node, string what)
    {
        if (node is not YSeq seq)
        {
            problems.Add(node.Start, $"{what} must be a list, e.g. [a, b].");
            yield break;
        }

        foreach (var item in seq.Children)
        {
            if (item is YScalar { Value: { } value })
            {
                yield return (value.Trim(), item.Start);
            }
            else
            {
                problems.Add(item.Start, $"{what}: each entry must be a single value.");
            }
        }
    }

    /// <summary>"person 'ana'" when the item has a readable id, else "a person": used before the id is validated.</summary>
    private static string Label(YMap map, string kind)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YScalar { Value: "id" } && value is YScalar { Value: { Length: > 0 and <= 100 } id })
            {
                return $"{kind} '{id.Trim()}'";
            }
        }

        return $"a {kind}";
    }

    private static bool IsNull(YNode node) =>
        node is YScalar { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    internal static bool IsValidId(string id)
    {
        if (id.Length == 0 || id.Length > 100 || id[0] == '-')
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
