using TriageBot.Engine.Decisions;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Conversation;

/// <summary>The names of the card actions, the same on every surface (a surface maps its button ids and verbs to them).</summary>
public static class CardActionNames
{
    /// <summary>Take the request (with an optional estimate).</summary>
    public const string Take = "take";
    /// <summary>Redirect the request (to an owner, with an optional edited message).</summary>
    public const string Redirect = "redirect";
    /// <summary>Show the redirect message for the Lead to edit before sending.</summary>
    public const string PreviewRedirect = "redirectPreview";
    /// <summary>Ask the requester for details.</summary>
    public const string Clarify = "clarify";
    /// <summary>Override one of the four answers.</summary>
    public const string Override = "override";
    /// <summary>Correct the topic (or pick a guess).</summary>
    public const string CorrectTopic = "correctTopic";
    /// <summary>Mark the request done.</summary>
    public const string Done = "done";
    /// <summary>Log time on the request.</summary>
    public const string Log = "log";
    /// <summary>Open the settings form.</summary>
    public const string OpenSettings = "openSettings";
    /// <summary>Save the settings form.</summary>
    public const string SaveSettings = "settings";
}

/// <summary>What a card action carries, as the surface read it from its payload; each action uses the fields it needs.</summary>
/// <param name="RequestId">The request the card is about (null when the payload had none).</param>
public sealed record CardActionInput(Guid? RequestId = null)
{
    /// <summary>Take: the estimate typed on the card ("30m").</summary>
    public string? Estimate { get; init; }
    /// <summary>Redirect: the owner picked (null: the first suggested).</summary>
    public string? OwnerId { get; init; }
    /// <summary>Redirect, clarify: the message as edited by the Lead.</summary>
    public string? Message { get; init; }
    /// <summary>Override: the question ("Skill").</summary>
    public string? Question { get; init; }
    /// <summary>Override: the new answer ("No").</summary>
    public string? Answer { get; init; }
    /// <summary>Correct topic: the topic id.</summary>
    public string? TopicId { get; init; }
    /// <summary>Log: the duration ("45m").</summary>
    public string? Duration { get; init; }
    /// <summary>Log: a note.</summary>
    public string? Note { get; init; }
    /// <summary>Save settings: the submitted form.</summary>
    public SettingsForm? Settings { get; init; }
}

/// <summary>A card action handed to its handler, after the gate.</summary>
/// <param name="Context">Where it comes from.</param>
/// <param name="Input">What it carries.</param>
public sealed record ActionCall(ConversationContext Context, CardActionInput Input)
{
    /// <summary>The Lead acting (the gate ran first).</summary>
    public string LeadId => Context.Actor.Id;

    /// <summary>The tenant.</summary>
    public string Tenant => Context.Tenant;

    /// <summary>The request id; a friendly error when the card had none.</summary>
    public Guid RequestId => Input.RequestId ?? throw new TriageUserException("That card is missing its request; triage the message again.");
}

/// <summary>A card action, defined once: name, audience, what a refused person is told, and the handler.</summary>
/// <param name="Name">See <see cref="CardActionNames"/>.</param>
/// <param name="Audience">Who may use it.</param>
/// <param name="Refusal">What someone outside the audience is told.</param>
/// <param name="Handler">Calls the use cases.</param>
public sealed record CardActionDefinition(string Name, Audience Audience, string Refusal, Func<ActionCall, CancellationToken, Task<ChatReply>> Handler);

/// <summary>The card action table: take, redirect, clarify, override, correct topic, done, log, settings.</summary>
public sealed class CardActions
{
    private const string LeadsOnly = "Only a Lead set up in the org file can act on a decision card.";
    private readonly ITriageUseCases _useCases;
    private readonly Dictionary<string, CardActionDefinition> _byName;

