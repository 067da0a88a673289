using TriageBot.Host;
using TriageBot.Slack;
using TriageBot.Teams;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddTriageBotCore(builder.Configuration);
builder.Services.AddSlack(builder.Configuration);
builder.Services.AddTeams(builder.Configuration);

var app = builder.Build();

app.MapTriageBotCore();
app.MapSlack();
app.MapTeams();

app.Run();

/// <summary>Entry point; public so that WebApplicationFactory can start the host in tests.</summary>
public partial class Program;
