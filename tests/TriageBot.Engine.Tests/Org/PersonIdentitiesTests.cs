using TriageBot.Engine.Org;

namespace TriageBot.Engine.Tests.Org;

public class PersonIdentitiesTests
{
    private static Person Someone(string id, PersonIdentities identities) =>
        new(id, id, Level.Mid, null, new Dictionary<string, int>(), null, "UTC", null, [], identities);

    [Fact]
    public void Of_BlankIdsAndEmail_AreLeftOut()
    {
        var identities = PersonIdentities.Of([new("slack", " "), new("teams", null)], "  ");

        Assert.Empty(identities.ByPlatform);
        Assert.Null(identities.Email);
        Assert.Equal(PersonIdentities.None, identities);
    }

    [Theory]
    [InlineData("Slack")]
    [InlineData("email address")]
    [InlineData("-x")]
    [InlineData("")]
    public void Of_BadPlatformName_Throws(string platform) =>
        Assert.Throws<ArgumentException>(() => PersonIdentities.Of([new(platform, "x")]));

    [Fact]
    public void Of_SamePlatformTwice_Throws() =>
        Assert.Throws<ArgumentException>(() => PersonIdentities.Of([new("slack", "U1"), new("slack", "U2")]));

    [Fact]
    public void With_NewPlatformId_LeavesOriginalUnchanged()
    {
        var original = PersonIdentities.Of([new(IdentityPlatforms.Teams, "aad-1")], "a@x.io");

        var copy = original.With(IdentityPlatforms.Slack, "U1");

        Assert.Null(original.IdOn(IdentityPlatforms.Slack));
        Assert.Equal("U1", copy.IdOn(IdentityPlatforms.Slack));
        Assert.Equal("aad-1", copy.IdOn(IdentityPlatforms.Teams));
        Assert.Equal("a@x.io", copy.Email);
    }

    [Fact]
    public void Equals_TeamsIdAndEmailInOtherCase_AreEqualButSlackIdIsNot()
    {
        var a = PersonIdentities.Of([new(IdentityPlatforms.Teams, "ABC-1"), new(IdentityPlatforms.Slack, "U1")], "Ana@X.io");
        var b = PersonIdentities.Of([new(IdentityPlatforms.Teams, "abc-1"), new(IdentityPlatforms.Slack, "U1")], "ana@x.io");
        var c = PersonIdentities.Of([new(IdentityPlatforms.Teams, "abc-1"), new(IdentityPlatforms.Slack, "u1")], "ana@x.io");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void FindByIdentity_EachPlatformByItsOwnCaseRule()
    {
        var ana = Someone("ana", PersonIdentities.Of(
            [new(IdentityPlatforms.Slack, "U01ANA"), new(IdentityPlatforms.Teams, "00000000-0000-0000-0000-00000000000A"), new("mattermost", "Ana8")], "ana@x.io"));
        var org = new OrgDirectory([], [ana], []);

        Assert.Same(ana, org.FindByIdentity(IdentityPlatforms.Slack, "U01ANA"));
        Assert.Null(org.FindByIdentity(IdentityPlatforms.Slack, "u01ana"));
        Assert.Same(ana, org.FindByIdentity(IdentityPlatforms.Teams, "00000000-0000-0000-0000-00000000000a"));
        Assert.Same(ana, org.FindByIdentity("mattermost", "Ana8"));
        Assert.Null(org.FindByIdentity("mattermost", "ana8"));
        Assert.Null(org.FindByIdentity("discord", "Ana8"));
        Assert.Null(org.FindByIdentity(IdentityPlatforms.Slack, null));
        Assert.Same(ana, org.FindByEmail("ANA@x.io"));
        Assert.Null(org.FindByEmail(" "));
    }

    [Fact]
    public void FindByIdentityOrEmail_UnknownIdKnownEmail_FallsBackToEmail()
    {
        var ana = Someone("ana", PersonIdentities.Of([new(IdentityPlatforms.Teams, "aad-ana")], "ana@x.io"));
        var bea = Someone("bea", PersonIdentities.Of([], "bea@x.io"));
        var org = new OrgDirectory([], [ana, bea], []);

        Assert.Same(ana, org.FindByIdentityOrEmail(IdentityPlatforms.Teams, "aad-ana", "bea@x.io"));
        Assert.Same(bea, org.FindByIdentityOrEmail(IdentityPlatforms.Teams, "aad-unknown", "BEA@x.io"));
        Assert.Null(org.FindByIdentityOrEmail(IdentityPlatforms.Teams, null, null));
    }
}
