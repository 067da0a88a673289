using System.Text.Json.Nodes;

namespace TriageBot.Slack.BlockKit;

/// <summary>An option of a select or overflow menu.</summary>
public sealed record BlockOption(string Text, string Value);

/// <summary>Interactive elements, each clamped to Slack's limits.</summary>
public static class Element
{
    /// <summary>A plain_text text object.</summary>
    public static JsonObject Plain(string text, int max) => new() { ["type"] = "plain_text", ["text"] = SlackText.TruncatePlain(text, max), ["emoji"] = true };

    /// <summary>A mrkdwn text object.</summary>
    public static JsonObject Mrkdwn(Md text, int max) => new() { ["type"] = "mrkdwn", ["text"] = SlackText.TruncateMrkdwn(text.Value ?? string.Empty, max) };

    /// <summary>A button; <paramref name="style"/> is "primary", "danger" or null.</summary>
    public static JsonObject Button(string text, string actionId, string? value = null, string? style = null)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["text"] = Plain(text, BlockLimits.ButtonText),
            ["action_id"] = SlackText.TruncateId(actionId, BlockLimits.ActionId),
        };
        if (value is not null)
        {
            button["value"] = SlackText.TruncateId(value, BlockLimits.ButtonValue);
        }

        if (style is "primary" or "danger")
        {
            button["style"] = style;
        }

        return button;
    }

    /// <summary>A static select menu.</summary>
    public static JsonObject StaticSelect(string actionId, string placeholder, IEnumerable<BlockOption> options, string? initialValue = null)
    {
        var list = options.Take(BlockLimits.SelectOptions).Select(Option).ToList();
        var select = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = SlackText.TruncateId(actionId, BlockLimits.ActionId),
            ["placeholder"] = Plain(placeholder, BlockLimits.Placeholder),
            ["options"] = new JsonArray([.. list]),
        };
        var initial = list.FirstOrDefault(o => (string?)o["value"] == initialValue);
        if (initial is not null)
        {
            select["initial_option"] = initial.DeepClone();
        }

        return select;
    }

    /// <summary>An overflow menu (2–5 options).</summary>
    public static JsonObject Overflow(string actionId, IEnumerable<BlockOption> options) => new()
    {
        ["type"] = "overflow",
        ["action_id"] = SlackText.TruncateId(actionId, BlockLimits.ActionId),
        ["options"] = new JsonArray([.. options.Take(BlockLimits.OverflowOptions).Select(Option)]),
    };

    /// <summary>A plain-text input.</summary>
    public static JsonObject TextInput(string actionId, bool multiline = false, string? initialValue = null, string? placeholder = null, int? maxLength = null)
    {
        var input = new JsonObject
        {
            ["type"] = "plain_text_input",
            ["action_id"] = SlackText.TruncateId(actionId, BlockLimits.ActionId),
            ["multiline"] = multiline,
        };
        if (!string.IsNullOrEmpty(initialValue))
        {
            input["initial_value"] = SlackText.TruncatePlain(initialValue, maxLength ?? BlockLimits.InputInitialValue);
        }

        if (placeholder is not null)
        {
            input["placeholder"] = Plain(placeholder, BlockLimits.Placeholder);
        }

        if (maxLength is not null)
        {
            input["max_length"] = maxLength.Value;
        }

        return input;
    }

    private static JsonObject Option(BlockOption option) => new()
    {
        ["text"] = Plain(option.Text, BlockLimits.OptionText),
        ["value"] = SlackText.TruncateId(option.Value, BlockLimits.OptionValue),
    };
}

/// <summary>
/// Builds a list of Block Kit blocks within Slack's limits: text is clamped per block type, and when there are more blocks
/// than the surface allows, the last allowed one says how many were left out.
/// </summary>
public sealed class BlockBuilder
{
    private readonly List<JsonObject> _blocks = [];

    /// <summary>Creates a builder for a surface that holds at most <paramref name="maxBlocks"/> blocks.</summary>
    public BlockBuilder(int maxBlocks = BlockLimits.MessageBlocks) => MaxBlocks = maxBlocks;

    /// <summary>The surface's block limit.</summary>
    public int MaxBlocks { get; }

    /// <summary>Blocks added so far (before the limit is applied).</summary>
    public int Count => _blocks.Count;

    /// <summary>A header (plain text, 150 chars).</summary>
    public BlockBuilder Header(string text) => Add(new JsonObject { ["type"] = "header", ["text"] = Element.Plain(text, BlockLimits.HeaderText) });

    /// <summary>A section with mrkdwn text (3000 chars) and an optional accessory.</summary>
    public BlockBuilder Section(Md text, JsonObject? accessory = null, string? blockId = null)
    {
        var block = new JsonObject { ["type"] = "section", ["text"] = Element.Mrkdwn(text, BlockLimits.SectionText) };
        if (accessory is not null)
        {
            block["accessory"] = accessory;
        }

        return Add(WithId(block, blockId));
    }

    /// <summary>A section of up to 10 mrkdwn fields (2000 chars each).</summary>
    public BlockBuilder Fields(IEnumerable<Md> fields)
    {
        var list = fields.Take(BlockLimits.SectionFields).Select(f => (JsonNode)Element.Mrkdwn(f, BlockLimits.FieldText)).ToArray();
        return list.Length == 0 ? this : Add(new JsonObject { ["type"] = "section", ["fields"] = new JsonArray(list) });
    }

