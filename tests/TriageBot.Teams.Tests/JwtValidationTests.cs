using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Tests.Support;
using WireMock.Server;

namespace TriageBot.Teams.Tests;

/// <summary>One local OpenID metadata + JWKS server and keys shared by the JWT tests (RSA generation and server start are slow).</summary>
public sealed class OpenIdServerFixture : IDisposable
{
    public WireMockServer Server { get; } = LocalServers.Start();
    internal TestKey Key { get; } = new("key-1", "msteams", "webchat");
    internal TestKey OtherChannelKey { get; } = new("key-skype", "skype");
    internal TestKey PlainKey { get; } = new("key-plain");

    public OpenIdServerFixture() => LocalServers.ServeOpenId(Server, Tokens.Jwks(Key, OtherChannelKey, PlainKey));

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        Key.Dispose();
        OtherChannelKey.Dispose();
        PlainKey.Dispose();
    }
}

public sealed class JwtValidationTests : IClassFixture<OpenIdServerFixture>, IDisposable
{
    private const string AppId = "00000000-aaaa-bbbb-cccc-000000000b07";
    private const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    private const string Channel = "msteams";

    private readonly OpenIdServerFixture _fixture;
    private readonly TestKey _key;
    private readonly TestKey _otherChannelKey;
    private readonly TestKey _plainKey;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private readonly OpenIdKeyProvider _keys;
    private readonly BotTokenValidator _validator;

    public JwtValidationTests(OpenIdServerFixture fixture)
    {
        _fixture = fixture;
        _key = fixture.Key;
        _otherChannelKey = fixture.OtherChannelKey;
        _plainKey = fixture.PlainKey;
        var options = Options.Create(new TeamsOptions { AppId = AppId, AppPassword = "x", TenantId = "t", OpenIdMetadataUrl = LocalServers.MetadataUrl(fixture.Server) });
        _keys = new OpenIdKeyProvider(_http, options, _time, NullLogger<OpenIdKeyProvider>.Instance);
        _validator = new BotTokenValidator(_keys, options, _time, NullLogger<BotTokenValidator>.Instance);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _http.Dispose();
    }

    private Task<TokenValidationOutcome> Validate(string? header, string? serviceUrl = ServiceUrl, string channel = Channel) =>
        _validator.ValidateAsync(header, channel, serviceUrl, CancellationToken.None);

