using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Ports;

public class TenantKeyTests
{
    [Theory]
    [InlineData("local")]
    [InlineData("slack:T0123ABC")]
    [InlineData("slack:E0ENTERPRISE")]
    [InlineData("teams:72f988bf-86f1-41af-91ab-2d7cd011db47")]
    [InlineData("teams:unknown")]
    [InlineData("eval")]
    [InlineData("mattermost:team-1:sub")]
    public void Parse_StoredKeys_RoundTripUnchanged(string stored)
    {
        var key = TenantKey.Parse(stored);

        Assert.Equal(stored, key.ToString());
        Assert.Equal(key, TenantKey.Parse(key.ToString()));
    }

    [Theory]
    [InlineData("slack:T1", "slack", "T1", Platform.Slack)]
    [InlineData("teams:abc", "teams", "abc", Platform.Teams)]
    [InlineData("local", "local", null, Platform.Local)]
    [InlineData("discord:42", "discord", "42", null)]
    public void Parse_Key_SplitsSchemeIdAndPlatform(string text, string scheme, string? id, Platform? platform)
    {
        var key = TenantKey.Parse(text);

        Assert.Equal(scheme, key.Scheme);
        Assert.Equal(id, key.Id);
        Assert.Equal(platform, key.Platform);
    }

    [Theory]
    [InlineData("Slack:T1", "slack:T1")]
    [InlineData("  TEAMS:AbC  ", "teams:AbC")]
    [InlineData("LOCAL", "local")]
    public void Parse_SchemeInAnyCase_IsWrittenLowerCaseAndIdKept(string text, string expected) =>
        Assert.Equal(expected, TenantKey.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("slack:")]
    [InlineData(":T1")]
    [InlineData("slack:T 1")]
    [InlineData("sl ack:T1")]
    [InlineData("9slack:T1")]
    [InlineData("slack:T\t1")]
    public void TryParse_Malformed_IsFalseWithReason(string? text)
    {
        Assert.False(TenantKey.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => TenantKey.Parse(text!));
    }

    [Fact]
    public void TryParse_TooLong_IsFalse() =>
        Assert.False(TenantKey.TryParse("slack:" + new string('T', TenantKey.MaxLength), out _));

    [Fact]
    public void Equals_SameKeyParsedInOtherSchemeCase_AreEqualWithSameHash()
    {
        var a = TenantKey.Parse("SLACK:T1");
        var b = TenantKey.ForSlack("T1");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_IdsDifferingInCase_AreDifferentTenantsAsInTheStores()
    {
        Assert.NotEqual(TenantKey.Parse("teams:ABC"), TenantKey.Parse("teams:abc"));
        Assert.False(TenantKey.StringComparer.Equals("teams:ABC", "teams:abc"));
    }

    [Fact]
    public void CompareTo_Keys_OrderOrdinallyByStoredForm()
    {
        var keys = new[] { "teams:b", "local", "slack:T2", "slack:T10" }.Select(TenantKey.Parse).Order().Select(k => k.ToString());

        Assert.Equal(["local", "slack:T10", "slack:T2", "teams:b"], keys);
    }

    [Fact]
    public void Default_IsLocal() => Assert.Equal(TenantKey.Local, default);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ForPlatform_MissingId_IsUnknown(string? id)
    {
        Assert.Equal("slack:unknown", TenantKey.ForSlack(id).ToString());
        Assert.Equal("teams:unknown", TenantKey.ForTeams(id).ToString());
    }

    [Theory]
    [InlineData("slack:T1", Platform.Slack)]
    [InlineData("SLACK:T1", Platform.Slack)]
    [InlineData("teams:x", Platform.Teams)]
    [InlineData("Teams:x", Platform.Teams)]
    [InlineData("local", null)]
    [InlineData("discord:1", null)]
    [InlineData("not a key", null)]
    public void PlatformOf_TenantKeys_OnlySlackAndTeamsGetDigests(string tenant, Platform? expected) =>
        Assert.Equal(expected, DigestDispatcher.PlatformOf(tenant));
}
