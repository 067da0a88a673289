using TriageBot.Engine.Decisions;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.UseCases;

public sealed class MessagesTests
{
    private static readonly string[] BrushOffs = ["not my job", "can't help", "cannot help", "go away", "not my problem", "figure it out"];

    [Fact]
    public void Redirect_ToPerson_NamesWhoWhyAndWhatToInclude()
    {
        var owner = new Owner(OwnerType.Person, "carla", "Carla Souza", null, "Carla Souza (senior) is 5/5 on SQL.");
        var text = Messages.Redirect("Bruno Costa", "Ana Lima", owner, "SQL", ownerSkill: 5);

        Assert.Equal(
            """
            Hi Bruno! Thanks for asking about SQL. Ana thinks Carla Souza is the best person to help with this: Carla is one of the most experienced people on SQL.
            Please reach out to Carla directly and include:
            • the context: what you're working on and what it feeds into
            • what you've tried so far, and where you got stuck
            • links: the query, notebook, dashboard, ticket or doc
            • your deadline: when you need it by
            If you're still stuck after that, come back to Ana: this isn't a no, it's the quickest way to a good answer.
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            text);
    }

    [Fact]
    public void Redirect_ToTeamWithIntake_PointsToIntake()
    {
        var owner = new Owner(OwnerType.Team, "platform-ml", "ML Platform", "#help-ml-platform", "ML Platform is the service team for Model deployment.");
        var text = Messages.Redirect("Bruno Costa", "Ana Lima", owner, "Model deployment");
        Assert.Contains("The ML Platform team looks after Model deployment, so they're best placed to help", text, StringComparison.Ordinal);
        Assert.DoesNotContain("service team", text, StringComparison.Ordinal);
        Assert.Contains("Please post your request in #help-ml-platform and include:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redirect_ToTeamWithoutIntake_NamesTeam()
    {
        var owner = new Owner(OwnerType.Team, "analytics", "Analytics", null, "");
        var text = Messages.Redirect("", "Ana Lima", owner, null);
        Assert.StartsWith("Hi! Thanks for your message. The Analytics team is there to help with exactly this", text, StringComparison.Ordinal);
        Assert.Contains("Please reach out to the Analytics team and include:", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OwnerType.Person)]
    [InlineData(OwnerType.Team)]
    public void Redirect_NeverABrushOff(OwnerType type)
    {
        var owner = new Owner(type, "x", "Xavier Team", type == OwnerType.Team ? "#help" : null, "why");
        var text = Messages.Redirect("Bruno", "Ana", owner, "SQL").ToLowerInvariant();
        Assert.All(BrushOffs, b => Assert.DoesNotContain(b, text, StringComparison.Ordinal));
        Assert.Contains("thanks", text, StringComparison.Ordinal);
        Assert.Contains("come back to ana", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, ": Carla knows SQL well and can give it proper attention.")]
    [InlineData(0, " is the best person to help with this.\n")]
    public void Redirect_ToPerson_WhyFollowsTheirLevel(int skill, string expected)
    {
        var owner = new Owner(OwnerType.Person, "carla", "Carla Souza", null, "internal: 6 h of help time left");
        var text = Messages.Redirect("Bruno Costa", "Ana Lima", owner, "SQL", skill);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("internal", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Clarify_AsksWhatWhyTriedAndDeadline()
    {
        var text = Messages.Clarify("Bruno Costa", "Ana Lima");
        Assert.StartsWith("Hi Bruno! Thanks for your message.", text, StringComparison.Ordinal);
        Assert.Contains("what it's about", text, StringComparison.Ordinal);
        Assert.Contains("what you've tried", text, StringComparison.Ordinal);
        Assert.Contains("when you need it by", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirmations()
    {
        Assert.Equal("Taken: you'll teach Bruno. Estimated 1h15m. Log the time you spend with \"log 30m\" (or 1h15m, 1.5h) and mark it done when finished.", Messages.Taken("Bruno Costa", HelpMode.Teach, 75));
        Assert.Equal("Logged 45m — 4.5 h of 6 h this week.", Messages.Logged(45, null, 4.5, 6));
        Assert.Equal("Marked done: Bruno's request. No time logged on it yet: log it with \"log 30m\".", Messages.Done("Bruno's request", 0));
        Assert.Equal("Redirected Bruno to the ML Platform team (#help-ml-platform).", Messages.Redirected("Bruno Costa", new Owner(OwnerType.Team, "p", "ML Platform", "#help-ml-platform", "")));
    }
}
