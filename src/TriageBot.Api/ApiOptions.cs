using Microsoft.Extensions.Options;

namespace TriageBot.Api;

/// <summary>The HTTP API's settings, bound from <c>TriageBot:Api</c> and validated at start-up.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "TriageBot:Api";

    /// <summary>Serve <c>/api/v1</c> and <c>/openapi/v1.json</c> (default true; every call still needs a key).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Calls one key may make per <see cref="RateLimitWindow"/> (default 120).</summary>
    public int RateLimitPermits { get; set; } = 120;

    /// <summary>The rate limit's fixed window (default one minute).</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest request body accepted, in bytes (default 64 KB; a request text is at most about 40,000 characters).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>Checks <see cref="ApiOptions"/>; every message names the key to fix.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        const string P = ApiOptions.Section + ":";
        var errors = new List<string>();
        if (options.RateLimitPermits is < 1 or > 1_000_000)
        {
            errors.Add($"{P}RateLimitPermits must be between 1 and 1000000 calls per window (got {options.RateLimitPermits}).");
        }

        if (options.RateLimitWindow < TimeSpan.FromSeconds(1) || options.RateLimitWindow > TimeSpan.FromDays(1))
        {
            errors.Add($"{P}RateLimitWindow must be between 00:00:01 and 1.00:00:00, e.g. 00:01:00 (got {options.RateLimitWindow}).");
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add($"{P}MaxBodyBytes must be between 1024 and 16777216 bytes (got {options.MaxBodyBytes}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
