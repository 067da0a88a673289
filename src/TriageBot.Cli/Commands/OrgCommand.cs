using System.CommandLine;
using TriageBot.Engine.Org;

namespace TriageBot.Cli.Commands;

/// <summary><c>triagebot org validate FILE</c>: every problem with its line number; exit 1 when there is any.</summary>
internal static class OrgCommand
{
    public static Command Create(TextWriter output) => Create(CliContext.FromProcess(), output);

    public static Command Create(CliContext context, TextWriter output)
    {
        var file = new Argument<string>("FILE") { Description = "The org YAML file to check." };
        var validate = new Command("validate", "Check an org file and print every problem with its line number.") { file };
        validate.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                throw new CliUsageException($"org file not found: {path}");
            }

            var result = OrgParser.LoadFile(path);
            if (result.IsValid && result.Directory is { } org)
            {
                await output.WriteLineAsync($"OK: {org.Topics.Count} topics, {org.People.Count} people, {org.Teams.Count} teams");

                // Valid, so a fresh deployment can start with a placeholder, but a bot with it can only answer clarify
                // (/readyz says Degraded for the same reason).
                if (org.Topics.Count == 0 || !org.People.Any(p => p.IsLead))
                {
                    var missing = org.Topics.Count == 0 ? "no topics" : "no Lead (level lead, staff or principal)";
                    await output.WriteLineAsync($"warning: the org has {missing}: the bot will start, but cannot triage anything until it has topics and Leads.");
                }
                var analyzer = new TriageBot.Engine.Analysis.RequestAnalyzer(org);
                foreach (var topic in org.Topics)
                {
                    var families = analyzer.VocabularyOf(topic.Id);
                    var how = topic.Vocabulary.Count > 0 ? "linked in the org file" : "linked by name and keywords";
                    await output.WriteLineAsync(families.Count == 0
                        ? $"  {topic.Id}: no built-in vocabulary (add `vocabulary: [...]` to link one)"
                        : $"  {topic.Id}: built-in vocabulary {string.Join(", ", families.Select(f => f.Id))} ({how})");
                }

                return CliApp.Ok;
            }

            foreach (var problem in result.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column))
            {
                var where = problem.Line > 0
                    ? problem.Column > 0 ? $"{path}:{problem.Line}:{problem.Column}" : $"{path}:{problem.Line}"
                    : path;
                await output.WriteLineAsync($"{where}: {CliApp.OneLine(problem.Message)}");
            }

            var count = Math.Max(1, result.Problems.Count);
            await output.WriteLineAsync($"{count} problem{(count == 1 ? "" : "s")} in {path}");
            return CliApp.Failed;
        });

        var org = new Command("org", "Work with the org file.");
        org.Subcommands.Add(validate);
        org.Subcommands.Add(CoverageCommand.Create(context, output));
        return org;
    }
}
