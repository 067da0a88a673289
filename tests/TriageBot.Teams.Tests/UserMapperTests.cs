using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Org;
using TriageBot.Teams.App;

namespace TriageBot.Teams.Tests;

/// <summary>Teams users are mapped to org people by their Teams (Entra object) identity, else by email.</summary>
public sealed class UserMapperTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly UserMapper _mapper;

    public UserMapperTests()
    {
        var org = OrgParser.Parse("""
            topics: []
            people:
              - {id: ana, name: Ana, level: lead, teams_id: 00000000-0000-0000-0000-00000000000A, email: ana@example.com}
              - {id: bea, name: Bea, level: senior, email: bea@example.com}
              - {id: caio, name: Caio, level: mid, identities: {teams: 00000000-0000-0000-0000-00000000000c}}
            """, "test.yaml").Directory!;
        _services = new ServiceCollection().AddLogging().AddTeams(new ConfigurationBuilder().Build())
            .AddSingleton<IOrgProvider>(new StaticOrgProvider(org))
            .BuildServiceProvider();
        _mapper = _services.GetRequiredService<UserMapper>();
    }

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("00000000-0000-0000-0000-00000000000a", null, "ana")]
    [InlineData("00000000-0000-0000-0000-00000000000A", "bea@example.com", "ana")]
    [InlineData("00000000-0000-0000-0000-00000000000C", null, "caio")]
    [InlineData("00000000-0000-0000-0000-0000000000ff", "BEA@example.com", "bea")]
    [InlineData(null, "bea@example.com", "bea")]
    [InlineData("  ", "  ", null)]
    [InlineData("00000000-0000-0000-0000-0000000000ff", "nobody@example.com", null)]
    public void MapLocal_IdThenEmail_FindsThePerson(string? aadObjectId, string? email, string? expected) =>
        Assert.Equal(expected, _mapper.MapLocal(aadObjectId, email)?.Id);
}
