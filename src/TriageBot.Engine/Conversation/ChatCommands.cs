using System.Globalization;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Conversation;

/// <summary>
/// The command table: every chat command, once, for Slack, Teams and the playground. Adding a command is adding one
/// <see cref="CommandDefinition"/> here (and, only when it needs a new kind of <see cref="ChatReply"/>, one renderer case per surface).
/// </summary>
public sealed class ChatCommands
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly ITriageUseCases _useCases;
    private readonly Dictionary<string, CommandDefinition> _byWord = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds the table over the use cases.</summary>
    public ChatCommands(ITriageUseCases useCases)
    {
        _useCases = useCases;
        All =
        [
            new("triage", Audience.Leads, "<request text>", "triage a request as its Lead", TriageAsync) { HasVerb = false, InMenus = false },
            new("who", Audience.Anyone, "<request text>", "who or which team to ask (anyone)", WhoAsync),
            new("log", Audience.Leads, "<duration> [note]", "log help time (30m, 1h15m, 1.5h) on your latest taken request", LogAsync),
            new("done", Audience.Leads, string.Empty, "mark your latest taken request done", DoneAsync),
            new("digest", Audience.Leads, "[week]", "this week's digest (or an ISO week such as 2026-W48), sent to you", DigestAsync),
            new("stats", Audience.Leads, string.Empty, "this week's requests received, taken and redirected, and your help hours", StatsAsync),
            new("budget", Audience.Leads, "<hours>", "set your weekly help budget", BudgetAsync),
            new("settings", Audience.Leads, string.Empty, "budget, digest day and time, timezone", SettingsAsync),
            new("help", Audience.Anyone, string.Empty, "this list", (_, _) => Task.FromResult<ChatReply>(new HelpReply(All!))) { Aliases = ["?"] },
        ];
        foreach (var command in All.Where(c => c.HasVerb))
        {
            _byWord[command.Verb] = command;
            foreach (var alias in command.Aliases)
            {
                _byWord[alias] = command;
            }
        }
    }

    /// <summary>Every command, in the order help lists them.</summary>
    public IReadOnlyList<CommandDefinition> All { get; }

    /// <summary>The command for free text (not a verb): triage it.</summary>
    public CommandDefinition Triage => All[0];

    /// <summary>The help command.</summary>
    public CommandDefinition Help => _byWord["help"];

    /// <summary>The command a word names (verb or alias), or null.</summary>
    public CommandDefinition? Find(string word) => _byWord.GetValueOrDefault(word);

    /// <summary>Slack's usage hint for <c>/triage</c>: every command's synopsis.</summary>
    public string UsageHint => string.Join(" | ", All.Select(c => c.Synopsis));

    private async Task<ChatReply> TriageAsync(CommandCall call, CancellationToken ct)
    {
        var c = call.Context;
        var requester = c.Requester ?? (c.RequesterIsActor ? c.Actor : new ChatActor("pasted", "someone (pasted)", false));
        var result = await _useCases.TriageAsync(new IncomingRequest(
            c.Tenant, c.Platform, c.Channel, c.MessageRef, c.MessageLink, requester.Id, requester.DisplayName, call.LeadId, call.Text)
        {
            IdempotencyKey = c.IdempotencyKey,
        }, ct);
        return new CardReply(result.Card);
    }

    private async Task<ChatReply> WhoAsync(CommandCall call, CancellationToken ct)
    {
        if (call.Rest.Length == 0)
        {
            return new ErrorReply($"Add the request after who, e.g. {call.Context.Surface.Quote("who how do I get access to the events table?")}", ShowHelp: true);
        }

        return new WhoReply(await _useCases.WhoAsync(call.Context.Tenant, call.Context.Actor.Id, call.Rest, ct));
    }

    private async Task<ChatReply> LogAsync(CommandCall call, CancellationToken ct)
    {
        var log = call.Line.LogArguments();
        if (log is not { } args)
        {
            return new ErrorReply($"Say how long, e.g. {call.Context.Surface.Quote("log 45m pairing on the uplift model")}.", ShowHelp: true);
        }

        var logged = await _useCases.LogTimeAsync(call.Context.Tenant, call.LeadId, args.Duration, null, args.Note, null, ct);
        return new NoticeReply(logged.Confirmation) { Effects = ReplyEffects.Committed | ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> DoneAsync(CommandCall call, CancellationToken ct)
    {
        var done = await _useCases.MarkDoneAsync(call.Context.Tenant, call.LeadId, null, ct);
        return new NoticeReply(done.Confirmation) { Effects = ReplyEffects.Committed | ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> DigestAsync(CommandCall call, CancellationToken ct)
    {
        string? week = null;
        if (call.Rest.Length > 0)
        {
            if (!IsoWeekId.TryParse(call.Rest, out var parsed))
            {
                return new ErrorReply($"Give the week as an ISO week, e.g. {call.Context.Surface.Quote("digest 2026-W48")}, or nothing for this week.", ShowHelp: true);
            }

            week = parsed.ToString();
        }

        // A friendly error now (unknown Lead, tenant) beats a dead work item later.
        _ = await _useCases.GetSettingsAsync(call.Context.Tenant, call.LeadId, ct);
        var notice = week is null
            ? "Building this week's digest — it arrives in your DM with TriageBot in a moment."
            : $"Building the digest for {week} — it arrives in your DM with TriageBot in a moment.";
        return new DigestRequestedReply(call.LeadId, week, notice);
    }

    private async Task<ChatReply> StatsAsync(CommandCall call, CancellationToken ct)
    {
        var d = await _useCases.BuildDigestAsync(call.Context.Tenant, call.LeadId, null, ct);
        var over = d.HoursSpent > d.BudgetHours ? $", {HelpDuration.FormatHours(d.HoursSpent - d.BudgetHours)} over budget" : string.Empty;
        return new FactsReply($"Your week {d.IsoWeek}",
        [
            new("Requests received", d.Received.ToString(Inv)),
            new("Taken", d.Taken.ToString(Inv)),
            new("Redirected", d.Redirected.ToString(Inv)),
            new("Help hours", $"{HelpDuration.FormatHours(d.HoursSpent)} of {HelpDuration.FormatHours(d.BudgetHours)} budget{over}"),
        ], $"The full picture, with topics and a chart, comes with your digest: {call.Context.Surface.Quote("digest")}.");
    }

    private async Task<ChatReply> BudgetAsync(CommandCall call, CancellationToken ct)
    {
        if (SettingsForm.ParseHours(call.Rest) is not { } hours)
        {
            return new ErrorReply($"Give the weekly budget in hours, e.g. {call.Context.Surface.Quote("budget 6")}.", ShowHelp: true);
        }

        var settings = await _useCases.UpdateSettingsAsync(call.Context.Tenant, call.LeadId, new SettingsChange(BudgetHours: hours), ct);
        return new NoticeReply($"Your weekly help budget is now {settings.BudgetHours.ToString("0.#", Inv)} h.") { Effects = ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> SettingsAsync(CommandCall call, CancellationToken ct) =>
        new SettingsReply(await _useCases.GetSettingsAsync(call.Context.Tenant, call.LeadId, ct));
}
