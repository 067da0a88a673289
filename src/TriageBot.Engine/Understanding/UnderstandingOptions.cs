using System.ComponentModel.DataAnnotations;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// How the evidence layers are weighed into one confidence per topic, and when the answer is "clarify". The defaults
/// were fitted on the training split of the evaluation set (tests/eval, never the test split); see the README.
/// Bound from <c>TriageBot:Understanding</c>.
/// </summary>
public sealed class UnderstandingOptions
{
    /// <summary>Compare requests with topics by meaning through the local sentence model (when one is wired).</summary>
    public bool Embeddings { get; set; } = true;

    /// <summary>Use the built-in vocabulary (jargon, tool names, error shapes) linked to the org's topics.</summary>
    public bool Vocabulary { get; set; } = true;

    /// <summary>Below this confidence for the best topic the answer is clarify, with the two best guesses offered.</summary>
    [Range(0.05, 0.95)]
    public double ClarifyBelow { get; set; } = 0.30;

    /// <summary>A second topic is reported as mentioned when its confidence reaches this.</summary>
    [Range(0.01, 0.95)]
    public double MentionAtLeast { get; set; } = 0.15;

    /// <summary>Weight of the org file's names, aliases and keywords (on log(1 + score)).</summary>
    [Range(0, 20)]
    public double OrgWeight { get; set; } = 3.0;

    /// <summary>Weight of the built-in vocabulary (on log(1 + score)).</summary>
    [Range(0, 20)]
    public double VocabularyWeight { get; set; } = 3.2;

    /// <summary>
    /// <see cref="OrgWeight"/> once the tenant has taught <see cref="TaughtWeightsFullAt"/> examples; in between, the
    /// weight moves from one to the other in proportion. Lower: the Leads' own examples are trusted over the org file's
    /// words.
    /// </summary>
    [Range(0, 20)]
    public double TaughtOrgWeight { get; set; } = 1.7;

    /// <summary><see cref="VocabularyWeight"/> once the tenant has taught <see cref="TaughtWeightsFullAt"/> examples (see <see cref="TaughtOrgWeight"/>).</summary>
    [Range(0, 20)]
    public double TaughtVocabularyWeight { get; set; } = 2.3;

    /// <summary>Weight of closeness in meaning (cosine similarity above <see cref="MeaningFloor"/>).</summary>
    [Range(0, 100)]
    public double MeaningWeight { get; set; } = 18.0;

    /// <summary>Cosine similarity under which closeness in meaning counts for nothing.</summary>
    [Range(0, 1)]
    public double MeaningFloor { get; set; } = 0.20;

    /// <summary>
    /// How much a misspelt org or vocabulary term counts ("expermient" read as "experiment"), as a share of the term
    /// written correctly; 0 turns spelling tolerance off.
    /// </summary>
    [Range(0, 1)]
    public double SpellingWeight { get; set; } = 0.8;

    /// <summary>Weight of the examples the Leads taught (nearest-neighbour similarity).</summary>
    [Range(0, 100)]
    public double LearnedWeight { get; set; } = 6.0;

    /// <summary>Similarity under which a learned example is not a neighbour.</summary>
    [Range(0, 1)]
    public double LearnedFloor { get; set; } = 0.45;

    /// <summary>
    /// Weight of the tenant's learned classifier (a linear model trained on the examples the Leads taught and on each
    /// topic's own texts): its probability for a topic, times this, times the share of <see cref="ClassifierFullAt"/>
    /// examples the tenant has taught (no effect before the first). 0 turns it off.
    /// </summary>
    [Range(0, 100)]
    public double ClassifierWeight { get; set; } = 20.0;

    /// <summary>
    /// Weight of the classifier with nothing taught: it then knows only the topics' own texts (names and keywords,
    /// descriptions, org examples, linked vocabulary examples) and re-weighs the topics other layers found; the weight
    /// moves to <see cref="ClassifierWeight"/> as examples are taught.
    /// </summary>
    [Range(0, 100)]
    public double ClassifierBaseWeight { get; set; } = 15;

    /// <summary>How many taught examples the classifier needs to count fully (with fewer it counts proportionally less).</summary>
    [Range(1, 10_000)]
    public double ClassifierFullAt { get; set; } = 50;

    /// <summary>The classifier's L2 regularisation (higher: smoother, trusts single words less).</summary>
    [Range(0.0001, 10)]
    public double ClassifierL2 { get; set; } = 0.01;

    /// <summary><see cref="ClassifierL2"/> once the tenant has taught <see cref="TaughtWeightsFullAt"/> examples (see <see cref="TaughtOrgWeight"/>).</summary>
    [Range(0.0001, 10)]
    public double TaughtClassifierL2 { get; set; } = 0.001;

    /// <summary>Scale of the sentence vector among the classifier's features (0: words only).</summary>
    [Range(0, 10)]
    public double ClassifierDenseScale { get; set; } = 1.0;

