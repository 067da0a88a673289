using BenchmarkDotNet.Running;
using TriageBot.Benchmarks;

// Run: dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*'
// Decision latency with the sentence model (start-up, RSS, p50/p95/p99 over the evaluation messages):
//      dotnet run -c Release --project tests/TriageBot.Benchmarks -- latency
if (args is ["latency", ..])
{
    return UnderstandingLatency.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
