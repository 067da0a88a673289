using System.Text.Json;
using System.Text.Unicode;

namespace TriageBot.Teams.Protocol;

/// <summary>
/// Checks an inbound body before it is mapped: valid UTF-8, valid JSON, every string decodable (no lone surrogate
/// escapes such as <c>"\ud800"</c>) and no object that repeats a property name. The serializer leaves <c>value</c>,
/// attachments and extension data as raw JSON, so without this check such input surfaced later, deep in a handler, as
/// an exception (and a 500) instead of a 400.
/// </summary>
public static class JsonInputCheck
{
    /// <summary>Null when the body is acceptable, otherwise a short reason for the 400.</summary>
    public static string? FindProblem(ReadOnlySpan<byte> utf8Json, int maxDepth = 64)
    {
        if (!Utf8.IsValid(utf8Json))
        {
            return "The body is not valid UTF-8.";
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth });
        // One set of names per open object, allocated on its first property.
        var objects = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        objects.Push(null);
                        break;
                    case JsonTokenType.EndObject:
                        objects.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        {
                            var name = reader.GetString()!;
                            var names = objects.Pop() ?? new HashSet<string>(StringComparer.Ordinal);
                            if (!names.Add(name))
                            {
                                return "The JSON repeats a property name in one object: \"" + (name.Length > 40 ? name[..40] + "…" : name) + "\".";
                            }

                            objects.Push(names);
                            break;
                        }

                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // Only escapes can spell a lone surrogate (valid UTF-8 cannot); decoding one throws.
                        _ = reader.GetString();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return "The body is not valid JSON.";
        }
        catch (InvalidOperationException)
        {
            return "The body holds a string that is not valid Unicode (a lone surrogate escape).";
        }

        return null;
    }
}
