using ScottPlot;

namespace TriageBot.Reporting;

/// <summary>
/// Makes "DejaVu Sans" resolvable by ScottPlot no matter how SkiaSharp finds system fonts.
/// SkiaSharp's Linux "NoDependencies" native build has no fontconfig, so a family name alone may not resolve;
/// registering the TTF files directly makes rendering independent of the platform font manager.
/// </summary>
internal static class ChartFonts
{
    /// <summary>The family every chart uses (CI installs <c>fonts-dejavu-core</c>).</summary>
    public const string Family = "DejaVu Sans";

    private static readonly string[] SearchDirectories =
    [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu",
        "/usr/share/fonts/TTF",
        "/usr/local/share/fonts",
        "/Library/Fonts",
        "C:\\Windows\\Fonts",
    ];

    private static readonly Lazy<bool> Registered = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the DejaVu Sans regular face was found and registered (charts still render without it, with Skia's fallback face).</summary>
    public static bool Available => Registered.Value;

    private static bool Register()
    {
        var regular = Find("DejaVuSans.ttf");
        if (regular is null)
        {
            return false;
        }

        Fonts.AddFontFile(Family, regular, bold: false, italic: false);
        if (Find("DejaVuSans-Bold.ttf") is { } bold)
        {
            Fonts.AddFontFile(Family, bold, bold: true, italic: false);
        }

        return true;
    }

    private static string? Find(string fileName)
    {
        foreach (var dir in SearchDirectories)
        {
            var path = Path.Combine(dir, fileName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
