using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriageBot.Host.Configuration;
using TriageBot.Host.Org;

namespace TriageBot.Host.Tests;

/// <summary>The org file reloads the way Kubernetes updates a ConfigMap volume: by swapping a <c>..data</c> symlink.</summary>
public sealed class OrgReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("triagebot-org-reload-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ConfigMapSymlinkSwap_NewOrgVersion_Reloaded()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // symlinks need privileges there; the kubelet layout is a Linux one
        }

        // The kubelet's layout: org.yaml -> ..data/org.yaml, ..data -> ..<timestamp> (a folder with the real file).
        var sample = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "deploy", "sample", "org.yaml"));
        Assert.Contains("    level: lead\n    team: growth-ds", sample, StringComparison.Ordinal);
        var v1 = Directory.CreateDirectory(Path.Combine(_dir, "..2026_11_27_14_00_00.000000001")).FullName;
        var v2 = Directory.CreateDirectory(Path.Combine(_dir, "..2026_11_27_14_05_00.000000002")).FullName;
        await File.WriteAllTextAsync(Path.Combine(v1, "org.yaml"), sample);
        // Version 2: Ana is no longer a Lead.
        await File.WriteAllTextAsync(Path.Combine(v2, "org.yaml"), ReplaceFirst(sample, "    level: lead\n    team: growth-ds", "    level: senior\n    team: growth-ds"));
        File.CreateSymbolicLink(Path.Combine(_dir, "..data"), Path.GetFileName(v1));
        File.CreateSymbolicLink(Path.Combine(_dir, "org.yaml"), Path.Combine("..data", "org.yaml"));

        using var provider = new FileOrgProvider(
            Options.Create(new OrgOptions { Path = Path.Combine(_dir, "org.yaml"), Watch = true }),
            new HostPaths(_dir, _dir),
            NullLogger<FileOrgProvider>.Instance);
        Assert.True(provider.Directory.FindPerson("ana")!.IsLead);

        // The update: a new ..data symlink renamed over the old one (rename(2) replaces it atomically).
        File.CreateSymbolicLink(Path.Combine(_dir, "..data_tmp"), Path.GetFileName(v2));
        Assert.Equal(0, Rename(Path.Combine(_dir, "..data_tmp"), Path.Combine(_dir, "..data")));
        Assert.Contains("level: senior", await File.ReadAllTextAsync(Path.Combine(_dir, "org.yaml")), StringComparison.Ordinal);

        var stillLead = await Http.EventuallyAsync(
            () => Task.FromResult(provider.Directory.FindPerson("ana")!.IsLead), lead => !lead, TimeSpan.FromSeconds(10));
        Assert.False(stillLead, "the org was not reloaded after the ..data symlink swap");
        Assert.Equal(2, provider.Generation);
    }

    // File.Move follows the symlink to a folder and refuses; the kubelet calls rename(2), which replaces the link itself.
    private static int Rename(string oldPath, string newPath) => RenameNative(Utf8Z(oldPath), Utf8Z(newPath));

    private static byte[] Utf8Z(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int RenameNative(byte[] oldPath, byte[] newPath);

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + find.Length)..];
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above the test binaries.");
    }
}
