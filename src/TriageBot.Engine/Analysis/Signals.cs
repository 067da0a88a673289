namespace TriageBot.Engine.Analysis;

/// <summary>What a signal phrase says about a request.</summary>
internal enum SignalKind
{
    Learn,
    Task,
    Access,
    Review,
    Decide,
    Long,
    Short,
    Recurs,

    /// <summary>Says the person does not want to learn ("we don't need to learn it"): cancels learning cues.</summary>
    NoLearn,
}

/// <summary>A signal: its kind and weight.</summary>
internal readonly record struct Signal(SignalKind Kind, double Weight);

/// <summary>
/// The lexicon of words and phrases that reveal the kind of ask, its horizon and whether the need recurs.
/// Kept as data so it is easy to read and extend; stemmed with the same rules as the request text.
/// </summary>
internal static class Signals
{
    private static readonly (SignalKind Kind, double Weight, string[] Phrases)[] Lexicon =
    [
        (SignalKind.Learn, 2, ["learn", "understand", "explain", "explanation", "teach", "how do i", "how do we", "how does", "how should",
            "how to", "how can i", "how would you", "what is", "what are", "why does", "why do", "walk me through", "intuition",
            "concept", "tutorial", "help me understand", "when to use", "difference between", "get up to speed", "ramp up", "learning",
            "best practice", "best practices", "idea behind", "theory", "recommend an approach", "how do people", "how do others",
            "how do teams", "how do other teams", "how does everyone"]),
        (SignalKind.Learn, 1, ["method", "methodology", "approach", "technique", "pattern", "principle", "guidance", "advice", "mentor"]),
        (SignalKind.Review, 2, ["review", "feedback", "look over", "sanity check", "check my", "second opinion", "sign off", "approve",
            "take a look", "have a look", "critique", "proofread", "double check", "double-check", "look at my"]),
        (SignalKind.Decide, 2, ["decide", "decision", "choose", "which one", "should we use", "should i use", "which is better",
            "trade-off", "tradeoff", "pick between", "choose between", "go with", "should we", "should i", "which method", "what method",
            "which approach", "which model"]),
        (SignalKind.Access, 2, ["access", "grant", "permission", "permissions", "restart", "reboot", "credential", "credentials",
            "password", "unlock", "unblock", "provision", "quota", "whitelist", "allowlist", "add me to", "invite me", "service account",
            "api key", "token", "deploy", "redeploy", "rollback", "roll back", "kill the job", "rerun", "re-run", "reset"]),
        (SignalKind.Task, 2, ["can you run", "could you run", "run it", "run the", "build", "pull", "fix it", "fix this", "fix the",
            "for me", "do it", "write the", "write a query", "make a", "create a", "export", "generate", "update the", "set up",
            "setup", "compute", "extract", "send me", "give me the numbers", "pull the numbers", "prepare", "produce", "implement",
            "migrate", "upload", "download", "backfill"]),
        (SignalKind.Task, 1, ["run", "fix", "numbers", "report", "chore"]),
        (SignalKind.Long, 2, ["quarter", "quarters", "next quarter", "next year", "going forward", "from now on", "every launch",
            "each launch", "template", "templates", "design", "roadmap", "strategy", "long term", "long-term", "framework", "playbook",
            "standard", "architecture", "methodology", "approach for the project", "approach for our", "design of", "all future",
            "next half", "reusable", "for the team", "for all teams", "guideline", "guidelines", "policy",
            "months", "this year", "okr", "okrs", "annual", "program", "programme", "platform", "settle on", "one pattern",
            "standardize", "standardise", "across all", "from q1", "from q2", "from q3", "from q4"]),
        (SignalKind.Long, 1, ["approach", "project", "weeks", "plan", "planning", "process", "every", "each", "always", "q1", "q2", "q3",
            "q4"]),
        (SignalKind.Short, 2, ["quick", "quickly", "today", "tomorrow", "tonight", "this once", "one-off", "one off", "just once", "restart",
            "reboot", "access", "asap", "urgent", "urgently", "right now", "this morning", "this afternoon", "eod", "end of day",
            "hotfix", "broken", "failing", "failed", "is down", "outage", "password", "grant", "unblock", "quick question", "in a minute",
            "before the meeting", "by noon", "just need", "one time", "one-time", "this week", "rerun", "re-run"]),
        (SignalKind.Short, 1, ["now", "soon", "small", "tiny", "simple", "just"]),

        // A deadline a few days away ("for the deck on Wednesday", "by Dec 5"): the answer is needed for one moment.
        (SignalKind.Short, 2, Deadlines()),
        (SignalKind.NoLearn, 2, ["don't need to learn", "don't need to understand", "no need to learn", "no need to understand",
            "don't want to learn", "not trying to learn", "not looking to learn", "don't need the theory", "don't need a tutorial"]),
        (SignalKind.Recurs, 2, ["every launch", "each launch", "every quarter", "each quarter", "every week", "each week", "every month",
            "each month", "every sprint", "every release", "each release", "every time", "each time", "again and again", "over and over",
            "recurring", "recurrent", "recur", "recurs", "going forward", "from now on", "keeps coming up", "keep coming up", "regularly",
            "repeatedly", "all future", "weekly", "monthly", "quarterly", "routine", "every new", "each new", "every experiment",
            "every test", "all our", "all the teams", "reusable", "template", "keep asking", "keeps asking", "kept asking",
            "keep getting asked", "keeps happening", "times this month", "times this week", "times this quarter"]),
    ];

