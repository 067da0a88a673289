using System.Text.Json;

namespace TriageBot.Api;

/// <summary>
/// The parts of reading a JSON request body that every JSON endpoint of the host shares (/api/v1 and the playground):
/// a read capped while it happens (a chunked body announces no length) and the wording of where a body is broken.
/// </summary>
public static class JsonBodyReading
{
    /// <summary>The body's bytes, or null as soon as it passes <paramref name="max"/> bytes.</summary>
    public static async Task<byte[]?> ReadCappedAsync(Stream stream, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>"line L, column C" of a JSON error, counted from 1.</summary>
    public static string Where(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return $"line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}";
    }

    /// <summary>
    /// The message for text that is not UTF-8 (bytes, or an escaped half of a surrogate pair such as "\ud800"), or null
    /// when the error is something else.
    /// </summary>
    public static string? NotUtf8(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF", StringComparison.Ordinal)
            ? $"The request body has text that is not valid UTF-8 at {ex.Path ?? "$"} ({Where(ex)}): send the text as UTF-8 (an escaped \\uD800–\\uDFFF must be half of a pair)."
            : null;
    }
}
