using Serilog;
using TriageBot.Api;
using TriageBot.Host;
using TriageBot.Host.Configuration;
using TriageBot.Host.Logging;
using TriageBot.Host.Workers;
using TriageBot.Slack;
using TriageBot.Teams;

Log.Logger = HostLogging.CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,

        // `dotnet TriageBot.Host.dll` from another folder: use the settings and sample org shipped next to the binary.
        ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory,
    });

    builder.Configuration.TreatEmptyEnvironmentVariablesAsUnset();
    builder.Services.AddTriageBotCore(builder.Configuration);
    builder.Services.AddSlack(builder.Configuration);
    builder.Services.AddSlackSocketModeCounting();
    builder.Services.AddTeams(builder.Configuration);
    builder.Services.AddTriageApi(builder.Configuration);

    var app = builder.Build();

    app.MapTriageBotCore();
    app.MapSlack();
    app.MapTeams();
    app.MapTriageApi();

    app.Run();
    return 0;
}
catch (Exception ex) when (StartupErrors.ConfigurationFailures(ex) is { Count: > 0 } failures)
{
    // A wrong or missing setting: say which key and what to put there, then stop.
    foreach (var failure in failures)
    {
        Log.Fatal("Configuration error: {Problem}", failure);
    }

    Log.Fatal("TriageBot did not start: fix the setting(s) above in appsettings.json or the TriageBot__… environment variables");
    if (HostedByAnotherProcess())
    {
        throw;
    }

    return 2;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "TriageBot stopped unexpectedly");
    if (HostedByAnotherProcess())
    {
        throw;
    }

    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

// Run inside another program (WebApplicationFactory in tests): let it see the failure instead of an exit code.
static bool HostedByAnotherProcess() => System.Reflection.Assembly.GetEntryAssembly() != typeof(Program).Assembly;

/// <summary>Entry point; public so that WebApplicationFactory can start the host in tests.</summary>
public partial class Program;
