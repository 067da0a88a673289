using System.Diagnostics;
using System.Globalization;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Tests.Infrastructure;

/// <summary>
/// This test assembly doubles as a tiny console program (GenerateProgramFile=false), so tests can run storage code
/// in a separate OS process: two processes migrating or claiming at once, or a process killed right after a write.
/// Usage: dotnet TriageBot.Storage.Tests.dll &lt;mode&gt; &lt;provider&gt; &lt;connection string&gt; [args]
/// </summary>
public static class ChildProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 3)
        {
            return 0; // Not a child run.
        }

        var options = new StorageOptions { Provider = args[1], ConnectionString = args[2] };
        var time = TimeProvider.System;
        switch (args[0])
        {
            case "migrate":
            {
                // Wait for the start signal so both processes hit the migrator together.
                await WaitForGoAsync();
                var db = StorageFactory.CreateDb(options);
                await using var _ = db;
                var applied = await new Internal.Migrator(db, time).MigrateAsync();
                Console.WriteLine($"APPLIED {applied}");
                return 0;
            }

            case "claim-digest":
            {
                await using var storage = await StorageFactory.OpenAsync(options, time);
                await WaitForGoAsync();
                var now = DateTimeOffset.Parse(args[3], CultureInfo.InvariantCulture);
                var won = await storage.Digests.TryClaimAsync("t1", "lead-1", "2026-W48", $"pid-{Environment.ProcessId}", now, now.AddMinutes(10));
                Console.WriteLine(won ? "WON" : "LOST");
                return 0;
            }

            case "write-then-hang":
            {
                await using var storage = await StorageFactory.OpenAsync(options, time);
                var id = Guid.Parse(args[3]);
                var entry = new TimeEntry(id, "t1", "lead-1", null, 42, HelpKind.Teach, false, "sql", "req-1",
                    new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), "durability");
                await storage.Ledger.AddAsync(entry);
                // The write is acknowledged; tell the parent, which kills us now, before any checkpoint or dispose.
                Console.WriteLine("ACK");
                await Console.Out.FlushAsync();
                await Task.Delay(Timeout.Infinite);
                return 0;
            }

            default:
                await Console.Error.WriteLineAsync($"unknown mode {args[0]}");
                return 2;
        }
    }

    private static async Task WaitForGoAsync()
    {
        Console.WriteLine("READY");
        await Console.Out.FlushAsync();
        var line = await Console.In.ReadLineAsync();
        if (line != "GO")
        {
            throw new InvalidOperationException($"expected GO, got '{line}'");
        }
    }
}

/// <summary>Starts this assembly as a child process and talks to it line by line, with bounded waits.</summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public static ChildProcess Start(string mode, StorageOptions options, params string[] extra)
    {
        var dll = typeof(ChildProgram).Assembly.Location;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add(options.Provider);
        psi.ArgumentList.Add(options.ConnectionString!);
        foreach (var arg in extra)
        {
            psi.ArgumentList.Add(arg);
        }

        return new ChildProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start child"));
    }

    public int Id => _process.Id;

    /// <summary>Reads stdout lines until one equals <paramref name="expected"/> (or any of the alternatives).</summary>
    public async Task<string> WaitForLineAsync(params string[] expected)
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                var err = await _process.StandardError.ReadToEndAsync(CancellationToken.None);
                throw new InvalidOperationException($"child exited before printing {string.Join("/", expected)}: {err}");
            }

            if (expected.Any(e => line.StartsWith(e, StringComparison.Ordinal)))
            {
                return line;
            }
        }
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no finalizers, no dispose, no checkpoint.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
