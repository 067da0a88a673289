namespace TriageBot.Engine.Digest;

/// <summary>The digest chart as every delivery path treats it: nice to have, never a reason to hold the digest back.</summary>
public static class DigestCharts
{
    /// <summary>
    /// Renders the chart, or returns null when there is no renderer or rendering fails (the digest then goes out as
    /// text); <paramref name="onFailure"/> hears of the failure, for logs.
    /// </summary>
    public static byte[]? TryRenderPng(IDigestChartRenderer? renderer, WeeklyDigest digest, Action<Exception>? onFailure = null)
    {
        if (renderer is null)
        {
            return null;
        }

        try
        {
            return renderer.RenderPng(digest);
        }
        catch (Exception ex)
        {
            onFailure?.Invoke(ex);
            return null;
        }
    }
}
