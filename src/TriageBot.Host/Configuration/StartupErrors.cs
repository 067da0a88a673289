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

    private static void Collect(Exception? exception, List<string> failures)
    {
        switch (exception)
        {
            case OptionsValidationException options:
                failures.AddRange(options.Failures);
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