    private string Valid() => Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow());

    [Fact]
    public async Task ValidateAsync_ValidToken_Accepted()
    {
        var outcome = await Validate("Bearer " + Valid());
        Assert.True(outcome.IsValid, outcome.Failure);
        Assert.Equal(ServiceUrl, outcome.Identity!.FindFirst("serviceurl")!.Value);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    public async Task ValidateAsync_Rs384AndRs512_Accepted(string algorithm)
    {
        var token = Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow(), algorithm: algorithm);
        Assert.True((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_KeyWithoutEndorsements_Accepted()
    {
        var token = Tokens.Mint(_plainKey, AppId, ServiceUrl, _time.GetUtcNow());
        Assert.True((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_WrongIssuer_Rejected()
    {
        var token = Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow(), issuer: "https://sts.windows.net/evil/");
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_WrongAudience_Rejected()
    {
        var token = Tokens.Mint(_key, "some-other-bot", ServiceUrl, _time.GetUtcNow());
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredBeyondSkew_Rejected()
    {
        var token = Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow(), notBeforeOffset: TimeSpan.FromHours(-2), expiresOffset: TimeSpan.FromMinutes(-6));
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredWithinSkew_Accepted()
    {
        var token = Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow(), notBeforeOffset: TimeSpan.FromHours(-2), expiresOffset: TimeSpan.FromMinutes(-4));
        Assert.True((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_NotYetValidBeyondSkew_Rejected()
    {
        var token = Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow(), notBeforeOffset: TimeSpan.FromMinutes(6), expiresOffset: TimeSpan.FromHours(1));
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_NotYetValidWithinSkew_Accepted()
    {
        var token = Tokens.Mint(_key, AppId, ServiceUrl, _time.GetUtcNow(), notBeforeOffset: TimeSpan.FromMinutes(4), expiresOffset: TimeSpan.FromHours(1));
        Assert.True((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_Hs256_Rejected()
    {
        var token = Tokens.MintHs256(_key.Kid, AppId, ServiceUrl, _time.GetUtcNow());
        var outcome = await Validate("Bearer " + token);
        Assert.False(outcome.IsValid);
        Assert.Contains("HS256", outcome.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_AlgNone_Rejected()
    {
        var token = Tokens.MintNone(_key.Kid, AppId, ServiceUrl, _time.GetUtcNow());
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKid_Rejected()
    {
        using var stranger = new TestKey("not-published", "msteams");
        var token = Tokens.Mint(stranger, AppId, ServiceUrl, _time.GetUtcNow());
        var outcome = await Validate("Bearer " + token);
        Assert.False(outcome.IsValid);
        Assert.Contains("unknown signing key", outcome.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_KnownKidWrongSignature_Rejected()
    {
        // Signed by a different private key that claims a published kid.
        using var impostor = new TestKey(_key.Kid, "msteams");
        var token = Tokens.Mint(impostor, AppId, ServiceUrl, _time.GetUtcNow());
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_MissingServiceUrlClaim_Rejected()
    {
        var token = Tokens.Mint(_key, AppId, serviceUrl: null, _time.GetUtcNow());
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_MismatchedServiceUrl_Rejected()
    {
        var token = Tokens.Mint(_key, AppId, "https://evil.example.com/", _time.GetUtcNow());
        Assert.False((await Validate("Bearer " + token)).IsValid);
    }

    [Fact]
    public async Task ValidateAsync_KeyEndorsedForAnotherChannel_Rejected()
    {
        var token = Tokens.Mint(_otherChannelKey, AppId, ServiceUrl, _time.GetUtcNow());
        var outcome = await Validate("Bearer " + token);
        Assert.False(outcome.IsValid);
        Assert.Contains("endorsed", outcome.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_LowercaseBearer_Rejected()
    {
        Assert.False((await Validate("bearer " + Valid())).IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-jwt")]
    public async Task ValidateAsync_MissingOrMalformedHeader_Rejected(string? header)
    {
        Assert.False((await Validate(header)).IsValid);
    }

    [Fact]
    public async Task GetKeyAsync_UnknownKid_RefreshesAtMostHourlyThenAcceptsRotatedKey()
    {
        using var server = LocalServers.Start();
        LocalServers.ServeOpenId(server, Tokens.Jwks(_key));
        var options = Options.Create(new TeamsOptions { AppId = AppId, OpenIdMetadataUrl = LocalServers.MetadataUrl(server) });
        using var keys = new OpenIdKeyProvider(_http, options, _time, NullLogger<OpenIdKeyProvider>.Instance);
        var validator = new BotTokenValidator(keys, options, _time, NullLogger<BotTokenValidator>.Instance);

        Assert.True((await validator.ValidateAsync("Bearer " + Valid(), Channel, ServiceUrl, default)).IsValid);
        Assert.Equal(1, keys.FetchCount);

        // The channel rotates in a new key.
        using var rotated = new TestKey("key-2", "msteams");
        LocalServers.ServeKeys(server, Tokens.Jwks(_key, rotated));

        // Within the hour after a fetch, an unknown kid does not refetch.
        Assert.False((await validator.ValidateAsync("Bearer " + Tokens.Mint(rotated, AppId, ServiceUrl, _time.GetUtcNow()), Channel, ServiceUrl, default)).IsValid);
        Assert.Equal(1, keys.FetchCount);

        _time.Advance(TimeSpan.FromMinutes(61));
        Assert.True((await validator.ValidateAsync("Bearer " + Tokens.Mint(rotated, AppId, ServiceUrl, _time.GetUtcNow()), Channel, ServiceUrl, default)).IsValid);
        Assert.Equal(2, keys.FetchCount);
    }

    [Fact]
    public async Task GetKeyAsync_AfterADay_RefreshesKnownKeys()
    {
        Assert.True((await Validate("Bearer " + Valid())).IsValid);
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        Assert.True((await Validate("Bearer " + Valid())).IsValid);
        Assert.Equal(2, _keys.FetchCount);
    }

    [Fact]
    public void ParseJwks_ReadsEndorsementsFromRawJson()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(Tokens.Jwks(_key, _plainKey));
        var keys = OpenIdKeyProvider.ParseJwks(doc.RootElement);
        Assert.Equal(["msteams", "webchat"], keys["key-1"].Endorsements);
        Assert.Null(keys["key-plain"].Endorsements);
    }
}
