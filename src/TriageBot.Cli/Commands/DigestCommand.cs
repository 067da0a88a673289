using System.CommandLine;
using System.Text;
using System.Text.Json;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.UseCases;
using TriageBot.Reporting;

namespace TriageBot.Cli.Commands;

/// <summary><c>triagebot digest</c>: a Lead's weekly digest from the configured storage, as text or JSON, with optional PNG chart and CSV.</summary>
internal static class DigestCommand
{
    public static Command Create(CliContext context, TextWriter output, TextWriter error)
    {
        var lead = new Option<string>("--lead") { Description = "Org id of the Lead.", Required = true, HelpName = "ID" };
        var week = new Option<string?>("--week") { Description = "ISO week, e.g. 2026-W48 (default: the current week in the Lead's timezone).", HelpName = "YYYY-Www" };
        var png = new Option<string?>("--png") { Description = "Write the chart (hours per day by help kind, budget line) to this PNG file.", HelpName = "FILE" };
        var csv = new Option<string?>("--csv") { Description = "Write the digest figures to this CSV file.", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the digest model as JSON instead of text." };
        var tenant = new Option<string?>("--tenant")
        {
            Description = "Tenant key (slack:T…, teams:…, local). Default: the only tenant with requests or time for the Lead; when several have some, they are listed to choose from.",
            HelpName = "KEY",
        };
        var org = new Option<string?>("--org") { Description = "Org YAML file (default: TriageBot:Org:Path).", HelpName = "FILE" };

        var command = new Command("digest", "Build a Lead's weekly help digest from the configured database.")
        {
            lead, week, png, csv, json, tenant, org,
        };
        command.SetAction(async (parse, ct) =>
        {
            var weekText = parse.GetValue(week)?.Trim();
            if (weekText is not null && !IsoWeekId.TryParse(weekText, out _))
            {
                throw new CliUsageException($"--week '{weekText}' is not an ISO week; use e.g. 2026-W48");
            }

            var config = CliConfiguration.Load(context);
            var (directory, orgPath) = config.LoadOrg(parse.GetValue(org));
            var leadId = parse.GetRequiredValue(lead).Trim();
            // The engine's refusal (unknown person, or not a Lead), before the database is opened.
            TriageUseCases.RequireLead(directory, leadId);
            var policy = config.Policy();

            var pngPath = parse.GetValue(png) is { } p ? config.OutputPath(p) : null;
            var csvPath = parse.GetValue(csv) is { } c ? config.OutputPath(c) : null;
            CheckWritable(pngPath, "--png");
            CheckWritable(csvPath, "--csv");

            var defaults = config.ReadDigestDefaults();
            await using var storage = await config.OpenStorageAsync(ct);
            var (tenantKey, hasData) = await TenantChoice.ResolveAsync(parse.GetValue(tenant), leadId, storage.Requests, storage.Ledger, ct);
            if (!hasData)
            {
                await error.WriteLineAsync($"note: no tenant has requests or time for {leadId} yet; showing tenant {tenantKey} (choose another with --tenant)");
            }

            var useCases = new TriageUseCases(
                new StaticOrgProvider(directory, orgPath), policy, storage.Requests, storage.Ledger, storage.LeadSettings, context.Time, defaults);
            var digest = await useCases.BuildDigestAsync(tenantKey, leadId, weekText, ct);

            var asJson = parse.GetValue(json);
            await output.WriteLineAsync(asJson ? Json(digest) : DigestTextRenderer.Render(digest).TrimEnd());
            if (pngPath is not null)
            {
                await File.WriteAllBytesAsync(pngPath, new ScottPlotDigestChartRenderer().RenderPng(digest), ct);
                if (!asJson)
                {
                    await output.WriteLineAsync($"Chart written to {pngPath}");
                }
            }

            if (csvPath is not null)
            {
                await File.WriteAllTextAsync(csvPath, DigestCsv.Write(digest), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), ct);
                if (!asJson)
                {
                    await output.WriteLineAsync($"CSV written to {csvPath}");
                }
            }

            return CliApp.Ok;
        });
        return command;
    }

    internal static string Json(WeeklyDigest digest) => JsonSerializer.Serialize(digest, TriageOutput.JsonOptions);

    /// <summary>Fails before any work when an output file cannot be written (missing folder), so the error is one line.</summary>
    private static void CheckWritable(string? path, string option)
    {
        if (path is null)
        {
            return;
        }

        var dir = Path.GetDirectoryName(path);
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new CliUsageException($"{option} {path}: folder {dir} does not exist");
        }

        if (Directory.Exists(path))
        {
            throw new CliUsageException($"{option} {path} is a folder, not a file");
        }
    }
}
