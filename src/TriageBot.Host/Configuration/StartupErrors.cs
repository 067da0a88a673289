using Microsoft.Extensions.Options;

namespace TriageBot.Host.Configuration;

/// <summary>Finds the configuration problems inside a start-up failure (one or several options failed validation).</summary>
public static class StartupErrors
{
    /// <summary>Every validation failure message in <paramref name="exception"/> and its inner exceptions; empty when none.</summary>
    public static IReadOnlyList<string> ConfigurationFailures(Exception exception)
    {
        var failures = new List<string>();
        Collect(exception, failures);
        return failures.Distinct(StringComparer.Ordinal).ToList();
    }

    // The configuration binder's "Failed to convert configuration value '…' at 'Key' to type 'System.TimeSpan'.", said as
    // what to write there (without echoing the value).
    private static string? ConversionFailure(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "^Failed to convert configuration value .* at '(?<key>[^']+)' to type '(?<type>[^']+)'");
        if (!match.Success)
        {
            return null;
        }

        var expected = match.Groups["type"].Value switch
        {
            "System.TimeSpan" => "a duration such as 00:00:05 (hh:mm:ss) or 1.00:00:00 (one day)",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number such as 6 or 7.5",
            "System.Boolean" => "true or false",
            var other => "a value of type " + other,
        };
        return $"{match.Groups["key"].Value} must be {expected}";
    }

    private static void Collect(Exception? exception, List<string> failures)
    {
        switch (exception)
        {
            case OptionsValidationException options:
                failures.AddRange(options.Failures);
                break;
            case InvalidOperationException conversion when ConversionFailure(conversion.Message) is { } message:
                failures.Add(message);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, failures);
                }

                break;
            case { InnerException: { } inner }:
                Collect(inner, failures);
                break;
        }
    }
}
