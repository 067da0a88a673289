namespace TriageBot.Host.Configuration;

/// <summary>Resolves the host's files and folders: relative paths are taken from the content root first, then the
/// current directory, then the app's own folder (where the sample org is copied), so the zero-config run always finds them.</summary>
public sealed class HostPaths
{
    private readonly string _contentRoot;

    public HostPaths(string contentRoot, string dataDirectory)
    {
        _contentRoot = contentRoot;
        DataDirectory = Path.GetFullPath(Path.IsPathRooted(dataDirectory) ? dataDirectory : Path.Combine(contentRoot, dataDirectory));
    }

    /// <summary>Absolute data folder (SQLite file, Data Protection keys). Created on demand.</summary>
    public string DataDirectory { get; }

    /// <summary>Absolute folder for the Data Protection key ring when kept on disk.</summary>
    public string KeysDirectory => Path.Combine(DataDirectory, "keys");

    /// <summary>Where a relative path was looked for, in order.</summary>
    public IReadOnlyList<string> Candidates(string path) =>
        Path.IsPathRooted(path)
            ? [path]
            : new[] { _contentRoot, Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
                .Select(root => Path.GetFullPath(Path.Combine(root, path)))
                .Distinct(StringComparer.Ordinal)
                .ToList();

    /// <summary>The first existing candidate of <paramref name="path"/>, or null.</summary>
    public string? Find(string path) => Candidates(path).FirstOrDefault(File.Exists);

    /// <summary>Creates the data directory when missing.</summary>
    public void EnsureDataDirectory() => Directory.CreateDirectory(DataDirectory);
}
