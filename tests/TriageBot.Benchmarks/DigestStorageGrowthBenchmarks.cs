using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using TriageBot.Storage;

namespace TriageBot.Benchmarks;

/// <summary>
/// Growth check that is fair on a busy machine: for each Lead, load its digest week from the 250k database and then
/// from the 1M database (same provider, same process, interleaved), so background load hits both sizes equally.
/// The split is printed and appended to $TRIAGEBOT_BENCH_DIR/growth.log. Uses the databases seeded by
/// <see cref="DigestStorageBenchmarks"/> (seeds them if missing).
/// Run: eval "$(bash .ci/postgres.sh)"; dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*DigestStorageGrowth*'
/// </summary>
[Config(typeof(DigestStorageBenchmarks.Config))]
public class DigestStorageGrowthBenchmarks
{
    private IStorage _small = null!;
    private IStorage _large = null!;
    private readonly Stopwatch _smallTime = new();
    private readonly Stopwatch _largeTime = new();
    private long _smallRows;
    private long _largeRows;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "sqlite";

    public static IEnumerable<string> Providers() => DigestStorageBenchmarks.Providers();

    [GlobalSetup]
    public void Setup()
    {
        _small = DigestStorageBenchmarks.OpenSeededAsync(Provider, 250_000).GetAwaiter().GetResult();
        _large = DigestStorageBenchmarks.OpenSeededAsync(Provider, 1_000_000).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Provider}: 250k total {_smallTime.Elapsed.TotalSeconds:F2} s ({_smallRows} rows), 1M total {_largeTime.Elapsed.TotalSeconds:F2} s ({_largeRows} rows), ratio 1M/250k = {_largeTime.Elapsed.TotalSeconds / _smallTime.Elapsed.TotalSeconds:F2}");
        Console.WriteLine("// growth " + line);
        File.AppendAllText(Path.Combine(DigestStorageBenchmarks.BenchDirectory(), "growth.log"), line + Environment.NewLine);
        _small.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _large.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Every Lead's week from both sizes, interleaved Lead by Lead.</summary>
    [Benchmark]
    public async Task<long> AllLeadsWeekBothSizes()
    {
        long rows = 0;
        for (var lead = 0; lead < DigestStorageBenchmarks.Leads; lead++)
        {
            var id = DigestStorageBenchmarks.LeadId(lead);
            _smallTime.Start();
            var small = await DigestStorageBenchmarks.LoadLeadAsync(_small, id);
            _smallTime.Stop();
            _largeTime.Start();
            var large = await DigestStorageBenchmarks.LoadLeadAsync(_large, id);
            _largeTime.Stop();
            _smallRows += small;
            _largeRows += large;
            rows += small + large;
        }

        return rows;
    }
}
