using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TriageBot.Api;

/// <summary>A mistake in the HTTP request itself (body, parameter): answered 400 (415 for a body that is not JSON) with problem details.</summary>
internal sealed class ApiInputException(string message, int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Reads a JSON body with the same serializer settings the OpenAPI document describes, capped in size while read
/// (a chunked body announces no length), and turns every way it can be wrong into an <see cref="ApiInputException"/>.
/// </summary>
internal static class ApiBody
{
    public static async Task<T> ReadAsync<T>(HttpContext http, CancellationToken ct)
        where T : class
    {
        var max = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes;
        var request = http.Request;
        if (request.ContentLength > max)
        {
            throw new ApiInputException($"The request body is too large ({max:N0} bytes at most).");
        }

        if (!request.HasJsonContentType())
        {
            throw new ApiInputException("Send a JSON body with Content-Type: application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        byte[] body;
        try
        {
            body = await JsonBodyReading.ReadCappedAsync(request.Body, max, ct) ?? throw new ApiInputException($"The request body is too large ({max:N0} bytes at most).");
        }
        catch (BadHttpRequestException ex)
        {
            throw new ApiInputException($"The request body could not be read ({ex.Message}).");
        }

        if (body.Length == 0)
        {
            throw new ApiInputException("The request body is empty; send a JSON object.");
        }

        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(body, json) ?? throw new ApiInputException("The request body is null; send a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ApiInputException(Describe(ex));
        }
    }

    /// <summary>A required text field: present and not blank, trimmed.</summary>
    public static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ApiInputException($"'{name}' is required and must not be blank.") : value.Trim();

    /// <summary>An optional text field: null when absent or blank, trimmed otherwise.</summary>
    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // Where and what, without the serializer's type names.
    private static string Describe(JsonException ex)
    {
        var where = JsonBodyReading.Where(ex);
        if (ex.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = ex.Message[(ex.Message.IndexOf("properties including:", StringComparison.Ordinal) + "properties including:".Length)..].Trim().TrimEnd('.');
            return $"The request body is missing required properties: {names}.";
        }

        if (JsonBodyReading.NotUtf8(ex) is { } notUtf8)
        {
            return notUtf8;
        }

        if (ex.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return ex.Path is null or "$"
                ? $"The request body must be a JSON object ({where})."
                : $"The request body has a value that is not allowed at {ex.Path} ({where}): check its type, or pick one of the values the OpenAPI document lists.";
        }

        return $"The request body is not valid JSON ({where}).";
    }
}
