namespace TriageBot.Engine.Org;

/// <summary>
/// The org directory: topics, people and teams, with the indexes the engine needs so that a decision
/// never scans everyone (people by topic sorted by skill, service teams by topic, platform-id lookups).
/// Immutable once built; safe to share between threads.
/// </summary>
public sealed class OrgDirectory
{
    private static readonly IReadOnlyList<Person> NoPeople = [];
    private static readonly IReadOnlyList<Team> NoTeams = [];

    private readonly Dictionary<string, Topic> _topics;
    private readonly Dictionary<string, Person> _people;
    private readonly Dictionary<string, Team> _teams;
    private readonly Dictionary<string, IReadOnlyList<Person>> _expertsByTopic;
    private readonly Dictionary<string, IReadOnlyList<Team>> _serviceTeamsByTopic;
    private readonly Dictionary<string, Dictionary<string, Person>> _byIdentity;
    private readonly Dictionary<string, Person> _byEmail;

    /// <summary>Builds the directory and its indexes. Ids are assumed unique (the parser validates them).</summary>
    public OrgDirectory(IEnumerable<Topic> topics, IEnumerable<Person> people, IEnumerable<Team> teams)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(teams);

        Topics = topics.ToList();
        People = people.ToList();
        Teams = teams.ToList();

        _topics = Topics.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _people = People.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _teams = Teams.ToDictionary(t => t.Id, StringComparer.Ordinal);

        // People per topic, best first (skill desc, then id for determinism).
        _expertsByTopic = People
            .SelectMany(p => p.Skills.Where(s => s.Value > 0).Select(s => (Topic: s.Key, Person: p, Skill: s.Value)))
            .GroupBy(x => x.Topic, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<Person>)g.OrderByDescending(x => x.Skill).ThenBy(x => x.Person.Id, StringComparer.Ordinal).Select(x => x.Person).ToList(),
                StringComparer.Ordinal);

        _serviceTeamsByTopic = Teams
            .Where(t => t.Service)
            .SelectMany(t => t.Topics.Select(topic => (Topic: topic, Team: t)))
            .GroupBy(x => x.Topic, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Team>)g.Select(x => x.Team).OrderBy(t => t.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        _byIdentity = new Dictionary<string, Dictionary<string, Person>>(StringComparer.Ordinal);
        _byEmail = new Dictionary<string, Person>(StringComparer.OrdinalIgnoreCase);
        foreach (var person in People)
        {
            foreach (var (platform, id) in person.Identities.ByPlatform)
            {
                if (!_byIdentity.TryGetValue(platform, out var index))
                {
                    index = new Dictionary<string, Person>(IdentityPlatforms.ComparerFor(platform));
                    _byIdentity.Add(platform, index);
                }

                // The first person wins when two share an id (the parser refuses such files).
                index.TryAdd(id, person);
            }

            if (person.Identities.Email is { } email)
            {
                _byEmail.TryAdd(email, person);
            }
        }
    }

    /// <summary>All topics, in file order.</summary>
    public IReadOnlyList<Topic> Topics { get; }

    /// <summary>All people, in file order.</summary>
    public IReadOnlyList<Person> People { get; }

    /// <summary>All teams, in file order.</summary>
    public IReadOnlyList<Team> Teams { get; }

    /// <summary>An empty directory.</summary>
    public static OrgDirectory Empty { get; } = new([], [], []);

    /// <summary>Finds a topic by id.</summary>
    public Topic? FindTopic(string id) => _topics.GetValueOrDefault(id);

    /// <summary>Finds a person by id.</summary>
    public Person? FindPerson(string id) => _people.GetValueOrDefault(id);

    /// <summary>Finds a team by id.</summary>
    public Team? FindTeam(string id) => _teams.GetValueOrDefault(id);

    /// <summary>
    /// Finds a person by their id on a chat platform (<see cref="IdentityPlatforms"/>: <c>slack</c>, <c>teams</c>, or a
    /// name from the org file's <c>identities:</c>), compared by that platform's rule. Null for a blank id or an unknown platform.
    /// </summary>
    public Person? FindByIdentity(string platform, string? id) =>
        !string.IsNullOrWhiteSpace(id) && _byIdentity.TryGetValue(platform, out var index) ? index.GetValueOrDefault(id.Trim()) : null;

    /// <summary>Finds a person by email (case-insensitive). Null for a blank email.</summary>
    public Person? FindByEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : _byEmail.GetValueOrDefault(email.Trim());

    /// <summary>
    /// Maps a chat user to a person the way every adapter does: by their id on <paramref name="platform"/>, else by
    /// <paramref name="email"/>. Null when neither matches (an outsider).
    /// </summary>
    public Person? FindByIdentityOrEmail(string platform, string? id, string? email) =>
        FindByIdentity(platform, id) ?? FindByEmail(email);

    /// <summary>People with any skill on <paramref name="topicId"/>, highest skill first.</summary>
    public IReadOnlyList<Person> PeopleSkilledIn(string topicId) => _expertsByTopic.GetValueOrDefault(topicId) ?? NoPeople;

    /// <summary>Service teams that own <paramref name="topicId"/>.</summary>
    public IReadOnlyList<Team> ServiceTeamsFor(string topicId) => _serviceTeamsByTopic.GetValueOrDefault(topicId) ?? NoTeams;

    /// <summary>People whose level is lead or above on the IC ladder (lead, staff, principal).</summary>
    public IEnumerable<Person> Leads => People.Where(p => p.IsLead);
}
