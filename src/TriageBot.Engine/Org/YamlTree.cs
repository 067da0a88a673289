using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TriageBot.Engine.Org;

/// <summary>A YAML node with the position where it starts.</summary>
internal abstract class YNode(Mark start)
{
    public Mark Start { get; } = start;
}

/// <summary>A scalar value.</summary>
internal sealed class YScalar(Mark start, string? value, ScalarStyle style) : YNode(start)
{
    public string? Value { get; } = value;

    public ScalarStyle Style { get; } = style;
}

/// <summary>A sequence.</summary>
internal sealed class YSeq(Mark start) : YNode(start)
{
    public List<YNode> Children { get; } = [];
}

/// <summary>A mapping; keeps duplicate keys (the reader reports them) instead of failing like YamlStream does.</summary>
internal sealed class YMap(Mark start) : YNode(start)
{
    public List<(YNode Key, YNode Value)> Children { get; } = [];
}

/// <summary>
/// Builds a small node tree from YamlDotNet's event parser, so every node keeps its line and column and a duplicate
/// key is a reportable problem rather than the end of parsing. Anchors and aliases are resolved.
/// </summary>
internal static class YamlTree
{
    /// <summary>Maximum nesting; the org file is shallow, so anything deeper is a mistake or an attack.</summary>
    private const int MaxDepth = 64;

    /// <summary>Parses all documents. Throws <see cref="YamlException"/> on a syntax error, with its position.</summary>
    public static List<YNode> Load(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var state = new LoadState();
        try
        {
            return LoadAll(parser, state);
        }
        catch (Exception ex) when (ex is not YamlException and not OutOfMemoryException)
        {
            // The scanner can fail with other exception types on some malformed input; report it near the last good event.
            var last = state.Last;
            throw new YamlException(last, last, "the YAML could not be read past this point (check brackets, quotes and indentation).", ex);
        }
    }

    private static List<YNode> LoadAll(Parser parser, LoadState state)
    {
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var documents = new List<YNode>();
        parser.Consume<StreamStart>();
        while (!parser.TryConsume<StreamEnd>(out _))
        {
            var docStart = parser.Consume<DocumentStart>();
            var root = parser.Accept<DocumentEnd>(out _) ? new YScalar(docStart.Start, null, ScalarStyle.Plain) : ReadNode(parser, anchors, 0, state);
            parser.Consume<DocumentEnd>();
            documents.Add(root);
        }

        return documents;
    }

    private static YNode ReadNode(IParser parser, Dictionary<string, YNode> anchors, int depth, LoadState state)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(parser.Current?.Start ?? Mark.Empty, parser.Current?.End ?? Mark.Empty, "the document is nested too deeply.");
        }

        if (parser.Current is { } current0)
        {
            state.Last = current0.End;
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var node = new YScalar(scalar.Start, scalar.Value, scalar.Style);
            Remember(anchors, scalar.Anchor, node);
            return node;
        }

        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var seq = new YSeq(seqStart.Start);
            Remember(anchors, seqStart.Anchor, seq);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                seq.Children.Add(ReadNode(parser, anchors, depth + 1, state));
            }

            return seq;
        }

        if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            var map = new YMap(mapStart.Start);
            Remember(anchors, mapStart.Anchor, map);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, anchors, depth + 1, state);
                var value = ReadNode(parser, anchors, depth + 1, state);
                map.Children.Add((key, value));
            }

            return map;
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'.");
        }

        var current = parser.Current;
        throw new YamlException(current?.Start ?? Mark.Empty, current?.End ?? Mark.Empty, "unexpected YAML content.");
    }

    /// <summary>Where parsing last got to, for errors without a position.</summary>
    private sealed class LoadState
    {
        public Mark Last { get; set; } = Mark.Empty;
    }

    private static void Remember(Dictionary<string, YNode> anchors, AnchorName anchor, YNode node)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }
}
