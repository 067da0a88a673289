using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Access;

namespace TriageBot.Api;

/// <summary>
/// Authenticates <c>/api/v1</c> calls by API key: <c>Authorization: Bearer tbk_…</c> (or <c>X-Api-Key: tbk_…</c>),
/// checked against the stored hash on every call (no cache: a revoked key fails at once on every replica). The key's
/// tenant and id become claims; the key itself is never logged or echoed.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TriageBotApiKey";
    public const string TenantClaim = "triagebot:tenant";
    public const string KeyIdClaim = "triagebot:key_id";
    public const string HeaderName = "X-Api-Key";

    private const string FailureItem = "triagebot:auth_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The only scheme in the host, so ASP.NET Core runs it on every request: leave the other surfaces' requests
        // (Teams sends its own Bearer JWTs) alone.
        var presented = Request.Path.StartsWithSegments(ApiEndpoints.Prefix) ? Presented(Request) : null;
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var check = await keys.CheckAsync(presented, Context.RequestAborted);
        switch (check.Status)
        {
            case ApiKeyStatus.Valid:
                var key = check.Key!;
                var identity = new ClaimsIdentity(
                    [new Claim(TenantClaim, key.Tenant), new Claim(KeyIdClaim, key.KeyId), new Claim(ClaimTypes.Name, key.Name)],
                    SchemeName);
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
            case ApiKeyStatus.Revoked:
                Context.Items[FailureItem] = "This API key was revoked; ask your TriageBot admin for a new one (triagebot apikey create).";
                return AuthenticateResult.Fail("revoked API key");
            default:
                Context.Items[FailureItem] = "This API key is not valid.";
                return AuthenticateResult.Fail("unknown API key");
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var detail = Context.Items[FailureItem] as string
            ?? $"Send an API key: Authorization: Bearer <key> (or {HeaderName}: <key>). Keys are created with: triagebot apikey create --tenant <tenant> --name <label>.";
        Response.Headers.WWWAuthenticate = "Bearer realm=\"triagebot\"";
        await ApiResults.Problem(StatusCodes.Status401Unauthorized, "API key required", detail, "unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await ApiResults.Problem(StatusCodes.Status403Forbidden, "Not allowed", "This API key may not do this.", "not-allowed").ExecuteAsync(Context);

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var header = request.Headers[HeaderName].ToString();
        return header.Length == 0 ? null : header.Trim();
    }
}
