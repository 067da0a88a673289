using TriageBot.Engine.Conversation;

namespace TriageBot.Teams.Cards;

/// <summary>Card verbs (the <c>verb</c> of Action.Execute, repeated in the data for Action.Submit): the engine's card action names.</summary>
public static class Verbs
{
    public const string Take = CardActionNames.Take;
    public const string Redirect = CardActionNames.Redirect;
    public const string Clarify = CardActionNames.Clarify;
    public const string Override = CardActionNames.Override;
    public const string Done = CardActionNames.Done;
    public const string Log = CardActionNames.Log;
    public const string Settings = CardActionNames.SaveSettings;
    public const string CorrectTopic = CardActionNames.CorrectTopic;
}
