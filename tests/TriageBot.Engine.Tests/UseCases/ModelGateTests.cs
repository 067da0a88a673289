using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.UseCases;

public sealed class ModelGateTests
{
    [Fact]
    public async Task TriageAsync_MoreRequestsThanModelSlots_ReadsAtMostThatManyAtOnce()
    {
        var model = new BlockingEmbedder();
        var options = new UnderstandingOptions { ModelConcurrency = 2 };
        var harness = new UseCaseHarness(understanding: new UnderstandingSetup(BuiltInVocabulary.Instance, model, options));
        harness.UseCases.WarmUp(); // topic vectors are computed here, outside the gate
        model.Arm();

        var triages = Enumerable.Range(0, 3)
            .Select(i => Task.Run(() => harness.TriageAsync($"how should we design the uplift analysis for launch {i}?")))
            .ToList();

        // Two readings enter and are held inside the model; the third must wait for a slot.
        await model.Entered(2).WaitAsync(TimeSpan.FromSeconds(30));
        var third = await Task.WhenAny(model.Entered(3), Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.NotSame(model.Entered(3), third);
        Assert.Equal(2, model.Inside);

        model.Release();
        await Task.WhenAll(triages).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, model.Calls);
        Assert.Equal(2, model.MostInsideAtOnce);
    }

    [Fact]
    public void EffectiveModelConcurrency_Zero_IsHalfTheProcessorsAtLeastOne()
    {
        var options = new UnderstandingOptions();
        Assert.Equal(1, options.EffectiveModelConcurrency(1));
        Assert.Equal(1, options.EffectiveModelConcurrency(2));
        Assert.Equal(4, options.EffectiveModelConcurrency(8));
        options.ModelConcurrency = 3;
        Assert.Equal(3, options.EffectiveModelConcurrency(8));
    }

    /// <summary>A model whose calls, once armed, are held until released, counting how many are inside at once.</summary>
    private sealed class BlockingEmbedder : ITextEmbedder
    {
        private readonly ManualResetEventSlim _release = new(initialState: false);
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waits = [];
        private int _entered;
        private volatile bool _armed;

        public string ModelId => "blocking-fake";

        public int Dimensions => 8;

        public int Inside { get; private set; }

        public int MostInsideAtOnce { get; private set; }

        public int Calls { get; private set; }

        public void Arm() => _armed = true;

        public void Release() => _release.Set();

        public Task Entered(int count)
        {
            lock (_lock)
            {
                var existing = _waits.FirstOrDefault(w => w.Count == count);
                if (existing.Reached is not null)
                {
                    return existing.Reached.Task;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_entered >= count)
                {
                    reached.SetResult();
                }

                _waits.Add((count, reached));
                return reached.Task;
            }
        }

        public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
        {
            if (!_armed)
            {
                return [.. texts.Select(_ => Unit())];
            }

            lock (_lock)
            {
                Calls++;
                _entered++;
                Inside++;
                MostInsideAtOnce = Math.Max(MostInsideAtOnce, Inside);
                foreach (var (_, reached) in _waits.Where(w => w.Count <= _entered))
                {
                    reached.TrySetResult();
                }
            }

            _release.Wait(ct);
            lock (_lock)
            {
                Inside--;
            }

            return [.. texts.Select(_ => Unit())];
        }

        private float[] Unit()
        {
            var v = new float[Dimensions];
            v[0] = 1;
            return v;
        }
    }
}
