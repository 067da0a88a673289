using System.Globalization;
using YamlDotNet.Core;

namespace TriageBot.Engine.Org;

/// <summary>Walks the YAML representation of the org file, validating as it goes, and builds the directory.</summary>
internal sealed class OrgReader(ProblemList problems)
{
    private static readonly string[] RootKeys = ["topics", "people", "teams"];
    private static readonly string[] TopicKeys = ["id", "name", "keywords", "description", "aliases", "examples", "vocabulary"];
    private static readonly string[] PersonKeys = ["id", "name", "level", "team", "skills", "help_budget_hours", "timezone", "digest", "away", "slack_id", "teams_id", "email"];
    private static readonly string[] TeamKeys = ["id", "name", "service", "topics", "intake", "members"];
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

    private readonly List<Topic> _topics = [];
    private readonly List<Person> _people = [];
    private readonly List<Team> _teams = [];
    private readonly Dictionary<string, Mark> _topicIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Mark> _personIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Mark> _teamIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _platformIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Kind, string Id, Mark Mark, string Where)> _references = [];

    public OrgDirectory? Read(YNode root)
    {
        if (root is YScalar { Value: null or "" or "~" or "null" })
        {
            problems.Add(root.Start, "the org file is empty: it needs 'topics', 'people' and 'teams'.");
            return null;
        }

        if (root is not YMap map)
        {
            problems.Add(root.Start, "the org file must be a mapping with the keys 'topics', 'people' and 'teams'.");
            return null;
        }

        var fields = Fields(map, RootKeys, "the org file");
        if (!fields.ContainsKey("topics") && !fields.ContainsKey("people"))
        {
            problems.Add(map.Start, "the org file needs at least 'topics' and 'people'.");
        }

        ReadList(fields, "topics", ReadTopic);
        ReadList(fields, "people", ReadPerson);
        ReadList(fields, "teams", ReadTeam);
        CheckReferences();

        return problems.Count == 0 ? new OrgDirectory(_topics, _people, _teams) : null;
    }

    private void ReadList(Dictionary<string, (YScalar Key, YNode Value)> fields, string key, Action<YMap> readItem)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return;
        }

        if (field.Value is not YSeq seq)
        {
            problems.Add(field.Value.Start, $"'{key}' must be a list (items starting with '-').");
            return;
        }

        foreach (var item in seq.Children)
        {
            if (item is YMap itemMap)
            {
                readItem(itemMap);
            }
            else
            {
                problems.Add(item.Start, $"each item of '{key}' must be a mapping such as {{id: ..., name: ...}}.");
            }
        }
    }

    private void ReadTopic(YMap map)
    {
        var f = Fields(map, TopicKeys, Label(map, "topic"));
        var id = RequiredId(f, map, "topic", _topicIds);
        var name = RequiredString(f, map, "name", $"topic '{id}'");
        var keywords = new List<string>();
        if (f.TryGetValue("keywords", out var kw) && !IsNull(kw.Value))
        {
            foreach (var (value, mark) in StringList(kw.Value, "keywords"))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add(mark, $"topic '{id}' has an empty keyword.");
                }
                else
                {
                    keywords.Add(value.Trim());
                }
            }
        }

        var description = OptionalTopicText(f, "description", id);
        var aliases = TopicStrings(f, "aliases", id, 200);
        var examples = TopicStrings(f, "examples", id, 2_000);
        var vocabulary = TopicStrings(f, "vocabulary", id, 100);
        foreach (var family in vocabulary)
        {
            if (!Understanding.BuiltInVocabulary.Instance.Contains(family))
            {
                problems.Add(f["vocabulary"].Value.Start,
                    $"topic '{id}' links to vocabulary '{family}', which is not built in (known: {string.Join(", ", Understanding.BuiltInVocabulary.Instance.Families.Select(x => x.Id))}).");
            }
        }

        if (id is not null && name is not null)
        {
            _topics.Add(new Topic(id, name, keywords)
            {
                Description = description,
                Aliases = aliases,
                Examples = examples,
                Vocabulary = vocabulary,
            });
        }
    }

    private string? OptionalTopicText(Dictionary<string, (YScalar Key, YNode Value)> f, string key, string? id)
    {
        if (!f.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (field.Value is not YScalar { Value: { } text })
        {
            problems.Add(field.Value.Start, $"topic '{id}': '{key}' must be a sentence (a string).");
            return null;
        }

        if (text.Length > 2_000)
        {
            problems.Add(field.Value.Start, $"topic '{id}': '{key}' is longer than 2000 characters.");
            return null;
        }

        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private List<string> TopicStrings(Dictionary<string, (YScalar Key, YNode Value)> f, string key, string? id, int maxLength)
    {
        var list = new List<string>();
        if (!f.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return list;
        }

        foreach (var (value, mark) in StringList(field.Value, key))
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add(mark, $"topic '{id}' has an empty entry in '{key}'.");
            }
            else if (value.Length > maxLength)
            {
                problems.Add(mark, $"topic '{id}': an entry of '{key}' is longer than {maxLength} characters.");
            }
            else
            {
                list.Add(value.Trim());
            }
        }

        return list;
    }

    private void ReadPerson(YMap map)
    {
        var f = Fields(map, PersonKeys, Label(map, "person"));
        var id = RequiredId(f, map, "person", _personIds);
        var who = $"person '{id}'";
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

        var slackId = PlatformId(f, "slack_id", id);
        var teamsId = PlatformId(f, "teams_id", id);
        var email = PlatformId(f, "email", id);
        if (email is not null && !email.Contains('@', StringComparison.Ordinal))
        {
            problems.Add(f["email"].Value.Start, $"{who}: email '{email}' is not an email address.");
        }

        if (id is not null && name is not null && level is not null)
        {
            _people.Add(new Person(id, name, level.Value, team, skills, budget, timezone, digest, away, slackId, teamsId, email));
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

    private void ReadTeam(YMap map)
    {
        var f = Fields(map, TeamKeys, Label(map, "team"));
        var id = RequiredId(f, map, "team", _teamIds);
        var who = $"team '{id}'";
        var name = RequiredString(f, map, "name", who);

        var service = false;
        if (OptionalScalar(f, "service", who) is { } serviceNode)
        {
            switch (serviceNode.Value!.Trim().ToLowerInvariant())
            {
                case "true":
                    service = true;
                    break;
                case "false":
                    break;
                default:
                    problems.Add(serviceNode.Start, $"{who}: service must be true or false (got '{serviceNode.Value}').");
                    break;
            }
        }

        var topics = new List<string>();
        if (f.TryGetValue("topics", out var topicsField) && !IsNull(topicsField.Value))
        {
            foreach (var (value, mark) in StringList(topicsField.Value, $"{who}: topics"))
            {
                _references.Add(("topic", value, mark, $"{who}: topics"));
                topics.Add(value);
            }
        }

        string? intake = null;
        if (OptionalScalar(f, "intake", who) is { } intakeNode)
        {
            intake = intakeNode.Value!.Trim();
        }

        var members = new List<string>();
        if (f.TryGetValue("members", out var membersField) && !IsNull(membersField.Value))
        {
            foreach (var (value, mark) in StringList(membersField.Value, $"{who}: members"))
            {
                _references.Add(("person", value, mark, $"{who}: members"));
                members.Add(value);
            }
        }

        if (id is not null && name is not null)
        {
            _teams.Add(new Team(id, name, service, topics, intake, members));
        }
    }

    private void CheckReferences()
    {
        foreach (var (kind, id, mark, where) in _references)
        {
            var known = kind switch
            {
                "topic" => _topicIds.ContainsKey(id),
                "team" => _teamIds.ContainsKey(id),
                _ => _personIds.ContainsKey(id),
            };
            if (!known)
            {
                problems.Add(mark, $"{where} refers to unknown {kind} '{id}'.");
            }
        }
    }

    private Dictionary<string, (YScalar Key, YNode Value)> Fields(YMap map, string[] allowed, string what)
    {
        var fields = new Dictionary<string, (YScalar, YNode)>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YScalar { Value: { } key } scalarKey)
            {
                problems.Add(keyNode.Start, $"{what}: keys must be plain names.");
                continue;
            }

            if (Array.IndexOf(allowed, key) < 0)
            {
                problems.Add(keyNode.Start, $"{what}: unknown key '{key}' (allowed: {string.Join(", ", allowed)}).");
                continue;
            }

            if (!fields.TryAdd(key, (scalarKey, valueNode)))
            {
                problems.Add(keyNode.Start, $"{what}: key '{key}' appears twice.");
            }
        }

        return fields;
    }

    private string? RequiredId(Dictionary<string, (YScalar Key, YNode Value)> f, YMap map, string kind, Dictionary<string, Mark> seen)
    {
        var node = RequiredScalar(f, map, "id", $"a {kind}");
        if (node is null)
        {
            return null;
        }

        var id = node.Value!.Trim();
        if (!IsValidId(id))
        {
            problems.Add(node.Start, $"{kind} id '{id}' is not valid: use lowercase letters, digits and '-'.");
            return null;
        }

        if (seen.TryGetValue(id, out var first))
        {
            problems.Add(node.Start, $"duplicate {kind} id '{id}' (first defined on line {(int)first.Line}).");
            return null;
        }

        seen.Add(id, node.Start);
        return id;
    }

    private string? RequiredString(Dictionary<string, (YScalar Key, YNode Value)> f, YMap map, string key, string who) =>
        RequiredScalar(f, map, key, who)?.Value!.Trim();

    private YScalar? RequiredScalar(Dictionary<string, (YScalar Key, YNode Value)> f, YMap map, string key, string who)
    {
        if (!f.TryGetValue(key, out var field))
        {
            problems.Add(map.Start, $"{who}: missing required '{key}'.");
            return null;
        }

        if (IsNull(field.Value) || field.Value is YScalar { Value: { } v } && string.IsNullOrWhiteSpace(v))
        {
            problems.Add(field.Key.Start, $"{who}: '{key}' has no value.");
            return null;
        }

        if (field.Value is not YScalar scalar)
        {
            problems.Add(field.Value.Start, $"{who}: '{key}' must be a single value, not a list or mapping.");
            return null;
        }

        return scalar;
    }

    private YScalar? OptionalScalar(Dictionary<string, (YScalar Key, YNode Value)> f, string key, string who)
    {
        if (!f.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (field.Value is not YScalar { Value: { } v } scalar || string.IsNullOrWhiteSpace(v))
        {
            problems.Add(field.Value.Start, $"{who}: '{key}' must be a single value.");
            return null;
        }

        return scalar;
    }

    private string? PlatformId(Dictionary<string, (YScalar Key, YNode Value)> f, string key, string? personId)
    {
        var node = OptionalScalar(f, key, $"person '{personId}'");
        if (node is null)
        {
            return null;
        }

        var value = node.Value!.Trim();
        var slot = $"{key}:{value}";
        if (personId is not null && !_platformIds.TryAdd(slot, personId))
        {
            problems.Add(node.Start, $"person '{personId}': {key} '{value}' is already used by person '{_platformIds[slot]}'.");
        }

        return value;
    }

    private IEnumerable<(string Value, Mark Mark)> StringList(YNode node, string what)
    {
        if (node is not YSeq seq)
        {
            problems.Add(node.Start, $"{what} must be a list, e.g. [a, b].");
            yield break;
        }

        foreach (var item in seq.Children)
        {
            if (item is YScalar { Value: { } value })
            {
                yield return (value.Trim(), item.Start);
            }
            else
            {
                problems.Add(item.Start, $"{what}: each entry must be a single value.");
            }
        }
    }

    /// <summary>"person 'ana'" when the item has a readable id, else "a person": used before the id is validated.</summary>
    private static string Label(YMap map, string kind)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YScalar { Value: "id" } && value is YScalar { Value: { Length: > 0 and <= 100 } id })
            {
                return $"{kind} '{id.Trim()}'";
            }
        }

        return $"a {kind}";
    }

    private static bool IsNull(YNode node) =>
        node is YScalar { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    internal static bool IsValidId(string id)
    {
        if (id.Length == 0 || id.Length > 100 || id[0] == '-')
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
