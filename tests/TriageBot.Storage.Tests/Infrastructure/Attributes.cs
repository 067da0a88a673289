using Xunit.Abstractions;
using Xunit.Sdk;

namespace TriageBot.Storage.Tests.Infrastructure;

/// <summary>Marks a test class that needs the PostgreSQL server named by <c>TRIAGEBOT_TEST_POSTGRES</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// A contract test declared once on the abstract provider-neutral base class. It runs for every concrete subclass,
/// and is reported as skipped (with how to run it) on a <see cref="RequiresPostgresAttribute"/> class when no server is configured.
/// </summary>
[XunitTestCaseDiscoverer("TriageBot.Storage.Tests.Infrastructure.ContractFactDiscoverer", "TriageBot.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>A PostgreSQL-only test: skipped with a how-to message when <c>TRIAGEBOT_TEST_POSTGRES</c> is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ConnectionString is null)
        {
            Skip = PostgresTestDatabase.SkipReason;
        }
    }
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        if (testClass is not null && testClass.IsDefined(typeof(RequiresPostgresAttribute), inherit: true) && PostgresTestDatabase.ConnectionString is null)
        {
            yield return new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, PostgresTestDatabase.SkipReason);
        }
        else
        {
            yield return new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod);
        }
    }
}
