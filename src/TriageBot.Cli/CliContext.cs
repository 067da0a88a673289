namespace TriageBot.Cli;

/// <summary>
/// What the CLI reads from its surroundings, made explicit so tests can run the entry point in-process
/// without touching the process's working directory or environment variables.
/// </summary>
/// <param name="CurrentDirectory">Where <c>appsettings.json</c>, relative org paths and the SQLite file are looked up first.</param>
/// <param name="BaseDirectory">The executable's folder: the second place <c>appsettings.json</c> and relative paths are looked up.</param>
/// <param name="Environment">Environment variables to read (<c>TriageBot__Storage__Provider</c>…); null means the process's own.</param>
/// <param name="Time">The clock.</param>
internal sealed record CliContext(string CurrentDirectory, string BaseDirectory, IReadOnlyDictionary<string, string?>? Environment, TimeProvider Time)
{
    /// <summary>The real process: current directory, executable folder, process environment, system clock.</summary>
    public static CliContext FromProcess() =>
        new(Directory.GetCurrentDirectory(), AppContext.BaseDirectory, null, TimeProvider.System);
}

/// <summary>Bad input on the command line (unknown file, bad date…): shown as one line, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
