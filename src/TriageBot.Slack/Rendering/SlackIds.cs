namespace TriageBot.Slack.Rendering;

/// <summary>Callback, action and block ids this app puts in Block Kit and reads back.</summary>
public static class SlackIds
{
    /// <summary>The message shortcut "Triage this request".</summary>
    public const string TriageMessageShortcut = "triage_message";
    /// <summary>The decision modal.</summary>
    public const string TriageModal = "tb_triage";
    /// <summary>The editable redirect modal.</summary>
    public const string RedirectModal = "tb_redirect";
    /// <summary>The settings modal.</summary>
    public const string SettingsModal = "tb_settings";
    /// <summary>A modal that only shows information.</summary>
    public const string InfoModal = "tb_info";

    public const string Take = "tb_take";
    public const string Redirect = "tb_redirect_open";
    public const string Clarify = "tb_clarify";
    public const string Done = "tb_done";
    public const string OverridePrefix = "tb_override_";
    public const string OpenSettings = "tb_open_settings";
    /// <summary>Prefix of the topic correction controls: the select ("tb_topic_pick") and the clarify guesses ("tb_topic_guess_N").</summary>
    public const string TopicPrefix = "tb_topic_";
    public const string TopicPick = "tb_topic_pick";
    public const string TopicGuessPrefix = "tb_topic_guess_";

    public const string EstimateBlock = "tb_estimate";
    public const string EstimateAction = "estimate";
    public const string RedirectMessageBlock = "tb_redirect_msg";
    public const string RedirectMessageAction = "message";
    public const string BudgetBlock = "tb_budget";
    public const string DayBlock = "tb_day";
    public const string TimeBlock = "tb_time";
    public const string TimeZoneBlock = "tb_tz";
    public const string ValueAction = "value";
}
