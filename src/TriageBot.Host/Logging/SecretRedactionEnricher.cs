using System.Data.Common;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace TriageBot.Host.Logging;

/// <summary>
/// Keeps tokens, secrets, signatures and Authorization values out of every log event, whatever the sink:
/// properties with a secret-sounding name are replaced, and any string value containing a configured secret or
/// something shaped like a token (Slack xox…/xapp-, TriageBot API keys tbk_…, Bearer …, JWTs, Slack v0= signatures, connection-string passwords) is masked.
/// Runs last in the enrichment chain so it also sees request-logging and log-context properties.
/// </summary>
public sealed partial class SecretRedactionEnricher : ILogEventEnricher
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    private readonly string[] _secrets;

    /// <summary>Creates the enricher with literal secret values to mask (shorter than 6 characters are ignored).</summary>
    public SecretRedactionEnricher(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets.Where(s => s.Length >= 6).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>Collects the secret values in the <c>TriageBot</c> and <c>ConnectionStrings</c> sections: keys whose name says
    /// secret/token/password, and passwords inside connection strings.</summary>
    public static IReadOnlyList<string> SecretsFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var secrets = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            // Only the app's own sections: the rest of configuration holds unrelated environment variables (PWD, PATH…).
            if (!key.StartsWith("TriageBot:", StringComparison.OrdinalIgnoreCase) && !key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = key[(key.LastIndexOf(':') + 1)..];
            if (IsConnectionStringKey(key))
            {
                secrets.AddRange(ConnectionStringSecrets(value));
            }
            else if (IsSecretName(name))
            {
                secrets.Add(value);
            }
        }

        return secrets;
    }

    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var clean = IsSecretName(name) ? new ScalarValue(Mask) : Clean(value);
            if (!ReferenceEquals(clean, value))
            {
                (changed ??= []).Add(new LogEventProperty(name, clean));
            }
        }

        if (changed is not null)
        {
            foreach (var property in changed)
            {
                logEvent.AddOrUpdateProperty(property);
            }
        }
    }

    /// <summary>Masks secrets in a string (also used for texts that are not log properties).</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = text;
        foreach (var secret in _secrets)
        {
            if (result.Contains(secret, StringComparison.Ordinal))
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        result = TokenShapes().Replace(result, m => m.Groups["keep"].Success ? m.Groups["keep"].Value + Mask : Mask);
        return result;
    }

    /// <summary>True for a property or setting name that holds a secret (but not for URLs or endpoints of token services).</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SecretName().IsMatch(name) && !NotSecretSuffix().IsMatch(name);
    }

    private LogEventPropertyValue Clean(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string s }:
                var redacted = Redact(s);
                return ReferenceEquals(redacted, s) || redacted == s ? value : new ScalarValue(redacted);

            case SequenceValue seq:
            {
                var items = seq.Elements.Select(Clean).ToList();
                return items.SequenceEqual(seq.Elements) ? value : new SequenceValue(items);
            }

            case StructureValue st:
            {
                var props = st.Properties
                    .Select(p => IsSecretName(p.Name) ? new LogEventProperty(p.Name, new ScalarValue(Mask)) : new LogEventProperty(p.Name, Clean(p.Value)))
                    .ToList();
                var same = props.Zip(st.Properties).All(pair => ReferenceEquals(pair.First.Value, pair.Second.Value));
                return same ? value : new StructureValue(props, st.TypeTag);
            }

            case DictionaryValue dict:
            {
                var entries = dict.Elements
                    .Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                        kv.Key,
                        kv.Key.Value is string k && IsSecretName(k) ? new ScalarValue(Mask) : Clean(kv.Value)))
                    .ToList();
                var same = entries.Zip(dict.Elements).All(pair => ReferenceEquals(pair.First.Value, pair.Second.Value));
                return same ? value : new DictionaryValue(entries);
            }

            default:
                return value;
        }
    }

    private static bool IsConnectionStringKey(string key) =>
        key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase);

    private static List<string> ConnectionStringSecrets(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // Not parseable: treat the whole value as secret.
            return [connectionString];
        }

        return builder.Keys.Cast<string>()
            .Where(k => k.Equals("password", StringComparison.OrdinalIgnoreCase) || k.Equals("pwd", StringComparison.OrdinalIgnoreCase))
            .Select(k => builder[k]?.ToString() ?? "")
            .Where(v => v.Length > 0)
            .ToList();
    }

    [GeneratedRegex("token|secret|password|passwd|authorization|signature|cookie|apikey|api_key|credential|privatekey|private_key", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex("(url|uri|endpoint|count|expires|expiresat|expiry)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotSecretSuffix();

    [GeneratedRegex(
        @"xox[abposecr]-[0-9A-Za-z\-]{6,}" +
        @"|xapp-[0-9A-Za-z\-]{6,}" +
        @"|(?<keep>tbk_[a-z0-9]{12}_)[A-Za-z0-9_\-]{8,}" +
        @"|(?<keep>[Bb]earer\s+)[A-Za-z0-9\-._~+/]{8,}=*" +
        @"|(?<keep>[Bb]asic\s+)[A-Za-z0-9+/]{8,}=*" +
        @"|v0=[0-9a-fA-F]{64}" +
        @"|eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*" +
        @"|(?<keep>(?:[Pp]assword|[Pp]wd)\s*=\s*)[^;""'\s]+",
        RegexOptions.CultureInvariant)]
    private static partial Regex TokenShapes();
}
