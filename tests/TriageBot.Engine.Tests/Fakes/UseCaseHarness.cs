using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>Use cases over in-memory stores, the test org and a fake clock (Wednesday 2026-11-25 14:00 UTC, ISO week 2026-W48).</summary>
public sealed class UseCaseHarness
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    public UseCaseHarness(DecisionPolicy? policy = null, OrgDirectory? org = null, TriageBot.Engine.Understanding.UnderstandingSetup? understanding = null, TriageBot.Engine.Understanding.IRequestReader? reader = null)
    {
        Org = org ?? TestOrg.Build();
        Policy = policy ?? DecisionPolicy.Default;
        Learned = new TriageBot.Engine.Understanding.LearnedExamples(LearnedStore, Time, understanding?.Options);
        UseCases = new TriageUseCases(new StaticOrgProvider(Org), Policy, Requests, Ledger, Settings, Time, null, understanding, Learned, reader);
    }

    public InMemoryLearnedExampleStore LearnedStore { get; } = new();

    public TriageBot.Engine.Understanding.LearnedExamples Learned { get; }

    public OrgDirectory Org { get; }

    public DecisionPolicy Policy { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public InMemoryRequestStore Requests { get; } = new();

    public InMemoryTimeLedger Ledger { get; } = new();

    public InMemoryLeadSettingsStore Settings { get; } = new();

    public TriageUseCases UseCases { get; }

    public static IncomingRequest Incoming(string text, string lead = "ana", string requester = "bruno", string requesterName = "bruno.c", string tenant = TestOrg.Tenant) =>
        new(tenant, Platform.Slack, "C1", "1700000000.000100", "https://example.slack.com/archives/C1/p1", requester, requesterName, lead, text);

    public Task<TriageResult> TriageAsync(string text, string lead = "ana", string requester = "bruno") =>
        UseCases.TriageAsync(Incoming(text, lead, requester));

    public Task LogAsync(string lead, int minutes, DateTimeOffset at, HelpKind kind = HelpKind.Do, bool estimate = false, string? topic = null, string? requester = null, Guid? request = null) =>
        Ledger.AddAsync(new TimeEntry(Guid.NewGuid(), TestOrg.Tenant, lead, request, minutes, kind, estimate, topic, requester, at, null));
}
