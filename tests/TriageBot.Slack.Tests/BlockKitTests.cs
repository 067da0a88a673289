using System.Text.Json.Nodes;
using TriageBot.Slack.BlockKit;

namespace TriageBot.Slack.Tests;

public class BlockKitTests
{
    [Fact]
    public void Escape_ForwardedChannelPing_PingsNobody()
    {
        var b = new BlockBuilder().Section(Md.Text("<!channel> please look & reply <@U123> <https://evil.example|click>"));
        var text = (string)b.Build()[0]!["text"]!["text"]!;
        Assert.Equal("&lt;!channel&gt; please look &amp; reply &lt;@U123&gt; &lt;https://evil.example|click&gt;", text);
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Escape_OnlyTheThreeCharacters()
    {
        Assert.Equal("a*b_c~`\"'", SlackText.Escape("a*b_c~`\"'"));
        Assert.Equal("&amp;amp;", SlackText.Escape("&amp;"));
    }

    [Fact]
    public void Section_LongText_TruncatedTo3000WithoutBreakingEntities()
    {
        var text = new string('x', 2997) + "&&&&&&&&";
        var built = (string)new BlockBuilder().Section(Md.Text(text)).Build()[0]!["text"]!["text"]!;
        Assert.True(built.Length <= BlockLimits.SectionText);
        Assert.EndsWith("…", built, StringComparison.Ordinal);
        // No half entity such as "&am…" survives.
        var body = built[..^1];
        Assert.True(body.LastIndexOf('&') < 0 || body.EndsWith("&amp;", StringComparison.Ordinal));
    }

    [Fact]
    public void Truncate_NeverSplitsSurrogatePair()
    {
        var text = new string('a', 73) + "😀😀😀";
        var cut = SlackText.TruncatePlain(text, BlockLimits.ButtonText);
        Assert.True(cut.Length <= 75);
        Assert.False(char.IsHighSurrogate(cut[^2]) && !char.IsLowSurrogate(cut[^1]));
        foreach (var (c, i) in cut.Select((c, i) => (c, i)))
        {
            if (char.IsHighSurrogate(c))
            {
                Assert.True(i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1]));
            }
        }
    }

    [Fact]
    public void Button_LongTextIdAndValue_Clamped()
    {
        var button = Element.Button(new string('b', 200), new string('i', 400), new string('v', 5000));
        Assert.True(((string)button["text"]!["text"]!).Length <= 75);
        Assert.Equal(255, ((string)button["action_id"]!).Length);
        Assert.Equal(2000, ((string)button["value"]!).Length);
    }

    [Fact]
    public void Header_Clamped150()
    {
        var header = new BlockBuilder().Header(new string('h', 400)).Build()[0]!;
        Assert.True(((string)header["text"]!["text"]!).Length <= 150);
    }

    [Fact]
    public void Build_TooManyBlocksForMessage_Keeps50WithOmissionNote()
    {
        var b = new BlockBuilder();
        for (var i = 0; i < 70; i++)
        {
            b.Divider();
        }

        var blocks = b.Build();
        Assert.Equal(50, blocks.Count);
        Assert.Equal("context", (string)blocks[49]!["type"]!);
        Assert.Contains("21 more", (string)blocks[49]!["elements"]![0]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Modal_TooManyBlocks_Keeps100AndClampsTitleButtons()
    {
        var b = new BlockBuilder(BlockLimits.ViewBlocks);
        for (var i = 0; i < 130; i++)
        {
            b.Divider();
        }

        var view = Views.Modal("cb", "A very long modal title that exceeds", b, submit: "Submit this long thing now", close: "Close this very long one");
        Assert.Equal(100, ((JsonArray)view["blocks"]!).Count);
        Assert.True(((string)view["title"]!["text"]!).Length <= 24);
        Assert.True(((string)view["submit"]!["text"]!).Length <= 24);
        Assert.True(((string)view["close"]!["text"]!).Length <= 24);
    }

    [Fact]
    public void Home_BuilderAllowsMoreThanAView_Keeps100AndSaysHowManyAreLeftOut()
    {
        var b = new BlockBuilder(maxBlocks: 500);
        for (var i = 0; i < 150; i++)
        {
            b.Section(Md.Trusted($"block {i}"));
        }

        var blocks = (JsonArray)Views.Home(b)["blocks"]!;

        Assert.Equal(BlockLimits.ViewBlocks, blocks.Count);
        Assert.Equal("block 98", (string)blocks[98]!["text"]!["text"]!);
        Assert.Equal("…51 more not shown.", (string)blocks[99]!["elements"]![0]!["text"]!);
    }

    [Fact]
    public void Modal_PrivateMetadataOverLimit_Refused()
    {
        Assert.Throws<ArgumentException>(() => Views.Modal("cb", "t", new BlockBuilder(), privateMetadata: new string('m', 3001)));
    }

    [Fact]
    public void Context_MoreThanTenElements_KeepsTen()
    {
        var context = new BlockBuilder().Context([.. Enumerable.Range(0, 14).Select(i => Md.Text($"e{i}"))]).Build()[0]!;
        Assert.Equal(10, ((JsonArray)context["elements"]!).Count);
    }

    [Fact]
    public void Fields_MoreThanTen_KeepsTenEachClamped()
    {
        var section = new BlockBuilder().Fields(Enumerable.Range(0, 12).Select(_ => Md.Text(new string('f', 2500)))).Build()[0]!;
        var fields = (JsonArray)section["fields"]!;
        Assert.Equal(10, fields.Count);
        Assert.All(fields, f => Assert.True(((string)f!["text"]!).Length <= 2000));
    }

    [Fact]
    public void Mention_OnlyForWellFormedIds()
    {
        Assert.Equal("<@U01ANA>", Md.Mention("U01ANA").Value);
        Assert.Equal(string.Empty, Md.Mention("U01><!channel").Value);
        Assert.Equal(string.Empty, Md.Mention(null).Value);
    }

    [Fact]
    public void TruncateMrkdwn_DoesNotCutInsideOwnToken()
    {
        var text = new string('a', 10) + "<@U0123456789>";
        var cut = SlackText.TruncateMrkdwn(text, 15);
        Assert.Equal(new string('a', 10) + "…", cut);
    }

    [Fact]
    public void Build_CalledTwice_ResultsAreEqualAndIndependent()
    {
        var builder = new BlockBuilder().Header("Take it").Section(Md.Text("one"));

        var first = builder.Build();
        var second = builder.Build();
        second[0]!["text"]!["text"] = "changed";

        Assert.Equal(2, first.Count);
        Assert.Equal("Take it", (string)first[0]!["text"]!["text"]!);
        Assert.Equal(first[1]!.ToJsonString(), second[1]!.ToJsonString());
    }
}
