// Entry point of the `triagebot` command line. Commands live in Commands/; CliApp wires them and maps errors to exit codes.
using TriageBot.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error);
