using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace TriageBot.Teams.Tests.Support;

/// <summary>WireMock servers bound to 127.0.0.1 only.</summary>
internal static class LocalServers
{
    public static WireMockServer Start() => WireMockServer.Start(new WireMockServerSettings
    {
        Urls = [$"http://127.0.0.1:{FreePort()}"],
        StartAdminInterface = false,
    });

    /// <summary>Serves OpenID metadata at /v1/.well-known/openidconfiguration pointing at /keys, which serves <paramref name="jwks"/>.</summary>
    public static void ServeOpenId(WireMockServer server, string jwks)
    {
        var baseUrl = server.Urls[0].TrimEnd('/');
        server.Given(Request.Create().WithPath("/v1/.well-known/openidconfiguration").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"issuer":"https://api.botframework.com","authorization_endpoint":"https://invalid.botframework.com","jwks_uri":"{{baseUrl}}/keys","id_token_signing_alg_values_supported":["RS256"],"token_endpoint_auth_methods_supported":["private_key_jwt"]}"""));
        ServeKeys(server, jwks);
    }

    public static void ServeKeys(WireMockServer server, string jwks) =>
        server.Given(Request.Create().WithPath("/keys").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(jwks));

    public static string MetadataUrl(WireMockServer server) => server.Urls[0].TrimEnd('/') + "/v1/.well-known/openidconfiguration";

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
