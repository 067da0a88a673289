using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using TriageBot.Api;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Host.Configuration;

namespace TriageBot.Host.Playground;

/// <summary>Whether the playground is served: on by default when no Slack or Teams credentials are configured.</summary>
public sealed class PlaygroundGate(IOptions<PlaygroundOptions> options, IOptions<ChatCredentials> chat)
{
    /// <summary>True when the playground is enabled.</summary>
    public bool Enabled { get; } = options.Value.Enabled ?? !(chat.Value.SlackConfigured || chat.Value.TeamsConfigured);

    /// <summary>Only loopback clients on a loopback address are served: the page has no login, it is a local tool.</summary>
    public static bool IsLocal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remote = context.Connection.RemoteIpAddress;
        var local = context.Connection.LocalIpAddress;

        // In-memory test servers have no addresses: nothing can reach them from outside.
        return (remote is null || IPAddress.IsLoopback(remote)) && (local is null || IPAddress.IsLoopback(local));
    }
}

/// <summary>
/// The local playground: a small third adapter over the same <see cref="ITriageUseCases"/> and storage as Slack and Teams
/// (tenant "local"), plus a static page. User mistakes answer 400 with <c>{"error": "…"}</c>, never 500.
/// </summary>
public static partial class PlaygroundEndpoints
{
    /// <summary>The tenant of everything done in the playground.</summary>
    public const string Tenant = TenantKey.LocalValue;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>Registers the playground's services.</summary>
    public static IServiceCollection AddTriageBotPlayground(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<PlaygroundGate>();
        return services;
    }

    /// <summary>Maps <c>/</c>, the page's files and <c>/playground/api/*</c> when the playground is enabled.</summary>
    public static WebApplication MapTriageBotPlayground(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gate = app.Services.GetRequiredService<PlaygroundGate>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Playground");
        if (!gate.Enabled)
        {
            LogDisabled(logger);
            return app;
        }

        LogEnabled(logger);
        var files = new EmbeddedFileProvider(typeof(PlaygroundEndpoints).Assembly, "TriageBot.Host.Playground.wwwroot");
        var group = app.MapGroup("").AddEndpointFilter(async (ctx, next) =>
            PlaygroundGate.IsLocal(ctx.HttpContext) ? await next(ctx) : Results.NotFound());

        group.MapGet("/", () => StaticFile(files, "index.html"));
        group.MapGet("/playground/{file}", (string file) => StaticFile(files, file));

        var api = group.MapGroup("/playground/api");
        api.MapGet("/org", (IOrgProvider org) => Ok(OrgView.From(org)));

        api.MapGet("/leads/{lead}/home", (string lead, ITriageUseCases uc, CancellationToken ct) =>
            Run(logger, async () => Ok(await uc.GetHomeAsync(Tenant, Required(lead, "lead"), ct))));

        api.MapPost("/triage", (HttpRequest http, ITriageUseCases uc, IOrgProvider org, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<TriageBody>(http, ct);
            var lead = Required(body.LeadId, "leadId");
            var requesterId = Required(body.RequesterId, "requesterId");
            var requesterName = org.Directory.FindPerson(requesterId)?.Name ?? requesterId;
            var result = await uc.TriageAsync(
                new IncomingRequest(Tenant, Platform.Local, "playground", null, null, requesterId, requesterName, lead, body.Text ?? ""),
                ct);
            return Ok(new { card = result.Card, decision = Summary(result.Decision.Decision) });
        }));

