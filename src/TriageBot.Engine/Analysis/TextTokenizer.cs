using System.Text;

namespace TriageBot.Engine.Analysis;

/// <summary>A word of the request text: its normalised stem and where it sits in the original text.</summary>
/// <param name="Stem">Lower-cased, lightly stemmed form used for matching.</param>
/// <param name="Start">Index of the first character in the original text.</param>
/// <param name="End">Index just past the last character in the original text.</param>
internal readonly record struct TextToken(string Stem, int Start, int End);

/// <summary>
/// Splits free text into matchable words. URLs are skipped, anything that is not a letter or digit
/// (punctuation, emoji, lone surrogates, control characters) separates words, a character of a script written without
/// spaces (Chinese, Japanese, Thai) is a word of its own, combining marks stay in their word, and each word is
/// lower-cased and lightly stemmed so that plurals and common inflections meet their keyword.
/// </summary>
internal static class TextTokenizer
{
    /// <summary>Words longer than this are noise (hashes, base64) and are dropped.</summary>
    private const int MaxWordLength = 48;

    /// <summary>Bounds the work for huge inputs; a request never needs more words than this to be understood.</summary>
    internal const int MaxTokens = 4096;

    public static List<TextToken> Tokenize(string? text)
    {
        var tokens = new List<TextToken>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        Span<char> buffer = stackalloc char[MaxWordLength];
        var i = 0;
        while (i < text.Length && tokens.Count < MaxTokens)
        {
            var c = text[i];
            if (!IsWordChar(c))
            {
                i++;
                continue;
            }

            // A URL starts at a word boundary; skip it whole so its path segments never look like keywords.
            if (IsUrlStart(text, i))
            {
                while (i < text.Length && !IsUrlEnd(text[i]))
                {
                    i++;
                }

                continue;
            }

            var start = i;
            var length = 0;
            var tooLong = false;
            if (IsUnspaced(c))
            {
                // Chinese, Japanese, Thai… put no spaces between words: each character (with the vowel and tone marks
                // that follow it) stands alone, so a Latin term written against it ("我的SQL查询") is a word of its own.
                i++;
                while (i < text.Length && IsMark(text[i]))
                {
                    i++;
                }

                tokens.Add(new TextToken(text[start..i], start, i));
                continue;
            }

            while (i < text.Length)
            {
                c = text[i];
                // Combining marks (Hindi vowel signs, Arabic vowels) belong to the word they follow.
                if ((IsWordChar(c) && !IsUnspaced(c)) || IsMark(c))
                {
                    if (length < MaxWordLength)
                    {
                        buffer[length++] = char.ToLowerInvariant(c);
                    }
                    else
                    {
                        tooLong = true;
                    }

                    i++;
                }
                else if (IsApostrophe(c) && i + 1 < text.Length && IsWordChar(text[i + 1]))
                {
                    // "don't" → "dont": an apostrophe inside a word does not split it.
                    i++;
                }
                else
                {
                    break;
                }
            }

            if (!tooLong)
            {
                tokens.Add(new TextToken(Stem(buffer[..length]), start, i));
            }
        }

        return tokens;
    }

    /// <summary>Tokenises a keyword or signal phrase into stems (same rules as request text).</summary>
    public static string[] StemsOf(string phrase) => Tokenize(phrase).Select(t => t.Stem).ToArray();

    private static bool IsWordChar(char c) => !char.IsSurrogate(c) && char.IsLetterOrDigit(c);

    private static bool IsMark(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    /// <summary>A character of a script written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar).</summary>
    internal static bool IsUnspaced(char c) => c switch
    {
        >= '\u0E00' and <= '\u0EFF' => char.IsLetter(c), // Thai, Lao (their marks attach to the letter before)
        >= '\u1000' and <= '\u109F' => char.IsLetter(c), // Myanmar
        >= '\u1780' and <= '\u17FF' => char.IsLetter(c), // Khmer
        >= '\u3040' and <= '\u30FF' => true, // Hiragana, Katakana
        >= '\u3400' and <= '\u4DBF' => true, // CJK extension A
        >= '\u4E00' and <= '\u9FFF' => true, // CJK ideographs
        >= '\uF900' and <= '\uFAFF' => true, // CJK compatibility ideographs
        >= '\uFF66' and <= '\uFF9F' => true, // half-width Katakana
        _ => false,
    };

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    private static bool IsUrlEnd(char c) => char.IsWhiteSpace(c) || c is '<' or '>' or '|' or '"' or ')' or ']';

    private static bool IsUrlStart(string text, int i)
    {
        var rest = text.AsSpan(i);
        return rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("www.", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("ftp://", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A light, deterministic suffix stripper (not a full Porter stemmer): enough to make "queries" meet "query",
    /// "differences" meet "difference", "forecasting" meet "forecast" and "deployed" meet "deploy". Applied to both
    /// the text and the keywords, so what matters is consistency, not linguistic accuracy.
    /// </summary>
    internal static string Stem(ReadOnlySpan<char> word)
    {
        if (word.Length <= 3 || !IsAsciiLetters(word))
        {
            return word.ToString();
        }

        var w = word;
        if (w.EndsWith("ies") && w.Length > 4)
        {
            return string.Concat(w[..^3], "y");
        }

        if (w.EndsWith("sses"))
        {
            w = w[..^2];
        }
        else if (w.EndsWith("ches") || w.EndsWith("shes") || w.EndsWith("xes") || w.EndsWith("zes"))
        {
            w = w[..^2];
        }
        else if (w.EndsWith("ing") && w.Length - 3 >= 3 && HasVowel(w[..^3]))
        {
            w = Undouble(w[..^3]);
        }
        else if (w.EndsWith("ed") && w.Length - 2 >= 3 && HasVowel(w[..^2]))
        {
            w = Undouble(w[..^2]);
        }
        else if (w.EndsWith('s') && !w.EndsWith("ss") && !w.EndsWith("us") && !w.EndsWith("is"))
        {
            w = w[..^1];
        }

        // Drop a final silent 'e' so "make"/"making" and "difference"/"differences" share a stem.
        if (w.Length > 3 && w.EndsWith('e'))
        {
            w = w[..^1];
        }

        return w.ToString();
    }

    private static ReadOnlySpan<char> Undouble(ReadOnlySpan<char> w)
    {
        if (w.Length >= 3 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z' or 'a' or 'e' or 'i' or 'o' or 'u'))
        {
            return w[..^1];
        }

        return w;
    }

    private static readonly System.Buffers.SearchValues<char> Vowels = System.Buffers.SearchValues.Create("aeiouy");

    private static bool HasVowel(ReadOnlySpan<char> w) => w.IndexOfAny(Vowels) >= 0;

    private static bool IsAsciiLetters(ReadOnlySpan<char> w)
    {
        foreach (var c in w)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The original words of a span of tokens, lower-cased, for evidence ("A/B tests" → "a/b tests").</summary>
    internal static string Evidence(string text, in TextToken first, in TextToken last)
    {
        var slice = text.AsSpan(first.Start, last.End - first.Start);
        var sb = new StringBuilder(slice.Length);
        var space = false;
        foreach (var c in slice)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(char.IsSurrogate(c) ? '\uFFFD' : char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
