using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;

namespace TriageBot.Benchmarks;

/// <summary>
/// One decision (analysis + four answers + policy + owner ranking) on the sample org, a 1,000-person org and a
/// 10,000-person / 1,000-team / 500-topic org. Orgs and engines are built once (indexes included) in setup.
/// Run: dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*Decision*'
/// </summary>
[Config(typeof(DecisionBenchmarkConfig))]
public class DecisionBenchmarks
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private TriageEngine _sample = null!;
    private TriageEngine _medium = null!;
    private TriageEngine _large = null!;
    private TriageInput _sampleInput = null!;
    private TriageInput _mediumInput = null!;
    private TriageInput _largeInput = null!;
    private TriageInput _largeServiceInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        var sample = OrgParser.LoadFile(FindSampleOrg());
        _sample = new TriageEngine(sample.Directory ?? throw new InvalidOperationException(string.Join("; ", sample.Problems)));
        _sampleInput = new TriageInput(
            "Hi Ana! Can you explain how difference in differences works? We'll need it for every launch going forward 🙏",
            "ana",
            "caio",
            At);

        var medium = OrgGenerator.Generate(people: 1_000, teams: 100, topics: 50);
        _medium = new TriageEngine(medium);
        _mediumInput = InputFor(medium);

        var large = OrgGenerator.Generate(people: 10_000, teams: 1_000, topics: 500);
        _large = new TriageEngine(large);
        _largeInput = InputFor(large);

        var serviceTopic = large.Teams.First(t => t.Service && !t.Members.Contains(_largeInput.RequesterId)).Topics[0];
        var serviceKeyword = large.FindTopic(serviceTopic)!.Keywords[0];
        _largeServiceInput = _largeInput with { Text = $"Quick one: can you restart the {serviceKeyword} job today? It's down." };

        // Fail fast if the inputs do not exercise what they claim to.
        if (_large.Decide(_largeInput).Analysis.TopTopic is null || _large.Decide(_largeServiceInput).Rule != RuleIds.ServiceTeam)
        {
            throw new InvalidOperationException("Benchmark inputs do not match a topic / the service-team rule.");
        }
    }

    [Benchmark(Baseline = true)]
    public Decision Decide_SampleOrg() => _sample.Decide(_sampleInput);

    [Benchmark]
    public Decision Decide_Generated1kPeople() => _medium.Decide(_mediumInput);

    [Benchmark]
    public Decision Decide_Generated10kPeople() => _large.Decide(_largeInput);

    [Benchmark]
    public Decision Decide_Generated10kPeople_ServiceTeam() => _large.Decide(_largeServiceInput);

    private static TriageInput InputFor(OrgDirectory org)
    {
        // A lead with a strong skill, asked about that topic by someone in another team: the full path runs.
        var lead = org.People.First(p => p.Level == Level.Lead && p.Skills.Any(s => s.Value >= 4));
        var topic = org.FindTopic(lead.Skills.First(s => s.Value >= 4).Key)!;
        var requester = org.People.First(p => p.TeamId != lead.TeamId && p.Id != lead.Id);
        var text = $"Hey, could you explain how {topic.Keywords[0]} and {topic.Keywords[6]} work? We'll reuse it every quarter. See https://wiki.example.com/x";
        return new TriageInput(text, lead.Id, requester.Id, At)
        {
            LeadHoursSpentThisWeek = 1.5,
            HoursSpentByPerson = org.People.Take(200).ToDictionary(p => p.Id, p => (double)(p.Id.Length % 4)),
            RecentRedirectsByPerson = org.People.Take(200).ToDictionary(p => p.Id, p => p.Id.Length % 3),
        };
    }

    private static string FindSampleOrg()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "deploy", "sample", "org.yaml");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("deploy/sample/org.yaml not found; run from the repository.");
    }
}

/// <summary>
/// A short in-process job: the decision is microseconds long, so a few warm-up and measured iterations are plenty, and
/// running in-process avoids re-building the solution (slow on a busy 2-core machine). Reports median and percentiles.
/// </summary>
public sealed class DecisionBenchmarkConfig : ManualConfig
{
    public DecisionBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithId("ShortInProcess"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.P95);
        WithArtifactsPath(Path.Combine(Path.GetTempPath(), "art-bench", "results-decision"));
        WithOptions(ConfigOptions.DisableLogFile);
    }
}
