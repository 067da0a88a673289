namespace TriageBot.ScaleOut.Tests;

/// <summary>A fact that needs a PostgreSQL server: skipped, saying how to get one, when <c>TRIAGEBOT_TEST_POSTGRES</c> is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "TRIAGEBOT_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set. Start a throwaway PostgreSQL on 127.0.0.1 and run again: " +
                   "eval \"$(bash .ci/postgres.sh)\" && dotnet test tests/TriageBot.ScaleOut.Tests";
        }
    }
}
