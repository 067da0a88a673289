namespace TriageBot.Embeddings.Tests;

/// <summary>The model is loaded once for all tests of this assembly (about 2 s).</summary>
public sealed class ModelFixture : IDisposable
{
    public MiniLmTextEmbedder Model { get; } = new();

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<ModelFixture>
{
    public const string Name = "model";
}
