namespace TriageBot.Engine.Understanding;

// What the Leads taught: the nearest examples (near-duplicates) and the tenant's learned classifier (new requests).
internal sealed partial class TopicMatcher
{
    /// <summary>A classifier contribution under this (in logit units) is not shown as evidence and does not make a topic a candidate.</summary>
    private const double ClassifierEvidenceAt = 1.0;

    /// <summary>The classifier learns from the newest this many examples (training stays a few hundred milliseconds at most).</summary>
    private const int MaxClassifierExamples = 500;

    /// <summary>
    /// The tenant's classifier's probability per topic, and its weight: from <see cref="UnderstandingOptions.ClassifierBaseWeight"/>
    /// with nothing taught (a classifier of the topics' own texts, one per org) to <see cref="UnderstandingOptions.ClassifierWeight"/>
    /// at <see cref="UnderstandingOptions.ClassifierFullAt"/> examples taught; and the share of
    /// <see cref="UnderstandingOptions.TaughtWeightsFullAt"/> examples taught, which moves the other layers' weights to
    /// their taught values.
    /// </summary>
    private ClassifierReading Classify(LearnedSet? learned, string text, float[]? vector)
    {
        var n = _topics.Length;
        if (_options.ClassifierWeight <= 0)
        {
            return ClassifierReading.Nothing(n);
        }

        int taught = 0, noTopic = 0;
        foreach (var e in learned?.Entries ?? [])
        {
            taught += _topicIndex.ContainsKey(e.TopicId) ? 1 : 0;
            noTopic += e.TopicId == LearnedExample.NoTopic ? 1 : 0;
        }

        var weight = _options.ForTaught(taught).ClassifierWeight;
        if (weight <= 0)
        {
            return ClassifierReading.Nothing(n) with { Taught = taught };
        }

        // With nothing taught the classifier knows the topics' own texts only (trained with the matcher).
        var own = taught + noTopic > 0;
        var model = own ? learned!.Derived(this, () => TrainClassifier(learned), _options.BackgroundTraining) : _baseClassifier;
        if (model is null)
        {
            return ClassifierReading.Nothing(n) with { Taught = taught };
        }

        var useVectors = vector is not null && (!own || learned!.VectorModel == _embedder?.ModelId);
        // The last class is "none of the topics" (the vocabulary's no-topic requests): only the topics' share is used.
        var p = model.Predict(text, useVectors ? vector : null);
        return p.Length > n
            ? new ClassifierReading(p[..n], p[n], weight, taught)
            : new ClassifierReading(p, 0, weight, taught);
    }

    private LearnedClassifier? TrainClassifier(LearnedSet learned)
    {
        // The topics' own vectors are the current model's; taught examples' only when stored with it.
        var useVectors = _embedder is not null && (learned.Count == 0 || learned.VectorModel == _embedder.ModelId);
        var samples = new List<LearnedClassifier.Sample>();
        // What the Leads said names no topic (follow-ups, greetings in their own team's words) joins the built-in
        // no-topic requests below, so a "hi Omar, any update?" is not read as the topic Omar's requests are usually about.
        var noTopic = new List<LearnedClassifier.Sample>();
        var none = _topics.Length;
        var taught = 0;
        foreach (var e in learned.Entries)
        {
            if (_topicIndex.TryGetValue(e.TopicId, out var t))
            {
                samples.Add(new LearnedClassifier.Sample(t, e.Text, useVectors ? e.Vector : null));
                taught++;
            }
            else if (e.TopicId == LearnedExample.NoTopic)
            {
                noTopic.Add(new LearnedClassifier.Sample(none, e.Text, useVectors ? e.Vector : null));
            }

            if (taught + noTopic.Count == MaxClassifierExamples)
            {
                break;
            }
        }

        // Each topic's own texts (name and keywords, description, org examples, linked vocabulary examples): every topic
        // is a class from the first example taught, and a few examples do not outweigh what the org file says.
        foreach (var p in _prototypes)
        {
            samples.Add(new LearnedClassifier.Sample(p.Topic, p.Text, useVectors ? p.Vector : null));
        }

        // Requests that name no topic, as one more class: what was taught about a topic does not leak onto them.
        foreach (var (text, v) in _noTopic)
        {
            samples.Add(new LearnedClassifier.Sample(none, text, useVectors ? v : null));
        }

        samples.AddRange(noTopic);

        // The more the Leads taught, the less the classifier is held back (many examples of their own requests can be
        // trusted in detail, a handful of texts per topic cannot), and the more it reads their words over the vector.
        var settings = _options.ForTaught(taught);
        var options = new LearnedClassifier.ClassifierOptions(
            useVectors ? settings.ClassifierDenseScale : 0, _options.ClassifierWordScale, _options.ClassifierCharScale, settings.ClassifierL2);
        return LearnedClassifier.Train(samples, _topics.Length + (_noTopic.Count + noTopic.Count > 0 ? 1 : 0), useVectors ? _embedder!.Dimensions : 0, options);
    }

