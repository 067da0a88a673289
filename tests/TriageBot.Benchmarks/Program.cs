using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
