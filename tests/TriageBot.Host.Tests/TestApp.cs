using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace TriageBot.Host.Tests;

/// <summary>
/// The real host (Program) in-process with its own temporary data directory and settings. With <c>kestrel: true</c> it
/// listens on a real port on 127.0.0.1 (for the browser test); otherwise it runs on the in-memory test server.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _kestrel;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _waitForWarmUp;

    /// <param name="settings">Configuration on top of the defaults.</param>
    /// <param name="kestrel">Listen on a real loopback port.</param>
    /// <param name="services">Test service replacements.</param>
    /// <param name="waitForWarmUp">Start returns once the host's warm-up has run (so /readyz is ready); off for tests
    /// of the warm-up itself.</param>
    public TestApp(IDictionary<string, string?>? settings = null, bool kestrel = false, Action<IServiceCollection>? services = null, bool waitForWarmUp = true)
    {
        _waitForWarmUp = waitForWarmUp;
        DataDirectory = Path.Combine(Path.GetTempPath(), "triagebot-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["TriageBot:DataDirectory"] = DataDirectory,
            // The sentence model takes ~2 s and ~150 MB to load: on only in the tests about understanding.
            ["TriageBot:Understanding:Embeddings"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _kestrel = kestrel;
        _services = services;
        if (kestrel)
        {
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
    }

    /// <summary>This app's data folder (deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>Every log event the host wrote.</summary>
    public CapturingSink Logs { get; } = new();

    /// <summary>The real address when started with Kestrel.</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ILogEventSink>(Logs);
            _services?.Invoke(s);
        });
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (_waitForWarmUp && host.Services.GetService<TriageBot.Host.WarmUp.WarmUpState>() is { } warmUp)
        {
            // Bounded so a broken warm-up fails the test instead of hanging it.
            warmUp.Completed.Wait(TimeSpan.FromMinutes(2));
        }

        return host;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        TryDelete(DataDirectory);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TryDelete(DataDirectory);
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // a file still open on a slow shutdown; the temp folder is cleaned by the OS
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Collects log events in memory and renders them the way the real sinks would.</summary>
public sealed class CapturingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>All events as compact JSON lines plus their rendered messages and exceptions: everything a sink could write.</summary>
    public string RenderAll()
    {
        var formatter = new CompactJsonFormatter();
        using var writer = new StringWriter();
        foreach (var e in _events)
        {
            formatter.Format(e, writer);
            writer.WriteLine(e.RenderMessage());
            if (e.Exception is not null)
            {
                writer.WriteLine(e.Exception.ToString());
            }
        }

        return writer.ToString();
    }
}

internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || clock.Elapsed > timeout)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