    private static readonly PhraseTrie<Signal> TrieInstance = Build();

    private static readonly Dictionary<SignalKind, PhraseTrie<Signal>> ByKind = BuildByKind();

    /// <summary>The signal trie, shared (immutable after construction).</summary>
    public static PhraseTrie<Signal> Trie => TrieInstance;

    /// <summary>True when an evidence string (as produced by the analyzer) is a decision signal.</summary>
    public static bool IsDecideEvidence(string evidence) => IsEvidenceOf(evidence, SignalKind.Decide);

    /// <summary>True when an evidence string (as produced by the analyzer) is a recurring-need signal.</summary>
    public static bool IsRecursEvidence(string evidence) => IsEvidenceOf(evidence, SignalKind.Recurs);

    private static bool IsEvidenceOf(string evidence, SignalKind kind)
    {
        var trie = ByKind[kind];
        var tokens = TextTokenizer.Tokenize(evidence);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (trie.LongestMatch(tokens, i, out _) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Deadlines()
    {
        string[] days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri"];
        string[] months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
            "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"];
        var phrases = new List<string>();
        foreach (var day in days)
        {
            foreach (var by in new[] { "by", "on", "for", "before", "until", "till" })
            {
                phrases.Add($"{by} {day}");
            }
        }

        foreach (var month in months)
        {
            phrases.Add($"by {month}");
            phrases.Add($"before {month}");
        }

        return [.. phrases];
    }

    private static PhraseTrie<Signal> Build()
    {
        var trie = new PhraseTrie<Signal>();
        foreach (var (kind, weight, phrases) in Lexicon)
        {
            foreach (var phrase in phrases)
            {
                trie.Add(TextTokenizer.StemsOf(phrase), new Signal(kind, weight));
            }
        }

        return trie;
    }

    private static Dictionary<SignalKind, PhraseTrie<Signal>> BuildByKind()
    {
        var byKind = new Dictionary<SignalKind, PhraseTrie<Signal>>();
        foreach (var kind in Enum.GetValues<SignalKind>())
        {
            byKind[kind] = new PhraseTrie<Signal>();
        }

        foreach (var (kind, weight, phrases) in Lexicon)
        {
            foreach (var phrase in phrases)
            {
                byKind[kind].Add(TextTokenizer.StemsOf(phrase), new Signal(kind, weight));
            }
        }

        return byKind;
    }
}
