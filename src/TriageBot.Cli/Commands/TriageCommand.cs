using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;

namespace TriageBot.Cli.Commands;

/// <summary>
/// <c>triagebot triage</c>: a dry run of the decision engine on one request. Nothing is recorded; the store, when there is
/// one, is only read for the Lead's hours this week, their own budget, other people's load and recent redirects.
/// </summary>
internal static class TriageCommand
{
    public static Command Create(CliContext context, TextWriter output)
    {
        var org = new Option<string?>("--org") { Description = "Org YAML file (default: TriageBot:Org:Path, else deploy/sample/org.yaml).", HelpName = "FILE" };
        var lead = new Option<string>("--lead") { Description = "Org id of the Lead the request was sent to.", Required = true, HelpName = "ID" };
        var from = new Option<string>("--from") { Description = "Org id of the requester (anyone else is treated as an outsider).", Required = true, HelpName = "ID" };
        var at = new Option<string?>("--at") { Description = "Moment of evaluation, ISO 8601 (e.g. 2026-11-25T10:00:00Z or 2026-11-25); default now.", HelpName = "ISO-8601" };
        var hours = new Option<string?>("--hours-spent") { Description = "The Lead's help hours already spent this week (default: from the store, 0 without one).", HelpName = "H" };
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose records are read.", DefaultValueFactory = _ => "local" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a summary." };
        var text = new Argument<string[]>("text") { Description = "The request text (quote it, or pass it as several words).", Arity = ArgumentArity.OneOrMore };

        var command = new Command("triage", "Decide whether the Lead should take a request (dry run: nothing is recorded).")
        {
            org, lead, from, at, hours, tenant, json, text,
        };
        command.SetAction(async (parse, ct) =>
        {
            RejectOptionLikeText(parse, text);
            var request = new TriageRequest(
                OrgPath: parse.GetValue(org),
                LeadId: parse.GetRequiredValue(lead).Trim(),
                RequesterId: parse.GetRequiredValue(from).Trim(),
                At: ParseAt(parse.GetValue(at), context.Time),
                HoursSpent: ParseHours(parse.GetValue(hours)),
                Tenant: parse.GetValue(tenant) ?? "local",
                Text: string.Join(' ', parse.GetValue(text) ?? []));
            var result = await RunAsync(context, request, ct);
            await output.WriteAsync(parse.GetValue(json) ? TriageOutput.Json(result) + Environment.NewLine : TriageOutput.Text(result));
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>
    /// The text argument takes any number of words, so a misspelt option ("--colour") would silently become part of the
    /// request. Words that look like options are refused unless the text follows "--".
    /// </summary>
    private static void RejectOptionLikeText(ParseResult parse, Argument<string[]> text)
    {
        if (parse.Tokens.Any(t => t.Type == TokenType.DoubleDash))
        {
            return;
        }

        var optionLike = parse.GetResult(text)?.Tokens.FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-' && !char.IsDigit(t.Value[1]));
        if (optionLike is not null)
        {
            throw new CliUsageException($"unknown option '{optionLike.Value}' (if the request text starts with a dash, put it after --)");
        }
    }

    internal sealed record TriageRequest(string? OrgPath, string LeadId, string RequesterId, DateTimeOffset At, double? HoursSpent, string Tenant, string Text);

    internal sealed record TriageRun(TriageRequest Request, Decision Decision, OrgDirectory Org, double HoursSpent, double? BudgetHours, string HoursSource);

    internal static async Task<TriageRun> RunAsync(CliContext context, TriageRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new CliUsageException("the request text is empty");
        }

        if (request.LeadId.Length == 0 || request.RequesterId.Length == 0)
        {
            throw new CliUsageException("--lead and --from need an id");
        }

        var config = CliConfiguration.Load(context);
        var (directory, _) = config.LoadOrg(request.OrgPath);
        var leadPerson = directory.FindPerson(request.LeadId)
            ?? throw new TriageUserException($"unknown lead '{request.LeadId}': no person with that id in the org file");
        var engine = new TriageEngine(directory);
        var policy = DecisionPolicy.Default;

        var input = new TriageInput(request.Text, request.LeadId, request.RequesterId, request.At);
        double hoursSpent = request.HoursSpent ?? 0;
        double? budget = null;
        var source = request.HoursSpent is null ? "no store" : "--hours-spent";
        if (config.StorageExists())
        {
            await using var storage = await config.OpenStorageAsync(ct);
            var settings = await storage.LeadSettings.GetAsync(request.Tenant, request.LeadId, ct);
            var zone = TimeZones.FindOrUtc(settings?.TimeZone ?? leadPerson.TimeZone);
            var week = IsoWeekId.FromInstant(request.At, zone);
            var (startUtc, endUtc) = week.GetUtcBounds(zone);
            var minutes = await storage.Ledger.LoggedMinutesByLeadAsync(request.Tenant, startUtc, endUtc, ct);
            var since = request.At.AddDays(-policy.RepeatWindowDays);
            var redirects = await storage.Requests.CountRedirectsByOwnerAsync(request.Tenant, since, ct);
            var analysis = engine.Analyze(request.Text);
            var repeats = analysis.TopTopic is { } top
                ? await storage.Requests.CountTopicForLeadAsync(request.Tenant, request.LeadId, top.TopicId, since, request.At.AddMicroseconds(1), RepeatCounting.Cap, ct)
                : 0;

            if (request.HoursSpent is null)
            {
                hoursSpent = minutes.GetValueOrDefault(request.LeadId) / 60.0;
                source = $"store, week {week}";
            }

            budget = settings?.BudgetHours;
            input = input with
            {
                Analysis = analysis,
                HoursSpentByPerson = minutes.ToDictionary(kv => kv.Key, kv => kv.Value / 60.0, StringComparer.Ordinal),
                RecentRedirectsByPerson = redirects,
                TopicRepeatCount = repeats,
            };
        }

        input = input with { LeadHoursSpentThisWeek = hoursSpent, LeadBudgetHours = budget };
        var decision = engine.Decide(input);
        return new TriageRun(request, decision, directory, hoursSpent, budget ?? leadPerson.HelpBudgetHours ?? policy.DefaultBudgetHours, source);
    }

    /// <summary>Hours as a plain number ("2", "1.5"), 0 to 168.</summary>
    internal static double? ParseHours(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) && double.IsFinite(hours) && hours is >= 0 and <= 168)
        {
            return hours;
        }

        throw new CliUsageException($"--hours-spent '{text}' is not a number of hours between 0 and 168 (e.g. 2.5)");
    }

    /// <summary>ISO 8601 instant or date (a date alone means midnight UTC; a time without offset means UTC).</summary>
    internal static DateTimeOffset ParseAt(string? text, TimeProvider time)
    {
        if (text is null)
        {
            return time.GetUtcNow();
        }

        string[] formats =
        [
            "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
            "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        ];
        if (DateTimeOffset.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        throw new CliUsageException($"--at '{text}' is not an ISO 8601 date or time; use e.g. 2026-11-25T10:00:00Z or 2026-11-25");
    }
}
