using System.Globalization;
using YamlDotNet.Core;

namespace TriageBot.Engine.Org;

/// <summary>
/// Walks the YAML representation of the org file, validating as it goes, and builds the directory. This file reads the
/// root, topics and teams and checks references; people are read in <c>OrgReader.People.cs</c>, the shared field helpers
/// are in <c>OrgReader.Fields.cs</c>.
/// </summary>
internal sealed partial class OrgReader(ProblemList problems)
{
    private static readonly string[] RootKeys = ["topics", "people", "teams"];
    private static readonly string[] TopicKeys = ["id", "name", "keywords", "description", "aliases", "examples", "vocabulary"];
    private static readonly string[] TeamKeys = ["id", "name", "service", "topics", "intake", "members"];

    private readonly List<Topic> _topics = [];
    private readonly List<Person> _people = [];
    private readonly List<Team> _teams = [];
    private readonly Dictionary<string, Mark> _topicIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Mark> _personIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Mark> _teamIds = new(StringComparer.Ordinal);
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

    // Two topics with one name cannot be told apart on the card or in the topic picker.
    private readonly Dictionary<string, (string Id, Mark Mark)> _topicNames = new(StringComparer.OrdinalIgnoreCase);

    private bool UniqueTopicName(string name, string id, Mark mark)
    {
        if (_topicNames.TryGetValue(name, out var first))
        {
            problems.Add(mark, $"topic '{id}': the name '{name}' is already topic '{first.Id}''s (line {(int)first.Mark.Line}); give each topic its own name, so Leads can tell them apart.");
            return false;
        }

        _topicNames.Add(name, (id, mark));
        return true;
    }

    /// <summary>The id an item gives, as written, for messages about an item whose id was refused ("?" without one).</summary>
    private static string RawId(YMap map)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YScalar { Value: "id" } && value is YScalar { Value: { Length: > 0 and <= 100 } id })
            {
                return id.Trim();
            }
        }

        return "?";
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
        var shown = id ?? RawId(map);
        var name = RequiredString(f, map, "name", $"topic '{shown}'");
        var keywords = new List<string>();
        if (f.TryGetValue("keywords", out var kw) && !IsNull(kw.Value))
        {
            foreach (var (value, mark) in StringList(kw.Value, "keywords"))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add(mark, $"topic '{shown}' has an empty keyword.");
                }
                else
                {
                    keywords.Add(value.Trim());
                }
            }
        }

        var description = OptionalTopicText(f, "description", shown);
        var aliases = TopicStrings(f, "aliases", shown, 200);
        var examples = TopicStrings(f, "examples", shown, 2_000);
        var vocabulary = TopicStrings(f, "vocabulary", shown, 100);
        foreach (var family in vocabulary)
        {
            if (!Understanding.BuiltInVocabulary.Instance.Contains(family))
            {
                problems.Add(f["vocabulary"].Value.Start,
                    $"topic '{shown}' links to vocabulary '{family}', which is not built in (known: {string.Join(", ", Understanding.BuiltInVocabulary.Instance.Families.Select(x => x.Id))}).");
            }
        }

        if (id is not null && name is not null && UniqueTopicName(name, id, f["name"].Value.Start))
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

    private void ReadTeam(YMap map)
    {
        var f = Fields(map, TeamKeys, Label(map, "team"));
        var id = RequiredId(f, map, "team", _teamIds);
        var who = id is null ? Label(map, "team") : $"team '{id}'";
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
}
