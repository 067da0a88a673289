using System.Globalization;

namespace TriageBot.Engine.Org;

/// <summary>Reading the people of the org file: level, skills, budget, timezone, digest, away periods and identities.</summary>
internal sealed partial class OrgReader
{
    private static readonly string[] PersonKeys = ["id", "name", "level", "team", "skills", "help_budget_hours", "timezone", "digest", "away", "slack_id", "teams_id", "email", "identities"];
    private static readonly string[] DigestKeys = ["day", "time"];
    private static readonly string[] AwayKeys = ["from", "to"];

    private static readonly Dictionary<string, Level> Levels = new(StringComparer.Ordinal)
    {
        ["intern"] = Level.Intern,
        ["junior"] = Level.Junior,
        ["mid"] = Level.Mid,
        ["senior"] = Level.Senior,
        ["lead"] = Level.Lead,
        ["staff"] = Level.Staff,
        ["principal"] = Level.Principal,
        ["manager"] = Level.Manager,
    };

    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.OrdinalIgnoreCase)
    {
        ["monday"] = DayOfWeek.Monday,
        ["tuesday"] = DayOfWeek.Tuesday,
        ["wednesday"] = DayOfWeek.Wednesday,
        ["thursday"] = DayOfWeek.Thursday,
        ["friday"] = DayOfWeek.Friday,
        ["saturday"] = DayOfWeek.Saturday,
        ["sunday"] = DayOfWeek.Sunday,
    };

    private void ReadPerson(YMap map)
    {
        var f = Fields(map, PersonKeys, Label(map, "person"));
        var id = RequiredId(f, map, "person", _personIds);
        var who = id is null ? Label(map, "person") : $"person '{id}'";
        var name = RequiredString(f, map, "name", who);

        Level? level = null;
        if (RequiredScalar(f, map, "level", who) is { } levelNode)
        {
            if (Levels.TryGetValue(levelNode.Value!.Trim().ToLowerInvariant(), out var l))
            {
                level = l;
            }
            else
            {
                problems.Add(levelNode.Start, $"{who}: level '{levelNode.Value}' is not one of intern, junior, mid, senior, lead, staff, principal, manager.");
            }
        }

        string? team = null;
        if (OptionalScalar(f, "team", who) is { } teamNode)
        {
            team = teamNode.Value!.Trim();
            _references.Add(("team", team, teamNode.Start, $"{who}: team"));
        }

        var skills = new Dictionary<string, int>(StringComparer.Ordinal);
        if (f.TryGetValue("skills", out var skillsField) && !IsNull(skillsField.Value))
        {
            ReadSkills(skillsField.Value, who, skills);
        }

        double? budget = null;
        if (OptionalScalar(f, "help_budget_hours", who) is { } budgetNode)
        {
            if (!double.TryParse(budgetNode.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) || double.IsNaN(hours) || double.IsInfinity(hours))
            {
                problems.Add(budgetNode.Start, $"{who}: help_budget_hours '{budgetNode.Value}' is not a number.");
            }
            else if (hours < 0)
            {
                problems.Add(budgetNode.Start, $"{who}: help_budget_hours must not be negative (got {budgetNode.Value}).");
            }
            else
            {
                budget = hours;
            }
        }

        var timezone = "UTC";
        if (OptionalScalar(f, "timezone", who) is { } tzNode)
        {
            timezone = tzNode.Value!.Trim();
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out _))
            {
                problems.Add(tzNode.Start, $"{who}: timezone '{timezone}' is not a known IANA timezone (e.g. Europe/Berlin, America/Sao_Paulo, UTC).");
            }
        }

        DigestSchedule? digest = null;
        if (f.TryGetValue("digest", out var digestField) && !IsNull(digestField.Value))
        {
            digest = ReadDigest(digestField.Value, who);
        }

        var away = new List<AwayPeriod>();
        if (f.TryGetValue("away", out var awayField) && !IsNull(awayField.Value))
        {
            ReadAway(awayField.Value, who, away);
        }

        var identities = ReadIdentities(f, id, who);

        if (id is not null && name is not null && level is not null)
        {
            _people.Add(new Person(id, name, level.Value, team, skills, budget, timezone, digest, away, identities));
        }
    }

    private void ReadSkills(YNode node, string who, Dictionary<string, int> skills)
    {
        if (node is not YMap map)
        {
            problems.Add(node.Start, $"{who}: skills must be a mapping of topic id to level, e.g. {{sql: 3}}.");
            return;
        }

        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YScalar { Value: { } topicId })
            {
                problems.Add(keyNode.Start, $"{who}: a skill's key must be a topic id.");
                continue;
            }

            _references.Add(("topic", topicId, keyNode.Start, $"{who}: skill"));
            if (valueNode is not YScalar { Value: { } raw } || !int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level))
            {
                problems.Add(valueNode.Start, $"{who}: skill '{topicId}' must be a whole number from 1 to 5.");
                continue;
            }

            if (level is < 1 or > 5)
            {
                problems.Add(valueNode.Start, $"{who}: skill '{topicId}' is {level}; skills go from 1 (basic) to 5 (expert).");
                continue;
            }

            if (!skills.TryAdd(topicId, level))
            {
                problems.Add(keyNode.Start, $"{who}: skill '{topicId}' is listed twice.");
            }
        }
    }

    private DigestSchedule? ReadDigest(YNode node, string who)
    {
        if (node is not YMap map)
        {
            problems.Add(node.Start, $"{who}: digest must be a mapping like {{day: friday, time: \"16:00\"}}.");
            return null;
        }

        var f = Fields(map, DigestKeys, $"{who}'s digest");
        DayOfWeek? day = null;
        TimeOnly? time = null;
        if (RequiredScalar(f, map, "day", $"{who}'s digest") is { } dayNode)
        {
            if (Days.TryGetValue(dayNode.Value!.Trim(), out var d))
            {
                day = d;
            }
            else
            {
                problems.Add(dayNode.Start, $"{who}: digest day '{dayNode.Value}' must be a weekday name such as monday or friday.");
            }
        }

        if (RequiredScalar(f, map, "time", $"{who}'s digest") is { } timeNode)
        {
            if (TimeOnly.TryParseExact(timeNode.Value!.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                time = t;
            }
            else
            {
                problems.Add(timeNode.Start, $"{who}: digest time '{timeNode.Value}' must be HH:mm, e.g. \"16:00\" (quote it).");
            }
        }

        return day is not null && time is not null ? new DigestSchedule(day.Value, time.Value) : null;
    }

    private void ReadAway(YNode node, string who, List<AwayPeriod> away)
    {
        if (node is not YSeq seq)
        {
            problems.Add(node.Start, $"{who}: away must be a list like [{{from: 2026-12-20, to: 2027-01-03}}].");
            return;
        }

        foreach (var item in seq.Children)
        {
            if (item is not YMap map)
            {
                problems.Add(item.Start, $"{who}: each away period must be a mapping {{from: YYYY-MM-DD, to: YYYY-MM-DD}}.");
                continue;
            }

            var f = Fields(map, AwayKeys, $"{who}'s away period");
            var from = ReadDate(RequiredScalar(f, map, "from", $"{who}'s away period"), who, "from");
            var to = ReadDate(RequiredScalar(f, map, "to", $"{who}'s away period"), who, "to");
            if (from is not null && to is not null)
            {
                if (from > to)
                {
                    problems.Add(map.Start, $"{who}: away period starts ({from:yyyy-MM-dd}) after it ends ({to:yyyy-MM-dd}).");
                }
                else
                {
                    away.Add(new AwayPeriod(from.Value, to.Value));
                }
            }
        }
    }

    private DateOnly? ReadDate(YScalar? node, string who, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(node.Value!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        problems.Add(node.Start, $"{who}: away '{field}' date '{node.Value}' must be a real date written YYYY-MM-DD.");
        return null;
    }
}
