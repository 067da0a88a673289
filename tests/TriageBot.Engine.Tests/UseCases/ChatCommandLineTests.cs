using CsCheck;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.UseCases;

public class ChatCommandLineTests
{
    [Theory]
    [InlineData("", "", "", true)]
    [InlineData("   ", "", "", true)]
    [InlineData("help", "help", "", true)]
    [InlineData("  LOG   45m  pairing on the uplift model ", "log", "45m  pairing on the uplift model", false)]
    [InlineData("who\nhow do I get access?", "who", "how do I get access?", false)]
    [InlineData("Budget\t6h", "budget", "6h", false)]
    public void Parse_Lines_VerbLowerCaseAndRestTrimmed(string text, string verb, string rest, bool single)
    {
        var line = ChatCommandLine.Parse(text);

        Assert.Equal(new ChatCommandLine(verb, rest, single), line);
    }

    [Fact]
    public void LogArguments_DurationAndNote()
    {
        Assert.Equal(("45m", "pairing on the uplift model"), ChatCommandLine.Parse("log 45m   pairing on the uplift model").LogArguments());
        Assert.Equal(("1h15m", (string?)null), ChatCommandLine.Parse("log 1h15m").LogArguments());
        Assert.Null(ChatCommandLine.Parse("log").LogArguments());
    }

    [Theory]
    [InlineData("budget 6", 6.0)]
    [InlineData("budget 6h", 6.0)]
    [InlineData("budget 6.5 H", 6.5)]
    [InlineData("budget six", null)]
    [InlineData("budget", null)]
    public void BudgetHours_NumbersWithOrWithoutH(string text, double? expected)
    {
        Assert.Equal(expected, ChatCommandLine.Parse(text).BudgetHours());
    }

    [Fact]
    public void Parse_AnyText_NeverThrowsAndVerbIsOneLowerCaseWord()
    {
        Gen.String.Sample(text =>
        {
            var line = ChatCommandLine.Parse(text);
            Assert.DoesNotContain(line.Verb, c => c is ' ' or '\n' or '\t' or '\r');
            Assert.Equal(line.Verb.ToLowerInvariant(), line.Verb);
            Assert.Equal(line.Rest.Trim(), line.Rest);
            _ = line.LogArguments();
            _ = line.BudgetHours();
        });
    }
}
