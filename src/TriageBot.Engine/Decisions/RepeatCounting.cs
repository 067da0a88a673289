using System.Globalization;

namespace TriageBot.Engine.Decisions;

/// <summary>
/// How far repeated requests are counted. The advice is the same at 100 repeats as at 1,000, while an exact count costs
/// an index scan that grows with the history of one Lead and topic; so stores stop counting at the cap.
/// </summary>
public static class RepeatCounting
{
    /// <summary>Earlier requests counted at most; a count above it is shown as "more than 100".</summary>
    public const int Cap = 100;

    /// <summary>"3" or, above <see cref="Cap"/>, "more than 100".</summary>
    /// <param name="count">A count of requests that may have been capped.</param>
    public static string Times(int count) =>
        count > Cap ? string.Create(CultureInfo.InvariantCulture, $"more than {Cap}") : count.ToString(CultureInfo.InvariantCulture);
}
