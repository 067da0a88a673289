using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace TriageBot.Host.Configuration;

/// <summary>
/// Environment variables with an empty value count as not set. Docker Compose's <c>env_file</c> passes every line of
/// <c>.env</c>, so a key left empty in <c>.env.example</c> ("leave it empty to keep the default") would otherwise
/// override <c>appsettings.json</c> with "" — and "" is not a valid boolean, number or duration.
/// </summary>
public static class NonEmptyEnvironmentVariables
{
    /// <summary>Replaces every environment-variable source of <paramref name="configuration"/> with one that skips empty values.</summary>
    public static void TreatEmptyEnvironmentVariablesAsUnset(this IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        for (var i = 0; i < configuration.Sources.Count; i++)
        {
            if (configuration.Sources[i] is EnvironmentVariablesConfigurationSource source)
            {
                configuration.Sources[i] = new Source(source.Prefix);
            }
        }
    }

    /// <summary>An environment-variable source that leaves out empty values.</summary>
    internal sealed class Source(string? prefix) : IConfigurationSource
    {
        public string? Prefix { get; } = prefix;

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(Prefix);
    }

    private sealed class Provider(string? prefix) : EnvironmentVariablesConfigurationProvider(prefix)
    {
        public override void Load()
        {
            base.Load();
            foreach (var key in Data.Where(kv => string.IsNullOrEmpty(kv.Value)).Select(kv => kv.Key).ToList())
            {
                Data.Remove(key);
            }
        }
    }
}
