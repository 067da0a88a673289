using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TriageBot.Api;

/// <summary>The OpenAPI document of <c>/api/v1</c>: title, the API key security scheme, and only the API's own routes.</summary>
internal static class ApiOpenApi
{
    public const string DocumentName = "v1";
    public const string SecuritySchemeName = "ApiKey";

    public static void Configure(OpenApiOptions options)
    {
        // OpenAPI 3.0: the version every client generator reads.
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "TriageBot API",
                Version = "v1",
                Description = "Triage help requests for Technical Leads from tools that are not chat apps: the same decisions, refusals and wording as the Slack and Teams bot. " +
                    "Every call needs a per-tenant API key (Authorization: Bearer tbk_…, created with `triagebot apikey create`) and is scoped to the key's tenant. " +
                    "Errors are RFC 7807 problem details. See docs/api.md.",
            };
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "tbk_<key id>_<secret>",
                Description = "A TriageBot API key. X-Api-Key: <key> is accepted too.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
            return Task.CompletedTask;
        });
    }
}
