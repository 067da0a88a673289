using System.Diagnostics;
using System.Text;

namespace TriageBot.ScaleOut.Tests;

/// <summary>One real TriageBot host process (`dotnet TriageBot.Host.dll --urls http://127.0.0.1:port`), its output captured for failure messages.</summary>
public sealed class HostProcess : IDisposable
{
    private const int MaxOutputChars = 200_000;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDir;

    public HostProcess(string name, string hostDll, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = ScaleOutCluster.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        _dataDir = Directory.CreateTempSubdirectory($"triagebot-scale-{name}-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            // Working directory without appsettings.json: the host takes its content root (settings, sample org) from its own folder.
            WorkingDirectory = _dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));

        // Only this test's settings: nothing inherited from the developer's shell may change what the replicas do.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("TriageBot__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Serilog__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["TriageBot__DataDirectory"] = _dataDir;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Polls /readyz until it answers 200, the process exits, or the deadline passes.</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready.\n{Tail()}");
            }

            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await http.GetAsync(new Uri(BaseAddress, "readyz"), cts.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cts.Token)}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.GetType().Name;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not ready on {BaseAddress} within {timeout} (last /readyz: {last}).\n{Tail()}");
    }

    public string Tail(int chars = 6000)
    {
        var text = Output;
        return $"--- {Name} output (last {Math.Min(chars, text.Length)} chars) ---\n" + (text.Length > chars ? text[^chars..] : text);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutputChars)
            {
                _output.AppendLine(line);
            }
        }
    }
}
