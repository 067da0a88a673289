using System.Text;

namespace TriageBot.Slack.Protocol;

/// <summary>Thrown for any malformed inbound Slack payload; the endpoint answers it with a 4xx, never a 500.</summary>
public sealed class SlackPayloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SlackPayloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public SlackPayloadException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Strict <c>application/x-www-form-urlencoded</c> parser over raw bytes (UTF-8, '+' as space, %XX escapes).</summary>
public static class SlackFormParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a form body. Duplicate keys keep the first value. Throws <see cref="SlackPayloadException"/> on bad escapes or invalid UTF-8.</summary>
    public static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = 0;
        while (start <= body.Length)
        {
            var rest = body[start..];
            var amp = rest.IndexOf((byte)'&');
            var pair = amp < 0 ? rest : rest[..amp];
            if (!pair.IsEmpty)
            {
                var eq = pair.IndexOf((byte)'=');
                var key = Decode(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
                if (key.Length > 0)
                {
                    result.TryAdd(key, value);
                }
            }

            if (amp < 0)
            {
                break;
            }

            start += amp + 1;
        }

        return result;
    }

    private static string Decode(ReadOnlySpan<byte> encoded)
    {
        var buffer = new byte[encoded.Length];
        var n = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'+')
            {
                buffer[n++] = (byte)' ';
            }
            else if (b == (byte)'%')
            {
                if (i + 2 >= encoded.Length || HexValue(encoded[i + 1]) < 0 || HexValue(encoded[i + 2]) < 0)
                {
                    throw new SlackPayloadException("The form body has a broken percent escape.");
                }

                buffer[n++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                i += 2;
            }
            else
            {
                buffer[n++] = b;
            }
        }

        try
        {
            return StrictUtf8.GetString(buffer, 0, n);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SlackPayloadException("The form body is not valid UTF-8.", ex);
        }
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Encodes key/value pairs as a form body (outbound calls).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}
