using TriageBot.Engine.Analysis;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// A per-tenant linear classifier trained on the examples the Leads taught (and the org file's examples): multinomial
/// logistic regression, L2-regularised, over the request's sentence vector and its words (stems, pairs of neighbouring
/// words, and character n-grams that survive typos). Nearest neighbours only decide near-duplicates; a linear model
/// learns which directions of meaning and which words tell the tenant's topics apart, so it carries over to new
/// requests. Trained in-process (pure C#, a few milliseconds for a few hundred examples) when the tenant's example
/// set changes; immutable and thread-safe once trained.
/// </summary>
internal sealed class LearnedClassifier
{
    private const int Iterations = 120;

    private readonly int _classes;
    private readonly int _dense;
    private readonly Dictionary<string, int> _features;
    private readonly double[] _weights; // [class × (dense + sparse)]
    private readonly double[] _bias;
    private readonly ClassifierOptions _options;

    private LearnedClassifier(int classes, int dense, Dictionary<string, int> features, double[] weights, double[] bias, ClassifierOptions options)
    {
        _classes = classes;
        _dense = dense;
        _features = features;
        _weights = weights;
        _bias = bias;
        _options = options;
    }

    /// <summary>How the classifier reads a text and how strongly it is regularised.</summary>
    internal readonly record struct ClassifierOptions(double DenseScale, double WordScale, double CharScale, double L2);

    /// <summary>One labelled training text.</summary>
    /// <summary>One labelled training text.</summary>
    internal readonly record struct Sample(int Label, string Text, float[]? Vector);

    /// <summary>
    /// Trains on labelled texts over <paramref name="classes"/> labels. Null when fewer than two labels have examples
    /// (nothing to tell apart).
    /// </summary>
    public static LearnedClassifier? Train(IReadOnlyList<Sample> samples, int classes, int dense, ClassifierOptions options)
    {
        if (samples.Select(s => s.Label).Distinct().Count() < 2)
        {
            return null;
        }

        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new Row[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            rows[i] = Encode(samples[i].Text, samples[i].Vector, dense, options, features, grow: true);
        }

        var width = dense + features.Count;
        var w = new double[classes * width];
        var b = new double[classes];

        // Nesterov-accelerated gradient descent on the mean cross-entropy + L2/2·|W|²; the step is 1/L with L an upper
        // bound of the loss's curvature (½·max|x|² for the softmax part, plus the L2 term), so it always converges.
        var maxNorm = rows.Max(r => r.SquaredNorm) + 1;
        var step = 1.0 / ((0.5 * maxNorm) + options.L2);
        var yw = (double[])w.Clone();
        var yb = (double[])b.Clone();
        var gw = new double[w.Length];
        var gb = new double[classes];
        var p = new double[classes];
        var t = 1.0;
        for (var it = 0; it < Iterations; it++)
        {
            Array.Clear(gw);
            Array.Clear(gb);
            for (var i = 0; i < rows.Length; i++)
            {
                Scores(rows[i], yw, yb, classes, width, dense, p);
                Softmax(p);
                p[samples[i].Label] -= 1;
                for (var c = 0; c < classes; c++)
                {
                    var g = p[c] / rows.Length;
                    if (g == 0)
                    {
                        continue;
                    }

                    gb[c] += g;
                    var o = c * width;
                    var v = rows[i].Dense;
                    if (v is not null)
                    {
                        for (var d = 0; d < dense; d++)
                        {
                            gw[o + d] += g * v[d];
                        }
                    }

                    var idx = rows[i].Index;
                    var val = rows[i].Value;
                    for (var k = 0; k < idx.Length; k++)
                    {
                        gw[o + dense + idx[k]] += g * val[k];
                    }
                }
            }

            var tNext = (1 + Math.Sqrt(1 + (4 * t * t))) / 2;
            var momentum = (t - 1) / tNext;
            for (var j = 0; j < w.Length; j++)
            {
                var next = yw[j] - (step * (gw[j] + (options.L2 * yw[j])));
                yw[j] = next + (momentum * (next - w[j]));
                w[j] = next;
            }

            for (var c = 0; c < classes; c++)
            {
                var next = yb[c] - (step * gb[c]);
                yb[c] = next + (momentum * (next - b[c]));
                b[c] = next;
            }

            t = tNext;
        }

        return new LearnedClassifier(classes, dense, features, w, b, options);
    }

