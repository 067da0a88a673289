using TriageBot.Engine.Conversation;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.Conversation;

public sealed class ConversationServiceTests
{
    private const string TeachCausal = "Can you teach me how propensity score matching works? We will reuse it for every launch going forward.";
    private static readonly ChatActor Ana = new("ana", "Ana Lima", IsLead: true);
    private static readonly ChatActor Bruno = new("bruno", "Bruno Costa", IsLead: false);

    private static (UseCaseHarness H, ConversationService Conversation) Create()
    {
        var h = new UseCaseHarness();
        return (h, new ConversationService(h.UseCases));
    }

    private static ConversationContext Ctx(ChatActor actor, ChatSurface? surface = null) =>
        new(TestOrg.Tenant, Platform.Slack, surface ?? ChatSurface.Slack, actor) { Channel = "C1" };

    [Theory]
    [InlineData("log 30m")]
    [InlineData("done")]
    [InlineData("digest")]
    [InlineData("budget 6")]
    [InlineData("settings")]
    [InlineData("stats")]
    public async Task RunAsync_NonLeadLeadOnlyCommand_RefusedUpFrontOnEverySurface(string line)
    {
        var (h, conversation) = Create();

        var slack = await conversation.RunAsync(Ctx(Bruno), line, CommandSource.Command, default);
        var teams = await conversation.RunAsync(Ctx(Bruno, ChatSurface.Teams), line, CommandSource.ChatMessage, default);

        var slackError = Assert.IsType<ErrorReply>(slack);
        Assert.Contains("for Leads", slackError.Message, StringComparison.Ordinal);
        Assert.Contains("slack_id", slackError.Message, StringComparison.Ordinal);
        var teamsError = Assert.IsType<ErrorReply>(teams);
        Assert.Contains("for Leads", teamsError.Message, StringComparison.Ordinal);
        Assert.Contains("teams_id", teamsError.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("I don't know a Lead", teamsError.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Ledger.ListForLeadAsync(TestOrg.Tenant, "bruno", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public async Task RunAsync_LeadRequestText_TriagesAsThatLead()
    {
        var (_, conversation) = Create();

        var reply = await conversation.RunAsync(Ctx(Ana), TeachCausal, CommandSource.Command, default);

        var card = Assert.IsType<CardReply>(reply);
        Assert.Equal(DecisionOutcome.Take, card.Card.Outcome);
    }

    [Fact]
    public async Task RunAsync_NonLeadRequestText_WhoToAskWithTheNote()
    {
        var (_, conversation) = Create();

        var reply = await conversation.RunAsync(Ctx(Bruno), TeachCausal, CommandSource.Command, default);

        var who = Assert.IsType<WhoReply>(reply);
        Assert.Equal(Messages.NotALeadWhoToAsk, who.Note);
    }

    [Theory]
    [InlineData("triage", CommandSource.Command, false)]
    [InlineData("triage the loyalty emails question", CommandSource.Command, true)]
    [InlineData("hi", CommandSource.ChatMessage, false)]
    [InlineData("sql", CommandSource.Command, true)]
    public void ReadsARequest_HelpOnlyLinesAreNotRead(string line, CommandSource source, bool reads)
    {
        var (_, conversation) = Create();

        Assert.Equal(reads, conversation.ReadsARequest(line, source));
    }

    [Theory]
    [InlineData("", CommandSource.Command)]
    [InlineData("help", CommandSource.Command)]
    [InlineData("?", CommandSource.ChatMessage)]
    [InlineData("hi", CommandSource.ChatMessage)]
    [InlineData("triage", CommandSource.Command)]
    [InlineData(" Triage ", CommandSource.Command)]
    public async Task RunAsync_EmptyHelpOrLoneWordInChat_Help(string line, CommandSource source)
    {
        var (_, conversation) = Create();

        var reply = await conversation.RunAsync(Ctx(Bruno), line, source, default);

        var help = Assert.IsType<HelpReply>(reply);
        Assert.Contains(help.Commands, c => c.Verb == "stats");
    }

    [Theory]
    [InlineData("log", "log 45m pairing")]
    [InlineData("budget lots", "budget 6")]
    [InlineData("who", "who how do I")]
    [InlineData("digest last-week", "digest 2026-W48")]
    public async Task RunAsync_MissingOrBadArguments_FriendlyErrorWithTheSurfacesExample(string line, string example)
    {
        var (_, conversation) = Create();

        var slack = Assert.IsType<ErrorReply>(await conversation.RunAsync(Ctx(Ana), line, CommandSource.Command, default));
        var teams = Assert.IsType<ErrorReply>(await conversation.RunAsync(Ctx(Ana, ChatSurface.Teams), line, CommandSource.ChatMessage, default));

        Assert.Contains("`/triage " + example, slack.Message, StringComparison.Ordinal);
        Assert.Contains("\"" + example, teams.Message, StringComparison.Ordinal);
        Assert.True(slack.ShowHelp);
    }

    [Fact]
    public async Task RunAsync_UseCaseRefusal_ErrorReplyNotException()
    {
        var (_, conversation) = Create();

        var reply = await conversation.RunAsync(Ctx(Ana), "log forever", CommandSource.Command, default);

        Assert.IsType<ErrorReply>(reply);
    }

    [Fact]
    public async Task RunAsync_LogForLead_CommittedAndWeekChanged()
    {
        var (h, conversation) = Create();
        var taken = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(TestOrg.Tenant, taken.Request.Id, "ana");

        var reply = await conversation.RunAsync(Ctx(Ana), "log 45m pairing", CommandSource.Command, default);

        var notice = Assert.IsType<NoticeReply>(reply);
        Assert.StartsWith("Logged 45m", notice.Text, StringComparison.Ordinal);
        Assert.True(notice.Effects.HasFlag(ReplyEffects.Committed));
        Assert.True(notice.Effects.HasFlag(ReplyEffects.LeadWeekChanged));
    }

    [Fact]
    public async Task RunAsync_Stats_ThisWeeksCountsAndHours()
    {
        var (h, conversation) = Create();
        var first = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(TestOrg.Tenant, first.Request.Id, "ana");
        await h.UseCases.LogTimeAsync(TestOrg.Tenant, "ana", "1h30m");
        var second = await h.TriageAsync("Please deploy my churn model to a serving endpoint today");
        await h.UseCases.RedirectAsync(TestOrg.Tenant, second.Request.Id, "ana");

        var reply = await conversation.RunAsync(Ctx(Ana), "stats", CommandSource.Command, default);

        var facts = Assert.IsType<FactsReply>(reply);
        Assert.Equal("Your week 2026-W48", facts.Title);
        var byLabel = facts.Facts.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("2", byLabel["Requests received"]);
        Assert.Equal("1", byLabel["Taken"]);
        Assert.Equal("1", byLabel["Redirected"]);
        Assert.StartsWith("1.5 h of ", byLabel["Help hours"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActAsync_NonLead_RefusedWithTheActionsWording()
    {
        var (h, conversation) = Create();
        var result = await h.TriageAsync(TeachCausal);

        var reply = await conversation.ActAsync(Ctx(Bruno), CardActionNames.Take, new CardActionInput(result.Request.Id), default);

        Assert.Equal("Only a Lead set up in the org file can act on a decision card.", Assert.IsType<ErrorReply>(reply).Message);
        Assert.Equal(RequestStatus.Open, (await h.Requests.GetAsync(TestOrg.Tenant, result.Request.Id))!.Status);
    }

    [Fact]
    public async Task ActAsync_SameMessageAgainOrElsewhere_DeliveryKeySameOnlyForTheSameMessageAndState()
    {
        var (h, conversation) = Create();
        var result = await h.TriageAsync("Can you fix my SQL join today? It double counts orders.");

        async Task<RequesterMessageReply> ActAsync(string action, string? ownerId = null, string? message = null)
        {
            h.Time.Advance(TimeSpan.FromSeconds(3)); // clicks take time; a repeat must not look new because of it
            return Assert.IsType<RequesterMessageReply>(await conversation.ActAsync(Ctx(Ana), action,
                new CardActionInput(result.Request.Id) { OwnerId = ownerId, Message = message }, default));
        }

        var toLeo = await ActAsync(CardActionNames.Redirect, "leo");
        var again = await ActAsync(CardActionNames.Redirect, "leo");
        var toCarla = await ActAsync(CardActionNames.Redirect, "carla");
        var edited = await ActAsync(CardActionNames.Redirect, "carla", "Carla knows this join well, ask her.");
        var backToLeo = await ActAsync(CardActionNames.Redirect, "leo");
        var question = await ActAsync(CardActionNames.Clarify, message: "Which table?");
        var questionAgain = await ActAsync(CardActionNames.Clarify, message: "Which table?");
        var secondQuestion = await ActAsync(CardActionNames.Clarify, message: "And which day?");

        // Every adapter queues the requester's message under this key: a repeat is delivered once, anything new is new,
        // and pointing them back to Leo after Carla is new too (the state changed in between).
        Assert.Equal(toLeo.DeliveryKey, again.DeliveryKey);
        Assert.Equal(question.DeliveryKey, questionAgain.DeliveryKey);
        Assert.NotEqual(toLeo.DeliveryKey, backToLeo.DeliveryKey);
        Assert.Equal(toLeo.Message, backToLeo.Message);
        Assert.Equal(8 - 2, new[] { toLeo, again, toCarla, edited, backToLeo, question, questionAgain, secondQuestion }.Select(r => r.DeliveryKey).Distinct().Count());
        // The repeat left the stored state as it was.
        Assert.Equal(toLeo.Request.UpdatedAt, again.Request.UpdatedAt);
    }

    [Fact]
    public async Task ActAsync_OverrideUnreadable_FriendlyError()
    {
        var (h, conversation) = Create();
        var result = await h.TriageAsync(TeachCausal);

        var reply = await conversation.ActAsync(Ctx(Ana), CardActionNames.Override,
            new CardActionInput(result.Request.Id) { Question = "Mood", Answer = "Yes" }, default);

        Assert.Contains("not valid", Assert.IsType<ErrorReply>(reply).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActAsync_UnknownAction_NoLongerSupported()
    {
        var (_, conversation) = Create();

        var reply = await conversation.ActAsync(Ctx(Ana), "explode", new CardActionInput(Guid.NewGuid()), default);

        Assert.Contains("no longer supported", Assert.IsType<ErrorReply>(reply).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActAsync_SaveSettingsWithBadFields_EachErrorOnItsFieldAndNothingSaved()
    {
        var (h, conversation) = Create();

        var reply = await conversation.ActAsync(Ctx(Ana), CardActionNames.SaveSettings,
            new CardActionInput { Settings = new SettingsForm("99", "Funday", "25:00", "Mars/Olympus") }, default);

        var form = Assert.IsType<SettingsReply>(reply);
        Assert.Equal([SettingsField.Budget, SettingsField.DigestDay, SettingsField.DigestTime, SettingsField.TimeZone], form.Errors.Keys.Order());
        Assert.Null(await h.Settings.GetAsync(TestOrg.Tenant, "ana"));
    }

    [Fact]
    public async Task ActAsync_SaveSettingsValid_SavedAndSaysSo()
    {
        var (_, conversation) = Create();

        var reply = await conversation.ActAsync(Ctx(Ana), CardActionNames.SaveSettings,
            new CardActionInput { Settings = new SettingsForm("7.5", "friday", "16:00", "Europe/Berlin") }, default);

        var form = Assert.IsType<SettingsReply>(reply);
        Assert.Empty(form.Errors);
        Assert.Equal("Saved.", form.Notice);
        Assert.Equal(7.5, form.Settings.BudgetHours);
        Assert.Equal(DayOfWeek.Friday, form.Settings.DigestDay);
        Assert.Equal("Europe/Berlin", form.Settings.TimeZone);
    }

    [Fact]
    public void Commands_EveryVerbAndAliasFindsOneDefinition_AndTheHintListsThemAll()
    {
        var (_, conversation) = Create();
        var commands = conversation.Commands;

        foreach (var command in commands.All.Where(c => c.HasVerb))
        {
            Assert.Same(command, commands.Find(command.Verb.ToUpperInvariant()));
            Assert.Contains(command.Synopsis, commands.UsageHint, StringComparison.Ordinal);
        }

        Assert.Null(commands.Find("triage"));
    }
}
