namespace TriageBot.Engine.Org;

/// <summary>Seniority level of a person in the org file. Ordered from least to most senior (manager last, outside the IC ladder).</summary>
public enum Level
{
    /// <summary>Intern.</summary>
    Intern,
    /// <summary>Junior.</summary>
    Junior,
    /// <summary>Mid-level.</summary>
    Mid,
    /// <summary>Senior.</summary>
    Senior,
    /// <summary>Technical Lead (the people TriageBot works for).</summary>
    Lead,
    /// <summary>Staff.</summary>
    Staff,
    /// <summary>Principal.</summary>
    Principal,
    /// <summary>People manager.</summary>
    Manager,
}

/// <summary>A subject that requests can be about, matched from the request text by its name and keywords.</summary>
/// <param name="Id">Stable id: lowercase letters, digits and '-'.</param>
/// <param name="Name">Display name.</param>
/// <param name="Keywords">Words and phrases that signal the topic (matched case-insensitively, robust to inflections).</param>
public sealed record Topic(string Id, string Name, IReadOnlyList<string> Keywords)
{
    /// <summary>One sentence saying what the topic covers (optional); compared with requests by meaning.</summary>
    public string? Description { get; init; }

    /// <summary>Other names of the topic (optional); matched like the name.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>A few real-looking requests about the topic (optional); requests are compared with them by meaning and words.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>
    /// Built-in vocabulary families linked explicitly (optional). When empty, families are linked by a confident
    /// match of the topic's name, aliases or keywords.
    /// </summary>
    public IReadOnlyList<string> Vocabulary { get; init; } = [];
}

/// <summary>An inclusive range of calendar dates when a person is away.</summary>
/// <param name="From">First day away.</param>
/// <param name="To">Last day away (inclusive).</param>
public sealed record AwayPeriod(DateOnly From, DateOnly To)
{
    /// <summary>True when <paramref name="day"/> falls inside the period.</summary>
    public bool Contains(DateOnly day) => day >= From && day <= To;
}

/// <summary>When a Lead's weekly digest goes out, in the Lead's own timezone.</summary>
/// <param name="Day">Day of the week.</param>
/// <param name="Time">Local time of day.</param>
public sealed record DigestSchedule(DayOfWeek Day, TimeOnly Time);

/// <summary>A person in the org directory.</summary>
/// <param name="Id">Stable id used everywhere (storage, CLI, references).</param>
/// <param name="Name">Display name.</param>
/// <param name="Level">Seniority.</param>
/// <param name="TeamId">Id of the team the person belongs to, if any.</param>
/// <param name="Skills">Topic id → skill level 1 (basic) .. 5 (expert).</param>
/// <param name="HelpBudgetHours">Weekly help budget in hours (Leads); null when not set.</param>
/// <param name="TimeZone">IANA timezone id; "UTC" when not set.</param>
/// <param name="Digest">Preferred digest schedule; null means the configured default.</param>
/// <param name="Away">Periods when the person is unavailable.</param>
/// <param name="Identities">How the person is known on the chat platforms (platform → id) and their email, for mapping.</param>
public sealed record Person(
    string Id,
    string Name,
    Level Level,
    string? TeamId,
    IReadOnlyDictionary<string, int> Skills,
    double? HelpBudgetHours,
    string TimeZone,
    DigestSchedule? Digest,
    IReadOnlyList<AwayPeriod> Away,
    PersonIdentities Identities)
{
    /// <summary>Skill level on a topic, 0 when the person has none.</summary>
    public int SkillOn(string topicId) => Skills.TryGetValue(topicId, out var level) ? level : 0;

    /// <summary>True for the levels that lead (lead, staff, principal): they get decisions, budgets and digests.</summary>
    public bool IsLead => Level is Level.Lead or Level.Staff or Level.Principal;

    /// <summary>True when the person is away on <paramref name="day"/>.</summary>
    public bool IsAwayOn(DateOnly day)
    {
        foreach (var period in Away)
        {
            if (period.Contains(day))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A team. Service teams (<see cref="Service"/>) exist to serve requests on their topics (question 3).</summary>
/// <param name="Id">Stable id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Service">True when the team's objective is to provide help on its topics.</param>
/// <param name="Topics">Topic ids the team owns.</param>
/// <param name="Intake">Channel, URL or form where such requests go (e.g. "#help-ml-platform").</param>
/// <param name="Members">Person ids.</param>
public sealed record Team(string Id, string Name, bool Service, IReadOnlyList<string> Topics, string? Intake, IReadOnlyList<string> Members);

/// <summary>A problem found while reading the org file, with its 1-based position.</summary>
/// <param name="Line">1-based line number (0 when unknown).</param>
/// <param name="Column">1-based column (0 when unknown).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record OrgProblem(int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"line {Line}: {Message}" : Message;
}

/// <summary>The result of parsing an org file: the directory when valid, and every problem found.</summary>
/// <param name="Directory">The directory; null when there are problems.</param>
/// <param name="Problems">All problems found, in file order.</param>
public sealed record OrgParseResult(OrgDirectory? Directory, IReadOnlyList<OrgProblem> Problems)
{
    /// <summary>True when the file parsed with no problems.</summary>
    public bool IsValid => Directory is not null && Problems.Count == 0;
}