    /// <summary><see cref="ClassifierDenseScale"/> once the tenant has taught <see cref="TaughtWeightsFullAt"/> examples (see <see cref="TaughtOrgWeight"/>).</summary>
    [Range(0, 10)]
    public double TaughtClassifierDenseScale { get; set; } = 0.5;

    /// <summary>Scale of the words and word pairs among the classifier's features (0: none).</summary>
    [Range(0, 10)]
    public double ClassifierWordScale { get; set; } = 1.0;

    /// <summary>Scale of the character n-grams among the classifier's features (0: none).</summary>
    [Range(0, 10)]
    public double ClassifierCharScale { get; set; } = 0.5;

    /// <summary>
    /// Train a tenant's classifier off the request path when its examples change: requests meanwhile use the previous
    /// classifier (or none, right after a start), so no request waits for training (0.1–1.5 s with hundreds of
    /// examples). False trains on the request that needs it, which the evaluation uses to score every message alike.
    /// </summary>
    public bool BackgroundTraining { get; set; } = true;

    /// <summary>How many taught examples move <see cref="OrgWeight"/>, <see cref="VocabularyWeight"/> and <see cref="NoneScore"/> all the way to their taught values.</summary>
    [Range(1, 100_000)]
    public double TaughtWeightsFullAt { get; set; } = 150;

    /// <summary>The score of "none of the topics": the higher, the more often the answer is clarify.</summary>
    [Range(-10, 20)]
    public double NoneScore { get; set; } = 2.4;

    /// <summary><see cref="NoneScore"/> once the tenant has taught <see cref="TaughtWeightsFullAt"/> examples (see <see cref="TaughtOrgWeight"/>).</summary>
    [Range(-10, 20)]
    public double TaughtNoneScore { get; set; } = 2.9;

    /// <summary>
    /// How much "none of the topics" gains for each content word under four in a request that names nothing the org file
    /// or the vocabulary knows (a follow-up such as "it's broken again"); 0 turns it off.
    /// </summary>
    [Range(0, 10)]
    public double VagueNone { get; set; } = 3;

    /// <summary>Most learned examples kept per tenant (the newest win).</summary>
    [Range(10, 100_000)]
    public int MaxLearnedPerTenant { get; set; } = 2_000;

    /// <summary>How much of a request the sentence model reads (characters); the lexical layers read it all.</summary>
    [Range(100, 20_000)]
    public int ModelInputChars { get; set; } = 384;

    /// <summary>
    /// How many requests the sentence model reads at once (0: half the processors, at least one). Reading is CPU-bound;
    /// without a bound a burst of queued requests takes every core and Slack's acknowledgements, which must leave within
    /// 3 seconds, wait behind the model. Requests over the bound wait asynchronously (no thread is held).
    /// </summary>
    [Range(0, 256)]
    public int ModelConcurrency { get; set; }

    /// <summary>Threads one model call may use (ONNX Runtime's intra-op threads); 1 keeps a call on the calling thread.</summary>
    [Range(1, 64)]
    public int ModelThreads { get; set; } = 1;

    /// <summary><see cref="ModelConcurrency"/> with 0 resolved for <paramref name="processorCount"/> processors.</summary>
    public int EffectiveModelConcurrency(int processorCount) =>
        ModelConcurrency > 0 ? ModelConcurrency : Math.Max(1, processorCount / 2);

    /// <summary>
    /// The settings that move with how much a tenant has taught: each from its untaught value to its taught one, in
    /// proportion — the classifier's weight by <see cref="ClassifierFullAt"/>, the others by <see cref="TaughtWeightsFullAt"/>.
    /// </summary>
    /// <param name="taught">The examples the tenant's Leads taught (about the org's topics).</param>
    internal TaughtSettings ForTaught(int taught)
    {
        var share = Math.Clamp(taught / TaughtWeightsFullAt, 0, 1);
        return new TaughtSettings(
            Between(OrgWeight, TaughtOrgWeight, share),
            Between(VocabularyWeight, TaughtVocabularyWeight, share),
            Between(NoneScore, TaughtNoneScore, share),
            Between(ClassifierBaseWeight, ClassifierWeight, Math.Clamp(taught / ClassifierFullAt, 0, 1)),
            Between(ClassifierL2, TaughtClassifierL2, share),
            Between(ClassifierDenseScale, TaughtClassifierDenseScale, share));

        static double Between(double untaught, double taughtValue, double at) => untaught + ((taughtValue - untaught) * at);
    }

    /// <summary>Defaults.</summary>
    public static UnderstandingOptions Default => new();

    /// <summary>A copy (every setting is a value), e.g. to vary one switch for an evaluation run.</summary>
    public UnderstandingOptions Clone() => (UnderstandingOptions)MemberwiseClone();
}

/// <summary>The settings of <see cref="UnderstandingOptions"/> for a tenant that taught a given number of examples.</summary>
internal readonly record struct TaughtSettings(double OrgWeight, double VocabularyWeight, double NoneScore, double ClassifierWeight, double ClassifierL2, double ClassifierDenseScale);