    /// <summary>Builds the table over the use cases.</summary>
    public CardActions(ITriageUseCases useCases)
    {
        _useCases = useCases;
        CardActionDefinition[] all =
        [
            new(CardActionNames.Take, Audience.Leads, LeadsOnly, TakeAsync),
            new(CardActionNames.Redirect, Audience.Leads, "Only a Lead set up in the org file can redirect requests.", RedirectAsync),
            new(CardActionNames.PreviewRedirect, Audience.Leads, LeadsOnly, async (a, ct) =>
                new RedirectPreviewReply(await _useCases.PreviewRedirectAsync(a.Tenant, a.RequestId, a.LeadId, a.Input.OwnerId, ct))),
            new(CardActionNames.Clarify, Audience.Leads, LeadsOnly, ClarifyAsync),
            new(CardActionNames.Override, Audience.Leads, LeadsOnly, OverrideAsync),
            new(CardActionNames.CorrectTopic, Audience.Leads, LeadsOnly, CorrectTopicAsync),
            new(CardActionNames.Done, Audience.Leads, LeadsOnly, DoneAsync),
            new(CardActionNames.Log, Audience.Leads, LeadsOnly, LogAsync),
            new(CardActionNames.OpenSettings, Audience.Leads, "Only a Lead set up in the org file has settings.", async (a, ct) =>
                new SettingsReply(await _useCases.GetSettingsAsync(a.Tenant, a.LeadId, ct))),
            new(CardActionNames.SaveSettings, Audience.Leads, "Only a Lead set up in the org file has settings.", SaveSettingsAsync),
        ];
        All = all;
        _byName = all.ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    /// <summary>Every card action.</summary>
    public IReadOnlyList<CardActionDefinition> All { get; }

    /// <summary>The action of a name, or null.</summary>
    public CardActionDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    private async Task<ChatReply> TakeAsync(ActionCall a, CancellationToken ct)
    {
        var estimate = string.IsNullOrWhiteSpace(a.Input.Estimate) ? null : a.Input.Estimate.Trim();
        var taken = await _useCases.TakeAsync(a.Tenant, a.RequestId, a.LeadId, estimate, ct);
        return new CardReply(taken.Card, taken.Confirmation) { Effects = ReplyEffects.Committed | ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> RedirectAsync(ActionCall a, CancellationToken ct)
    {
        var message = string.IsNullOrWhiteSpace(a.Input.Message) ? null : a.Input.Message.Trim();
        var result = await _useCases.RedirectAsync(a.Tenant, a.RequestId, a.LeadId, a.Input.OwnerId, message, ct);
        return new RequesterMessageReply(result.Request, result.Card, result.Message, result.Owner) { Effects = ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> ClarifyAsync(ActionCall a, CancellationToken ct)
    {
        var message = string.IsNullOrWhiteSpace(a.Input.Message) ? null : a.Input.Message.Trim();
        var result = await _useCases.ClarifyAsync(a.Tenant, a.RequestId, a.LeadId, message, ct);
        return new RequesterMessageReply(result.Request, result.Card, result.Message, null);
    }

    private async Task<ChatReply> OverrideAsync(ActionCall a, CancellationToken ct)
    {
        if (!Enum.TryParse<Question>(a.Input.Question, ignoreCase: true, out var question) || !Enum.IsDefined(question)
            || !Enum.TryParse<AnswerValue>(a.Input.Answer, ignoreCase: true, out var answer) || !Enum.IsDefined(answer))
        {
            return new ErrorReply("That override is not valid; open the card again.");
        }

        var result = await _useCases.OverrideAsync(a.Tenant, a.RequestId, a.LeadId, question, answer, ct);
        var line = result.Card.Answers.FirstOrDefault(x => x.Question == question);
        if (!result.Changed)
        {
            return new CardReply(result.Card, line is null ? "No change." : $"No change: {line.Label} was already {line.ValueText}.");
        }

        return new CardReply(result.Card, line is null ? "Updated." : $"Updated: {line.Label} {line.ValueText}. Decision recomputed.");
    }

    private async Task<ChatReply> CorrectTopicAsync(ActionCall a, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(a.Input.TopicId))
        {
            return new ErrorReply("Pick a topic from the list first.");
        }

        var result = await _useCases.CorrectTopicAsync(a.Tenant, a.RequestId, a.LeadId, a.Input.TopicId, ct);
        if (result.Card.TopicId is null)
        {
            return new CardReply(result.Card, result.Changed
                ? "Marked as naming no topic; I'll read messages like it the same way."
                : "It was already marked as naming no topic.");
        }

        var name = result.Card.Topics.Count > 0 ? result.Card.Topics[0] : a.Input.TopicId;
        return new CardReply(result.Card, result.Changed
            ? $"Topic set to {name}; I'll remember this for similar requests."
            : $"The topic was already {name}.");
    }

    private async Task<ChatReply> DoneAsync(ActionCall a, CancellationToken ct)
    {
        string confirmation;
        try
        {
            confirmation = (await _useCases.MarkDoneAsync(a.Tenant, a.LeadId, a.RequestId, ct)).Confirmation;
        }
        catch (TriageUserException ex) when (ex.Kind == UserErrorKind.Conflict)
        {
            // Done pressed twice (a stale card, a second device): show the card as it is, not an error.
            var already = await _useCases.GetAsync(a.Tenant, a.RequestId, ct);
            return new CardReply(already.Card, "Already marked done.");
        }

        var current = await _useCases.GetAsync(a.Tenant, a.RequestId, ct);
        return new CardReply(current.Card, confirmation) { Effects = ReplyEffects.Committed | ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> LogAsync(ActionCall a, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(a.Input.Duration))
        {
            return new ErrorReply("Say how long, e.g. 30m or 1h15m.");
        }

        var logged = await _useCases.LogTimeAsync(a.Tenant, a.LeadId, a.Input.Duration, a.RequestId, a.Input.Note, null, ct);
        var current = await _useCases.GetAsync(a.Tenant, a.RequestId, ct);
        return new CardReply(current.Card, logged.Confirmation) { Effects = ReplyEffects.Committed | ReplyEffects.LeadWeekChanged };
    }

    private async Task<ChatReply> SaveSettingsAsync(ActionCall a, CancellationToken ct)
    {
        var form = a.Input.Settings ?? new SettingsForm(null, null, null, null);
        var (change, errors) = form.Parse();
        if (errors.Count == 0)
        {
            try
            {
                var saved = await _useCases.UpdateSettingsAsync(a.Tenant, a.LeadId, change, ct);
                return new SettingsReply(saved, "Saved.") { Effects = ReplyEffects.LeadWeekChanged };
            }
            catch (TriageUserException ex)
            {
                errors = new Dictionary<SettingsField, string> { [SettingsField.Budget] = ex.Message };
            }
        }

        var current = await _useCases.GetSettingsAsync(a.Tenant, a.LeadId, ct);
        return new SettingsReply(current) { Submitted = form, Errors = errors };
    }
}
