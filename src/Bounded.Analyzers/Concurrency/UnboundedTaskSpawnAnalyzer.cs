using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Concurrency;

/// <summary>
/// BND1001: Task.Run, StartNew, Task.Start or a thread-pool work item started once per item with no limit, and an
/// async call whose task is dropped once per item.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedTaskSpawnAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnboundedTaskSpawn,
        title: "Unbounded Task.Run per item",
        message: "'{0}' starts work for every {1} with no limit on how many run at once; {2}",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Info, // off by default: under half worth a look on two unseen sets (docs/precision.md); Warning in strict
        description: "Starting a task or thread-pool work item per item of an unbounded sequence lets the number of concurrent "
            + "work items, and the memory they hold, grow with the input. Gate the work with a SemaphoreSlim, "
            + "Parallel.ForEachAsync with MaxDegreeOfParallelism, or a bounded channel worker pool.",
        enabledByDefault: false);

    /// <summary>The <see cref="DiagnosticProperties.Kind"/> of a site whose gate is released as soon as the work starts.</summary>
    public const string EarlyReleaseKind = "EarlyRelease";

    /// <summary>The <see cref="DiagnosticProperties.Kind"/> of a call to a method that starts the work itself (no fix).</summary>
    public const string OneCallDeepKind = "OneCallDeep";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.Task is null)
            {
                return;
            }

            var wrappers = new WorkWrappers();
            start.RegisterOperationAction(c => AnalyzeInvocation(c, types, wrappers), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeDroppedCall(c, types), OperationKind.ExpressionStatement);
        });
    }

    /// <summary>
    /// An async call whose task is dropped (<c>_ = endpoint.SendAsync(x);</c>, or the call as a statement) once per
    /// element of a <c>foreach</c>/<c>for</c> loop or a per-element call over input (a parameter's sequence or a query's
    /// result): started for every item and never observed, the same fan-out as <c>Task.Run</c> per item. A sequence the
    /// program holds (its event loops, transports, subscriptions, registered tasks) is bounded by its configuration.
    /// <c>while</c> loops are left out: a receive or accept loop paces itself on its own awaits, and the per-connection
    /// case is BND1005's.
    /// </summary>
    private static void AnalyzeDroppedCall(OperationAnalysisContext context, KnownSymbols types)
    {
        var statement = (IExpressionStatementOperation)context.Operation;
        var value = statement.Operation is ISimpleAssignmentOperation { Target: IDiscardOperation } discard ? discard.Value : statement.Operation;
        if (statement.IsImplicit && ReferenceEquals(value, statement.Operation)
            || value.WithoutConversions() is not IInvocationOperation candidate
            || !(types.IsTaskType(candidate.Type) || types.IsValueTaskType(candidate.Type)))
        {
            return; // the cheap tests first: this runs for every expression statement
        }

        var repetition = Repetition.Find(candidate, types);
        if (!repetition.Exists
            || repetition.Loop is not (null or IForEachLoopOperation or IForLoopOperation)
            || statement.Syntax.ContainsDiagnostics
            || SpawnPerRequestAnalyzer.Dropped(statement.Operation, types) is not { Kind: WorkStartKind.None, Site: IInvocationOperation call } start
            || statement.SemanticModel is not { } model
            || Limiters.IsGatedInside(call.TargetMethod, model, types, context.CancellationToken)
            || !SpawnSites.IsUnbounded(call, repetition, work: null, RuleIds.UnboundedTaskSpawn, context.Options, types, context.CancellationToken))
        {
            return;
        }

        var where = SpawnSites.Where(repetition);
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            OperationHelpers.CallNameLocation(call.Syntax),
            DiagnosticProperties.ForWorkStart(start, repetition),
            OperationHelpers.ShortName(call.Syntax),
            where,
            "its task is dropped, so nothing observes it either; throttle it"));
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols types, WorkWrappers wrappers)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var start = WorkStarts.Recognize(invocation, types);
        if (!start.IsPoolWork)
        {
            if (start.Kind == WorkStartKind.None)
            {
                AnalyzeWrapperCall(context, invocation, types, wrappers);
            }

            return; // LongRunning gets a dedicated thread: BND1003
        }

        var repetition = Repetition.Find(invocation, types);
        if (!repetition.Exists)
        {
            return;
        }

        if (!SpawnSites.IsUnbounded(invocation, repetition, start.Work, RuleIds.UnboundedTaskSpawn, context.Options, types, context.CancellationToken))
        {
            return;
        }

        var properties = DiagnosticProperties.ForWorkStart(start, repetition);
        var where = SpawnSites.Where(repetition);
        if (Limiters.EarlyRelease(invocation, SpawnSites.Region(repetition)!, types) is { } release)
        {
            var gate = release.Instance?.Syntax.ToString() ?? "the semaphore";
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                SquiggleLocation(invocation),
                new[] { release.Syntax.GetLocation() },
                properties.Add(DiagnosticProperties.Kind, EarlyReleaseKind),
                start.DisplayName,
                where,
                "'" + gate + ".Release()' runs as soon as the work is started, so the gate limits starting, not running; release the slot when the work ends"));
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rule, SquiggleLocation(invocation), properties, start.DisplayName, where, "throttle it"));
    }

    /// <summary>
    /// A call, as a statement, per item to a method of the project that starts a pool work item on every call
    /// (<see cref="WorkWrappers"/>): the work is started per item one call deep. Reported at the call, naming the callee
    /// and what it starts; no fix (the start is in another method).
    /// </summary>
    private static void AnalyzeWrapperCall(OperationAnalysisContext context, IInvocationOperation call, KnownSymbols types, WorkWrappers wrappers)
    {
        var method = call.TargetMethod;
        if (call.Parent is not IExpressionStatementOperation
            || method.Locations is not { Length: > 0 } locations
            || !locations[0].IsInSource
            || SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, context.ContainingSymbol?.OriginalDefinition))
        {
            return;
        }

        // Only calls that repeat read the callee: reading a body costs more than finding the loop.
        var repetition = Repetition.Find(call, types);
        if (!repetition.Exists
            || wrappers.StartedBy(method, context.CancellationToken) is not { } started
            || !SpawnSites.IsUnbounded(call, repetition, work: null, RuleIds.UnboundedTaskSpawn, context.Options, types, context.CancellationToken))
        {
            return;
        }

        var where = SpawnSites.Where(repetition);
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, OneCallDeepKind);
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            OperationHelpers.CallNameLocation(call.Syntax),
            properties,
            method.Name,
            where,
            "it calls '" + started + "' each time (one call deep); throttle the calls or the work inside it"));
    }

    /// <summary><c>Task.Run</c> and <c>Task.Factory.StartNew</c> whole; only the name for calls on an instance (<c>task.Start()</c>).</summary>
    internal static Location SquiggleLocation(IInvocationOperation invocation)
    {
        if (invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
        {
            var onType = invocation.TargetMethod.IsStatic
                || invocation.Instance is IPropertyReferenceOperation { Property.IsStatic: true } or IFieldReferenceOperation { Field.IsStatic: true };
            return onType ? access.GetLocation() : access.Name.GetLocation();
        }

        return invocation.Syntax.GetLocation();
    }
}
