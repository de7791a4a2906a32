using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Bounded.Analyzers.Concurrency;

/// <summary>
/// BND1002: task-returning calls started per element and awaited together — <c>Task.WhenAll(items.Select(FooAsync))</c>,
/// <c>items.Select(async x => …).ToList()</c>, <c>tasks.Add(FooAsync(x))</c> in a loop followed by <c>WhenAll</c>.
/// Info by default (Warning under the strict preset), so it has an analyzer of its own.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedFanOutAnalyzer : DiagnosticAnalyzer
{
    public const string SelectShape = "Select";
    public const string LoopShape = "Loop";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnboundedAsyncFanOut,
        title: "Unbounded async fan-out",
        message: "'{0}' is started for every {1} and all of them run at once; limit the concurrency",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Info, // off by default: under half worth a look on two unseen sets (docs/precision.md); Warning in strict
        description: "Starting an asynchronous operation per element and awaiting them together runs as many operations "
            + "at once as the input has elements: connections, memory and the downstream service are all flooded on large "
            + "input. Limit the concurrency with a SemaphoreSlim or Parallel.ForEachAsync.",
        enabledByDefault: false);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.Task is null || types.Enumerable is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "Select")
        {
            AnalyzeSelect(context, invocation, types);
        }
        else if (!method.ReturnsVoid && (types.IsTaskType(method.ReturnType) || types.IsValueTaskType(method.ReturnType)))
        {
            AnalyzeCollectedCall(context, invocation, types);
        }
    }

    /// <summary><c>source.Select(x => FooAsync(x))</c> whose tasks are all started: awaited together or materialised.</summary>
    private static void AnalyzeSelect(OperationAnalysisContext context, IInvocationOperation select, KnownSymbols types)
    {
        if (!SymbolEqualityComparer.Default.Equals(select.TargetMethod.ContainingType, types.Enumerable)
            || select.Arguments.Length != 2
            || select.TargetMethod.TypeArguments.Length != 2
            || !IsTaskLike(select.TargetMethod.TypeArguments[1], types))
        {
            return;
        }

        var selector = select.Arguments[1].Value;
        var lambda = selector.AsLambda();
        if (lambda is not null && (ReturnsSpawn(lambda, types) || !StartsWork(lambda) || PerItemBounds.IgnoresItsElement(lambda)))
        {
            return; // Task.Run per element is BND1001; t => t starts nothing; _ => Worker() is a pool of workers
        }

        if (!IsStartedTogether(select, types))
        {
            return;
        }

        var limit = OptionCatalog.SmallLoopLimit.GetInteger(context.Options.AnalyzerConfigOptionsProvider, select.Syntax.SyntaxTree, RuleIds.UnboundedAsyncFanOut);
        if (PerItemBounds.IsBoundedSource(select.Arguments[0].Value, limit, types, depth: 0)
            || (lambda is not null && Limiters.IsGated(lambda.Body, null, types, context.CancellationToken)))
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Shape, SelectShape);
        context.ReportDiagnostic(Diagnostic.Create(Rule, OperationHelpers.CallNameLocation(select.Syntax), properties, WorkName(selector), "element passed to 'Select'"));
    }

    /// <summary><c>tasks.Add(FooAsync(x))</c> in a loop, with <c>tasks</c> awaited together later.</summary>
    private static void AnalyzeCollectedCall(OperationAnalysisContext context, IInvocationOperation call, KnownSymbols types)
    {
        // `LoadAsync(id).ContinueWith(...)`, `.AsTask()`, `.ConfigureAwait(...)`: judged by the call that starts the work.
        var started = StartedCall(call);
        var containing = started.TargetMethod.ContainingType?.OriginalDefinition;
        if (containing is null
            || SymbolEqualityComparer.Default.Equals(containing, types.Task)
            || SymbolEqualityComparer.Default.Equals(containing, types.GenericTask)
            || SymbolEqualityComparer.Default.Equals(containing, types.TaskFactory)
            || SymbolEqualityComparer.Default.Equals(containing, types.GenericTaskFactory)
            || Awaiting.StoredInto(call) is not { } holder)
        {
            return;
        }

        var repetition = Repetition.Find(call, types);
        if (repetition.Loop is null
            || !IsAwaitedTogether(holder, call, types)
            || !SpawnSites.IsUnbounded(call, repetition, work: null, RuleIds.UnboundedAsyncFanOut, context.Options, types, context.CancellationToken))
        {
            return;
        }

        // `DisposeAsync().AsTask()`: name the call that starts the work, underline from it to the stored task.
        if (started.TargetMethod.Name is "AsTask" or "ConfigureAwait")
        {
            return; // `pending.AsTask()` on a task that already exists starts nothing
        }

        var location = ReferenceEquals(started, call)
            ? OperationHelpers.CallNameLocation(call.Syntax)
            : Location.Create(call.Syntax.SyntaxTree, TextSpan.FromBounds(OperationHelpers.CallNameLocation(started.Syntax).SourceSpan.Start, call.Syntax.Span.End));
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Shape, LoopShape);
        context.ReportDiagnostic(Diagnostic.Create(Rule, location, properties, started.TargetMethod.Name, "iteration of this loop"));
    }

    /// <summary>
    /// The call under <c>.AsTask()</c>, <c>.ConfigureAwait(...)</c> and <c>.ContinueWith(...)</c>, which only wrap or
    /// follow the task it started.
    /// </summary>
    private static IInvocationOperation StartedCall(IInvocationOperation call)
    {
        while (call.TargetMethod.Name is "AsTask" or "ConfigureAwait" or "ContinueWith"
            && call.Instance?.WithoutConversions() is IInvocationOperation inner)
        {
            call = inner;
        }

        return call;
    }

    private static bool IsTaskLike(ITypeSymbol type, KnownSymbols types) => types.IsTaskType(type) || types.IsValueTaskType(type);

    /// <summary>An async lambda, or one whose returned task comes from a call or constructor (not an existing task).</summary>
    private static bool StartsWork(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol.IsAsync)
        {
            return true;
        }

        foreach (var operation in lambda.Body.Operations)
        {
            if (operation is IReturnOperation { ReturnedValue: { } returned }
                && returned.WithoutConversions() is IInvocationOperation or IObjectCreationOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A return of the lambda (in any branch, not in a nested function) hands back a Task.Run/StartNew call: the
    /// tasks are pool work per element, which BND1001 reports, so BND1002 does not report the same Select again.
    /// </summary>
    private static bool ReturnsSpawn(IAnonymousFunctionOperation lambda, KnownSymbols types) => ReturnsSpawn(lambda.Body, types);

    private static bool ReturnsSpawn(IOperation operation, KnownSymbols types)
    {
        foreach (var child in operation.ChildOperations)
        {
            if (child is IReturnOperation { ReturnedValue: { } returned }
                && returned.WithoutConversions() is IInvocationOperation inner
                && WorkStarts.Recognize(inner, types).IsPoolWork)
            {
                return true;
            }

            if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation) && ReturnsSpawn(child, types))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The Select's tasks all start: it is passed to WhenAll/WaitAll, materialised, or held in a local passed to WhenAll/WaitAll.</summary>
    private static bool IsStartedTogether(IInvocationOperation select, KnownSymbols types)
    {
        var parent = select.ParentSkippingConversions();
        if (parent is IArgumentOperation { Parent: IInvocationOperation consumer })
        {
            return IsWhenAllOrWaitAll(consumer.TargetMethod, types) || IsMaterializer(consumer.TargetMethod, types);
        }

        if (parent is IArgumentOperation { Parent: IObjectCreationOperation creation })
        {
            return creation.Type is INamedTypeSymbol created && SymbolEqualityComparer.Default.Equals(created.OriginalDefinition, types.List);
        }

        if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return IsAwaitedTogether(declarator.Symbol, select, types);
        }

        return false;
    }

    private static bool IsWhenAllOrWaitAll(IMethodSymbol method, KnownSymbols types) =>
        method.Name is "WhenAll" or "WaitAll" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Task);

    private static bool IsMaterializer(IMethodSymbol method, KnownSymbols types) =>
        method.Name is "ToArray" or "ToList" or "ToHashSet" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Enumerable);

    /// <summary>Some <c>Task.WhenAll</c>/<c>WaitAll</c> in the same function takes the local (directly or through ToArray/ToList).</summary>
    private static bool IsAwaitedTogether(ILocalSymbol local, IOperation anywhereInFunction, KnownSymbols types)
    {
        var root = anywhereInFunction.EnclosingFunction();
        if (root is null)
        {
            return false;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is IInvocationOperation all && IsWhenAllOrWaitAll(all.TargetMethod, types))
            {
                foreach (var argument in all.Arguments)
                {
                    if (Awaiting.References(argument.Value, local))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The called method's name for <c>x => FooAsync(x)</c> or a method group, else "the async lambda".</summary>
    private static string WorkName(IOperation selector)
    {
        if (selector.WithoutConversions() is IDelegateCreationOperation { Target: IMethodReferenceOperation reference })
        {
            return reference.Method.Name;
        }

        if (selector.AsLambda() is { Body.Operations: { Length: 1 } operations }
            && operations[0] is IReturnOperation { ReturnedValue: { } returned }
            && (returned.WithoutConversions() is IAwaitOperation awaited ? awaited.Operation : returned).WithoutConversions() is IInvocationOperation call)
        {
            return StartedCall(call).TargetMethod.Name;
        }

        return selector.AsLambda() is { Symbol.IsAsync: false } ? "the lambda" : "the async lambda";
    }
}
