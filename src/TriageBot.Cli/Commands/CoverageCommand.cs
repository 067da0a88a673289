using System.CommandLine;
using System.Globalization;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Understanding;

namespace TriageBot.Cli.Commands;

/// <summary>
/// <c>triagebot org coverage</c>: over stored requests, the clarify rate, topics never matched, corrections per topic,
/// and keywords/examples mined from what the Leads corrected, printed as YAML ready to paste into the org file.
/// </summary>
internal static class CoverageCommand
{
    public static Command Create(CliContext context, TextWriter output)
    {
        var tenant = new Option<string?>("--tenant") { Description = "Tenant to read (default: the only tenant with requests)." };
        var days = new Option<int>("--days")
        {
            Description = "How many days back to look (default 90).",
            DefaultValueFactory = _ => 90,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 3660)
                {
                    return n;
                }

                result.AddError($"--days must be a whole number of days from 1 to 3660 (e.g. 28), not '{text}'");
                return 0;
            },
        };
        var orgOption = new Option<string?>("--org") { Description = "The org file (default: TriageBot:Org:Path)." };
        var command = new Command("coverage", "How well the org's topics cover stored requests, with keywords and examples to add.") { tenant, days, orgOption };
        command.SetAction(async (parse, ct) =>
        {
            var window = parse.GetValue(days);
            var config = CliConfiguration.Load(context);
            var (org, _) = config.LoadOrg(parse.GetValue(orgOption));
            await using var storage = await config.OpenStorageAsync(ct);
            var leads = org.People.Where(p => p.IsLead).Select(p => p.Id).ToList();
            var tenantKey = TenantChoice.Given(parse.GetValue(tenant));
            var tenants = new SortedSet<string>(TenantKey.StringComparer);
            foreach (var lead in leads)
            {
                tenants.UnionWith(await storage.Requests.ListTenantsForLeadAsync(lead, ct));
            }

            if (tenantKey is null)
            {
                tenantKey = tenants.Count switch
                {
                    0 => TenantChoice.Fallback,
                    1 => tenants.Min!,
                    _ => throw new CliUsageException($"requests are stored in {tenants.Count} tenants: {string.Join(", ", tenants)}; choose one with --tenant"),
                };
            }

            var to = context.Time.GetUtcNow();
            var from = to.AddDays(-window);
            var requests = new List<CoverageRequest>();
            foreach (var lead in leads)
            {
                foreach (var r in await storage.Requests.ListForLeadAsync(tenantKey, lead, from, to.AddMicroseconds(1), ct))
                {
                    var versions = await storage.Requests.GetDecisionsAsync(tenantKey, r.Id, ct);
                    var first = versions.Count > 0 ? versions[0].Decision.Analysis.TopTopic?.TopicId : r.TopicId;
                    var latest = versions.Count > 0 ? versions[^1].Decision.Analysis.TopTopic?.TopicId : r.TopicId;
                    requests.Add(new CoverageRequest(r.Text, first, latest));
                }
            }

            var report = CoverageReport.Build(org, requests);
            await output.WriteLineAsync(Render(report, tenantKey, window));
            if (!tenants.Contains(tenantKey) && tenants.Count > 0)
            {
                // A mistyped tenant reads as "nothing stored": say where the requests are.
                await output.WriteLineAsync($"No requests are stored in tenant {tenantKey}; requests are stored in: {string.Join(", ", tenants)}.");
            }

            return CliApp.Ok;
        });
        return command;
    }

    internal static string Render(CoverageReport report, string tenant, int days)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(inv, $"Coverage of tenant {tenant}, last {days} days: {report.Requests} requests");
        sb.AppendLine(inv, $"Clarify rate: {report.ClarifyRate:0%} ({report.Clarified} of {report.Requests} had no topic when triaged)");
        sb.AppendLine(report.NeverMatched.Count == 0 ? "Every topic was matched at least once." : $"Never matched: {string.Join(", ", report.NeverMatched)}");
        sb.AppendLine("Requests and corrections per topic:");
        foreach (var (topic, count) in report.MatchedPerTopic.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(inv, $"  {topic,-24} {count,5} requests  {report.CorrectionsPerTopic.GetValueOrDefault(topic),3} corrected to it");
        }

        if (report.Suggestions.Count == 0)
        {
            sb.AppendLine("No corrections yet: nothing to suggest.");
            return sb.ToString().TrimEnd();
        }

        sb.AppendLine();
        sb.AppendLine("# Suggested additions, mined from the Leads' corrections (review, then paste under each topic in the org file):");
        foreach (var s in report.Suggestions)
        {
            sb.AppendLine(inv, $"  - id: {s.TopicId}   # {s.Corrections} correction{(s.Corrections == 1 ? "" : "s")}");
            if (s.Keywords.Count > 0)
            {
                sb.AppendLine(inv, $"    keywords: [{string.Join(", ", s.Keywords.Select(Yaml))}]   # add to the existing list");
            }

            sb.AppendLine("    examples:");
            foreach (var example in s.Examples)
            {
                sb.AppendLine(inv, $"      - {Yaml(example)}");
            }
        }

        return sb.ToString().TrimEnd();
    }

    // Double-quoted YAML scalar: safe for any text.
    private static string Yaml(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
