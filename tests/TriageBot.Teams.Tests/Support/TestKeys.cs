using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Teams.Tests.Support;

/// <summary>A locally generated RSA signing key, its JWKS entry, and a token minter.</summary>
internal sealed class TestKey : IDisposable
{
    public TestKey(string kid, params string[]? endorsements)
    {
        Kid = kid;
        Rsa = RSA.Create(2048);
        Endorsements = endorsements is { Length: > 0 } ? endorsements : null;
    }

    public string Kid { get; }

    public RSA Rsa { get; }

    public string[]? Endorsements { get; }

    public JsonObject Jwk()
    {
        var p = Rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = Kid,
            ["x5t"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        if (Endorsements is not null)
        {
            jwk["endorsements"] = new JsonArray(Endorsements.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        }

        return jwk;
    }

    public void Dispose() => Rsa.Dispose();
}

/// <summary>Builds Bot Framework-like channel tokens.</summary>
internal static class Tokens
{
    public const string Issuer = "https://api.botframework.com";

    public static string Jwks(params TestKey[] keys) =>
        new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.Jwk()).ToArray()) }.ToJsonString();

    public static string Mint(
        TestKey key,
        string audience,
        string? serviceUrl,
        DateTimeOffset now,
        string issuer = Issuer,
        TimeSpan? notBeforeOffset = null,
        TimeSpan? expiresOffset = null,
        string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var claims = new Dictionary<string, object>();
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (now + (notBeforeOffset ?? TimeSpan.FromMinutes(-1))).UtcDateTime,
            NotBefore = (now + (notBeforeOffset ?? TimeSpan.FromMinutes(-1))).UtcDateTime,
            Expires = (now + (expiresOffset ?? TimeSpan.FromMinutes(60))).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.Kid }, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An HS256 token whose header names <paramref name="kid"/>, signed with a shared secret.</summary>
    public static string MintHs256(string kid, string audience, string serviceUrl, DateTimeOffset now)
    {
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-shared-secret-that-is-long-enough-for-hs256!")) { KeyId = kid };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            NotBefore = now.AddMinutes(-1).UtcDateTime,
            IssuedAt = now.AddMinutes(-1).UtcDateTime,
            Expires = now.AddHours(1).UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) naming <paramref name="kid"/>.</summary>
    public static string MintNone(string kid, string audience, string serviceUrl, DateTimeOffset now)
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = kid }.ToJsonString();
        var payload = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = audience,
            ["serviceurl"] = serviceUrl,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        }.ToJsonString();
        return Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".";
    }

}
