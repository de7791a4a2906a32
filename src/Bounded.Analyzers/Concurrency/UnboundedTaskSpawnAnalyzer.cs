using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Concurrency;

/// <summary>BND1001: Task.Run, StartNew, Task.Start or a thread-pool work item started once per item with no limit.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedTaskSpawnAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnboundedTaskSpawn,
        title: "Unbounded Task.Run per item",
        message: "'{0}' starts work for every {1} with no limit on how many run at once; throttle it",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Warning,
        description: "Starting a task or thread-pool work item per item of an unbounded sequence lets the number of concurrent "
            + "work items, and the memory they hold, grow with the input. Gate the work with a SemaphoreSlim, "
            + "Parallel.ForEachAsync with MaxDegreeOfParallelism, or a bounded channel worker pool.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.Task is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var start = WorkStarts.Recognize(invocation, types);
        if (!start.IsPoolWork)
        {
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
        var where = repetition.Loop is not null ? "iteration of this loop" : "element passed to '" + repetition.PerElementCall!.TargetMethod.Name + "'";
        context.ReportDiagnostic(Diagnostic.Create(Rule, SquiggleLocation(invocation), properties, start.DisplayName, where));
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
