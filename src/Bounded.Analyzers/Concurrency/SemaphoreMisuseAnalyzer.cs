using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Concurrency;

/// <summary>BND1004: a SemaphoreSlim slot taken and released in the same function, wrongly.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SemaphoreMisuseAnalyzer : DiagnosticAnalyzer
{
    public const string WaitInsideTry = "WaitInsideTry";
    public const string ReleaseNotInFinally = "ReleaseNotInFinally";
    public const string NotReleasedOnEveryPath = "NotReleasedOnEveryPath";
    public const string TimeoutIgnored = "TimeoutIgnored";
    public const string ReleaseWithoutWait = "ReleaseWithoutWait";
    public const string ReleasedTwice = "ReleasedTwice";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.SemaphoreMisuse,
        title: "SemaphoreSlim wait and release do not pair up",
        message: "{0}",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Info,
        description: "Every slot taken with Wait/WaitAsync must be released exactly once, and only a slot that was taken. "
            + "Wait before the try, Release in its finally, and check the bool of a wait with a timeout. An extra Release "
            + "raises the limit for good (or throws SemaphoreFullException); a missing one lowers it until the process deadlocks.");

    private readonly GraphBuildCounter _graphs = new();

    /// <summary>How many control-flow graphs this instance built (only members that wait on a semaphore get one).</summary>
    internal int GraphsBuilt => _graphs.Count;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.SemaphoreSlim is null)
            {
                return;
            }

            var options = start.Options.AnalyzerConfigOptionsProvider;
            AcquireReleaseDriver.Register(start, types, ResourceKind.SemaphoreSlot, _graphs, (c, function, resources) =>
                Report(c, function, resources, types, OptionCatalog.ReportExceptionPaths.GetBoolean(options, function.Syntax.SyntaxTree, RuleIds.SemaphoreMisuse)));
        });
    }

    private static ImmutableDictionary<string, string?> Kind(string kind) => ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, kind);

    private static string Display(IInvocationOperation call) => AcquireReleaseAnalysis.SemaphoreSymbol(call.Instance)?.Name + "." + call.TargetMethod.Name;

    /// <summary>
    /// A release skipped only when a call throws is reported with <paramref name="reportExceptionPaths"/>: on unseen code
    /// that shape was worth changing once in seven reports, because the call it names rarely throws in practice (a
    /// collection copy, a temporary path, a clock, an exception filter).
    /// </summary>
    private static void Report(Action<Diagnostic> report, IOperation function, List<Resource> resources, KnownSymbols types, bool reportExceptionPaths)
    {
        foreach (var resource in resources)
        {
            if (resource.Failed)
            {
                continue;
            }

            var name = resource.Symbol.Name;

            // Only where this function also releases: a semaphore used as a wake-up signal ignores the bool on purpose.
            foreach (var wait in resource.Acquires)
            {
                if (AcquireReleaseAnalysis.ReturnsBool(wait, types)
                    && AcquireReleaseAnalysis.AcquireOperation(wait) is { } acquired
                    && AcquireReleaseAnalysis.BoolWaitUse(acquired) == AcquireReleaseAnalysis.BoolWait.Ignored)
                {
                    report(Diagnostic.Create(
                        Rule,
                        OperationHelpers.CallNameLocation(wait.Syntax),
                        Kind(TimeoutIgnored),
                        "The bool returned by '" + Display(wait) + "' is ignored: when the wait times out the code runs without a slot and still releases one; check it, and skip the work or throw when it is false"));
                }
            }

            var waitInsideTry = false;
            foreach (var wait in resource.Acquires)
            {
                if (ReleasingTry(wait, function, resource) is not null)
                {
                    waitInsideTry = true;
                    if (!AcquireReleaseAnalysis.CanFailWithTheSemaphoreIntact(wait, types))
                    {
                        continue; // Wait()/WaitAsync() fail only when the semaphore is disposed, and then Release throws too
                    }

                    report(Diagnostic.Create(
                        Rule,
                        OperationHelpers.CallNameLocation(wait.Syntax),
                        Kind(WaitInsideTry),
                        "'" + Display(wait) + "' is inside the try whose finally releases '" + name + "': if the wait throws or is cancelled, the finally releases a slot that was never taken; wait before the try"));
                }
            }

            if (!waitInsideTry && resource.ReleasedBeforeAcquire)
            {
                continue; // it gives back a slot its caller holds, or signals: pairing is not this function's
            }

            if (!waitInsideTry)
            {
                foreach (var release in resource.ReleasesWithoutAcquire)
                {
                    report(Diagnostic.Create(
                        Rule,
                        OperationHelpers.CallNameLocation(release),
                        Kind(ReleaseWithoutWait),
                        "'" + name + ".Release()' can run on a path where no slot was taken; release only a slot this path waited for"));
                }
            }

            foreach (var release in resource.DoubleReleases)
            {
                report(Diagnostic.Create(
                    Rule,
                    OperationHelpers.CallNameLocation(release),
                    Kind(ReleasedTwice),
                    "'" + name + "' can be released twice for one wait; release it once, in a finally block"));
            }

            if (resource.Acquires.Count == 0 || waitInsideTry)
            {
                continue; // one finding per wait: moving the wait before the try comes first
            }

            if (resource.NormalLeak && (SchedulesWork(function, types) || ReleasesOnlyOnFailure(resource)))
            {
                continue; // the slot goes with the work it scheduled, or with what it returns on success
            }

            var firstWait = resource.Acquires[0];
            var additional = resource.Releases.Count == 1 ? new[] { resource.Releases[0].Syntax.GetLocation() } : System.Array.Empty<Location>();

            if (resource.NormalLeak)
            {
                report(Diagnostic.Create(
                    Rule,
                    OperationHelpers.CallNameLocation(firstWait.Syntax),
                    additional,
                    Kind(NotReleasedOnEveryPath),
                    "'" + Display(firstWait) + "' is not followed by '" + name + ".Release()' on every path; release it in a finally block"));
            }
            else if (resource.ExposedBy is { } thrower && reportExceptionPaths)
            {
                report(Diagnostic.Create(
                    Rule,
                    OperationHelpers.CallNameLocation(firstWait.Syntax),
                    additional,
                    Kind(ReleaseNotInFinally),
                    "'" + name + ".Release()' is not in a finally block: if '" + OperationHelpers.ShortName(thrower) + "' throws, the slot is never released; move the release into a finally block"));
            }
        }
    }

    /// <summary>
    /// Every release is in a <c>catch</c>: a connection pool's <c>GetSessionAsync</c> gives the slot back when it fails
    /// and hands it, with the session it returns, to the caller when it succeeds.
    /// </summary>
    private static bool ReleasesOnlyOnFailure(Resource resource)
    {
        foreach (var release in resource.Releases)
        {
            if (release.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.CatchClauseSyntax>() is null)
            {
                return false;
            }
        }

        return resource.Releases.Count > 0;
    }

    /// <summary>
    /// Whether the function schedules work (<c>ContinueWith</c>, <c>Task.Start</c>, <c>Task.Run</c>, <c>StartNew</c>,
    /// the thread pool): a path that returns holding the slot may have handed it to that work, which releases it.
    /// </summary>
    private static bool SchedulesWork(IOperation function, KnownSymbols types)
    {
        foreach (var operation in function.Descendants())
        {
            if (operation is IInvocationOperation invocation && WorkStarts.Recognize(invocation, types).Exists)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The try statement holding <paramref name="wait"/> in its body whose finally releases the same semaphore
    /// unconditionally, or under a null test of it (not a taken flag: the semaphore a wait threw on is not null).
    /// </summary>
    internal static ITryOperation? ReleasingTry(IInvocationOperation wait, IOperation function, Resource resource)
    {
        IOperation child = wait;
        for (var parent = wait.Parent; parent is not null && !ReferenceEquals(parent, function); child = parent, parent = parent.Parent)
        {
            if (parent is ITryOperation { Finally: { } @finally } tryOperation && ReferenceEquals(tryOperation.Body, child))
            {
                foreach (var flowEvent in resource.Events)
                {
                    if ((flowEvent.Kind == FlowEventKind.Release
                            || (flowEvent.Kind == FlowEventKind.GuardedRelease && AcquireReleaseAnalysis.IsGuardedOnlyByNullTest(flowEvent.Operation, function, resource.Symbol)))
                        && @finally.Syntax.Span.Contains(flowEvent.Operation.Syntax.Span))
                    {
                        return tryOperation;
                    }
                }
            }
        }

        return null;
    }
}
