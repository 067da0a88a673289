using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Teams.Auth;

/// <summary>The outcome of validating an inbound channel token.</summary>
/// <param name="IsValid">True when every check passed.</param>
/// <param name="Failure">Why it failed (for logs; never sent to the caller).</param>
/// <param name="Identity">The validated identity.</param>
public sealed record TokenValidationOutcome(bool IsValid, string? Failure, ClaimsIdentity? Identity)
{
    public static TokenValidationOutcome Fail(string reason) => new(false, reason, null);
}

/// <summary>
/// Validates the JWT the Bot Framework channel sends with each activity, as Microsoft documents it: exact <c>Bearer</c> scheme,
/// issuer, audience = app id, lifetime with 5 minutes of skew, RS256/384/512 signature from the OpenID metadata keys,
/// key endorsements containing the channel id, and the <c>serviceurl</c> claim equal to the activity's serviceUrl.
/// </summary>
public sealed class BotTokenValidator
{
    /// <summary>Allowed clock skew.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] AllowedAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly OpenIdKeyProvider _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<BotTokenValidator> _logger;
    private readonly TeamsOptions _options;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public BotTokenValidator(OpenIdKeyProvider keys, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotTokenValidator> logger)
    {
        _keys = keys;
        _time = time;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>Validates the <c>Authorization</c> header of an activity from <paramref name="channelId"/> on <paramref name="serviceUrl"/>.</summary>
    public async Task<TokenValidationOutcome> ValidateAsync(string? authorizationHeader, string? channelId, string? serviceUrl, CancellationToken ct)
    {
        var outcome = await ValidateCoreAsync(authorizationHeader, channelId, serviceUrl, ct).ConfigureAwait(false);
        if (!outcome.IsValid)
        {
            _logger.LogWarning("Rejected Bot Framework token: {Reason}", outcome.Failure);
        }

        return outcome;
    }

    private async Task<TokenValidationOutcome> ValidateCoreAsync(string? authorizationHeader, string? channelId, string? serviceUrl, CancellationToken ct)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(authorizationHeader))
        {
            return TokenValidationOutcome.Fail("missing Authorization header");
        }

        // The scheme is compared exactly, as the Bot Framework docs require.
        if (!authorizationHeader.StartsWith(scheme, StringComparison.Ordinal))
        {
            return TokenValidationOutcome.Fail("Authorization scheme is not 'Bearer'");
        }

        var raw = authorizationHeader[scheme.Length..].Trim();
        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return TokenValidationOutcome.Fail("token is not a JWT");
        }

        if (!AllowedAlgorithms.Contains(token.Alg, StringComparer.Ordinal))
        {
            return TokenValidationOutcome.Fail($"algorithm '{token.Alg}' is not allowed");
        }

        if (string.IsNullOrEmpty(token.Kid))
        {
            return TokenValidationOutcome.Fail("token has no kid");
        }

        var key = await _keys.GetKeyAsync(token.Kid, ct).ConfigureAwait(false);
        if (key is null)
        {
            return TokenValidationOutcome.Fail($"unknown signing key '{token.Kid}'");
        }

        if (key.Endorsements is not null && (string.IsNullOrEmpty(channelId) || !key.Endorsements.Contains(channelId, StringComparer.Ordinal)))
        {
            return TokenValidationOutcome.Fail($"signing key is not endorsed for channel '{channelId}'");
        }

        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = _options.Issuer,
            ValidateAudience = true,
            ValidAudience = _options.AppId,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            LifetimeValidator = ValidateLifetime,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = key.Key,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = AllowedAlgorithms,
        };

        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return TokenValidationOutcome.Fail(result.Exception?.GetType().Name ?? "invalid token");
        }

        var serviceUrlClaim = result.ClaimsIdentity.FindFirst("serviceurl")?.Value;
        if (string.IsNullOrEmpty(serviceUrlClaim))
        {
            return TokenValidationOutcome.Fail("token has no serviceurl claim");
        }

        if (!string.Equals(serviceUrlClaim, serviceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return TokenValidationOutcome.Fail("serviceurl claim does not match the activity's serviceUrl");
        }

        return new TokenValidationOutcome(true, null, result.ClaimsIdentity);
    }

    // Lifetime checked against the injected clock so tests can move time.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        if (expires is null)
        {
            return false;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (notBefore is { } nbf && nbf > now + ClockSkew)
        {
            return false;
        }

        return expires.Value >= now - ClockSkew;
    }
}
