using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Understanding;
using TriageBot.Engine.UseCases;

namespace TriageBot.Cli.Commands;

/// <summary>
/// <c>triagebot triage</c>: one request through the engine's triage use case, as a dry run unless <c>--record</c>. A dry run
/// records nothing; the store, when there is one, is only read for the Lead's hours this week, their own budget, other
/// people's load, recent redirects, topic repeats and the tenant's learned examples.
/// </summary>
internal static class TriageCommand
{
    public static Command Create(CliContext context, TextWriter output)
    {
        var org = new Option<string?>("--org") { Description = "Org YAML file (default: TriageBot:Org:Path, else deploy/sample/org.yaml).", HelpName = "FILE" };
        var lead = new Option<string>("--lead") { Description = "Org id of the Lead the request was sent to (a lead, staff or principal).", Required = true, HelpName = "ID" };
        var from = new Option<string>("--from") { Description = "Org id of the requester (anyone else is treated as an outsider).", Required = true, HelpName = "ID" };
        var at = new Option<string?>("--at") { Description = "Moment of evaluation, ISO 8601 (e.g. 2026-11-25T10:00:00Z or 2026-11-25); default now. Dry runs only.", HelpName = "ISO-8601" };
        var hours = new Option<string?>("--hours-spent") { Description = "What-if: the Lead's help hours already spent this week (default: from the store, 0 without one). Dry runs only.", HelpName = "H" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant whose records are read (default: the only tenant with data for the Lead, else local).", HelpName = "KEY" };
        var record = new Option<bool>("--record") { Description = "Store the request and its decision, as the chat apps do (default: a dry run that writes nothing)." };
        var noEmbeddings = new Option<bool>("--no-embeddings") { Description = "Do not load the sentence model (faster; topics matched by words only)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a summary." };
        var text = new Argument<string[]>("text") { Description = "The request text (quote it, or pass it as several words).", Arity = ArgumentArity.OneOrMore };

        var command = new Command("triage", "Decide whether the Lead should take a request, through the same use case as the chat apps (a dry run unless --record).")
        {
            org, lead, from, at, hours, tenant, record, noEmbeddings, json, text,
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
                Tenant: parse.GetValue(tenant),
                Text: string.Join(' ', parse.GetValue(text) ?? []))
            {
                Record = parse.GetValue(record),
                AtGiven = parse.GetValue(at) is not null,
                NoEmbeddings = parse.GetValue(noEmbeddings),
            };
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

    internal sealed record TriageRequest(string? OrgPath, string LeadId, string RequesterId, DateTimeOffset At, double? HoursSpent, string? Tenant, string Text)
    {
        /// <summary>Store the request and its decision (<c>--record</c>).</summary>
        public bool Record { get; init; }

        /// <summary>True when <c>--at</c> was given (not allowed with <see cref="Record"/>).</summary>
        public bool AtGiven { get; init; }

        /// <summary>Do not load the sentence model.</summary>
        public bool NoEmbeddings { get; init; }
    }

    internal sealed record TriageRun(TriageRequest Request, Decision Decision, OrgDirectory Org, double HoursSpent, double? BudgetHours, string HoursSource)
    {
        /// <summary>The tenant whose records were read (and written with <c>--record</c>).</summary>
        public string Tenant { get; init; } = TenantChoice.Fallback;

        /// <summary>The stored request's id with <c>--record</c>; null for a dry run.</summary>
        public Guid? RecordedId { get; init; }
    }

    /// <summary>
    /// Evaluates the request through <see cref="TriageUseCases.EvaluateAsync"/>: the configured policy and understanding,
    /// the engine's refusals (unknown person, not a Lead, empty or oversized text), the store read for this week's hours,
    /// budget, redirects and repeats. A dry run writes nothing and never creates the database.
    /// </summary>
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

        if (request.Record && request.HoursSpent is not null)
        {
            throw new CliUsageException("--hours-spent is a what-if for a dry run and cannot be recorded; drop --hours-spent or --record");
        }

        if (request.Record && request.AtGiven)
        {
            throw new CliUsageException("--record stores the request as received now; --at is for dry runs only");
        }

        var config = CliConfiguration.Load(context);
        var (directory, orgPath) = config.LoadOrg(request.OrgPath);
        var policy = config.Policy();
        // The engine's own refusal, before the store is opened or the sentence model loaded.
        TriageUseCases.RequireLead(directory, request.LeadId);
        var options = CliConfiguration.Understanding(context);
        if (request.NoEmbeddings)
        {
            options.Embeddings = false;
        }

        using var model = options.Embeddings ? new TriageBot.Embeddings.MiniLmTextEmbedder() : null;
        var understanding = new UnderstandingSetup(options.Vocabulary ? BuiltInVocabulary.Instance : null, model, options);
        var clock = new StoppedClock(request.At);

        // A dry run reads the database only when it exists; --record creates (and migrates) it like any command that writes.
        var storage = request.Record || config.StorageExists() ? await config.OpenStorageAsync(ct) : null;
        try
        {
            IRequestStore requests = storage?.Requests ?? (IRequestStore)NoStore.Instance;
            ITimeLedger ledger = storage?.Ledger ?? (ITimeLedger)NoStore.Instance;
            ILeadSettingsStore settings = storage?.LeadSettings ?? (ILeadSettingsStore)NoStore.Instance;
            var learned = storage is null ? null : new LearnedExamples(storage.LearnedExamples, clock, options);
            var (tenant, _) = await TenantChoice.ResolveAsync(request.Tenant, request.LeadId, requests, ledger, ct);
            var useCases = new TriageUseCases(
                new StaticOrgProvider(directory, orgPath), policy, requests, ledger, settings, clock, understanding: understanding, learned: learned);
            var incoming = new IncomingRequest(tenant, Platform.Local, "cli", null, null, request.RequesterId, request.RequesterId, request.LeadId, request.Text);
            var evaluation = await useCases.EvaluateAsync(incoming, new TriageEvaluationOptions { Store = request.Record, LeadHoursSpent = request.HoursSpent }, ct);

            var source = request.HoursSpent is not null ? "--hours-spent" : storage is null ? "no store" : $"store, week {evaluation.IsoWeek}";
            return new TriageRun(request, evaluation.Result.Decision.Decision, directory, evaluation.LeadHoursSpent, evaluation.LeadBudgetHours, source)
            {
                Tenant = tenant,
                RecordedId = evaluation.Recorded ? evaluation.Result.Request.Id : null,
            };
        }
        finally
        {
            if (storage is not null)
            {
                await storage.DisposeAsync();
            }
        }
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