    /// <summary>The probability of each label for a text (and its sentence vector, when there is one).</summary>
    public double[] Predict(string text, float[]? vector)
    {
        var row = Encode(text, vector, _dense, _options, _features, grow: false);
        var p = new double[_classes];
        Scores(row, _weights, _bias, _classes, _dense + _features.Count, _dense, p);
        Softmax(p);
        return p;
    }

    private static void Scores(in Row row, double[] w, double[] b, int classes, int width, int dense, double[] into)
    {
        for (var c = 0; c < classes; c++)
        {
            var o = c * width;
            var z = b[c];
            if (row.Dense is { } v)
            {
                for (var d = 0; d < dense; d++)
                {
                    z += w[o + d] * v[d];
                }
            }

            for (var k = 0; k < row.Index.Length; k++)
            {
                z += w[o + dense + row.Index[k]] * row.Value[k];
            }

            into[c] = z;
        }
    }

    private static void Softmax(double[] z)
    {
        var max = double.NegativeInfinity;
        foreach (var v in z)
        {
            max = Math.Max(max, v);
        }

        var sum = 0.0;
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = Math.Exp(z[i] - max);
            sum += z[i];
        }

        for (var i = 0; i < z.Length; i++)
        {
            z[i] /= sum;
        }
    }

    private static Row Encode(string text, float[]? vector, int dense, ClassifierOptions options, Dictionary<string, int> features, bool grow)
    {
        double[]? denseValues = null;
        var norm = 0.0;
        if (vector is not null && vector.Length == dense && options.DenseScale > 0)
        {
            denseValues = new double[dense];
            for (var d = 0; d < dense; d++)
            {
                denseValues[d] = vector[d] * options.DenseScale;
                norm += denseValues[d] * denseValues[d];
            }
        }

        var (words, chars) = LexicalFeatures.Of(text);
        var index = new List<int>(words.Count + chars.Count);
        var value = new List<double>(words.Count + chars.Count);
        Add(words, options.WordScale);
        Add(chars, options.CharScale);
        return new Row(denseValues, [.. index], [.. value], norm);

        void Add(HashSet<string> keys, double scale)
        {
            if (keys.Count == 0 || scale <= 0)
            {
                return;
            }

            var v = scale / Math.Sqrt(keys.Count);
            foreach (var key in keys)
            {
                if (!features.TryGetValue(key, out var id))
                {
                    if (!grow)
                    {
                        continue;
                    }

                    id = features.Count;
                    features[key] = id;
                }

                index.Add(id);
                value.Add(v);
                norm += v * v;
            }
        }
    }

    private readonly record struct Row(double[]? Dense, int[] Index, double[] Value, double SquaredNorm);
}

/// <summary>The words of a text as classifier features: content stems, pairs of neighbouring content stems, and character 4-grams of the stems.</summary>
internal static class LexicalFeatures
{
    public static (HashSet<string> Words, HashSet<string> Chars) Of(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var chars = new HashSet<string>(StringComparer.Ordinal);
        string? previous = null;
        foreach (var token in TextTokenizer.Tokenize(text))
        {
            var stem = token.Stem;
            // One character is a word only in scripts written without spaces (a Chinese or Japanese character).
            if ((stem.Length < 2 && !TextTokenizer.IsUnspaced(stem[0])) || ContentStems.IsStop(stem) || char.IsDigit(stem[0]))
            {
                continue;
            }

            words.Add(stem);
            if (previous is not null)
            {
                words.Add(previous + " " + stem);
            }

            previous = stem;
            var padded = "^" + stem + "$";
            for (var i = 0; i + 4 <= padded.Length; i++)
            {
                chars.Add(padded.Substring(i, 4));
            }
        }

        return (words, chars);
    }
}
