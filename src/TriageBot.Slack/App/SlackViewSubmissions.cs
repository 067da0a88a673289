using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// Modal submissions (the edited redirect, the settings form): read the fields, run the engine's card action, and
/// answer in the ack with <c>response_action</c> — errors attached to the field the engine names.
/// </summary>
public sealed class SlackViewSubmissions
{
    private readonly ConversationService _conversation;
    private readonly SlackResponder _responder;

    /// <summary>Creates the handler.</summary>
    public SlackViewSubmissions(ConversationService conversation, SlackResponder responder)
    {
        _conversation = conversation;
        _responder = responder;
    }

    /// <summary>Handles a view submission and returns the ack.</summary>
    public async Task<SlackAck> HandleAsync(string tenant, InteractionPayload payload, CancellationToken ct)
    {
        var view = payload.View;
        if (view is null)
        {
            return SlackAck.Client(400, "view_submission without a view.");
        }

        return view.CallbackId switch
        {
            SlackIds.TriageModal or SlackIds.InfoModal => SlackAck.Ok,
            SlackIds.RedirectModal => await SubmitRedirectAsync(tenant, payload, view, ct),
            SlackIds.SettingsModal => await SubmitSettingsAsync(tenant, payload, view, ct),
            _ => SlackAck.Client(400, $"Unknown view '{view.CallbackId}'."),
        };
    }

    private async Task<SlackAck> SubmitRedirectAsync(string tenant, InteractionPayload payload, ViewPayload view, CancellationToken ct)
    {
        var modal = SlackRenderer.ReadContext(view.PrivateMetadata);
        if (modal is null || modal.RequestId == Guid.Empty)
        {
            return SlackAck.Client(400, "The redirect view lost its context.");
        }

        var message = view.State?.Get(SlackIds.RedirectMessageBlock, SlackIds.RedirectMessageAction)?.Trim();
        if (string.IsNullOrEmpty(message))
        {
            return Errors(new JsonObject { [SlackIds.RedirectMessageBlock] = "Write the message for the requester (or press Back)." });
        }

        var userId = payload.User!.Id!;
        var context = await _responder.ContextAsync(tenant, userId, ct);
        var reply = await _conversation.ActAsync(context, CardActionNames.Redirect, new CardActionInput(modal.RequestId) { OwnerId = modal.OwnerId, Message = message }, ct);
        if (reply is not RequesterMessageReply redirected)
        {
            return Errors(new JsonObject { [SlackIds.RedirectMessageBlock] = Limit(SlackReplyRenderer.Message(reply, []).Text) });
        }

        await _responder.FollowUpAsync(tenant, userId, reply, ct);
        var sent = await _responder.PostToRequesterAsync(tenant, redirected, modal, userId, ct);
        await _responder.RefreshCardMessageAsync(tenant, modal, redirected.Card, ct);
        var updated = SlackRenderer.CardModal(redirected.Card, modal, sent
            ? $"Redirect on its way to the thread, pointing to {redirected.Owner?.Name} (if I can't post there, I'll DM you the text)."
            : $"Already sent, pointing to {redirected.Owner?.Name} with the same words: nothing new posted.");
        return SlackAck.WithJson(new JsonObject { ["response_action"] = "update", ["view"] = updated });
    }

    private async Task<SlackAck> SubmitSettingsAsync(string tenant, InteractionPayload payload, ViewPayload view, CancellationToken ct)
    {
        var state = view.State;
        var form = new SettingsForm(
            state?.Get(SlackIds.BudgetBlock, SlackIds.ValueAction),
            state?.Get(SlackIds.DayBlock, SlackIds.ValueAction),
            state?.Get(SlackIds.TimeBlock, SlackIds.ValueAction),
            state?.Get(SlackIds.TimeZoneBlock, SlackIds.ValueAction));
        var userId = payload.User!.Id!;
        var context = await _responder.ContextAsync(tenant, userId, ct);
        var reply = await _conversation.ActAsync(context, CardActionNames.SaveSettings, new CardActionInput { Settings = form }, ct);
        switch (reply)
        {
            case SettingsReply { Errors.Count: > 0 } refused:
                var errors = new JsonObject();
                foreach (var (field, error) in refused.Errors)
                {
                    errors[SlackReplyRenderer.BlockOf(field)] = Limit(error);
                }

                return Errors(errors);
            case SettingsReply:
                await _responder.FollowUpAsync(tenant, userId, reply, ct);
                return SlackAck.WithJson(new JsonObject { ["response_action"] = "clear" });
            default:
                return Errors(new JsonObject { [SlackIds.BudgetBlock] = Limit(SlackReplyRenderer.Message(reply, []).Text) });
        }
    }

    private static string Limit(string message) => SlackText.TruncatePlain(message, 2000);

    private static SlackAck Errors(JsonObject errors) =>
        SlackAck.WithJson(new JsonObject { ["response_action"] = "errors", ["errors"] = errors });
}