        api.MapGet("/requests/{id}", (string id, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var result = await uc.GetAsync(Tenant, RequestId(id), ct);
            return Ok(new { card = result.Card, decision = Summary(result.Decision.Decision) });
        }));

        api.MapPost("/requests/{id}/override", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<OverrideBody>(http, ct);
            var question = Parse<Question>(body.Question, "question", "skill, reuse, team or horizon");
            // "answer", as in /api/v1, or "value", as the playground first named it.
            var value = Parse<AnswerValue>(body.Answer ?? body.Value, "answer", "yes, no, unsure, long or short");
            var result = await uc.OverrideAsync(Tenant, RequestId(id), Required(body.LeadId, "leadId"), question, value, ct);
            return Ok(new { card = result.Card, decision = Summary(result.Decision.Decision) });
        }));

        api.MapPost("/requests/{id}/topic", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<TopicBody>(http, ct);
            var result = await uc.CorrectTopicAsync(Tenant, RequestId(id), Required(body.LeadId, "leadId"), Required(body.Topic, "topic"), ct);
            return Ok(new { card = result.Card, decision = Summary(result.Decision.Decision) });
        }));

        api.MapPost("/requests/{id}/take", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<LeadBody>(http, ct);
            var result = await uc.TakeAsync(Tenant, RequestId(id), Required(body.LeadId, "leadId"), Blank(body.Estimate), ct);
            return Ok(new { card = result.Card, confirmation = result.Confirmation, estimateMinutes = result.Estimate?.Minutes });
        }));

        api.MapPost("/requests/{id}/redirect/preview", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<LeadBody>(http, ct);
            var result = await uc.PreviewRedirectAsync(Tenant, RequestId(id), Required(body.LeadId, "leadId"), Blank(body.OwnerId), ct);
            return Ok(new { card = result.Card, owner = result.Owner, message = result.Message });
        }));

        api.MapPost("/requests/{id}/redirect", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<LeadBody>(http, ct);
            var result = await uc.RedirectAsync(Tenant, RequestId(id), Required(body.LeadId, "leadId"), Blank(body.OwnerId), Blank(body.Message), ct);
            return Ok(new { card = result.Card, owner = result.Owner, message = result.Message });
        }));

        api.MapPost("/requests/{id}/clarify", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<LeadBody>(http, ct);
            var result = await uc.ClarifyAsync(Tenant, RequestId(id), Required(body.LeadId, "leadId"), Blank(body.Message), ct);
            return Ok(new { card = result.Card, message = result.Message });
        }));

        api.MapPost("/requests/{id}/done", (string id, HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<LeadBody>(http, ct);
            var requestId = RequestId(id);
            var result = await uc.MarkDoneAsync(Tenant, Required(body.LeadId, "leadId"), requestId, ct);
            var card = (await uc.GetAsync(Tenant, requestId, ct)).Card;
            return Ok(new { card, confirmation = result.Confirmation });
        }));

        api.MapPost("/time", (HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<TimeBody>(http, ct);
            HelpKind? kind = Blank(body.Kind) is { } k ? Parse<HelpKind>(k, "kind", "teach, do or review") : null;
            Guid? requestId = Blank(body.RequestId) is { } r ? RequestId(r) : null;
            var result = await uc.LogTimeAsync(Tenant, Required(body.LeadId, "leadId"), Required(body.Duration, "duration"), requestId, Blank(body.Note), kind, ct);
            return Ok(new { confirmation = result.Confirmation, weekHours = result.WeekHours, budgetHours = result.BudgetHours, minutes = result.Entry.Minutes });
        }));

        api.MapPost("/who", (HttpRequest http, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<TriageBody>(http, ct);
            var result = await uc.WhoAsync(Tenant, Required(body.RequesterId, "requesterId"), body.Text ?? "", ct);
            return Ok(new { owners = result.Owners, advice = result.Advice });
        }));

        api.MapGet("/digest/{lead}.png", (string lead, string? week, ITriageUseCases uc, IDigestChartRenderer chart, CancellationToken ct) => Run(logger, async () =>
        {
            var digest = await uc.BuildDigestAsync(Tenant, Required(lead, "lead"), Blank(week), ct);
            return Results.File(chart.RenderPng(digest), "image/png");
        }));

        api.MapGet("/digest/{lead}", (string lead, string? week, ITriageUseCases uc, CancellationToken ct) => Run(logger, async () =>
        {
            var digest = await uc.BuildDigestAsync(Tenant, Required(lead, "lead"), Blank(week), ct);
            return Ok(new { digest, text = DigestTextRenderer.Render(digest) });
        }));

        MapCommands(api, logger);

        api.Map("/{**rest}", () => Results.Json(new { error = "Unknown playground API path." }, Json, statusCode: StatusCodes.Status404NotFound));
        return app;
    }

    private static IResult StaticFile(EmbeddedFileProvider files, string name)
    {
        var ext = Path.GetExtension(name);
        var file = files.GetFileInfo(name);
        if (!file.Exists || name.Contains('/', StringComparison.Ordinal) || !ContentTypes.TryGetValue(ext, out var type))
        {
            return Results.NotFound();
        }

        return Results.Stream(file.CreateReadStream(), type);
    }

    private static IResult Ok(object value) => Results.Json(value, Json);

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, Json, statusCode: StatusCodes.Status400BadRequest);

    private static async Task<IResult> Run(ILogger logger, Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (TriageUserException ex)
        {
            return BadRequest(ex.Message);
        }
        catch (PlaygroundInputException ex)
        {
            return BadRequest(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
            return Results.Json(new { error = "Something went wrong on the server; the log has the details." }, Json, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private const int MaxBodyBytes = 64 * 1024;

    private static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            throw new PlaygroundInputException("The request body is too large (64 KB at most).");
        }

        if (!request.HasJsonContentType())
        {
            throw new PlaygroundInputException("Send a JSON body with Content-Type: application/json.");
        }

        byte[] body;
        try
        {
            // Counted while read: a chunked body announces no length, and must not get past the cap either.
            body = await JsonBodyReading.ReadCappedAsync(request.Body, MaxBodyBytes, ct) ?? throw new PlaygroundInputException("The request body is too large (64 KB at most).");
        }
        catch (BadHttpRequestException ex)
        {
            throw new PlaygroundInputException($"The request body could not be read ({ex.Message}).");
        }

        if (body.Length == 0)
        {
            throw new PlaygroundInputException("The request body is empty; send a JSON object.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body, Json) ?? throw new PlaygroundInputException("The request body is empty; send a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new PlaygroundInputException(JsonProblem(ex));
        }
    }

    // Where and what, without the serializer's type names: "at $.leadId (line 1, column 12): a value has the wrong type".
    private static string JsonProblem(JsonException ex)
    {
        var where = JsonBodyReading.Where(ex);
        if (JsonBodyReading.NotUtf8(ex) is { } notUtf8)
        {
            return notUtf8;
        }

        if (ex.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return ex.Path is null or "$"
                ? $"The request body must be a JSON object ({where})."
                : $"The request body has a value of the wrong type at {ex.Path} ({where}): text goes in quotes, numbers without.";
        }

        return $"The request body is not valid JSON ({where}).";
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new PlaygroundInputException($"'{name}' is required.") : value.Trim();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Guid RequestId(string id) =>
        Guid.TryParse(id, out var guid) ? guid : throw new PlaygroundInputException($"'{id}' is not a request id; triage a request first.");

    private static T Parse<T>(string? value, string name, string allowed)
        where T : struct, Enum =>
        !string.IsNullOrWhiteSpace(value) && value.All(char.IsLetter) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed)
            ? parsed
            : throw new PlaygroundInputException($"'{name}' must be {allowed} (got '{value}').");

    private static object Summary(Decision decision) => new
    {
        outcome = decision.Outcome,
        mode = decision.Mode,
        rule = decision.Rule,
        policyVersion = decision.PolicyVersion,
        kind = decision.Analysis.Kind,
        horizon = decision.Analysis.Horizon,
        topics = decision.Analysis.Topics.Select(t => new { t.TopicId, t.Score, t.Matched }),
    };

    [LoggerMessage(1, LogLevel.Information, "Playground enabled at / (served to loopback clients only)")]
    private static partial void LogEnabled(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Playground disabled (TriageBot:Playground:Enabled is false, or Slack/Teams credentials are configured)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(3, LogLevel.Error, "Playground request failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    private sealed record TriageBody(string? LeadId, string? RequesterId, string? Text);

    private sealed record OverrideBody(string? LeadId, string? Question, string? Answer, string? Value);

    private sealed record TopicBody(string? LeadId, string? Topic);

    private sealed record LeadBody(string? LeadId, string? Estimate, string? OwnerId, string? Message);

    private sealed record TimeBody(string? LeadId, string? Duration, string? RequestId, string? Note, string? Kind);
}

/// <summary>A playground input mistake (missing field, bad id, bad JSON): answered with 400 and the message.</summary>
internal sealed class PlaygroundInputException(string message) : Exception(message);

/// <summary>The org as the playground's Org tab shows it.</summary>
internal static class OrgView
{
    public static object From(IOrgProvider org)
    {
        var d = org.Directory;
        var leads = d.Leads.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return new
        {
            source = Path.GetFileName(org.Source),
            problems = org.Problems.Select(p => new { p.Line, p.Column, p.Message }),
            topics = d.Topics.Select(t => new { t.Id, t.Name, t.Keywords }),
            people = d.People.Select(p => new
            {
                p.Id,
                p.Name,
                level = p.Level,
                team = p.TeamId,
                teamName = p.TeamId is { } tid ? d.FindTeam(tid)?.Name : null,
                skills = p.Skills.OrderByDescending(s => s.Value).Select(s => new { topic = s.Key, topicName = d.FindTopic(s.Key)?.Name ?? s.Key, level = s.Value }),
                p.HelpBudgetHours,
                timeZone = p.TimeZone,
                isLead = leads.Contains(p.Id),
            }),
            teams = d.Teams.Select(t => new
            {
                t.Id,
                t.Name,
                t.Service,
                topics = t.Topics.Select(id => d.FindTopic(id)?.Name ?? id),
                t.Intake,
                members = t.Members.Select(id => d.FindPerson(id)?.Name ?? id),
            }),
        };
    }
}
