using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Concurrency;

/// <summary>
/// BND1005: code that runs once per request (a controller action, a minimal-API or middleware delegate, a hub method,
/// a gRPC call) starts work it does not await, and nothing limits how many such pieces of work run at once. Under a
/// traffic spike every request leaves work behind. Evidence of harm: the start is per request and dropped; any limiter
/// in the handler or the work (a semaphore, a rate-limiter lease, a bounded channel write), or an atomic single-flight
/// guard around the start, is taken as the bound. A start repeated by a loop is BND1001's.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SpawnPerRequestAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.SpawnPerRequest,
        title: "Background work started per request without a limit",
        message: "'{0}' leaves work running after each request that starts it, and nothing limits how many run at once; take a shared SemaphoreSlim before starting it, or hand it to a bounded background queue",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Info, // off by default: 0 of 19 worth changing on four unseen sets (docs/precision.md); Warning in strict

        description: "A request handler that starts work and returns without awaiting it leaves one piece of work behind per "
            + "request. Nothing caps how many run at once, so a traffic spike turns into thread-pool starvation and memory "
            + "growth long after the responses were sent. Gate the start with a SemaphoreSlim shared by all requests (waiting "
            + "or shedding load when it is full), or write the work to a bounded Channel drained by a hosted service.",
        enabledByDefault: false);

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

            // Types named by bounded.request_handler_types, read once per tree.
            var handlerTypes = new ConcurrentDictionary<SyntaxTree, ImmutableArray<string>>();
            var provider = start.Options.AnalyzerConfigOptionsProvider;
            Func<SyntaxTree, ImmutableArray<string>> read = tree => OptionCatalog.RequestHandlerTypes.GetList(provider, tree, RuleIds.SpawnPerRequest);
            Func<SyntaxTree, ImmutableArray<string>> handlerTypesOf = tree => handlerTypes.GetOrAdd(tree, read);
            start.RegisterOperationAction(c => Analyze(c, types, handlerTypesOf), OperationKind.ExpressionStatement);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols types, Func<SyntaxTree, ImmutableArray<string>> handlerTypesOf)
    {
        var statement = (IExpressionStatementOperation)context.Operation;
        if (statement.IsImplicit && statement.Operation is not ISimpleAssignmentOperation { Target: IDiscardOperation } && statement.Syntax.Parent is not ArrowExpressionClauseSyntax
            || statement.Syntax.ContainsDiagnostics
            || Dropped(statement.Operation, types) is not { } start
            || statement.SemanticModel is not { } model)
        {
            return;
        }

        var function = statement.EnclosingFunction();
        if (function is null
            || !IsPerRequestOrConnection(start, model, types, handlerTypesOf, context.CancellationToken)
            || Limiters.IsGated(function, start.Work, types, context.CancellationToken)
            || IsSingleFlight(statement, function, types))
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.WorkStart, start.Kind.ToString());
        context.ReportDiagnostic(Diagnostic.Create(Rule, OperationHelpers.CallNameLocation(start.Site.Syntax), properties, Display(start)));
    }

    /// <summary>
    /// The work a statement starts and drops: a task spawn or async call whose task is discarded or ignored, a
    /// thread-pool item, a thread started. A continuation runs when its antecedent ends and is not reported. A dropped
    /// async call is a start of kind <see cref="WorkStartKind.None"/> whose site is the call.
    /// </summary>
    internal static WorkStart? Dropped(IOperation value, KnownSymbols types)
    {
        var kind = DetachedTasks.Classify(value, types, out var call);
        if (kind != DetachedKind.None && call is not null)
        {
            var start = WorkStarts.Recognize(call, types);
            return start.Exists ? start : new WorkStart(WorkStartKind.None, call, null, isLongRunning: false);
        }

        if (value.WithoutConversions() is IInvocationOperation invocation)
        {
            var start = WorkStarts.Recognize(invocation, types);
            if (start.Kind is WorkStartKind.ThreadPoolItem or WorkStartKind.ThreadStart)
            {
                return start;
            }
        }

        return null;
    }

    /// <summary>
    /// The start runs once per request (in request code, not repeated by a loop or per-element call there: those are
    /// BND1001's), or once per connection: a dropped async call in a loop that accepts a connection per iteration,
    /// which BND1001 (task, work-item and thread starts) does not report.
    /// </summary>
    private static bool IsPerRequestOrConnection(WorkStart start, SemanticModel model, KnownSymbols types, Func<SyntaxTree, ImmutableArray<string>> handlerTypesOf, System.Threading.CancellationToken cancellationToken)
    {
        var repetition = Repetition.Find(start.Site, types);
        if (repetition.Exists)
        {
            return start.Kind == WorkStartKind.None && repetition.Loop is { } loop && RequestScope.AcceptsConnections(loop, types);
        }

        return RequestScope.IsInRequestCode(model, start.Site.Syntax, types, cancellationToken, handlerTypesOf(model.SyntaxTree));
    }

    private static string Display(WorkStart start) => start.Kind == WorkStartKind.None
        ? OperationHelpers.ShortName(start.Site.Syntax)
        : start.DisplayName;

    /// <summary>
    /// The start sits under an <c>if</c> whose condition takes an atomic flag or a monitor
    /// (<c>Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0</c>, <c>Monitor.TryEnter</c>): one at a time.
    /// </summary>
    private static bool IsSingleFlight(IOperation statement, IOperation function, KnownSymbols types)
    {
        for (var current = statement.Parent; current is not null && !ReferenceEquals(current, function); current = current.Parent)
        {
            if (current is IConditionalOperation { Condition: { } condition })
            {
                foreach (var operation in condition.DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation { TargetMethod.ContainingType: { } type }
                        && (SymbolEqualityComparer.Default.Equals(type, types.Interlocked) || SymbolEqualityComparer.Default.Equals(type, types.Monitor)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
