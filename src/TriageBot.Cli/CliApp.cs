using System.CommandLine;
using TriageBot.Cli.Commands;
using TriageBot.Engine.Decisions;

namespace TriageBot.Cli;

/// <summary>
/// Builds the <c>triagebot</c> command tree and runs it. Exit codes: 0 success, 1 a check failed (org problems) or an
/// unexpected failure, 2 bad input (unknown lead or option, missing file, empty text, bad date or week). Errors are one line
/// on stderr, never a stack trace.
/// </summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    /// <summary>Runs the CLI against the real process (current directory, environment, clock).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, CliContext.FromProcess());

    /// <summary>Runs the CLI with explicit surroundings (tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliContext context, CancellationToken ct = default)
    {
        try
        {
            var root = BuildRoot(context, output, error);
            // No response files: a request text may well start with '@' ("@ana can you…").
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
            {
                // "Required command was not provided" is the least telling error when a misspelt command is also reported.
                var first = parse.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) ?? parse.Errors[0];
                await error.WriteLineAsync($"error: {OneLine(first.Message)} (see: triagebot {CommandPath(parse)}--help)");
                return BadInput;
            }

            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (Exception ex) when (ex is TriageUserException or CliUsageException)
        {
            await error.WriteLineAsync($"error: {OneLine(ex.Message)}");
            return BadInput;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("error: cancelled");
            return Failed;
        }
        catch (Exception ex)
        {
            // Infrastructure failures (database unreachable, disk full…): still one line, with the type for diagnosis.
            await error.WriteLineAsync($"error: {ex.GetType().Name}: {OneLine(ex.Message)}");
            return Failed;
        }
    }

    internal static RootCommand BuildRoot(CliContext context, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("TriageBot: decide whether a Lead should take a help request, validate the org file, export digests, migrate the database, manage API keys.");
        root.Subcommands.Add(TriageCommand.Create(context, output));
        root.Subcommands.Add(OrgCommand.Create(context, output));
        root.Subcommands.Add(DigestCommand.Create(context, output, error));
        root.Subcommands.Add(DbCommand.Create(context, output));
        root.Subcommands.Add(EvalCommand.Create(context, output));
        root.Subcommands.Add(ApiKeyCommand.Create(context, output));
        return root;
    }

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return names.Count == 0 ? string.Empty : string.Join(' ', names) + " ";
    }
}
