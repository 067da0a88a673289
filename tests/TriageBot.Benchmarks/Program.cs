using BenchmarkDotNet.Running;
using TriageBot.Benchmarks;

// Run: dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*'
// Decision latency with the sentence model (start-up, RSS, p50/p95/p99 over the evaluation messages):
//      dotnet run -c Release --project tests/TriageBot.Benchmarks -- latency [passes] [model threads]
if (args is ["latency", ..])
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    return UnderstandingLatency.Run(args.Length > 1 ? int.Parse(args[1], inv) : 3, args.Length > 2 ? int.Parse(args[2], inv) : 1);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