    /// <summary>How many learned examples a topic has, and the text of the closest one (shortened).</summary>
    private (int Count, string Nearest) NearestLearned(LearnedSet learned, string topicId, string text, float[]? vector)
    {
        var useVectors = vector is not null && learned.VectorModel == _embedder?.ModelId;
        HashSet<string>? stems = null;
        var count = 0;
        var best = double.NegativeInfinity;
        var nearest = "";
        foreach (var e in learned.Entries)
        {
            if (e.TopicId != topicId)
            {
                continue;
            }

            count++;
            var sim = useVectors && e.Vector is { } v ? Dot(vector!, v) : ContentStems.Similarity(stems ??= ContentStems.Of(text), e.Stems);
            if (sim > best)
            {
                best = sim;
                nearest = e.Text;
            }
        }

        nearest = ModelText.Prepare(nearest, 200);
        return (count, nearest.Length <= 80 ? nearest : nearest[..77] + "…");
    }

    private (double[] Score, int[] Count) ScoreLearned(LearnedSet? learned, string text, float[]? vector)
    {
        var n = _topics.Length;
        var score = new double[n];
        var count = new int[n];
        if (learned is null || learned.Count == 0)
        {
            return (score, count);
        }

        var useVectors = vector is not null && learned.VectorModel == _embedder?.ModelId;
        var stems = useVectors ? null : ContentStems.Of(text);
        var floor = useVectors ? _options.LearnedFloor : _options.LearnedFloor * 0.6;

        // Nearest neighbours per topic: the best three similarities above the floor, weighted 1, 0.5, 0.25.
        var best = new double[n, 3];
        foreach (var e in learned.Entries)
        {
            if (!_topicIndex.TryGetValue(e.TopicId, out var t))
            {
                continue;
            }

            var sim = useVectors && e.Vector is { } v ? Dot(vector!, v) : ContentStems.Similarity(stems ??= ContentStems.Of(text), e.Stems);
            if (sim < floor)
            {
                continue;
            }

            count[t]++;
            var s = (sim - floor) / (1 - floor);
            if (s > best[t, 0])
            {
                best[t, 2] = best[t, 1];
                best[t, 1] = best[t, 0];
                best[t, 0] = s;
            }
            else if (s > best[t, 1])
            {
                best[t, 2] = best[t, 1];
                best[t, 1] = s;
            }
            else if (s > best[t, 2])
            {
                best[t, 2] = s;
            }
        }

        for (var t = 0; t < n; t++)
        {
            score[t] = best[t, 0] + (0.5 * best[t, 1]) + (0.25 * best[t, 2]);
        }

        return (score, count);
    }

    /// <summary>What the classifier read: per-topic probability, "none of the topics", its weight, and how many examples the tenant taught.</summary>
    private readonly record struct ClassifierReading(double[] Probability, double None, double Weight, int Taught)
    {
        public static ClassifierReading Nothing(int topics) => new(new double[topics], 0, 0, 0);
    }
}
