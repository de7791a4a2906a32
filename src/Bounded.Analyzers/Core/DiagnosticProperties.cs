using System.Collections.Immutable;

namespace Bounded.Analyzers;

/// <summary>
/// The keys of <c>Diagnostic.Properties</c>: what an analyzer decided and hands to its fixer, so the fixer edits
/// without recognising the site again. Values are documented at the analyzer that writes them.
/// </summary>
public static class DiagnosticProperties
{
    /// <summary>
    /// Which misuse was found (BND1004, BND3002–BND3004), which detached start (BND2001, a <c>DetachedKind</c> name),
    /// or which queue (BND4001: <c>Channel</c>, <c>BlockingCollection</c>, <c>DataflowBlock</c>).
    /// </summary>
    public const string Kind = "Kind";

    /// <summary>The ordinal of the queue creation's options parameter, when an options argument is passed (BND4001).</summary>
    public const string OptionsArgument = "OptionsArgument";

    /// <summary>Which fan-out shape was found (BND1002): <c>Select</c> or <c>Loop</c>.</summary>
    public const string Shape = "Shape";

    /// <summary>What made the allocation hot (BND3001).</summary>
    public const string Context = "Context";

    /// <summary>How the work is started (BND1001, BND1003, BND1005): a <see cref="WorkStartKind"/> name (<c>None</c>: a dropped async call, BND1005).</summary>
    public const string WorkStart = "WorkStart";

    /// <summary>What repeats the work (BND1001, BND1003): <see cref="LoopRepetition"/> or <see cref="ElementRepetition"/>.</summary>
    public const string Repetition = "Repetition";

    /// <summary>
    /// The rewrite the analyzer judged safe at this site, when that judgement needs its analysis (BND2003:
    /// <see cref="UsingFix"/> when the source is not reassigned and its token does not outlive the local).
    /// </summary>
    public const string Fix = "Fix";

    public const string UsingFix = "Using";

    /// <summary>Present (<c>true</c>) when the detached work is long-running, so only tokens that outlive a call fit it (BND2001).</summary>
    public const string LongRunning = "LongRunning";

    public const string LoopRepetition = "Loop";
    public const string ElementRepetition = "Element";

    internal static ImmutableDictionary<string, string?> ForWorkStart(WorkStart start, Repetition repetition) =>
        ImmutableDictionary<string, string?>.Empty
            .Add(WorkStart, start.Kind.ToString())
            .Add(Repetition, repetition.Loop is not null ? LoopRepetition : ElementRepetition);
}
