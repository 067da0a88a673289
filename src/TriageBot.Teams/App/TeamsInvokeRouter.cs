using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.UseCases;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// Invokes, answered in the response within Teams' 5 s: the message extension ("Triage this request": fetchTask) and
/// its task-module buttons (submitAction), and Universal Actions (<c>adaptiveCard/action</c>), each routed to the engine.
/// </summary>
public sealed class TeamsInvokeRouter
{
    /// <summary>Invoke answers must reach Teams within 5 s; leave room for the network.</summary>
    internal static readonly TimeSpan InvokeBudget = TimeSpan.FromSeconds(4.5);

    private readonly ConversationService _conversation;
    private readonly UserMapper _users;
    private readonly TeamsReplySender _sender;
    private readonly ILogger<TeamsInvokeRouter> _logger;

    /// <summary>Creates the router.</summary>
    public TeamsInvokeRouter(ConversationService conversation, UserMapper users, TeamsReplySender sender, ILogger<TeamsInvokeRouter> logger)
    {
        _conversation = conversation;
        _users = users;
        _sender = sender;
        _logger = logger;
    }

    /// <summary>Handles an invoke and returns its answer.</summary>
    public async Task<BotResponse> HandleAsync(Activity activity, CancellationToken ct)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(InvokeBudget);
        try
        {
            return activity.Name switch
            {
                "composeExtension/fetchTask" => await OnFetchTaskAsync(activity, budget.Token).ConfigureAwait(false),
                "composeExtension/submitAction" => await OnSubmitActionAsync(activity, budget.Token).ConfigureAwait(false),
                "adaptiveCard/action" => await OnAdaptiveCardActionAsync(activity, budget.Token).ConfigureAwait(false),
                _ => BotResponse.Invoke(new JsonObject()),
            };
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            _logger.LogWarning("Invoke {InvokeName} ran out of its 5 s budget", activity.Name);
            return string.Equals(activity.Name, "adaptiveCard/action", StringComparison.Ordinal)
                ? AdaptiveCardError(500, "Timeout", "That took too long; please try again in a moment.")
                : TaskMessage("That took too long; please try again in a moment.");
        }
    }

    private async Task<BotResponse> OnFetchTaskAsync(Activity activity, CancellationToken ct)
    {
        var payload = (activity.Value ?? default).Get("messagePayload");
        if (payload is not { ValueKind: JsonValueKind.Object } message)
        {
            return TaskMessage("Use \"Triage this request\" from the ... menu of a message.");
        }

        var body = message.Get("body");
        var content = body?.GetString("content") ?? string.Empty;
        var text = string.Equals(body?.GetString("contentType"), "text", StringComparison.OrdinalIgnoreCase) ? content.Trim() : HtmlText.ToPlain(content);
        if (text.Length == 0)
        {
            return TaskMessage("That message has no text I can triage.");
        }

        var fromUser = message.Get("from")?.Get("user");
        var requesterAad = fromUser?.GetString("aadObjectId") ?? fromUser?.GetString("id");
        var requester = _users.MapLocal(requesterAad, null);
        var person = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        var context = TeamsMessageRouter.Context(activity, person) with
        {
            // Thread replies go to the root of the thread the message is in.
            MessageRef = message.GetString("replyToId") is { Length: > 0 } parent ? parent : message.GetString("id"),
            MessageLink = message.GetString("linkToMessage"),
            Requester = new ChatActor(requester?.Id ?? requesterAad ?? "unknown", requester?.Name ?? fromUser?.GetString("displayName") ?? "someone", false),
        };
        var reply = await _conversation.RequestAsync(context, text, ct).ConfigureAwait(false);
        return reply is CardReply card ? TaskCard(card.Card, null) : TaskMessage(TeamsReplyRenderer.Message(reply, CardSurface.TaskModule).Text ?? "Done.");
    }

    private async Task<BotResponse> OnSubmitActionAsync(Activity activity, CancellationToken ct)
    {
        if ((activity.Value ?? default).Get("data") is not { ValueKind: JsonValueKind.Object } data)
        {
            return BotResponse.Invoke(new JsonObject());
        }

        var outcome = await ActAsync(activity, JsonNode.Parse(data.GetRawText())!.AsObject(), ct).ConfigureAwait(false);
        return outcome.Reply switch
        {
            ErrorReply error => TaskMessage(error.Message),
            CardReply card => TaskCard(card.Card, outcome.Notice ?? card.Notice),
            RequesterMessageReply sent => TaskCard(sent.Card, outcome.Notice),
            var other => BotResponse.Invoke(TaskContinue(TeamsReplyRenderer.Card(other, CardSurface.TaskModule))),
        };
    }

    private async Task<BotResponse> OnAdaptiveCardActionAsync(Activity activity, CancellationToken ct)
    {
        var action = (activity.Value ?? default).Get("action");
        var verb = action?.GetString("verb");
        if (action is null || string.IsNullOrEmpty(verb))
        {
            return AdaptiveCardError(400, "BadRequest", "The card action has no verb.");
        }

        var data = action.Value.Get("data") is { ValueKind: JsonValueKind.Object } d ? JsonNode.Parse(d.GetRawText())!.AsObject() : [];
        data["verb"] = verb;
        var outcome = await ActAsync(activity, data, ct).ConfigureAwait(false);
        if (outcome.Reply is ErrorReply error)
        {
            return AdaptiveCardError(400, "BadRequest", error.Message);
        }

        return BotResponse.Invoke(new JsonObject
        {
            ["statusCode"] = 200,
            ["type"] = Attachment.AdaptiveCardContentType,
            ["value"] = TeamsReplyRenderer.Card(outcome.Reply, CardSurface.Conversation, outcome.Notice),
        });
    }

    private async Task<TeamsActionOutcome> ActAsync(Activity activity, JsonObject data, CancellationToken ct)
    {
        var person = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        return await TeamsCardData.ActAsync(_conversation, _sender, activity, TeamsMessageRouter.Context(activity, person), data, ct).ConfigureAwait(false);
    }

    private static BotResponse TaskCard(DecisionCard card, string? notice)
    {
        // Message-extension cards must stay under 28 KB: fall back to the compact rendering, then to a message.
        var full = AdaptiveCards.Decision(card, CardSurface.TaskModule, notice);
        if (AdaptiveCards.MeasureBytes(full) > TeamsLimits.MaxMessageExtensionCardBytes)
        {
            full = AdaptiveCards.Decision(card, CardSurface.TaskModule, notice, compact: true);
            if (AdaptiveCards.MeasureBytes(full) > TeamsLimits.MaxMessageExtensionCardBytes)
            {
                return TaskMessage(card.Headline + ": " + card.Summary);
            }
        }

        return BotResponse.Invoke(TaskContinue(full));
    }

    private static JsonObject TaskContinue(JsonObject card) => new()
    {
        ["task"] = new JsonObject
        {
            ["type"] = "continue",
            ["value"] = new JsonObject
            {
                ["title"] = "TriageBot",
                ["height"] = "large",
                ["width"] = "medium",
                ["card"] = new JsonObject { ["contentType"] = Attachment.AdaptiveCardContentType, ["content"] = card },
            },
        },
    };

    private static BotResponse TaskMessage(string text) =>
        BotResponse.Invoke(new JsonObject { ["task"] = new JsonObject { ["type"] = "message", ["value"] = text } });

    private static BotResponse AdaptiveCardError(int status, string code, string message) => BotResponse.Invoke(new JsonObject
    {
        ["statusCode"] = status,
        ["type"] = "application/vnd.microsoft.error",
        ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    });
}
