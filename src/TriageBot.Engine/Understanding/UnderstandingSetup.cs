namespace TriageBot.Engine.Understanding;

/// <summary>The understanding layers wired into an analyser: vocabulary, sentence model and weights.</summary>
/// <param name="Vocabulary">The built-in vocabulary, or null for the org file's words only.</param>
/// <param name="Embedder">A local sentence model, or null for lexical matching only.</param>
/// <param name="Options">Weights and thresholds.</param>
public sealed record UnderstandingSetup(BuiltInVocabulary? Vocabulary, ITextEmbedder? Embedder, UnderstandingOptions Options)
{
    /// <summary>The built-in vocabulary and the org file, without a sentence model (the default for tests and tools).</summary>
    public static UnderstandingSetup Lexical => new(BuiltInVocabulary.Instance, null, UnderstandingOptions.Default);
}
