using Microsoft.Extensions.Options;

namespace TriageBot.Host.Configuration;

/// <summary>Fails start-up when the org file cannot be found, naming the key and the places looked in.</summary>
internal sealed class OrgOptionsValidator(HostPaths paths) : IValidateOptions<OrgOptions>
{
    public ValidateOptionsResult Validate(string? name, OrgOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return ValidateOptionsResult.Fail("TriageBot:Org:Path must be the path of the org YAML file, e.g. 'deploy/sample/org.yaml' (remove the key to use the sample org).");
        }

        return paths.Find(options.Path) is null
            ? ValidateOptionsResult.Fail(
                $"TriageBot:Org:Path: the org file '{options.Path}' was not found (looked in: {string.Join(", ", paths.Candidates(options.Path))}). " +
                "Put the path of your org YAML file there, or remove the key to use the sample org deploy/sample/org.yaml.")
            : ValidateOptionsResult.Success;
    }
}
