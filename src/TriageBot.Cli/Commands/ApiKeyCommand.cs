using System.CommandLine;
using System.Globalization;
using TriageBot.Engine.Access;

namespace TriageBot.Cli.Commands;

/// <summary>
/// <c>triagebot apikey create|list|revoke</c>: the per-tenant keys of the HTTP API (<c>/api/v1</c>). A new key is printed
/// once and only its SHA-256 hash is stored; <c>list</c> never shows a secret; a revoked key fails on its next call.
/// </summary>
internal static class ApiKeyCommand
{
    public static Command Create(CliContext context, TextWriter output)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant the key acts in: local, slack:<team id> or teams:<tenant id>.", Required = true, HelpName = "KEY" };
        var name = new Option<string>("--name") { Description = "A label for the key: who or what uses it (e.g. jira-automation).", Required = true, HelpName = "LABEL" };
        var create = new Command("create", "Create a key; it is printed once, store it now.") { tenant, name };
        create.SetAction(async (parse, ct) =>
        {
            await using var storage = await CliConfiguration.Load(context).OpenStorageAsync(ct);
            var service = new ApiKeyService(storage.ApiKeys, context.Time);
            var created = await service.CreateAsync(parse.GetRequiredValue(tenant).Trim(), parse.GetRequiredValue(name), ct);
            await output.WriteLineAsync($"Created API key {created.Key.KeyId} for tenant {created.Key.Tenant} ({created.Key.Name}).");
            await output.WriteLineAsync("Store it now; it is not shown again (only its hash is kept):");
            await output.WriteLineAsync();
            await output.WriteLineAsync($"  {created.Secret}");
            await output.WriteLineAsync();
            await output.WriteLineAsync("Send it as: Authorization: Bearer <key>");
            return CliApp.Ok;
        });

        var listTenant = new Option<string?>("--tenant") { Description = "Only this tenant's keys.", HelpName = "KEY" };
        var list = new Command("list", "List keys (id, tenant, name, created, revoked); never the secrets.") { listTenant };
        list.SetAction(async (parse, ct) =>
        {
            await using var storage = await CliConfiguration.Load(context).OpenStorageAsync(ct);
            var only = TenantChoice.Given(parse.GetValue(listTenant));
            var keys = await new ApiKeyService(storage.ApiKeys, context.Time).ListAsync(only, ct);
            if (keys.Count == 0)
            {
                await output.WriteLineAsync(only is null
                    ? "No API keys. Create one with: triagebot apikey create --tenant local --name my-script"
                    : $"No API keys for tenant {only}.");
                return CliApp.Ok;
            }

            await output.WriteLineAsync($"{"ID",-14}{"TENANT",-24}{"CREATED",-22}{"STATUS",-26}NAME");
            foreach (var key in keys)
            {
                var status = key.RevokedAt is { } at ? "revoked " + Stamp(at) : "active";
                await output.WriteLineAsync($"{key.KeyId,-14}{key.Tenant,-24}{Stamp(key.CreatedAt),-22}{status,-26}{key.Name}");
            }

            return CliApp.Ok;
        });

        var id = new Argument<string>("id") { Description = "The key id shown by create and list." };
        var revoke = new Command("revoke", "Revoke a key: every call with it fails from now on, on every replica.") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var storage = await CliConfiguration.Load(context).OpenStorageAsync(ct);
            var keyId = parse.GetRequiredValue(id).Trim();
            if (!await new ApiKeyService(storage.ApiKeys, context.Time).RevokeAsync(keyId, ct))
            {
                throw new CliUsageException($"there is no API key '{(keyId.Length > 40 ? keyId[..40] + "…" : keyId)}' (see: triagebot apikey list)");
            }

            await output.WriteLineAsync($"Revoked API key {ApiKeyService.KeyIdOf(keyId) ?? keyId}.");
            return CliApp.Ok;
        });

        var command = new Command("apikey", "Manage the HTTP API's keys (per tenant, stored hashed).");
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