    /// <summary>A context block of up to 10 mrkdwn elements.</summary>
    public BlockBuilder Context(params Md[] elements)
    {
        var list = elements.Where(e => !string.IsNullOrEmpty(e.Value)).Take(BlockLimits.ContextElements)
            .Select(e => (JsonNode)Element.Mrkdwn(e, BlockLimits.SectionText)).ToArray();
        return list.Length == 0 ? this : Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(list) });
    }

    /// <summary>A divider.</summary>
    public BlockBuilder Divider() => Add(new JsonObject { ["type"] = "divider" });

    /// <summary>An actions block of up to 25 elements.</summary>
    public BlockBuilder Actions(IEnumerable<JsonObject> elements, string? blockId = null)
    {
        var list = elements.Take(BlockLimits.ActionsElements).Select(e => (JsonNode)e).ToArray();
        return list.Length == 0 ? this : Add(WithId(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray(list) }, blockId));
    }

    /// <summary>An input block (modals).</summary>
    public BlockBuilder Input(string blockId, string label, JsonObject element, bool optional = false, string? hint = null)
    {
        var block = new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = SlackText.TruncateId(blockId, BlockLimits.BlockId),
            ["label"] = Element.Plain(label, BlockLimits.InputLabel),
            ["element"] = element,
            ["optional"] = optional,
        };
        if (hint is not null)
        {
            block["hint"] = Element.Plain(hint, BlockLimits.InputLabel);
        }

        return Add(block);
    }

    /// <summary>An image block.</summary>
    public BlockBuilder Image(string url, string altText) =>
        Add(new JsonObject { ["type"] = "image", ["image_url"] = url, ["alt_text"] = SlackText.TruncatePlain(altText, 2000) });

    /// <summary>The blocks, at most <see cref="MaxBlocks"/>.</summary>
    public JsonArray Build()
    {
        // A block joins the result as is the first time (no copy on the hot path); a block already attached to an
        // earlier result is copied, so building twice never moves nodes out of the first result.
        var blocks = _blocks.Select(b => b.Parent is null ? b : b.DeepClone()).ToList();
        if (blocks.Count > MaxBlocks)
        {
            var omitted = blocks.Count - (MaxBlocks - 1);
            blocks = blocks.Take(MaxBlocks - 1).ToList();
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray(Element.Mrkdwn(Md.Trusted($"…{omitted} more not shown."), BlockLimits.SectionText)),
            });
        }

        return new JsonArray([.. blocks]);
    }

    private BlockBuilder Add(JsonObject block)
    {
        _blocks.Add(block);
        return this;
    }

    private static JsonObject WithId(JsonObject block, string? blockId)
    {
        if (blockId is not null)
        {
            block["block_id"] = SlackText.TruncateId(blockId, BlockLimits.BlockId);
        }

        return block;
    }
}

/// <summary>View (modal, Home) objects within Slack's limits.</summary>
public static class Views
{
    /// <summary>A modal. Title, submit and close are clamped to 24 chars; private metadata over 3000 chars is refused (truncating would corrupt it).</summary>
    public static JsonObject Modal(string callbackId, string title, BlockBuilder blocks, string? submit = null, string? close = "Close", string? privateMetadata = null, string? externalId = null)
    {
        var view = new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = SlackText.TruncateId(callbackId, BlockLimits.ActionId),
            ["title"] = Element.Plain(title, BlockLimits.ModalTitle),
            ["blocks"] = Limit(blocks),
        };
        if (submit is not null)
        {
            view["submit"] = Element.Plain(submit, BlockLimits.ModalButton);
        }

        if (close is not null)
        {
            view["close"] = Element.Plain(close, BlockLimits.ModalButton);
        }

        if (privateMetadata is not null)
        {
            if (privateMetadata.Length > BlockLimits.PrivateMetadata)
            {
                throw new ArgumentException("private_metadata is longer than Slack's 3000 characters.", nameof(privateMetadata));
            }

            view["private_metadata"] = privateMetadata;
        }

        if (externalId is not null)
        {
            view["external_id"] = externalId;
        }

        return view;
    }

    /// <summary>An App Home view (100 blocks).</summary>
    public static JsonObject Home(BlockBuilder blocks, string? callbackId = null)
    {
        var view = new JsonObject { ["type"] = "home", ["blocks"] = Limit(blocks) };
        if (callbackId is not null)
        {
            view["callback_id"] = callbackId;
        }

        return view;
    }

    private static JsonArray Limit(BlockBuilder blocks)
    {
        var built = blocks.Build();
        if (built.Count <= BlockLimits.ViewBlocks)
        {
            return built;
        }

        var result = new JsonArray([.. built.Take(BlockLimits.ViewBlocks - 1).Select(b => b!.DeepClone())]);
        result.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(Element.Mrkdwn(Md.Trusted($"…{built.Count - BlockLimits.ViewBlocks + 1} more not shown."), BlockLimits.SectionText)),
        });
        return result;
    }
}
